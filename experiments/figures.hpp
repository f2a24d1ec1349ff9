// The paper's linear-network figures, each a set of panels of loss curves, run from one command:
// `overparam figure NAME [--quick] [--out DIR]`, and all of them by `overparam reproduce`.
//
// A figure lists its panels (one per loss, l_2 and l_4), each panel its curves, each curve a
// LinearConfig with, where the paper tuned it, a grid of learning rates (the best rate is the
// one with the lowest final loss among the runs that did not diverge). Next to the curves a
// figure carries the paper's numbers, so every run ends with a table: the paper beside this run.
#pragma once

#include <string>
#include <vector>

#include "experiments/linear.hpp"

namespace experiments {

struct FigureCurve {
  std::string label;
  LinearConfig config;
  std::vector<double> lr_grid;  // empty: config.lr alone
};

struct FigurePanel {
  std::string name;  // "l2", "l4"
  int p = 2;
  std::vector<FigureCurve> curves;
};

// A number read off the paper's figure: the distance from the optimum of `curve` in `panel` at
// the end of the horizon.
struct PaperValue {
  std::string panel, curve;
  double distance = 0;
};

struct Figure {
  std::string name, title;
  std::string claim;  // what the paper shows with it, in a sentence
  std::size_t iterations = 0;
  std::vector<FigurePanel> panels;
  std::vector<PaperValue> paper;
};

// The learning-rate grid of the paper's searches.
const std::vector<double>& paper_lr_grid();

// NAME among emulation, depth, adaptive, adam, init; quick divides the horizons (by 10 for the
// 100k-250k ones and by about 33 for the 1e6 ones) so that each figure takes about a minute.
Figure make_figure(const std::string& name, bool quick);
const std::vector<std::string>& figure_names();

struct CurveResult {
  std::string panel, label;
  double best_lr = 0;  // NaN when every rate diverged
  LinearResult best;   // the run at best_lr (or the first one when all diverged)
  std::vector<double> rates;
  std::vector<double> final_losses;
  std::vector<bool> diverged;
};

struct FigureResult {
  Figure figure;
  std::vector<double> l_star;  // per panel
  std::vector<CurveResult> curves;
  std::string markdown_table;  // the paper beside this run, with a verdict per number
  std::string verdict;         // one paragraph: reproduced or not, and by how much
  double wall_seconds = 0;
};

// Runs every curve (jobs at a time, each single-threaded) and writes into out_dir:
// PANEL_CURVE.csv (iteration,loss,distance) for each curve's best rate, grid.csv (every rate
// tried), NAME.png (the panels), NAME.md (the table) and NAME.json.
FigureResult run_figure(const Figure& figure, const std::string& data_path,
                        const std::string& normalization, const std::string& out_dir, int jobs,
                        bool progress, bool plot);

// `overparam figure` and `overparam reproduce`.
int run_figure_command(int argc, char** argv);
int run_reproduce(int argc, char** argv);

}  // namespace experiments
