#include "experiments/cli/linear_flags.hpp"

#include <cmath>
#include <stdexcept>

#include "experiments/cli/flags.hpp"
#include "experiments/report/limits.hpp"

namespace po = boost::program_options;

namespace experiments {

void add_linear_flags(po::options_description& flags, LinearFlags& f) {
  flags.add_options()("data", po::value(&f.data)->default_value(f.data),
                      "gas data: a UCI file (plain or .gz) or a folder of batchN.dat files")(
      "gas", po::value(&f.gas)->default_value(f.gas), "UCI gas class to keep (1 = ethanol)")(
      "normalize", po::value(&f.normalize)->default_value(f.normalize), "zscore|minmax|none")(
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

LinearConfig check_linear_flags(const LinearFlags& f, data::Normalization& normalization) {
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
  if (f.explain > 0 && c.rates.size() > 1)
    throw std::invalid_argument("--explain takes a single run apart; drop --lr-grid");
  normalization = data::parse_normalization(f.normalize);
  c.depth = f.depth;
  c.width = f.width;
  c.weight_decay = f.weight_decay;
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
