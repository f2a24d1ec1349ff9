#include "experiments/cli/flags.hpp"

#include <cmath>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <thread>

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

// Boost's message with every long or unprintable argument it quotes shown as an excerpt: a
// 100 KB value is not echoed whole, and no raw control byte reaches the terminal.
std::string shortened(std::string message, int argc, char** argv) {
  for (int i = 0; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.empty() || excerpt(arg) == arg) continue;
    const std::string shown = excerpt(arg);
    for (std::size_t at = 0; (at = message.find(arg, at)) != std::string::npos;) {
      message.replace(at, arg.size(), shown);
      at += shown.size();
    }
  }
  std::string printable;  // a piece of an argument Boost quotes alone (a value after '=')
  for (const char c : message) {
    const auto u = static_cast<unsigned char>(c);
    printable += u < 0x20 || u == 0x7f ? excerpt(std::string(1, c)) : std::string(1, c);
  }
  return printable.size() > 400 ? printable.substr(0, 400) + "..." : printable;
}

}  // namespace

std::string excerpt(const std::string& token) {
  constexpr std::size_t max_shown = 40;
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < token.size() && i < max_shown; ++i) {
    const auto c = static_cast<unsigned char>(token[i]);
    if (c < 0x20 || c == 0x7f) {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += char(c);
    }
  }
  if (token.size() > max_shown) out += "... (" + std::to_string(token.size()) + " bytes)";
  return out;
}

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
    std::cerr << "overparam " << command << ": "
              << shortened(error_message(e, argc, argv, all, positional), argc, argv)
              << "\n(see 'overparam " << command << " --help')\n";
    return 2;
  }
  if (vm.count("help")) {
    std::cout << flags << "\n";
    return 0;
  }
  return -1;
}

std::string show(double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", value);
  return buf;
}

std::vector<double> parse_rates(const std::string& flag, const std::string& text) {
  std::vector<double> rates;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    std::size_t used = 0;
    double v = 0;
    try {
      v = std::stod(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != item.size() || !(v > 0) || !std::isfinite(v)) {
      throw std::invalid_argument(flag + ": '" + excerpt(item) +
                                  "' is not a positive number (expected e.g. 1e-3,5e-3,1e-2)");
    }
    rates.push_back(v);
  }
  if (rates.empty()) throw std::invalid_argument(flag + ": no rates given");
  return rates;
}

optim::OptimizerKind parse_optimizer(const std::string& name) {
  std::string all;
  for (int k = 0; k <= int(optim::OptimizerKind::e2e); ++k) {
    const auto kind = static_cast<optim::OptimizerKind>(k);
    if (name == optim::optimizer_name(kind)) return kind;
    all += std::string(k ? "|" : "") + optim::optimizer_name(kind);
  }
  throw std::invalid_argument("--optimizer must be one of " + all + ", not '" + name + "'");
}

DType parse_dtype(const std::string& name) {
  if (name == "float64") return DType::float64;
  if (name == "float32") return DType::float32;
  throw std::invalid_argument("--dtype must be float64 or float32, not '" + name + "'");
}

LossScale parse_loss_scale(const std::string& name) {
  for (auto s : {LossScale::mean, LossScale::mean_over_p})
    if (name == loss_scale_name(s)) return s;
  throw std::invalid_argument("--loss-scale must be mean or mean-over-p, not '" + excerpt(name) +
                              "'");
}

optim::Preset parse_preset(const std::string& name) {
  for (auto p : {optim::Preset::tensorflow, optim::Preset::pytorch})
    if (name == optim::preset_name(p)) return p;
  throw std::invalid_argument("--optimizer-defaults must be tensorflow or pytorch, not '" +
                              excerpt(name) + "'");
}

void add_figure_flags(boost::program_options::options_description& flags, FigureFlags& f,
                      const std::string& seeds_help) {
  namespace po = boost::program_options;
  flags.add_options()(
      "normalize", po::value(&f.normalize)->default_value(f.normalize),
      "zscore|minmax|scale|none: the features (scale: to unit RMS, not centred); the target is "
      "z-scored, or raw with none")("whiten", po::bool_switch(&f.whiten),
                                    "PCA-whiten the features after --normalize")(
      "loss-scale", po::value(&f.loss_scale)->default_value(f.loss_scale),
      "mean: L = (1/m) sum r^p, the paper's; mean-over-p: (1/(p m)) sum r^p")(
      "optimizer-defaults", po::value(&f.optimizer_defaults)->default_value(f.optimizer_defaults),
      "tensorflow (the paper's framework) | pytorch: the optimizers' other constants")(
      "iterations", po::value(&f.iterations),
      "every linear run's horizon (default: the paper's, or --quick's)")(
      "lr-grid", po::value(&f.lr_grid),
      "rates for every curve that searches a grid (default: the paper's 1e-5,5e-5,...,5e-1)")(
      "width", po::value(&f.width),
      "hidden width of every network of depth >= 2 (not the emulation figure's)")(
      "seeds", po::value(&f.seeds), seeds_help.c_str());
}

FigureSettings check_figure_flags(const boost::program_options::variables_map& vm,
                                  const FigureFlags& f) {
  FigureSettings s;
  s.normalization = data::parse_normalization(f.normalize);
  s.whiten = f.whiten;
  s.conventions = {parse_loss_scale(f.loss_scale), parse_preset(f.optimizer_defaults)};
  FigureOverrides& o = s.overrides;
  if (vm.count("seeds")) {
    check_range("--seeds", f.seeds, 1, max_seeds);
    o.seeds = f.seeds;
  }
  if (vm.count("iterations")) {
    if (f.iterations < 1 || f.iterations > max_iterations)
      throw std::invalid_argument("--iterations must be between 1 and " +
                                  std::to_string(max_iterations));
    o.iterations = f.iterations;
  }
  if (vm.count("lr-grid")) o.lr_grid = parse_rates("--lr-grid", f.lr_grid);
  if (vm.count("width")) {
    check_range("--width", f.width, 1, max_width);
    o.width = f.width;
  }
  return s;
}

ad::ConvAlgorithm parse_conv(const std::string& name) {
  for (auto a : {ad::ConvAlgorithm::automatic, ad::ConvAlgorithm::im2col, ad::ConvAlgorithm::fast})
    if (name == ad::to_string(a)) return a;
  throw std::invalid_argument("--conv must be automatic, im2col or fast, not '" + name + "'");
}

void check_range(const std::string& flag, std::size_t value, std::size_t lo, std::size_t hi) {
  if (value < lo || value > hi)
    throw std::invalid_argument(flag + " must be between " + std::to_string(lo) + " and " +
                                std::to_string(hi) + ", got " + std::to_string(value));
}

void check_path_given(const std::string& flag, const std::string& path, const std::string& what) {
  if (path.empty()) throw std::invalid_argument(flag + " needs " + what + ", got an empty name");
}

void check_positive(const std::string& flag, double value) {
  if (!(value > 0) || !std::isfinite(value))
    throw std::invalid_argument(flag + " must be a positive number, got " + show(value));
}

std::string default_gas_data() {
  return std::string(OVERPARAM_DATA_DIR) + "/gas/ethanol.dat.gz";
}

int default_jobs() {
  return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace experiments
