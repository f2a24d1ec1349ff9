#include "experiments/linear.hpp"

#include <boost/program_options.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <limits>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "autodiff/autodiff.hpp"
#include "data_loaders/gas.hpp"
#include "data_loaders/npy.hpp"
#include "experiments/commands.hpp"
#include "experiments/interrupt.hpp"
#include "experiments/limits.hpp"
#include "experiments/optimum.hpp"
#include "experiments/output.hpp"
#include "experiments/progress.hpp"
#include "nn/deep_linear.hpp"
#include "optim/e2e.hpp"
#include "optim/factory.hpp"

namespace po = boost::program_options;

namespace experiments {

// ---- the problem ----------------------------------------------------------------------------

Problem load_problem(const std::string& path, int gas_class, const std::string& normalization,
                     int p) {
  data::Dataset ds = data::load_gas(path, gas_class);
  data::normalize(ds, data::parse_normalization(normalization));
  Problem problem;
  problem.x = ad::Tensor<double>({ds.rows, ds.features}, ds.x);
  problem.y = ad::Tensor<double>({ds.rows, 1}, ds.y);
  problem.p = p;
  problem.l_star = lp_optimum(ds.x, ds.y, ds.rows, ds.features, p).loss;
  problem.source = ds.source;
  problem.normalization = normalization;
  return problem;
}

// ---- configuration --------------------------------------------------------------------------

std::size_t default_log_every(std::size_t iterations) {
  return std::max<std::size_t>(1, iterations / 2000);
}

void validate_config(const LinearConfig& c) {
  auto fail = [](const std::string& why) { throw std::invalid_argument(why); };
  auto show = [](double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return std::string(buf);
  };
  if (c.depth < 1 || c.depth > nn::DeepLinear<double>::max_depth)
    fail("--depth must be between 1 and 16, got " + std::to_string(c.depth));
  if (c.width < 1 || c.width > 4096)
    fail("--width must be between 1 and 4096, got " + std::to_string(c.width));
  if (!(c.lr > 0) || !std::isfinite(c.lr))
    fail("--lr must be a positive number, got " + show(c.lr));
  if (!(c.weight_decay >= 0) || !std::isfinite(c.weight_decay))
    fail("--weight-decay must be >= 0, got " + show(c.weight_decay));
  if (!(c.init_std > 0) || !std::isfinite(c.init_std))
    fail("--init-std must be a positive number, got " + show(c.init_std));
  if (c.iterations < 1 || c.iterations > 100'000'000)  // a negative count wraps around: too big
    fail("--iterations must be between 1 and 100000000");
  if (c.dtype != "float64" && c.dtype != "float32")
    fail("--dtype must be float64 or float32, not '" + c.dtype + "'");
  nn::parse_init(c.init);
  if (c.explain > 0 && c.optimizer == "e2e") {
    fail(
        "--explain takes a network's step apart against the end-to-end rule; train the network "
        "(--optimizer gd), not the rule itself (e2e)");
  }
  if (c.optimizer != "e2e") {
    const auto& names = optim::optimizer_names();
    if (std::find(names.begin(), names.end(), c.optimizer) == names.end()) {
      std::string all;
      for (const auto& n : names) all += n + "|";
      fail("--optimizer must be one of " + all + "e2e, not '" + c.optimizer + "'");
    }
  }
}

// ---- initial layers -------------------------------------------------------------------------

void save_layers(const std::string& dir, const std::vector<ad::Tensor<double>>& layers) {
  make_output_dir(dir);
  for (std::size_t j = 0; j < layers.size(); ++j) {
    const auto& w = layers[j];
    data::write_npy(dir + "/W" + std::to_string(j + 1) + ".npy",
                    std::vector<double>(w.begin(), w.end()), {w.rows(), w.cols()});
  }
}

std::vector<ad::Tensor<double>> load_layers(const std::string& dir, std::size_t depth,
                                            std::size_t input_dim, std::size_t width,
                                            std::size_t output_dim) {
  std::vector<ad::Tensor<double>> layers;
  for (std::size_t j = 0; j < depth; ++j) {
    const std::string path = dir + "/W" + std::to_string(j + 1) + ".npy";
    const data::NpyArray a = data::read_npy(path);
    const std::size_t in = j == 0 ? input_dim : width;
    const std::size_t out = j + 1 == depth ? output_dim : width;
    if (a.shape.size() != 2 || a.shape[0] != out || a.shape[1] != in) {
      std::string got = "(";
      for (std::size_t i = 0; i < a.shape.size(); ++i)
        got += (i ? "," : "") + std::to_string(a.shape[i]);
      throw std::invalid_argument(path + ": shape " + got + "), but layer " +
                                  std::to_string(j + 1) + " of this depth-" +
                                  std::to_string(depth) + " network is (" + std::to_string(out) +
                                  "," + std::to_string(in) + ")");
    }
    for (std::size_t i = 0; i < a.data.size(); ++i) {
      if (!std::isfinite(a.data[i]))
        throw std::invalid_argument(path + ": element " + std::to_string(i) + " is " +
                                    std::to_string(a.data[i]) +
                                    "; initial layers must hold finite numbers");
    }
    layers.emplace_back(ad::Shape{out, in}, a.data);
  }
  return layers;
}

// ---- training -------------------------------------------------------------------------------

namespace {

// One model of a grid: a network (or, for e2e, one matrix) and its optimizer.
template <typename T>
struct Model {
  std::unique_ptr<nn::DeepLinear<T>> net;
  std::unique_ptr<ad::Parameter<T>> end_to_end;  // e2e only
  std::unique_ptr<optim::Optimizer<T>> opt;
  LinearResult result;
  bool done = false;
};

// Trains one model per rate, all from the same initialization, together: each iteration stacks
// the models' end-to-end matrices into V [K·k, d] and meets the data once, in one pass over X
// that computes every model's loss and gradient (ad::LpRegression; for p = 2 from XᵀX, without
// a pass), where K separate runs would make 2K passes. The models do not interact, and the fused
// op's arithmetic does not depend on the stack, so each one follows exactly the path of a run of
// its own (bit for bit).
// A model that diverges leaves the stack; the others go on.
template <typename T>
std::vector<LinearResult> train(const Problem& problem, const LinearConfig& c,
                                const std::vector<double>& rates) {
  const auto start = std::chrono::steady_clock::now();
  const std::size_t d = problem.x.cols(), k = problem.y.cols();
  const ad::Tensor<T> X = problem.x.template cast<T>();
  const bool e2e = c.optimizer == "e2e";

  nn::DeepLinearOptions o;
  o.input_dim = d;
  o.output_dim = k;
  o.depth = c.depth;
  o.width = c.width;
  o.init = nn::parse_init(c.init);
  o.init_std = c.init_std;
  o.seed = c.seed;
  std::vector<ad::Tensor<double>> loaded;
  if (!c.load_init.empty()) loaded = load_layers(c.load_init, c.depth, d, c.width, k);

  std::vector<Model<T>> models(rates.size());
  for (std::size_t i = 0; i < rates.size(); ++i) {
    Model<T>& model = models[i];
    model.net = std::make_unique<nn::DeepLinear<T>>(o);
    for (std::size_t j = 0; j < loaded.size(); ++j)
      model.net->layer(j).value() = loaded[j].template cast<T>();
    for (auto* p : model.net->parameters())
      model.result.initial_layers.push_back(p->value().template cast<double>());
    if (e2e) {  // the rule trains one matrix, started at the network's end-to-end product
      model.end_to_end = std::make_unique<ad::Parameter<T>>(model.net->end_to_end(), "W");
      model.opt = std::make_unique<optim::EndToEnd<T>>(
          std::vector<ad::Parameter<T>*>{model.end_to_end.get()},
          optim::EndToEndOptions{
              .lr = rates[i], .depth = int(c.depth), .weight_decay = c.weight_decay});
    } else {
      model.opt =
          optim::make_optimizer<T>(c.optimizer, model.net->parameters(), rates[i], c.weight_decay);
    }
  }

  const std::size_t log_every = c.log_every ? c.log_every : default_log_every(c.iterations);
  const bool single = rates.size() == 1;
  Progress progress(c.progress_label, c.iterations, c.progress && c.explain == 0);
  const ad::Tensor<T> Y1 = problem.y.template cast<T>();
  std::unique_ptr<StepExplainer<T>> explainer;
  if (single && c.explain > 0) {
    explainer = std::make_unique<StepExplainer<T>>(*models[0].net, X, Y1, problem.p, rates[0],
                                                   c.weight_decay, c.optimizer == "gd");
  }

  std::vector<std::size_t> active;  // the models still training, in stack order
  for (std::size_t i = 0; i < models.size(); ++i) active.push_back(i);

  const ad::LpRegression<T> regression(X, Y1, problem.p);  // for p = 2, XᵀX etc. once
  ad::Tape<T> tape;
  for (std::size_t it = 0; !active.empty(); ++it) {
    // Forward: V = [W_e of each active model] [K·k, d], and every model's loss
    // L[a] = Σ (X·V_aᵀ - y)^p / (p·m), in one pass over X: losses [K].
    tape.clear();
    std::vector<ad::Var<T>> rows;
    for (std::size_t i : active)
      rows.push_back(e2e ? tape.param(*models[i].end_to_end)
                         : models[i].net->record_end_to_end(tape));
    auto v = rows.size() == 1 ? rows[0] : ad::stack_rows(rows);
    auto losses = regression.losses(v);

    bool changed = false;
    const bool stop = interrupted() != 0;  // Ctrl-C: log this iteration and end every run here
    for (std::size_t a = 0; a < active.size(); ++a) {
      Model<T>& model = models[active[a]];
      const double value = double(losses.value()[a]);
      const bool diverged = !std::isfinite(value) || value > divergence_threshold;
      if (it % log_every == 0 || it == c.iterations || diverged || stop) {
        if (!model.result.iteration.empty() && model.result.iteration.back() == it) {
          model.result.loss.back() = value;  // this iteration again, after the stack shrank
        } else {
          model.result.iteration.push_back(it);
          model.result.loss.push_back(value);
        }
      }
      model.result.final_loss = value;
      model.result.iterations_done = it;
      if (diverged) {
        model.result.diverged = true;
        model.result.diverged_at = it;
      }
      if (stop && !diverged && it < c.iterations) model.result.interrupted = true;
      if (diverged || it == c.iterations || stop) {
        model.done = true;
        changed = true;
      }
    }
    progress.update(it, models[active[0]].result.final_loss);
    if (changed) {  // finished models leave the stack before their (meaningless) step
      std::vector<std::size_t> still;
      for (std::size_t i : active)
        if (!models[i].done) still.push_back(i);
      if (still.empty()) break;
      if (still.size() != active.size()) {
        // Recompute with the survivors only: their gradients must not see the others' rows.
        active = std::move(still);
        --it;
        continue;
      }
    }

    // Backward and one step of every optimizer. The models share no parameter, so the gradient
    // of the summed loss with respect to model i's parameters is the gradient of its own loss.
    for (std::size_t i : active) models[i].opt->zero_grad();
    tape.backward(ad::sum(losses));
    const bool explain = explainer && it < c.explain;
    if (explain) explainer->before(it, models[0].result.final_loss);
    for (std::size_t i : active) models[i].opt->step();
    if (explain) {
      models[0].result.explained.push_back(explainer->after());
      if (c.print_explain) print_explain(stdout, models[0].result.explained.back());
    }
  }
  progress.finish();

  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::vector<LinearResult> results;
  for (Model<T>& model : models) {
    if (e2e) {
      model.result.final_layers = {model.end_to_end->value().template cast<double>()};
    } else {
      for (auto* p : model.net->parameters())
        model.result.final_layers.push_back(p->value().template cast<double>());
    }
    model.result.wall_seconds = seconds;
    results.push_back(std::move(model.result));
  }
  return results;
}

}  // namespace

std::vector<LinearResult> train_linear_grid(const Problem& problem, const LinearConfig& config,
                                            const std::vector<double>& rates) {
  validate_config(config);
  if (rates.empty()) throw std::invalid_argument("train_linear_grid: no learning rates");
  for (double lr : rates) {
    LinearConfig one = config;
    one.lr = lr;
    validate_config(one);
  }
  if (config.explain > 0 && rates.size() > 1)
    throw std::invalid_argument("--explain takes a single run apart; drop --lr-grid");
  return config.dtype == "float32" ? train<float>(problem, config, rates)
                                   : train<double>(problem, config, rates);
}

LinearResult train_linear(const Problem& problem, const LinearConfig& config) {
  return train_linear_grid(problem, config, {config.lr})[0];
}

// ---- the command ----------------------------------------------------------------------------

namespace {

std::vector<double> parse_grid(const std::string& text) {
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
      throw std::invalid_argument("--lr-grid: '" + item +
                                  "' is not a positive number (expected e.g. 1e-3,5e-3,1e-2)");
    }
    rates.push_back(v);
  }
  if (rates.empty()) throw std::invalid_argument("--lr-grid: no rates given");
  return rates;
}

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string losses_csv(const LinearResult& r, double l_star) {
  std::string csv = "iteration,loss,distance\n";
  char line[96];
  for (std::size_t i = 0; i < r.iteration.size(); ++i) {
    std::snprintf(line, sizeof line, "%zu,%.17g,%.17g\n", r.iteration[i], r.loss[i],
                  r.loss[i] - l_star);
    csv += line;
  }
  return csv;
}

}  // namespace

