// `overparam linear`: train a linear network (or the end-to-end rule) on l_p regression.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <limits>

#include "autodiff/blas.hpp"
#include "data_loaders/npy.hpp"
#include "experiments/cli/commands.hpp"
#include "experiments/cli/flags.hpp"
#include "experiments/linear/layers_io.hpp"
#include "experiments/linear/records.hpp"
#include "experiments/linear/trainer.hpp"
#include "experiments/report/files.hpp"
#include "experiments/report/interrupt.hpp"
#include "experiments/report/json.hpp"
#include "experiments/report/limits.hpp"
#include "experiments/report/plot.hpp"

namespace po = boost::program_options;

namespace experiments {

namespace {

// The flags of `overparam linear` as the user typed them (strings for the choices).
struct LinearFlags {
  std::string data = std::string(OVERPARAM_DATA_DIR) + "/gas/ethanol.dat.gz";
  std::string normalize = "zscore", optimizer = "gd", init = "normal", dtype = "float64";
  std::string lr_grid, save_init, load_init, out;
  int gas = 1, p = 2, threads = 0;
  double lr = 1e-3, weight_decay = 0, init_std = 0.01;
  std::size_t depth = 1, width = 1, iterations = 1000, log_every = 0, explain = 0;
  std::uint64_t seed = 0;
  bool no_plot = false, no_progress = false;
};

// The flags checked and turned into typed settings, in the order the messages have always
// come: the loss, threads, the rates, the model, the optimizer, the data, the memory.
LinearConfig check(const LinearFlags& f, data::Normalization& normalization) {
  if (f.p < 2 || f.p % 2 != 0)
    throw std::invalid_argument("--p must be an even integer >= 2, got " + std::to_string(f.p));
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
  // Per model and parameter: its value, gradient and up to two optimizer slots in the dtype,
  // and the initial and final layers kept as float64 for the output files.
  const double d = 128 /* the gas features */, w = double(f.width), n = double(f.depth);
  const double parameters = f.depth == 1 ? d : d * w + (n - 2) * w * w + w;
  const double bytes_per = 4.0 * (c.dtype == DType::float32 ? 4 : 8) + 16;
  require_memory(double(c.rates.size()) * parameters * bytes_per,
                 "depth " + std::to_string(f.depth) + ", width " + std::to_string(f.width) +
                     (c.rates.size() > 1 ? ", " + std::to_string(c.rates.size()) + " rates" : ""));
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

Json settings_json(const LinearFlags& f, const LinearConfig& c) {
  Json s;
  s["data"] = f.data;
  s["gas"] = f.gas;
  s["normalize"] = f.normalize;
  s["p"] = f.p;
  s["depth"] = c.depth;
  s["width"] = c.width;
  s["optimizer"] = optim::optimizer_name(c.optimizer);
  s["lr"] = f.lr;
  s["lr_grid"] = c.rates;
  s["weight_decay"] = c.weight_decay;
  s["iterations"] = c.iterations;
  s["log_every"] = c.log_every ? c.log_every : default_log_every(c.iterations);
  s["init"] = nn::init_name(c.init);
  s["init_std"] = c.init_std;
  s["seed"] = c.seed;
  s["dtype"] = dtype_name(c.dtype);
  s["threads"] = f.threads;
  s["load_init"] = f.load_init;
  return s;
}

}  // namespace

int run_linear(int argc, char** argv) {
  LinearFlags f;
  bool plot_switch = true;
  po::options_description flags(
      "overparam linear: train a linear model (a depth-N linear network, or the paper's\n"
      "end-to-end rule) on l_p regression over the UCI gas sensor ethanol data\n\n"
      "Usage: overparam linear [OPTIONS]\n\nOptions");
  flags.add_options()("help,h", "print this help")(
      "data", po::value(&f.data)->default_value(f.data),
      "gas data: a UCI file (plain or .gz) or a folder of batchN.dat files")(
      "gas", po::value(&f.gas)->default_value(f.gas), "UCI gas class to keep (1 = ethanol)")(
      "normalize", po::value(&f.normalize)->default_value(f.normalize), "zscore|minmax|none")(
      "p", po::value(&f.p)->default_value(f.p),
      "the loss exponent, an even integer (2 or 4 in the paper)")(
      "depth", po::value(&f.depth)->default_value(f.depth),
      ("N, the number of layers (1-" + std::to_string(max_depth) + ")").c_str())(
      "width", po::value(&f.width)->default_value(f.width), "hidden width of the network")(
      "optimizer", po::value(&f.optimizer)->default_value(f.optimizer),
      "gd|momentum|adagrad|adadelta|rmsprop|adam|e2e")(
      "lr", po::value(&f.lr)->default_value(f.lr), "learning rate")(
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
      "threads", po::value(&f.threads)->default_value(0), "BLAS threads (0: OpenBLAS's default)")(
      "save-init", po::value(&f.save_init), "write the initial layers as W1.npy ... WN.npy here")(
      "load-init", po::value(&f.load_init), "read the initial layers W1.npy ... WN.npy from here")(
      "out", po::value(&f.out), "output folder (default: runs/linear-TIMESTAMP)")(
      "plot", po::bool_switch(&plot_switch), "draw loss.png (the default)")(
      "no-plot", po::bool_switch(&f.no_plot), "do not draw loss.png")(
      "progress", po::bool_switch(), "show a progress line on a terminal (the default)")(
      "no-progress", po::bool_switch(&f.no_progress), "no progress line");
  po::variables_map vm;
  if (const int stop = parse_flags("linear", argc, argv, flags, vm); stop >= 0) return stop;
  const bool plot = !f.no_plot;
  LinearConfig c;
  data::Normalization normalization{};
  try {
    c = check(f, normalization);
  } catch (const std::invalid_argument& e) {
    std::cerr << "overparam linear: " << e.what() << "\n";
    return 2;
  }
  ad::blas::set_num_threads(f.threads);
  const Problem problem = load_problem(f.data, f.gas, normalization, f.p);
  if (!f.load_init.empty())
    c.initial_layers = load_layers(f.load_init, c.depth, problem.x.cols(), c.width,
                                   problem.y.cols());
  // Only now, with the data and the layers read, the output folder: a refused run leaves none.
  std::string out = f.out;
  if (out.empty())
    out = new_run_dir("runs/linear");
  else
    make_output_dir(out);
  std::printf("data: %s (%zu rows, %zu features, %s), l_%d loss, L* = %.10e\n",
              problem.source.c_str(), problem.x.rows(), problem.x.cols(), f.normalize.c_str(),
              f.p, problem.l_star);
  std::printf("model: depth %zu, width %zu, init %s (std %g), optimizer %s, %zu iterations, %s\n",
              c.depth, c.width, nn::init_name(c.init), c.init_std,
              optim::optimizer_name(c.optimizer), c.iterations, dtype_name(c.dtype));

  const std::vector<double>& rates = c.rates;
  std::vector<LinearResult> results = train_linear(problem, c);
  if (!f.save_init.empty()) save_layers(f.save_init, results[0].initial_layers);
  std::vector<Series> curves;
  Json grid = Json::array();
  for (std::size_t i = 0; i < rates.size(); ++i) {
    const LinearResult& r = results[i];
    std::printf("lr %-10s final loss %.10e  distance %.4e  %s\n", show(rates[i]).c_str(),
                r.final_loss, r.final_loss - problem.l_star,
                r.diverged ? ("DIVERGED at iteration " + std::to_string(r.diverged_at)).c_str()
                : r.interrupted
                    ? ("interrupted at iteration " + std::to_string(r.iterations_done)).c_str()
                    : "");
    const std::string csv_name =
        rates.size() == 1 ? "losses.csv" : "losses_lr" + show(rates[i]) + ".csv";
    losses_csv(r, problem.l_star).write(out + "/" + csv_name);
    curves.push_back(distance_series(
        "lr " + show(rates[i]) + (r.diverged ? " (diverged)" : ""), r, problem.l_star));
    Json entry;
    entry["lr"] = rates[i];
    entry["final_loss"] = r.final_loss;
    entry["distance"] = r.final_loss - problem.l_star;
    entry["diverged"] = r.diverged;
    entry["diverged_at"] = r.diverged ? (long long)r.diverged_at : -1LL;
    entry["interrupted"] = r.interrupted;
    entry["csv"] = csv_name;
    entry["wall_seconds"] = r.wall_seconds;
    grid.push_back(entry);
  }

  const std::size_t best = best_run(results);
  const bool all_diverged = best == rates.size();
  const LinearResult& chosen = results[all_diverged ? 0 : best];
  if (rates.size() > 1 && !all_diverged) {
    losses_csv(chosen, problem.l_star).write(out + "/losses.csv");
    std::printf("best lr: %s\n", show(rates[best]).c_str());
  }
  const auto& final_layers = chosen.final_layers;
  const bool e2e = c.optimizer == optim::OptimizerKind::e2e;
  if (e2e) {
    data::write_npy(out + "/W.npy",
                    std::vector<double>(final_layers[0].begin(), final_layers[0].end()),
                    {final_layers[0].rows(), final_layers[0].cols()});
  } else {
    save_layers(out, final_layers);
  }

  Json run;
  run["version"] = OVERPARAM_VERSION;
  run["command"] = "linear";
  run["settings"] = settings_json(f, c);
  run["rows"] = problem.x.rows();
  run["features"] = problem.x.cols();
  run["l_star"] = problem.l_star;
  run["final_loss"] = chosen.final_loss;
  run["final_distance"] = chosen.final_loss - problem.l_star;
  run["diverged"] = chosen.diverged;
  run["diverged_at"] = chosen.diverged ? (long long)chosen.diverged_at : -1LL;
  run["interrupted"] = interrupted() != 0;
  run["iterations"] = chosen.iterations_done;
  run["best_lr"] = all_diverged ? std::numeric_limits<double>::quiet_NaN() : rates[best];
  run["wall_seconds"] = chosen.wall_seconds;
  run["grid"] = grid;
  write_json(out + "/run.json", run);

  if (plot) {
    PlotOptions o;
    o.title = "l_" + std::to_string(f.p) + " regression, depth " + std::to_string(c.depth) + ", " +
              optim::optimizer_name(c.optimizer);
    o.ylabel = "L - L* (distance from optimum)";
    plot_png(out + "/loss.png", curves, o);
  }
  std::printf("wrote %s/ (losses.csv, run.json, %s%s)\n", out.c_str(),
              e2e ? "W.npy" : "W1.npy ...", plot ? ", loss.png" : "");
  if (interrupted()) {
    std::fprintf(stderr,
                 "overparam linear: interrupted at iteration %zu of %zu; the rows so far "
                 "are in %s/\n",
                 chosen.iterations_done, c.iterations, out.c_str());
    return interrupted_exit_code();
  }
  if (all_diverged) {
    std::fprintf(stderr, "overparam linear: every run diverged; try a smaller --lr\n");
    return 3;
  }
  return 0;
}

}  // namespace experiments
