#include "experiments/cli/linear_flags.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "experiments/cli/flags.hpp"
#include "experiments/report/limits.hpp"

namespace po = boost::program_options;

namespace experiments {

namespace {

// An optional hyperparameter flag: stored in `target` only when given.
po::typed_value<double>* optional_value(std::optional<double>& target) {
  return po::value<double>()->notifier([&target](double v) { target = v; });
}

// The hyperparameter flags: name, the flag's value, the field of Hyperparameters, whether it is
// a decay rate in [0, 1) (else a value >= 0).
struct HyperparameterFlag {
  const char* name;  // as in optim::hyperparameter_names
  const char* flag;
  std::optional<double> LinearFlags::*value;
  std::optional<double> optim::Hyperparameters::*field;
  bool decay_rate;
};

const std::vector<HyperparameterFlag>& hyperparameter_flags() {
  using F = LinearFlags;
  using H = optim::Hyperparameters;
  static const std::vector<HyperparameterFlag> flags{
      {"momentum", "--momentum", &F::momentum, &H::momentum, true},
      {"beta1", "--beta1", &F::beta1, &H::beta1, true},
      {"beta2", "--beta2", &F::beta2, &H::beta2, true},
      {"eps", "--eps", &F::eps, &H::eps, false},
      {"rho", "--rho", &F::rho, &H::rho, true},
      {"initial_accumulator", "--initial-accumulator", &F::initial_accumulator,
       &H::initial_accumulator, false},
      {"initial_mean_square", "--initial-mean-square", &F::initial_mean_square,
       &H::initial_mean_square, false},
  };
  return flags;
}

}  // namespace

std::string describe_hyperparameters(optim::OptimizerKind kind, const optim::Hyperparameters& h) {
  std::string text;
  for (const optim::HyperparameterValue& v : optim::hyperparameter_values(kind, h))
    if (v.name != "weight_decay" || v.value != 0)
      text += (text.empty() ? "" : ", ") + v.name + " " + show(v.value);
  return std::string(optim::preset_name(h.preset)) + (text.empty() ? "" : ": " + text);
}

void add_linear_flags(po::options_description& flags, LinearFlags& f) {
  flags.add_options()("data", po::value(&f.data)->default_value(f.data),
                      "gas data: a UCI file (plain or .gz) or a folder of batchN.dat files")(
      "gas", po::value(&f.gas)->default_value(f.gas), "UCI gas class to keep (1 = ethanol)")(
      "normalize", po::value(&f.normalize)->default_value(f.normalize),
      "zscore|minmax|scale|none: the features (scale: to unit RMS, not centred); the target is "
      "z-scored, or raw with none")(
      "whiten", po::bool_switch(&f.whiten),
      "PCA-whiten the features after --normalize (their covariance becomes the identity)")(
      "p", po::value(&f.p)->default_value(f.p),
      "the loss exponent, an even integer (2 or 4 in the paper)")(
      "depth", po::value(&f.depth)->default_value(f.depth),
      ("N, the number of layers (1-" + std::to_string(max_depth) + ")").c_str())(
      "width", po::value(&f.width)->default_value(f.width), "hidden width of the network")(
      "optimizer", po::value(&f.optimizer)->default_value(f.optimizer),
      "gd|momentum|adagrad|adadelta|rmsprop|adam|e2e")("lr", po::value(&f.lr)->default_value(f.lr),
                                                       "learning rate")(
      "lr-grid", po::value(&f.lr_grid),
      "comma-separated rates: train each, keep the best (lowest "
      "final loss among runs that did not diverge)")(
      "weight-decay", po::value(&f.weight_decay)->default_value(f.weight_decay),
      "weight decay lambda of each layer")(
      "loss-scale", po::value(&f.loss_scale)->default_value(f.loss_scale),
      "mean: L = (1/m) sum r^p, the paper's; mean-over-p: (1/(p m)) sum r^p")(
      "optimizer-defaults", po::value(&f.optimizer_defaults)->default_value(f.optimizer_defaults),
      "tensorflow (the paper's framework) | pytorch: the constants of the optimizer's other "
      "hyperparameters")("momentum", optional_value(f.momentum), "momentum's mu (default 0.9)")(
      "beta1", optional_value(f.beta1), "Adam's beta1 (default 0.9)")(
      "beta2", optional_value(f.beta2), "Adam's beta2 (default 0.999)")(
      "eps", optional_value(f.eps),
      "eps of adagrad|adadelta|rmsprop|adam (default: the preset's, e.g. AdaGrad 0 in "
      "tensorflow, 1e-10 in pytorch)")("rho", optional_value(f.rho),
                                       "decay of adadelta|rmsprop (default: the preset's)")(
      "initial-accumulator", optional_value(f.initial_accumulator),
      "AdaGrad's starting sum of squares (tensorflow 0.1, pytorch 0)")(
      "initial-mean-square", optional_value(f.initial_mean_square),
      "RMSProp's starting E[g^2] (tensorflow 1, pytorch 0)")(
      "iterations", po::value(&f.iterations)->default_value(f.iterations), "training iterations")(
      "log-every", po::value(&f.log_every)->default_value(0),
      "log the loss every K iterations (0: about 2000 rows)")(
      "init", po::value(&f.init)->default_value(f.init), "normal|identity|balanced")(
      "init-std", po::value(&f.init_std)->default_value(f.init_std),
      "std of the normal init (balanced: of the end-to-end matrix)")(
      "seed", po::value(&f.seed)->default_value(f.seed), "random seed of the initialization")(
      "dtype", po::value(&f.dtype)->default_value(f.dtype), "float64|float32")(
      "explain", po::value(&f.explain)->default_value(0),
      "take the first K steps apart: the gradient, the end-to-end rule's predicted change and its "
      "pieces, the network's actual change, the balancedness gap")(
      "threads", po::value(&f.threads)->default_value(0),
      "threads of the data pass and of BLAS (0: OpenBLAS's default, one per core)")(
      "save-init", po::value(&f.save_init), "write the initial layers as W1.npy ... WN.npy here")(
      "load-init", po::value(&f.load_init), "read the initial layers W1.npy ... WN.npy from here")(
      "out", po::value(&f.out), "output folder (default: runs/linear-TIMESTAMP)")(
      "plot", po::bool_switch(), "draw loss.png (the default)")(
      "no-plot", po::bool_switch(&f.no_plot), "do not draw loss.png")(
      "progress", po::bool_switch(), "show a progress line on a terminal (the default)")(
      "no-progress", po::bool_switch(&f.no_progress), "no progress line");
}

LinearConfig check_linear_flags(const LinearFlags& f, data::Normalization& normalization,
                                LossScale& loss_scale) {
  // The loss sums |r|^p: past p = 16 it overflows or underflows a double for residuals away
  // from 1, and the optimum's Newton solve takes ever longer; theory curl has the same limit.
  constexpr int max_p = 16;
  if (f.p < 2 || f.p % 2 != 0 || f.p > max_p)
    throw std::invalid_argument("--p must be an even integer from 2 to " + std::to_string(max_p) +
                                ", got " + std::to_string(f.p));
  check_path_given("--data", f.data, "a gas file or folder");
  if (f.threads < 0) throw std::invalid_argument("--threads must be >= 0");
  LinearConfig c;
  c.rates = f.lr_grid.empty() ? std::vector<double>{f.lr} : parse_rates("--lr-grid", f.lr_grid);
  check_range("--depth", f.depth, 1, max_depth);
  check_range("--width", f.width, 1, max_width);
  check_positive("--lr", f.lr);
  if (!(f.weight_decay >= 0) || !std::isfinite(f.weight_decay))
    throw std::invalid_argument("--weight-decay must be >= 0, got " + show(f.weight_decay));
  check_positive("--init-std", f.init_std);
  if (f.iterations < 1 || f.iterations > max_iterations)  // a negative count wraps around
    throw std::invalid_argument("--iterations must be between 1 and " +
                                std::to_string(max_iterations));
  c.dtype = parse_dtype(f.dtype);
  c.init = nn::parse_init(f.init);
  if (f.explain > 0 && f.optimizer == "e2e") {
    throw std::invalid_argument(
        "--explain takes a network's step apart against the end-to-end rule; train the network "
        "(--optimizer gd), not the rule itself (e2e)");
  }
  c.optimizer = parse_optimizer(f.optimizer);
  loss_scale = parse_loss_scale(f.loss_scale);
  c.hyper.preset = parse_preset(f.optimizer_defaults);
  c.hyper.weight_decay = f.weight_decay;
  const std::vector<std::string> used = optim::hyperparameter_names(c.optimizer);
  for (const HyperparameterFlag& h : hyperparameter_flags()) {
    const std::optional<double>& value = f.*h.value;
    if (!value) continue;
    if (std::find(used.begin(), used.end(), h.name) == used.end()) {
      std::string takes;
      for (const std::string& name : used) {
        std::string flag = "--" + name;
        std::replace(flag.begin(), flag.end(), '_', '-');
        takes += (takes.empty() ? "" : ", ") + flag;
      }
      throw std::invalid_argument(std::string(h.flag) + " is not a hyperparameter of --optimizer " +
                                  f.optimizer + " (" + f.optimizer + " takes " +
                                  (takes.empty() ? "none but --lr and --weight-decay" : takes) +
                                  ")");
    }
    if (h.decay_rate && !(*value >= 0 && *value < 1))
      throw std::invalid_argument(std::string(h.flag) + " must be in [0, 1), got " + show(*value));
    if (!h.decay_rate && (!(*value >= 0) || !std::isfinite(*value)))
      throw std::invalid_argument(std::string(h.flag) + " must be >= 0, got " + show(*value));
    c.hyper.*h.field = value;
  }
  if (!used.empty()) {
    // What the optimizer's own contract refuses beyond each value's range (eps 0 where eps
    // divides, AdaGrad with eps and accumulator both 0), refused now rather than after loading.
    ad::Parameter<double> probe(ad::Tensor<double>({1}, {0.0}), "probe");
    const int depth = std::max(1, int(f.depth));
    optim::make_optimizer<double>(c.optimizer, {&probe}, 1.0, c.hyper, depth);
  }
  if (f.explain > 0 && c.rates.size() > 1)
    throw std::invalid_argument("--explain takes a single run apart; drop --lr-grid");
  normalization = data::parse_normalization(f.normalize);
  c.depth = f.depth;
  c.width = f.width;
  c.init_std = f.init_std;
  c.seed = f.seed;
  c.iterations = f.iterations;
  c.log_every = f.log_every;
  c.explain = f.explain;
  c.print_explain = f.explain > 0;
  c.progress = !f.no_progress;
  c.progress_label = c.rates.size() == 1 ? "train" : std::to_string(c.rates.size()) + " rates";
  return c;
}

void require_linear_memory(const LinearConfig& c, std::size_t rows, std::size_t features, int p) {
  require_memory(linear_training_bytes(c, rows, features, p),
                 "depth " + std::to_string(c.depth) + ", width " + std::to_string(c.width) +
                     (c.rates.size() > 1 ? ", " + std::to_string(c.rates.size()) + " rates" : "") +
                     ", " + std::to_string(features) + " features");
}

}  // namespace experiments
