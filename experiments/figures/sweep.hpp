// A sweep: the cartesian product of a few flags' values, each combination trained from K
// seeds, as jobs for the runner (runner/runner.hpp); and its tables and plot.
//
// `overparam sweep linear --vary depth=1,2,3 --vary optimizer=gd,adam --seeds 3` is
// 3 x 2 combinations x 3 seeds = 18 jobs, each a `linear` run with its whole --lr-grid. Its
// rows (sweep.csv) are the jobs; its summary (summary.csv) has one row per combination, whose
// rate is chosen once by the paper's rule on the median over seeds of the final loss (as a
// figure's curve: figures/run.hpp's combine_runs), with the median, minimum and maximum over
// seeds of the distance from the optimum at that rate.
//
// `overparam sweep mnist --vary variant=original,overparam --seeds 3` is 2 x 3 `mnist` runs.
// Its rows have each run's final batch loss (the mean of its last 100 steps, as the MNIST
// figure's table) and errors; its summary their median, minimum and maximum over seeds.
#pragma once

#include <string>
#include <vector>

#include "experiments/report/csv.hpp"
#include "experiments/report/json.hpp"
#include "experiments/report/plot.hpp"
#include "experiments/runner/job.hpp"

namespace experiments {

struct SweepAxis {
  std::string flag;                 // a flag of `overparam linear`, without the dashes
  std::vector<std::string> values;  // as the user typed them
};

struct SweepJob {
  std::size_t combination = 0;      // index into sweep_combinations(axes)
  std::vector<std::string> values;  // one per axis
  std::size_t seed = 0;             // 0 ... seeds - 1 (the run's --seed adds this)
  Job job;                          // every job of a sweep is of one kind
};

struct Sweep {
  std::vector<SweepAxis> axes;
  std::size_t seeds = 1;
  std::vector<SweepJob> jobs;  // combination by combination, seed by seed
};

// Every combination of one value per axis, the first axis varying slowest.
std::vector<std::vector<std::string>> sweep_combinations(const std::vector<SweepAxis>& axes);
// "depth 2, optimizer adam": the combination as a plot's legend names it.
std::string combination_label(const std::vector<SweepAxis>& axes,
                              const std::vector<std::string>& values);

// One row per job: job (its id), the varied flags, seed, status, best_lr, final_loss, distance,
// diverged (every rate diverged), seconds, folder (jobs/ID). Empty cells for a job that did
// not finish. `l_star[i]` is the optimum of job i's problem.
Csv sweep_csv(const Sweep& sweep, const std::vector<JobOutcome>& outcomes,
              const std::vector<double>& l_star);
// One row per combination: the varied flags, seeds (the finished ones), best_lr, distance
// median, min and max over those seeds at best_lr, final_loss_median, diverged (no rate
// converged in the median). The median's curve of each combination is in `curves`, labelled
// by combination_label and its chosen rate (curve_legend, figures/files.hpp), for the summary
// plot.
Csv sweep_summary_csv(const Sweep& sweep, const std::vector<JobOutcome>& outcomes,
                      const std::vector<double>& l_star, std::vector<Series>* curves = nullptr);

// A MNIST sweep's rows, one per job: job, the varied flags, seed, status, steps, final_loss
// (the mean batch loss of the last mnist_final_steps steps), validation_error and test_error
// (percent, at the end), diverged, seconds, folder. Empty cells for a job that did not finish.
Csv mnist_sweep_csv(const Sweep& sweep, const std::vector<JobOutcome>& outcomes);
// One row per combination: the varied flags, seeds (the finished ones), final_loss and
// test_error median, min and max over those seeds, diverged (how many of them diverged). The
// median over seeds of the batch loss, step by step, with its min-max band, is in `curves`,
// labelled by combination_label and the rate schedule.
Csv mnist_sweep_summary_csv(const Sweep& sweep, const std::vector<JobOutcome>& outcomes,
                            std::vector<Series>* curves = nullptr);
inline constexpr std::size_t mnist_final_steps = 100;

}  // namespace experiments
