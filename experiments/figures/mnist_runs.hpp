// The paper's last figure trained by the runner: its convnets (the original, and the
// overparameterized variant once per L2 placement) are MnistJobs, so on MPI ranks they train
// at the same time, each on a rank of its own, and here one after another.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "experiments/mnist/figure.hpp"
#include "experiments/runner/runner.hpp"

namespace experiments {

struct MnistFigureSettings {
  std::string mnist_dir;
  std::size_t validation_size = 5000;
  MnistConfig base;              // the settings every run shares (variant and l2_on ignored)
  std::vector<L2On> placements;  // where the variant's L2 goes, one run each
  int threads = 0;               // threads of each run (mnist_job_threads)
  bool progress = false;         // one progress line over every run's steps
  JobStore store;                // job folders, and reading back the finished ones
};

// Trains the figure's runs, calling `after_each` on this process (rank 0) with each run's
// settings and result as soon as it ends (to write its files), a run that a signal stopped
// included. Throws Interrupted after a signal, once the finished runs are handed over, and
// std::runtime_error with its message when a run failed. Throws data::DataError when the MNIST
// files cannot be read.
// The threads a convnet job trains on for a --threads of `threads`: those, or with 0 one per
// core here and one under MPI (a rank per core). Its last bits depend on it (MnistJob).
int mnist_job_threads(int threads);

MnistFigure train_mnist_figure(
    const MnistFigureSettings& settings,
    const std::function<void(const MnistConfig&, const MnistResult&)>& after_each);

}  // namespace experiments
