// The paper's last figure: the MNIST convnet and its overparameterized variant trained from the
// same seed, their batch losses on one log-scale plot, the paper's numbers beside this run's.
//
// Where the L2 penalty of the dense layers goes decides the outcome, so by default the figure
// trains the overparameterized variant twice: with the penalty on the product W1·W2 (the
// original's penalty on the same end-to-end matrix) and on each factor.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "experiments/mnist/train.hpp"

namespace experiments {

struct MnistOverparamRun {
  MnistConfig config;
  MnistResult result;
  std::size_t crossing = SIZE_MAX;  // crossing_step() against the original; SIZE_MAX: never
};

struct MnistFigure {
  MnistConfig original;  // the settings the original ran with
  MnistResult original_result;
  std::vector<MnistOverparamRun> overparam;  // one per L2 placement, in the order asked
  bool quick = false;                        // the shortened run (--quick), recorded in mnist.json
};

// The folder and JSON name of a run: "original", "overparam" (L2 on the product) or
// "overparam-factors".
std::string mnist_run_name(const MnistConfig& config);

// The figure's runs from `base` (its variant and l2_on ignored): the original, then the
// overparameterized variant with each placement in `placements`, each with its progress label.
// Requires: at least one placement (throws std::invalid_argument).
std::vector<MnistConfig> mnist_figure_configs(const MnistConfig& base,
                                              const std::vector<L2On>& placements);
// The figure of those runs trained: `results[k]` is the result of `configs[k]`.
MnistFigure mnist_figure_of(const std::vector<MnistConfig>& configs,
                            std::vector<MnistResult> results);

// The table (the paper's numbers beside this run's) with the verdicts under it, per placement.
std::string mnist_figure_table(const MnistFigure& figure);

// The report of the figure without its title line: what the paper shows, what this run was,
// the table and the verdicts (mnist.md is "# TITLE\n" followed by this).
std::string mnist_figure_body(const MnistFigure& figure);
extern const char* const mnist_figure_title;

// Writes mnist.md, mnist.json and, when `plot`, mnist.png into `out` (created if needed).
void write_mnist_figure(const MnistFigure& figure, const std::string& out,
                        const std::string& mnist_dir, int threads, bool plot);

}  // namespace experiments
