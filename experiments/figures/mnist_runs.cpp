#include "experiments/figures/mnist_runs.hpp"

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <thread>

#include "experiments/report/interrupt.hpp"
#include "experiments/report/progress.hpp"
#include "experiments/runner/mpi.hpp"

namespace experiments {

int mnist_job_threads(int threads) {
  if (threads > 0) return threads;
  return mpi::active() ? 1 : int(std::max(1u, std::thread::hardware_concurrency()));
}

MnistFigure train_mnist_figure(
    const MnistFigureSettings& s,
    const std::function<void(const MnistConfig&, const MnistResult&)>& after_each) {
  const std::vector<MnistConfig> configs = mnist_figure_configs(s.base, s.placements);
  std::vector<Job> jobs;
  std::size_t steps = 0;
  for (const MnistConfig& c : configs) {
    jobs.push_back(MnistJob{s.mnist_dir, s.validation_size, mnist_job_threads(s.threads), c});
    steps += job_steps(jobs.back());
  }
  SharedProgress progress("mnist", steps, s.progress);
  // after_each writes each run's files where the figure wants them.
  RunnerOptions options = figure_runner_options(s.store, &progress);
  options.on_outcome = [&](std::size_t k, const JobOutcome& o) {
    if (o.mnist) after_each(configs[k], *o.mnist);
  };
  std::vector<JobOutcome> outcomes = run_jobs(jobs, options);
  progress.finish();
  std::vector<MnistResult> results;
  for (JobOutcome& o : outcomes) {
    if (o.status == JobStatus::failed) throw std::runtime_error(o.error);
    if (o.status != JobStatus::done) throw Interrupted{};
    results.push_back(std::move(*o.mnist));
  }
  return mnist_figure_of(configs, std::move(results));
}

}  // namespace experiments
