// Running a figure: every curve trained at each of its rates, the best rate of each chosen.
//
// The curves are independent jobs, run `jobs` at a time (each on one thread, its rates trained
// together by train_linear); the results come back in the figure's order whoever ran them.
// Nothing is written here: figures/files.hpp writes a result's files, figures/claims.hpp
// judges it.
#pragma once

#include <string>
#include <vector>

#include "experiments/figures/catalogue.hpp"
#include "experiments/linear/trainer.hpp"

namespace experiments {

struct CurveResult {
  std::string panel, label;
  CurveSettings settings;
  double best_lr = 0;              // NaN when every rate diverged
  LinearResult best;               // the run at best_lr (or the first one when all diverged)
  std::vector<LinearResult> runs;  // every rate's run, in the order of `rates`
  std::vector<double> rates;
  std::vector<double> final_losses;
  std::vector<bool> diverged;
  std::vector<long long> diverged_at;  // -1 where the run did not diverge
  std::size_t best_index = 0;          // rates.size() when every rate diverged
  // The best rate is the lowest or the highest of a grid of several: a wider grid might find a
  // better one.
  bool best_at_edge() const {
    return rates.size() > 1 && (best_index == 0 || best_index + 1 == rates.size());
  }
};

struct FigureResult {
  Figure figure;
  std::string data, normalization;  // what the curves were trained on
  std::vector<double> l_star;       // per panel
  std::vector<CurveResult> curves;  // in the order of the figure's panels and curves
  std::size_t runs = 0;             // trainings, all rates of all curves
  bool interrupted = false;         // a signal stopped the runs part way
  double wall_seconds = 0;
};

// The data of a figure: the gas data at `path`, as the problem of each panel (its p, its L*).
struct FigureData {
  std::string path;
  data::Normalization normalization = data::Normalization::zscore;
  std::vector<Problem> problems;  // one per panel, in the figure's loss scale
};
// Throws data::DataError for bad data.
FigureData load_figure_data(const Figure& figure, const std::string& path,
                            data::Normalization normalization);

// Trains every curve of `figure` on its data. Requires: jobs >= 1.
FigureResult run_figure(const Figure& figure, const FigureData& data, int jobs, bool progress);

// The curve of `panel` with these settings, or nullptr.
const CurveResult* find_curve(const FigureResult& result, const std::string& panel,
                              const CurveSettings& settings);

// L* of the panel called `panel`.
double panel_l_star(const FigureResult& result, const std::string& panel);

// The distance from the optimum at the end of a curve: its best run's final loss - L*.
double final_distance(const FigureResult& result, const CurveResult& curve);

}  // namespace experiments
