// What a linear run leaves on disk, as tables: the loss curve of one model, logged every few
// iterations, with its distance from the optimum.
#pragma once

#include "experiments/linear/trainer.hpp"
#include "experiments/report/csv.hpp"
#include "experiments/report/plot.hpp"

namespace experiments {

// iteration,loss,distance: one row per logged iteration, distance = loss - L*.
Csv losses_csv(const LinearResult& result, double l_star);

// The same curve as a plot series of the distance L - L* against the iteration.
Series distance_series(std::string label, const LinearResult& result, double l_star);

}  // namespace experiments
