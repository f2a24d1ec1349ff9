// The paper's last figure: the MNIST convnet and its overparameterized variant trained from the
// same seed, their batch losses on one log-scale plot, the paper's numbers beside this run's.
#pragma once

#include <functional>
#include <string>

#include "experiments/mnist/train.hpp"

namespace experiments {

struct MnistFigure {
  MnistConfig original, overparam;  // the settings each variant ran with
  MnistResult original_result, overparam_result;
  std::size_t crossing = 0;  // crossing_step(), SIZE_MAX when it never crosses
  bool quick = false;        // the shortened run (--quick), recorded in mnist.json
};

// Trains both variants from `base` (its variant ignored), calling `after_each` with each
// variant's settings and result as soon as it is trained (to write its files). Stops after the
// variant during which a signal arrived (report/interrupt.hpp), throwing Interrupted.
MnistFigure run_mnist_figure(
    const data::Mnist& mnist, const MnistConfig& base,
    const std::function<void(const MnistConfig&, const MnistResult&)>& after_each);

// The table (the paper's numbers beside this run's) with the verdicts under it.
std::string mnist_figure_table(const MnistFigure& figure);

// The report of the figure without its title line: what the paper shows, what this run was,
// the table and the verdicts (mnist.md is "# TITLE\n" followed by this).
std::string mnist_figure_body(const MnistFigure& figure);
extern const char* const mnist_figure_title;

// Writes mnist.md, mnist.json and, when `plot`, mnist.png into `out` (created if needed).
void write_mnist_figure(const MnistFigure& figure, const std::string& out,
                        const std::string& mnist_dir, int threads, bool plot);

}  // namespace experiments
