// Does depth also accelerate the explicitly accelerated methods? The question the 2019 course
// reproduction left open, as a study on the runner.
//
// On l_2 and l_4, depths 1 to 4 (normal init) and 8 (identity init), each of gradient descent,
// Momentum, AdaGrad, RMSProp and Adam, every curve with its rate chosen by the paper's rule on
// the median over seeds (figures/run.hpp) from 5 seeds. The measure is the number of iterations
// a run takes to come within ε = 1, 1e-1, 1e-2, 1e-3 of the optimum (the paper's units: the
// distance on its loss, (1/m) Σ r^p; ε = 1 for short horizons, at which l_4 reaches no other),
// read off its logged curve. The speed-up of depth N over depth 1 for the same optimizer and
// seed is depth 1's count over depth N's, at the smallest ε that every run with that optimizer
// (every depth, every seed) reaches on that loss.
#pragma once

#include <string>
#include <vector>

#include "experiments/figures/run.hpp"

namespace experiments {

inline constexpr std::size_t acceleration_iterations = 100'000;
inline constexpr std::size_t acceleration_quick_iterations = 10'000;
inline constexpr std::size_t acceleration_seeds = 5;

// 1, 1e-1, 1e-2, 1e-3.
const std::vector<double>& acceleration_epsilons();

// The study as a figure: panels l2 and l4, a curve per optimizer and depth, 5 seeds.
Figure acceleration_figure(bool quick, const Conventions& conventions = {});

// The first logged iteration of `run` whose distance (in the paper's units: `factor` times
// loss - L*) is at most eps; -1 when it never is.
long long iterations_to(const LinearResult& run, double l_star, double factor, double eps);

struct AccelerationCell {
  std::string panel;
  optim::OptimizerKind optimizer = optim::OptimizerKind::gd;
  std::size_t depth = 1;
  nn::Init init = nn::Init::normal;
  double best_lr = 0;
  std::vector<std::vector<long long>> iterations;  // [seed][epsilon], -1: not reached
  // Index into acceleration_epsilons(): the smallest distance every run of this panel and
  // optimizer reaches after its start (every depth, every seed); -1 when there is none.
  int epsilon = -1;
  std::vector<double> speedup;           // per seed, at that distance
  double median = 0, low = 0, high = 0;  // of speedup; NaN when not measured
};

struct AccelerationResult {
  FigureResult figure;
  std::vector<std::string> panels;
  std::vector<AccelerationCell> cells;
};

// The measure and the speed-ups from a run of acceleration_figure.
AccelerationResult analyse_acceleration(FigureResult figure);

// One line per optimizer and panel: "l_4, adam: depth speeds it up (depth 3: 2.1x, 1.8 to 2.4
// over 5 seeds)" or that it does not, with the numbers.
std::vector<std::string> acceleration_verdicts(const AccelerationResult& result);

// OUT/acceleration.csv (a row per curve and seed: iterations to each ε), OUT/speedup.csv (a row
// per curve: median, min and max speed-up over seeds), OUT/acceleration.md (the tables and the
// verdicts), OUT/acceleration_l2.png and _l4.png (the heat maps, with `plot`), and the figure's
// own files (figures/files.hpp).
void write_acceleration(const AccelerationResult& result, const std::string& out, bool plot);

}  // namespace experiments
