#include "experiments/figures/files.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>

#include "data_loaders/atomic_file.hpp"
#include "experiments/figures/claims.hpp"
#include "experiments/linear/records.hpp"
#include "experiments/report/csv.hpp"
#include "experiments/report/files.hpp"
#include "experiments/report/format.hpp"
#include "experiments/report/json.hpp"
#include "experiments/report/plot.hpp"

namespace experiments {

namespace {

std::string fmt(double v) {
  return format_number(v, "%.3g");
}

// The figure's entry for a curve of its result (same panel, same settings).
const LinearConfig& curve_config(const FigureResult& r, const CurveResult& c) {
  for (const auto& panel : r.figure.panels)
    for (const auto& fc : panel.curves)
      if (panel.name == c.panel && fc.settings() == c.settings) return fc.config;
  return r.figure.panels.front().curves.front().config;
}

}  // namespace

std::string curve_csv_name(const CurveResult& curve) {
  return curve.panel + "_" + slug(curve.label) + ".csv";
}

std::string curve_csv_name(const CurveResult& curve, std::size_t seed, std::size_t rate_index) {
  return curve.panel + "_" + slug(curve.label) +
         (curve.runs.size() > 1 ? "_seed" + std::to_string(seed) : "") + "_grid" +
         std::to_string(rate_index) + ".csv";
}

std::string curve_legend(const std::string& label, const CurveResult& curve) {
  if (curve.rates.empty()) return label;
  const bool found = curve.best_index < curve.rates.size() && !std::isnan(curve.best_lr);
  const double drawn = found ? curve.best_lr : curve.rates.front();
  std::string note = "lr " + fmt(drawn);
  if (!found) note += curve.rates.size() > 1 ? ", every rate diverged" : ", diverged";
  return label + " (" + note + ")";
}

std::string curve_legend(const CurveResult& curve) {
  return curve_legend(curve.label, curve);
}

std::string changed_text(const Figure& figure) {
  std::string text;
  for (const std::string& c : figure.changed) text += (text.empty() ? "" : ", ") + c;
  return text;
}

std::string figure_markdown(const FigureResult& r, const std::string& table,
                            const std::string& verdicts) {
  const Figure& figure = r.figure;
  return "# " + figure.title + "\n\nThe paper: " + figure.claim + ".\n\n" +
         (figure.changed.empty()
              ? std::string()
              : "Changed from the paper's settings: " + changed_text(figure) + ".\n\n") +
         std::to_string(figure.iterations) + " iterations" +
         (figure.seeds > 1 ? ", " + std::to_string(figure.seeds) +
                                 " initialization seeds per curve (each rate chosen by the "
                                 "median final loss over them; tables and curves show medians)"
                           : std::string()) +
         ", data " + r.data + " (" + r.normalization + (r.whitened ? ", whitened" : "") +
         "), loss scale " + loss_scale_name(figure.conventions.loss_scale) + ", " +
         optim::preset_name(figure.conventions.optimizer_defaults) + "'s optimizer constants, " +
         std::to_string(r.runs) + " runs in " + fmt(r.wall_seconds) + " s.\n\n" +
         (r.interrupted ? "**Interrupted**: the curves end where the signal stopped "
                          "them; the verdicts below judge those partial runs.\n\n"
                        : "") +
         table + "\nThe claims on this run:\n\n" + verdicts;
}

std::vector<Panel> figure_panels(const FigureResult& r) {
  const Figure& figure = r.figure;
  std::vector<Panel> panels;
  for (std::size_t p = 0; p < figure.panels.size(); ++p) {
    Panel panel;
    panel.options.title = figure.panels[p].name == "l2" ? "l_2 loss" : "l_4 loss";
    panel.options.ylabel = "L - L* (distance from optimum)";
    for (const CurveResult& c : r.curves) {
      if (c.panel != figure.panels[p].name) continue;
      Series s = distance_series(curve_legend(c), c.best, r.l_star[p]);
      // Over several seeds: the median curve, shaded from the lowest seed to the highest.
      if (c.runs.size() > 1 && c.band_low.size() == s.x.size() &&
          c.band_high.size() == s.x.size()) {
        for (std::size_t i = 0; i < s.x.size(); ++i) {
          s.low.push_back(c.band_low[i] - r.l_star[p]);
          s.high.push_back(c.band_high[i] - r.l_star[p]);
        }
      }
      panel.series.push_back(std::move(s));
    }
    panels.push_back(std::move(panel));
  }
  return panels;
}

void write_figure(const FigureResult& r, const std::string& out_dir, bool plot) {
  const Figure& figure = r.figure;
  make_output_dir(out_dir);
  Csv grid({"panel", "curve", "lr", "final_loss", "distance", "diverged", "diverged_at", "best"});
  for (std::size_t p = 0; p < figure.panels.size(); ++p) {
    for (const CurveResult& c : r.curves) {
      if (c.panel != figure.panels[p].name) continue;
      for (std::size_t k = 0; k < c.rates.size(); ++k)
        grid.row()
            .text(c.panel)
            .text(c.label, true)
            .cell(c.rates[k], "%.6g")
            .cell(c.final_losses[k])
            .cell(c.final_losses[k] - r.l_star[p])
            .cell(bool(c.diverged[k]))
            .cell(c.diverged_at[k])
            .cell(k == c.best_index);
      if (c.runs.size() > 1) {  // the median over seeds, with its band
        Csv median({"iteration", "loss", "distance", "distance_min", "distance_max"});
        for (std::size_t i = 0; i < c.best.iteration.size(); ++i)
          median.row()
              .cell(c.best.iteration[i])
              .cell(c.best.loss[i])
              .cell(c.best.loss[i] - r.l_star[p])
              .cell(c.band_low[i] - r.l_star[p])
              .cell(c.band_high[i] - r.l_star[p]);
        median.write(out_dir + "/" + curve_csv_name(c));
      } else {
        losses_csv(c.best, r.l_star[p]).write(out_dir + "/" + curve_csv_name(c));
      }
      // Every run's curve, named by its seed and its place in the grid.
      if (c.runs.size() > 1 || c.rates.size() > 1)
        for (std::size_t s = 0; s < c.runs.size(); ++s)
          for (std::size_t k = 0; k < c.runs[s].size(); ++k)
            losses_csv(c.runs[s][k], r.l_star[p]).write(out_dir + "/" + curve_csv_name(c, s, k));
    }
  }
  grid.write(out_dir + "/grid.csv");

  data::write_file_atomic(out_dir + "/" + figure.name + ".md",
                          figure_markdown(r, paper_table(r), check_claims(r)));

  Json json;
  json["version"] = OVERPARAM_VERSION;
  json["figure"] = figure.name;
  json["iterations"] = figure.iterations;
  json["quick"] = figure.quick;
  json["interrupted"] = r.interrupted;
  json["data"] = r.data;
  json["normalize"] = r.normalization;
  json["whiten"] = r.whitened;
  json["loss_scale"] = loss_scale_name(figure.conventions.loss_scale);
  json["optimizer_defaults"] = optim::preset_name(figure.conventions.optimizer_defaults);
  json["l_star"] = r.l_star;
  json["seeds"] = std::max<std::size_t>(1, figure.seeds);
  json["wall_seconds"] = r.wall_seconds;
  Json curves = Json::array();
  for (const auto& c : r.curves) {
    Json curve;
    curve["panel"] = c.panel;
    curve["curve"] = c.label;
    curve["depth"] = c.settings.depth;
    curve["width"] = c.settings.width;
    curve["optimizer"] = optim::optimizer_name(c.settings.optimizer);
    curve["init"] = nn::init_name(c.settings.init);
    const optim::Hyperparameters& hyper = curve_config(r, c).hyper;
    Json values = Json::object();
    for (const optim::HyperparameterValue& v :
         optim::hyperparameter_values(c.settings.optimizer, hyper))
      values[v.name] = v.value;
    curve["hyperparameters"] = values;
    curve["best_lr"] = c.best_lr;
    curve["final_loss"] = c.best.final_loss;
    curve["diverged"] = c.best.diverged;
    curve["rates"] = c.rates;
    curve["final_losses"] = c.final_losses;
    curve["best_at_edge"] = c.best_at_edge();
    curve["csv"] = curve_csv_name(c);
    // [seed][rate]: each run's final loss and CSV.
    Json seed_losses = Json::array(), csvs = Json::array();
    for (std::size_t s = 0; s < c.runs.size(); ++s) {
      Json losses = Json::array(), names = Json::array();
      for (std::size_t k = 0; k < c.runs[s].size(); ++k) {
        losses.push_back(c.runs[s][k].final_loss);
        if (c.runs.size() > 1 || c.rates.size() > 1) names.push_back(curve_csv_name(c, s, k));
      }
      seed_losses.push_back(losses);
      csvs.push_back(names);
    }
    curve["seed_final_losses"] = seed_losses;
    curve["run_csvs"] = csvs;
    curves.push_back(curve);
  }
  json["curves"] = curves;
  write_json(out_dir + "/" + figure.name + ".json", json);
  std::string settings = changed_text(figure);
  if (figure.seeds > 1)  // the curves are medians: say so, and what the shading is
    settings += (settings.empty() ? "" : ", ") + std::string("median of ") +
                std::to_string(figure.seeds) + " seeds, band: min to max";
  const std::string title = figure.title + (settings.empty() ? "" : " [" + settings + "]");
  if (plot) plot_panels_png(out_dir + "/" + figure.name + ".png", figure_panels(r), title);
}

}  // namespace experiments
