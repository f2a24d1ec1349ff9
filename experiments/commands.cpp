#include "experiments/commands.hpp"

#include "experiments/cli/theory_command.hpp"
#include "experiments/figures.hpp"
#include "experiments/linear.hpp"
#include "experiments/mnist.hpp"
#include "experiments/tape_command.hpp"

#include <iostream>
#include <string>
#include <vector>

namespace experiments {

namespace po = boost::program_options;

namespace {

// Parses the arguments and stores their values in `vm`: every step that reads the user's tokens,
// and so every step whose po::error message can hold them.
void parse_and_store(int argc, char** argv, const po::options_description& all,
                     const po::positional_options_description* positional, po::variables_map& vm) {
  po::command_line_parser parser(argc, argv);
  parser.options(all);
  if (positional != nullptr) parser.positional(*positional);
  const po::parsed_options parsed = parser.run();
  // A count (std::size_t) given as "-1" would wrap around to 18446744073709551615 and be
  // refused by a range check that shows that number; refuse the sign itself.
  for (const po::option& option : parsed.options) {
    const po::option_description* d = all.find_nothrow(option.string_key, false);
    if (d == nullptr || !dynamic_cast<const po::typed_value<std::size_t>*>(d->semantic().get()))
      continue;
    for (const std::string& value : option.value)
      if (value.find('-') != std::string::npos)
        throw po::error("--" + option.string_key + " must be a whole number >= 0, got '" + value +
                        "'");
  }
  po::store(parsed, vm);
}

// The message of the error that parsing these arguments raised. Boost.Program_options writes it
// by replacing placeholders such as %canonical_option% with the user's own tokens, in a loop that
// never ends when a token holds the placeholder itself: `overparam linear -%canonical_option%`
// hung (found by tests/fuzz/fuzz_cli.cpp). So when an argument holds a '%', the message comes
// from parsing a copy of the arguments with each '%' shown as '?', which fails the same way. (If
// that copy parses, the error came from po::notify(), whose messages hold no user token.)
std::string error_message(const po::error& e, int argc, char** argv,
                          const po::options_description& all,
                          const po::positional_options_description* positional) {
  std::vector<std::string> shown(argv, argv + argc);
  bool has_percent = false;
  for (std::string& arg : shown) {
    for (char& c : arg) {
      if (c == '%') {
        c = '?';
        has_percent = true;
      }
    }
  }
  if (!has_percent) return e.what();
  std::vector<char*> shown_argv;
  for (std::string& arg : shown) shown_argv.push_back(arg.data());
  shown_argv.push_back(nullptr);
  try {
    po::variables_map ignored;
    parse_and_store(argc, shown_argv.data(), all, positional, ignored);
  } catch (const po::error& again) {
    return std::string(again.what()) + " (each '%' in the arguments shown as '?')";
  }
  return e.what();
}

}  // namespace

int parse_flags(const std::string& command, int argc, char** argv,
                const po::options_description& flags, po::variables_map& vm,
                const po::options_description* hidden,
                const po::positional_options_description* positional) {
  po::options_description all;
  all.add(flags);
  if (hidden != nullptr) all.add(*hidden);
  try {
    parse_and_store(argc, argv, all, positional, vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "overparam " << command << ": " << error_message(e, argc, argv, all, positional)
              << "\n(see 'overparam " << command << " --help')\n";
    return 2;
  }
  if (vm.count("help")) {
    std::cout << flags << "\n";
    return 0;
  }
  return -1;
}

const std::vector<Command>& commands() {
  static const std::vector<Command> all = {
      {"linear", "train a linear network (or the end-to-end rule) on l_p regression, gas data",
       run_linear},
      {"figure", "reproduce one of the paper's figures (--quick: in a minute)", run_figure_command},
      {"reproduce", "run every figure and write docs/REPRODUCTION.md with verdicts", run_reproduce},
      {"lsq", "least squares by gradient descent on a synthetic problem (a first look at the tape)",
       run_lsq},
      {"mnist", "train the MNIST tutorial convnet, or its overparameterized variant", run_mnist},
      {"mnist-figure", "the paper's last figure: both MNIST convnets on one plot (--quick)",
       run_mnist_figure},
      {"tape", "record a small example on the tape and write its graph (Graphviz DOT / PNG)",
       run_tape},
      {"theory", "the theory made visible: curl (no regularizer gives depth's update), toy",
       run_theory},
  };
  return all;
}

}  // namespace experiments
