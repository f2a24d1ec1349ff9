// What an MNIST run leaves on disk: batch_loss.csv (step, batch loss, learning rate), eval.csv
// (step, validation and test error), run.json (the settings and the results), batch_loss.png.
#pragma once

#include <string>

#include "experiments/mnist/train.hpp"
#include "experiments/report/csv.hpp"
#include "experiments/report/json.hpp"
#include "experiments/report/plot.hpp"

namespace experiments {

Csv batch_loss_csv(const MnistResult& r);
Csv eval_csv(const MnistResult& r);
// The batch loss against the step.
Series loss_series(const std::string& label, const MnistResult& r);
// The settings and results of one run ("settings" and the results, as run.json has them beside
// "version" and "command"; each run of mnist.json).
Json mnist_result_json(const MnistConfig& c, const MnistResult& r, const std::string& mnist_dir,
                       int threads);
// Writes batch_loss.csv, eval.csv, run.json (and batch_loss.png when `plot`) into `out`.
void write_mnist_run(const std::string& out, const MnistConfig& c, const MnistResult& r,
                     const std::string& mnist_dir, int threads, bool plot);

}  // namespace experiments
