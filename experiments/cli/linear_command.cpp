// `overparam linear`: train a linear network (or the end-to-end rule) on l_p regression.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <limits>
#include <utility>

#include "autodiff/blas.hpp"
#include "data_loaders/npy.hpp"
#include "experiments/cli/commands.hpp"
#include "experiments/cli/flags.hpp"
#include "experiments/cli/linear_flags.hpp"
#include "experiments/linear/layers_io.hpp"
#include "experiments/linear/problem.hpp"
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

Json settings_json(const LinearFlags& f, const LinearConfig& c, const Problem& problem) {
  Json s;
  s["data"] = f.data;
  s["gas"] = f.gas;
  s["normalize"] = f.normalize;
  s["whiten"] = f.whiten;
  s["p"] = f.p;
  s["loss_scale"] = loss_scale_name(problem.loss_scale);
  s["depth"] = c.depth;
  s["width"] = c.width;
  s["optimizer"] = optim::optimizer_name(c.optimizer);
  s["lr"] = f.lr;
  s["lr_grid"] = c.rates;
  s["optimizer_defaults"] = optim::preset_name(c.hyper.preset);
  Json hyper = Json::object();
  for (const optim::HyperparameterValue& v : optim::hyperparameter_values(c.optimizer, c.hyper))
    hyper[v.name] = v.value;
  s["hyperparameters"] = hyper;
  s["weight_decay"] = c.hyper.weight_decay;
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
  po::options_description flags(
      "overparam linear: train a linear model (a depth-N linear network, or the paper's\n"
      "end-to-end rule) on l_p regression over the UCI gas sensor ethanol data\n\n"
      "Usage: overparam linear [OPTIONS]\n\nOptions");
  flags.add_options()("help,h", "print this help");
  add_linear_flags(flags, f);
  po::variables_map vm;
  if (const int stop = parse_flags("linear", argc, argv, flags, vm); stop >= 0) return stop;
  // A flag given an empty list is a mistake, not a request for the default.
  if (vm.count("lr-grid") && !vm["lr-grid"].defaulted() && f.lr_grid.empty()) {
    std::cerr << "overparam linear: --lr-grid: no rates given (an empty list); expected e.g. "
                 "1e-3,5e-3,1e-2\n";
    return 2;
  }
  for (const char* flag : {"load-init", "save-init", "out"}) {  // given, but empty: no folder
    if (vm.count(flag) && vm[flag].as<std::string>().empty()) {
      std::cerr << "overparam linear: --" << flag << " needs a folder, got an empty name\n";
      return 2;
    }
  }
  const bool plot = !f.no_plot;
  LinearConfig c;
  data::Normalization normalization{};
  LossScale loss_scale{};
  try {
    c = check_linear_flags(f, normalization, loss_scale);
  } catch (const std::invalid_argument& e) {
    std::cerr << "overparam linear: " << e.what() << "\n";
    return 2;
  }
  ad::blas::set_num_threads(f.threads);
  // The data's real shape bounds the optimum and the training before either allocates.
  data::Dataset ds = load_problem_data(f.data, f.gas, normalization, f.whiten);
  require_optimum_fits(ds);  // the file's own shape first: a DataError, exit 1
  try {
    require_linear_memory(c, ds.rows, ds.features, f.p);
  } catch (const std::invalid_argument& e) {
    std::cerr << "overparam linear: " << e.what() << "\n";
    return 2;
  }
  const Problem problem = make_problem(std::move(ds), f.p, normalization, loss_scale, f.whiten);
  if (!f.load_init.empty())
    c.initial_layers =
        load_layers(f.load_init, c.depth, problem.x.cols(), c.width, problem.y.cols());
  // Only now, with the data and the layers read, the output folders: a refused run leaves none.
  // Every place the run will write is created and checked before training, so no training is
  // lost to an unwritable --save-init found at the end.
  if (!f.save_init.empty()) make_output_dir(f.save_init);
  std::string out = f.out;
  if (out.empty())
    out = new_run_dir("runs/linear");
  else
    claim_output_dir(out);
  std::printf("data: %s (%zu rows, %zu features, %s), l_%d loss (%s), L* = %.10e\n",
              problem.source.c_str(), problem.x.rows(), problem.x.cols(),
              (f.normalize + (f.whiten ? ", whitened" : "")).c_str(), f.p,
              loss_scale_name(loss_scale), problem.l_star);
  std::printf(
      "model: depth %zu, width %zu, init %s (std %g), optimizer %s (%s), %zu iterations, %s\n",
      c.depth, c.width, nn::init_name(c.init), c.init_std, optim::optimizer_name(c.optimizer),
      describe_hyperparameters(c.optimizer, c.hyper).c_str(), c.iterations, dtype_name(c.dtype));

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
        // Named by the rate's place in the grid, never by the rate as printed: two rates that
        // print alike (1e-3 and 1.000001e-3) get two files. run.json's grid maps each to its lr.
        rates.size() == 1 ? "losses.csv" : "losses_grid" + std::to_string(i) + ".csv";
    losses_csv(r, problem.l_star).write(out + "/" + csv_name);
    curves.push_back(distance_series("lr " + show(rates[i]) + (r.diverged ? " (diverged)" : ""), r,
                                     problem.l_star));
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
  run["settings"] = settings_json(f, c, problem);
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
  std::printf("wrote %s/ (losses.csv, run.json, %s%s)\n", out.c_str(), e2e ? "W.npy" : "W1.npy ...",
              plot ? ", loss.png" : "");
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
