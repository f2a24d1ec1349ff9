// Running a figure: every curve trained at each of its rates, the best rate of each chosen.
//
// The curves are independent jobs for the runner (runner/runner.hpp): `jobs` at a time on
// this machine's threads, or on every MPI rank, each on one thread with its rates trained
// together by train_linear; the results come back in the figure's order whoever ran them.
// With K seeds (Figure::seeds) each curve is K jobs, one per initialization seed 0 ... K-1; its
// rate is chosen once, by the paper's rule applied to the median over seeds of the final loss
// (a diverged run counts as infinitely far), and its curve is the median over seeds of the
// runs at that rate, row by row, with their minimum and maximum as a band.
// Nothing is written here: figures/files.hpp writes a result's files, figures/claims.hpp
// judges it.
#pragma once

#include <string>
#include <vector>

#include "experiments/figures/catalogue.hpp"
#include "experiments/linear/trainer.hpp"
#include "experiments/report/progress.hpp"
#include "experiments/runner/job.hpp"
#include "experiments/runner/runner.hpp"

namespace experiments {

struct CurveResult {
  std::string panel, label;
  CurveSettings settings;
  double best_lr = 0;  // NaN when every rate diverged
  // The run at best_lr (or at the first rate when all diverged); with several seeds, the
  // median over seeds of their runs at that rate, row by row.
  LinearResult best;
  std::vector<double> band_low, band_high;      // min and max over seeds, aligned with best.loss
  std::vector<LinearResult> seed_best;          // each seed's run at best_lr, seed 0 first
  std::vector<std::vector<LinearResult>> runs;  // [seed][rate]: every run
  std::vector<double> rates;
  std::vector<double> final_losses;  // per rate (with several seeds, the median over them)
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
  bool whitened = false;
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
  bool whitened = false;
  std::vector<Problem> problems;  // one per panel, in the figure's loss scale
};
// whiten: PCA-whiten the features after normalizing (problem.hpp). Throws data::DataError for
// bad data.
FigureData load_figure_data(const Figure& figure, const std::string& path,
                            data::Normalization normalization, bool whiten = false);

// A curve's result from its runs, runs[seed][rate] (every seed with one run per rate of
// `rates`): the best rate by the median final loss over seeds, the median curve and its band.
// With one seed, best is that seed's run at the best rate. Requires: at least one seed, each
// with rates.size() runs (throws std::invalid_argument).
CurveResult combine_runs(std::vector<std::vector<LinearResult>> runs,
                         const std::vector<double>& rates);

// The runner's jobs of a figure: one per curve and seed (0 ... seeds - 1), panel by panel, curve
// by curve, each with the curve's whole rate grid, on its panel's problem (remembered by the
// runner, runner.hpp, so that it is not built again). Their hyperparameters are canonical
// (optim::canonical), so that a GD curve under either preset is one job.
std::vector<LinearJob> figure_jobs(const Figure& figure, const FigureData& data);

// A figure's result before its curves: what it was trained on, L* per panel, its count of runs.
FigureResult figure_header(const Figure& figure, const FigureData& data);
// Adds every curve to `result` from the outcomes of figure_jobs(result.figure, ...), in their
// order, each with its runs' results (the best rate chosen by combine_runs).
void add_curves(FigureResult& result, std::vector<JobOutcome> outcomes);

// The iterations a figure's runs take when none diverges: seeds x rates x iterations, summed.
std::size_t planned_iterations(const Figure& figure);

// Trains every curve of `figure` on its data, with a progress line of iterations across all its
// runs (when `progress`), or adding them to `shared` (reproduce's line across every figure).
// Requires: jobs >= 1.
// With a store, every finished job is kept in its folder (runner/folders.hpp, without a plot)
// and, with store.resume, the jobs already there are read back instead of trained.
FigureResult run_figure(const Figure& figure, const FigureData& data, int jobs, bool progress,
                        SharedProgress* shared = nullptr, const JobStore& store = {});

// The curve of `panel` with these settings, or nullptr.
const CurveResult* find_curve(const FigureResult& result, const std::string& panel,
                              const CurveSettings& settings);

// L* of the panel called `panel`.
double panel_l_star(const FigureResult& result, const std::string& panel);

// The distance from the optimum at the end of a curve: its best run's final loss - L*.
double final_distance(const FigureResult& result, const CurveResult& curve);

}  // namespace experiments
