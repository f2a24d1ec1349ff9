// The paper's linear-network figures, as data: each figure a set of panels (one per loss, l_2
// and l_4), each panel its curves, each curve the settings of one training (a LinearConfig with
// the learning rates to try: the paper's grid where the paper tuned the rate, the best being
// the lowest final loss among the runs that did not diverge). Beside the curves a figure
// carries the paper's claim and the numbers read off its plots, which its verdicts and table
// put beside this run's (claims.hpp). Running a figure is figures/run.hpp.
#pragma once

#include <string>
#include <vector>

#include "experiments/linear/trainer.hpp"

namespace experiments {

// What tells the curves of a figure apart; claims and the paper's numbers name curves by it.
struct CurveSettings {
  std::size_t depth = 1;
  std::size_t width = 1;
  optim::OptimizerKind optimizer = optim::OptimizerKind::gd;
  nn::Init init = nn::Init::normal;
  bool operator==(const CurveSettings&) const = default;
};

struct FigureCurve {
  std::string label;    // the legend's text, "depth 3, width 100"
  LinearConfig config;  // with config.rates: the grid to search, or one rate
  CurveSettings settings() const {
    return {config.depth, config.width, config.optimizer, config.init};
  }
};

struct FigurePanel {
  std::string name;  // "l2", "l4"
  int p = 2;
  std::vector<FigureCurve> curves;
};

// A number read off the paper's figure: the distance from the optimum of a curve in `panel`
// at the end of the paper's horizon, in the paper's loss scale (LossScale::mean).
struct PaperValue {
  std::string panel;
  CurveSettings curve;
  double distance = 0;
};

// The conventions a figure runs under: the loss's scale and the optimizers' constants
// (problem.hpp, optim/hyperparameters.hpp); the paper's by default.
struct Conventions {
  LossScale loss_scale = LossScale::mean;
  optim::Preset optimizer_defaults = optim::Preset::tensorflow;
};

struct Figure {
  std::string name, title;
  Conventions conventions;
  std::string claim;  // what the paper shows with it, in a sentence
  std::size_t iterations = 0;
  std::size_t paper_iterations = 0;  // the paper's horizon
  bool quick = false;                // iterations shortened (--quick)
  // Every setting that differs from the figure's own ("loss scale mean-over-p", "iterations
  // 5000"), for titles and report headers; empty for the paper's figure as the catalogue has it.
  std::vector<std::string> changed;
  // Every curve is trained from this many initialization seeds (0, 1, ...), its rate chosen by
  // the median over them (figures/run.hpp).
  std::size_t seeds = 1;
  std::vector<FigurePanel> panels;
  std::vector<PaperValue> paper;
};

// The learning-rate grid of the paper's searches: {1e-5, 5e-5, ..., 5e-1}.
const std::vector<double>& paper_lr_grid();

// NAME among figure_names(); quick divides the horizons (by 10 for the 100k-250k ones and by
// about 33 for the 1e6 ones) so that each figure takes about a minute. Every curve takes the
// conventions' optimizer constants. Throws std::invalid_argument listing the names for an
// unknown one.
Figure make_figure(const std::string& name, bool quick, const Conventions& conventions = {});
// emulation, depth, adaptive, adam, init.
const std::vector<std::string>& figure_names();

// Settings of a figure changed from the command line; unset ones keep the catalogue's.
struct FigureOverrides {
  std::size_t iterations = 0;   // 0: the figure's horizon
  std::vector<double> lr_grid;  // empty: the paper's grid, for every curve that searches one
  std::size_t width = 0;        // 0: as the figure has it; else every hidden layer's width
  std::size_t seeds = 0;        // 0: one seed
};
// Applies the overrides and names them in figure.changed. Requires: no width for the emulation
// figure, whose curves are defined by their widths, and no grid for it, whose rates are fixed
// (throws std::invalid_argument naming the flag).
void apply_overrides(Figure& figure, const FigureOverrides& overrides);

// Names a preprocessing other than the paper's z-scoring in figure.changed ("normalize minmax",
// "whitened features").
void note_preprocessing(Figure& figure, data::Normalization normalization, bool whiten);

}  // namespace experiments
