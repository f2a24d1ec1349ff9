// `overparam reproduce`: every figure of the paper, run one after the other, and one report
// (docs/REPRODUCTION.md, or OUT/REPRODUCTION.md for --quick) with the figures, the paper's
// numbers beside this run's and a verdict per claim. Each figure's own files go to OUT/NAME/.
// The report is assembled from the values the figures return.
#pragma once

#include <string>

#include "data_loaders/gas.hpp"
#include "experiments/figures/catalogue.hpp"
#include "experiments/linear/problem.hpp"
#include "experiments/runner/runner.hpp"
#include "optim/hyperparameters.hpp"

namespace experiments {

struct ReproduceSettings {
  bool quick = false;
  std::string out;          // each figure's folder goes in here
  std::string report;       // the Markdown report's path
  std::string figures_dir;  // where the report's PNGs go
  std::string data;         // the gas data
  data::Normalization normalization = data::Normalization::zscore;
  bool whiten = false;  // PCA-whiten the features after normalizing
  LossScale loss_scale = LossScale::mean;
  optim::Preset optimizer_defaults = optim::Preset::tensorflow;
  FigureOverrides overrides;  // every linear figure's (the emulation figure's horizon only)
  std::string mnist_dir;      // the MNIST figure runs when the four files are here, else is skipped
  bool sensitivity = true;    // the sensitivity study's section (figures/sensitivity.hpp), one seed
  bool mnist = true;          // false: the MNIST figure is left out (--no-mnist)
  JobStore store;             // where the figures' finished jobs are kept (--resume)
  int jobs = 1;
  bool progress = true;
};

// Runs everything and writes the report; returns the seconds it took. Throws Interrupted
// (after writing the figure it was in) when a signal stops it.
double reproduce(const ReproduceSettings& settings);

}  // namespace experiments
