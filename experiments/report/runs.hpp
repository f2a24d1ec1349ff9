// Reading runs back: the loss curves a `linear`, `mnist` or `figure` run left in its folder, so
// that several runs can be drawn on one plot (`overparam plot`).
//
//   linear:  run.json ("command": "linear") and losses.csv (iteration, loss, distance)
//   mnist:   run.json ("command": "mnist") and batch_loss.csv (step, batch loss)
//   figure:  NAME.json ("figure": NAME) and one CSV per curve (iteration, loss, distance)
#pragma once

#include <map>
#include <string>
#include <vector>

#include "experiments/report/plot.hpp"

namespace experiments {

// Which column a curve shows: the loss, or its distance from the optimum L - L* (linear runs
// and figures; an MNIST run has only its batch loss).
enum class CurveValue { loss, distance };

struct RunCurve {
  std::string name;                             // the run's folder, or "FOLDER: curve" for figures
  std::map<std::string, std::string> settings;  // from run.json, each value as JSON text
  Series series;                                // x = iteration (or step), y = the value
};

// The curves of the run in `dir` (one for linear and mnist runs, one per curve for a figure).
// Throws std::runtime_error naming the folder and the file when it holds no run, or a file is
// not what the run's kind writes.
std::vector<RunCurve> read_run_curves(const std::string& dir, CurveValue value);

// Labels for curves from several runs: the settings whose values differ between them
// ("depth=3, lr=0.001"), or the names when no setting differs.
std::vector<std::string> distinguishing_labels(const std::vector<RunCurve>& curves);

}  // namespace experiments
