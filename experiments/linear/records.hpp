// What a linear run leaves on disk, as tables: the loss curve of one model, logged every few
// iterations, with its distance from the optimum.
#pragma once

#include <string>
#include <vector>

#include "experiments/linear/problem.hpp"
#include "experiments/linear/trainer.hpp"
#include "experiments/report/csv.hpp"
#include "experiments/report/json.hpp"
#include "experiments/report/plot.hpp"

namespace experiments {

// iteration,loss,distance: one row per logged iteration, distance = loss - L*.
Csv losses_csv(const LinearResult& result, double l_star);

// The same curve as a plot series of the distance L - L* against the iteration.
Series distance_series(std::string label, const LinearResult& result, double l_star);

// run.json's "settings" of a run of `config` on the problem `spec` builds: the data, the loss,
// the model, the optimizer with every hyperparameter as used, the schedule, the seed. "lr" is
// the rate of a single-rate run and null for a grid (run.json's best_lr is the rate chosen).
Json linear_settings_json(const ProblemSpec& spec, const LinearConfig& config);

// A linear run's folder `out`, as `overparam linear` leaves it: losses.csv (the best rate's
// curve; with a grid also losses_gridK.csv for the K-th rate), W1.npy ... WN.npy (W.npy for the
// end-to-end rule), run.json (version, command, settings, then the results and the grid) and,
// with `plot`, loss.png. `results` are train_linear's, one per rate of config.rates.
void write_linear_run(const std::string& out, const Json& settings, const Problem& problem,
                      const LinearConfig& config, const std::vector<LinearResult>& results,
                      bool plot);

}  // namespace experiments
