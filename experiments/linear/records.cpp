#include "experiments/linear/records.hpp"

#include <limits>

#include "data_loaders/npy.hpp"
#include "experiments/linear/layers_io.hpp"
#include "experiments/report/format.hpp"

namespace experiments {

Csv losses_csv(const LinearResult& r, double l_star) {
  Csv csv({"iteration", "loss", "distance"});
  for (std::size_t i = 0; i < r.iteration.size(); ++i)
    csv.row().cell(r.iteration[i]).cell(r.loss[i]).cell(r.loss[i] - l_star);
  return csv;
}

Series distance_series(std::string label, const LinearResult& r, double l_star) {
  Series s{std::move(label), {}, {}};
  for (std::size_t k = 0; k < r.iteration.size(); ++k) {
    s.x.push_back(double(r.iteration[k]));
    s.y.push_back(r.loss[k] - l_star);
  }
  return s;
}

Json linear_settings_json(const ProblemSpec& spec, const LinearConfig& c) {
  Json s;
  s["data"] = spec.data;
  s["gas"] = spec.gas;
  s["normalize"] = data::to_string(spec.normalization);
  s["whiten"] = spec.whiten;
  s["p"] = spec.p;
  s["loss_scale"] = loss_scale_name(spec.loss_scale);
  s["depth"] = c.depth;
  s["width"] = c.width;
  s["optimizer"] = optim::optimizer_name(c.optimizer);
  s["lr"] = c.rates.size() == 1 ? Json(c.rates[0]) : Json(nullptr);
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
  return s;
}

void write_linear_run(const std::string& out, const Json& settings, const Problem& problem,
                      const LinearConfig& c, const std::vector<LinearResult>& results, bool plot) {
  const std::vector<double>& rates = c.rates;
  std::vector<Series> curves;
  Json grid = Json::array();
  bool interrupted = false;
  for (std::size_t i = 0; i < rates.size(); ++i) {
    const LinearResult& r = results[i];
    interrupted = interrupted || r.interrupted;
    // Named by the rate's place in the grid, never by the rate as printed: two rates that print
    // alike (1e-3 and 1.000001e-3) get two files. run.json's grid maps each to its lr.
    const std::string csv_name =
        rates.size() == 1 ? "losses.csv" : "losses_grid" + std::to_string(i) + ".csv";
    losses_csv(r, problem.l_star).write(out + "/" + csv_name);
    curves.push_back(
        distance_series("lr " + format_number(rates[i], "%g") + (r.diverged ? " (diverged)" : ""),
                        r, problem.l_star));
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
  if (rates.size() > 1 && !all_diverged)
    losses_csv(chosen, problem.l_star).write(out + "/losses.csv");
  const auto& final_layers = chosen.final_layers;
  if (c.optimizer == optim::OptimizerKind::e2e) {
    data::write_npy(out + "/W.npy",
                    std::vector<double>(final_layers[0].begin(), final_layers[0].end()),
                    {final_layers[0].rows(), final_layers[0].cols()});
  } else {
    save_layers(out, final_layers);
  }

  Json run;
  run["version"] = OVERPARAM_VERSION;
  run["command"] = "linear";
  run["settings"] = settings;
  run["rows"] = problem.x.rows();
  run["features"] = problem.x.cols();
  run["l_star"] = problem.l_star;
  run["final_loss"] = chosen.final_loss;
  run["final_distance"] = chosen.final_loss - problem.l_star;
  run["diverged"] = chosen.diverged;
  run["diverged_at"] = chosen.diverged ? (long long)chosen.diverged_at : -1LL;
  run["interrupted"] = interrupted;
  run["iterations"] = chosen.iterations_done;
  run["best_lr"] = all_diverged ? std::numeric_limits<double>::quiet_NaN() : rates[best];
  run["wall_seconds"] = chosen.wall_seconds;
  run["grid"] = grid;
  write_json(out + "/run.json", run);

  if (plot) {
    PlotOptions o;
    o.title = "l_" + std::to_string(problem.p) + " regression, depth " + std::to_string(c.depth) +
              ", " + optim::optimizer_name(c.optimizer);
    o.ylabel = "L - L* (distance from optimum)";
    plot_png(out + "/loss.png", curves, o);
  }
}

}  // namespace experiments
