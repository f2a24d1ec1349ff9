// What a figure's run leaves in its folder: one CSV per curve (its best rate's loss curve),
// grid.csv (every rate tried), NAME.md (the paper beside this run, and the verdicts), NAME.json
// and NAME.png (the panels, like the paper's).
#pragma once

#include <string>
#include <vector>

#include "experiments/figures/run.hpp"
#include "experiments/report/plot.hpp"

namespace experiments {

// The file name of a curve's CSV: "PANEL_SLUG.csv", e.g. "l4_depth-3-width-100.csv".
std::string curve_csv_name(const CurveResult& curve);
// The CSV of the run of `seed` at rates[rate_index]: "PANEL_SLUG_gridK.csv", with several seeds
// "PANEL_SLUG_seedS_gridK.csv" (by the index, so two rates that print alike get two files;
// NAME.json maps each to its rate).
std::string curve_csv_name(const CurveResult& curve, std::size_t seed, std::size_t rate_index);
// The legend entry of a curve: `label` and the rate of the run drawn, always, e.g.
// "depth 3 (lr 0.0005)"; "(lr 0.001, diverged)" for a run that diverged, and
// "(lr 1e-05, every rate diverged)" when no rate of the grid survived (the run drawn is then
// the first rate's).
std::string curve_legend(const std::string& label, const CurveResult& curve);
std::string curve_legend(const CurveResult& curve);  // with the curve's own label
// figure.changed joined with commas: "loss scale mean-over-p, iterations 5000".
std::string changed_text(const Figure& figure);

// The Markdown of NAME.md: title, the paper's claim, the run's size and time, the table, the
// verdicts.
std::string figure_markdown(const FigureResult& result, const std::string& table,
                            const std::string& verdicts);

// The panels of NAME.png: per panel, each curve's distance from the optimum, drawn at its
// chosen rate and named by curve_legend; over several seeds the median, with the band from the
// lowest seed to the highest.
std::vector<Panel> figure_panels(const FigureResult& result);

// Writes every file above into `out_dir` (created if needed); the PNG only when `plot`.
void write_figure(const FigureResult& result, const std::string& out_dir, bool plot);

}  // namespace experiments
