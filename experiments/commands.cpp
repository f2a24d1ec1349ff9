#include "experiments/commands.hpp"

#include "experiments/figures.hpp"
#include "experiments/linear.hpp"
#include "experiments/mnist.hpp"
#include "experiments/tape_command.hpp"
#include "experiments/theory.hpp"

#include <iostream>

namespace experiments {

namespace po = boost::program_options;

int parse_flags(const std::string& command, int argc, char** argv,
                const po::options_description& flags, po::variables_map& vm,
                const po::options_description* hidden,
                const po::positional_options_description* positional) {
  po::options_description all;
  all.add(flags);
  if (hidden != nullptr) all.add(*hidden);
  try {
    po::command_line_parser parser(argc, argv);
    parser.options(all);
    if (positional != nullptr) parser.positional(*positional);
    po::store(parser.run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "overparam " << command << ": " << e.what() << "\n(see 'overparam " << command
              << " --help')\n";
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