int run_linear(int argc, char** argv) {
  LinearConfig c;
  std::string data_path = std::string(OVERPARAM_DATA_DIR) + "/gas/ethanol.dat.gz";
  std::string normalization = "zscore", lr_grid, save_init, out;
  int gas = 1, p = 2, threads = 0;
  bool plot = true, no_plot = false, no_progress = false;
  c.progress = true;

  po::options_description flags(
      "overparam linear: train a linear model (a depth-N linear network, or the paper's\n"
      "end-to-end rule) on l_p regression over the UCI gas sensor ethanol data\n\n"
      "Usage: overparam linear [OPTIONS]\n\nOptions");
  flags.add_options()("help,h", "print this help")(
      "data", po::value(&data_path)->default_value(data_path),
      "gas data: a UCI file (plain or .gz) or a folder of batchN.dat files")(
      "gas", po::value(&gas)->default_value(gas), "UCI gas class to keep (1 = ethanol)")(
      "normalize", po::value(&normalization)->default_value(normalization), "zscore|minmax|none")(
      "p", po::value(&p)->default_value(p),
      "the loss exponent, an even integer (2 or 4 in the paper)")(
      "depth", po::value(&c.depth)->default_value(c.depth), "N, the number of layers (1-16)")(
      "width", po::value(&c.width)->default_value(c.width), "hidden width of the network")(
      "optimizer", po::value(&c.optimizer)->default_value(c.optimizer),
      "gd|momentum|adagrad|adadelta|rmsprop|adam|e2e")("lr", po::value(&c.lr)->default_value(c.lr),
                                                       "learning rate")(
      "lr-grid", po::value(&lr_grid),
      "comma-separated rates: train each, keep the best (lowest "
      "final loss among runs that did not diverge)")(
      "weight-decay", po::value(&c.weight_decay)->default_value(c.weight_decay),
      "weight decay lambda of each layer")(
      "iterations", po::value(&c.iterations)->default_value(c.iterations), "training iterations")(
      "log-every", po::value(&c.log_every)->default_value(0),
      "log the loss every K iterations (0: about 2000 rows)")(
      "init", po::value(&c.init)->default_value(c.init), "normal|identity|balanced")(
      "init-std", po::value(&c.init_std)->default_value(c.init_std),
      "std of the normal init (balanced: of the end-to-end matrix)")(
      "seed", po::value(&c.seed)->default_value(c.seed), "random seed of the initialization")(
      "dtype", po::value(&c.dtype)->default_value(c.dtype), "float64|float32")(
      "explain", po::value(&c.explain)->default_value(0),
      "take the first K steps apart: the gradient, the end-to-end rule's predicted change and its "
      "pieces, the network's actual change, the balancedness gap")(
      "threads", po::value(&threads)->default_value(0), "BLAS threads (0: OpenBLAS's default)")(
      "save-init", po::value(&save_init), "write the initial layers as W1.npy ... WN.npy here")(
      "load-init", po::value(&c.load_init), "read the initial layers W1.npy ... WN.npy from here")(
      "out", po::value(&out), "output folder (default: runs/linear-TIMESTAMP)")(
      "plot", po::bool_switch(&plot), "draw loss.png (the default)")(
      "no-plot", po::bool_switch(&no_plot), "do not draw loss.png")(
      "progress", po::bool_switch(), "show a progress line on a terminal (the default)")(
      "no-progress", po::bool_switch(&no_progress), "no progress line");
  po::variables_map vm;
  if (const int stop = parse_flags("linear", argc, argv, flags, vm); stop >= 0) return stop;
  plot = !no_plot;
  c.progress = !no_progress;
  c.print_explain = c.explain > 0;
  std::vector<double> rates;
  try {
    if (p < 2 || p % 2 != 0)
      throw std::invalid_argument("--p must be an even integer >= 2, got " + std::to_string(p));
    if (threads < 0) throw std::invalid_argument("--threads must be >= 0");
    rates = lr_grid.empty() ? std::vector<double>{c.lr} : parse_grid(lr_grid);
    validate_config(c);
    if (c.explain > 0 && rates.size() > 1)
      throw std::invalid_argument("--explain takes a single run apart; drop --lr-grid");
    data::parse_normalization(normalization);
    // Per model and parameter: its value, gradient and up to two optimizer slots in the dtype,
    // and the initial and final layers kept as float64 for the output files.
    const double d = 128 /* the gas features */, w = double(c.width), n = double(c.depth);
    const double parameters = c.depth == 1 ? d : d * w + (n - 2) * w * w + w;
    const double bytes_per = 4.0 * (c.dtype == "float32" ? 4 : 8) + 16;
    require_memory(double(rates.size()) * parameters * bytes_per,
                   "depth " + std::to_string(c.depth) + ", width " + std::to_string(c.width) +
                       (rates.size() > 1 ? ", " + std::to_string(rates.size()) + " rates" : ""));
  } catch (const std::invalid_argument& e) {
    std::cerr << "overparam linear: " << e.what() << "\n";
    return 2;
  }
  ad::blas::set_num_threads(threads);
  const Problem problem = load_problem(data_path, gas, normalization, p);
  if (out.empty()) out = "runs/linear-" + timestamp();
  make_output_dir(out);  // after the data loaded: a bad file leaves no empty run folder behind
  std::printf("data: %s (%zu rows, %zu features, %s), l_%d loss, L* = %.10e\n",
              problem.source.c_str(), problem.x.rows(), problem.x.cols(), normalization.c_str(), p,
              problem.l_star);
  std::printf("model: depth %zu, width %zu, init %s (std %g), optimizer %s, %zu iterations, %s\n",
              c.depth, c.width, c.init.c_str(), c.init_std, c.optimizer.c_str(), c.iterations,
              c.dtype.c_str());

  std::vector<LinearResult> results;
  std::vector<Series> curves;
  std::vector<JsonObject> grid;
  std::size_t best = rates.size();
  LinearConfig run = c;
  run.progress_label = rates.size() == 1 ? "train" : std::to_string(rates.size()) + " rates";
  std::vector<LinearResult> trained = train_linear_grid(problem, run, rates);
  if (!save_init.empty()) save_layers(save_init, trained[0].initial_layers);
  for (std::size_t i = 0; i < rates.size(); ++i) {
    LinearResult& r = trained[i];
    std::printf("lr %-10s final loss %.10e  distance %.4e  %s\n", fmt(rates[i]).c_str(),
                r.final_loss, r.final_loss - problem.l_star,
                r.diverged ? ("DIVERGED at iteration " + std::to_string(r.diverged_at)).c_str()
                : r.interrupted
                    ? ("interrupted at iteration " + std::to_string(r.iterations_done)).c_str()
                    : "");
    if (!r.diverged && (best == rates.size() || r.final_loss < results[best].final_loss)) best = i;
    const std::string csv_name =
        rates.size() == 1 ? "losses.csv" : "losses_lr" + fmt(rates[i]) + ".csv";
    write_file_atomic(out + "/" + csv_name, losses_csv(r, problem.l_star));
    Series s{"lr " + fmt(rates[i]) + (r.diverged ? " (diverged)" : ""), {}, {}};
    for (std::size_t k = 0; k < r.iteration.size(); ++k) {
      s.x.push_back(double(r.iteration[k]));
      s.y.push_back(r.loss[k] - problem.l_star);
    }
    curves.push_back(std::move(s));
    grid.push_back(JsonObject()
                       .add("lr", rates[i])
                       .add("final_loss", r.final_loss)
                       .add("distance", r.final_loss - problem.l_star)
                       .add("diverged", r.diverged)
                       .add("diverged_at", r.diverged ? (long long)r.diverged_at : -1LL)
                       .add("interrupted", r.interrupted)
                       .add("csv", csv_name)
                       .add("wall_seconds", r.wall_seconds));
    results.push_back(std::move(r));
  }

  const bool all_diverged = best == rates.size();
  const LinearResult& chosen = results[all_diverged ? 0 : best];
  if (rates.size() > 1 && !all_diverged) {
    write_file_atomic(out + "/losses.csv", losses_csv(chosen, problem.l_star));
    std::printf("best lr: %s\n", fmt(rates[best]).c_str());
  }
  const auto& final_layers = chosen.final_layers;
  if (c.optimizer == "e2e") {
    data::write_npy(out + "/W.npy",
                    std::vector<double>(final_layers[0].begin(), final_layers[0].end()),
                    {final_layers[0].rows(), final_layers[0].cols()});
  } else {
    save_layers(out, final_layers);
  }

  JsonObject settings;
  settings.add("data", data_path)
      .add("gas", gas)
      .add("normalize", normalization)
      .add("p", p)
      .add("depth", c.depth)
      .add("width", c.width)
      .add("optimizer", c.optimizer)
      .add("lr", c.lr)
      .add("lr_grid", rates)
      .add("weight_decay", c.weight_decay)
      .add("iterations", c.iterations)
      .add("log_every", c.log_every ? c.log_every : default_log_every(c.iterations))
      .add("init", c.init)
      .add("init_std", c.init_std)
      .add("seed", (long long)c.seed)
      .add("dtype", c.dtype)
      .add("threads", threads)
      .add("load_init", c.load_init);
  JsonObject run_json;
  run_json.add("version", OVERPARAM_VERSION)
      .add("command", "linear")
      .add("settings", settings)
      .add("rows", problem.x.rows())
      .add("features", problem.x.cols())
      .add("l_star", problem.l_star)
      .add("final_loss", chosen.final_loss)
      .add("final_distance", chosen.final_loss - problem.l_star)
      .add("diverged", chosen.diverged)
      .add("diverged_at", chosen.diverged ? (long long)chosen.diverged_at : -1LL)
      .add("interrupted", interrupted() != 0)
      .add("iterations", chosen.iterations_done)
      .add("best_lr", all_diverged ? std::numeric_limits<double>::quiet_NaN() : rates[best])
      .add("wall_seconds", chosen.wall_seconds)
      .add("grid", grid);
  write_file_atomic(out + "/run.json", run_json.str() + "\n");

  if (plot) {
    PlotOptions po_;
    po_.title = "l_" + std::to_string(p) + " regression, depth " + std::to_string(c.depth) + ", " +
                c.optimizer;
    po_.ylabel = "L - L* (distance from optimum)";
    plot_png(out + "/loss.png", curves, po_);
  }
  std::printf("wrote %s/ (losses.csv, run.json, %s%s)\n", out.c_str(),
              c.optimizer == "e2e" ? "W.npy" : "W1.npy ...", plot ? ", loss.png" : "");
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
