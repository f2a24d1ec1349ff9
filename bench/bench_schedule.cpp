// The runner's schedule on many MPI ranks, predicted from job durations measured here.
//
// This machine has two cores, so the schedule of `reproduce --seeds K` at the paper's horizons
// on 8, 32 or 128 ranks is simulated, not run: every linear figure's jobs (figures/run.hpp's
// figure_jobs, K seeds each) are timed for a short run on one thread, each job's duration at its
// full horizon is that time per iteration times its iterations (an upper bound: a rate that
// diverges stops early), and the runner's rule (runner.cpp) is replayed: jobs longest first by
// job_cost, each handed to the rank that frees first, rank 0 included; reproduce runs its figures
// one after another, so their schedules add up. Prints the predicted wall time and the
// efficiency against perfect scaling (total work / ranks). With `acceleration` first, the same
// for `overparam figure acceleration` (5 seeds) at ITERATIONS per run.
//
//   build/bench/bench_schedule [SEEDS=10] [CALIBRATION_ITERATIONS=2000] [RANKS=1,2,8,32,128]
//   build/bench/bench_schedule acceleration [ITERATIONS=100000] [CALIBRATION_ITERATIONS=2000]
//                              [RANKS=1,2,8,32,128]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <queue>
#include <string>
#include <tuple>
#include <vector>

#include "autodiff/blas.hpp"
#include "experiments/figures/acceleration.hpp"
#include "experiments/figures/catalogue.hpp"
#include "experiments/figures/run.hpp"
#include "experiments/runner/runner.hpp"

using namespace experiments;

namespace {

// The runner's order and hand-out, replayed: the time the last rank finishes.
double makespan(const std::vector<LinearJob>& jobs, const std::vector<double>& seconds, int ranks) {
  std::vector<std::size_t> order(jobs.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return job_cost(jobs[a]) > job_cost(jobs[b]);
  });
  // (time the rank is free, rank): the earliest first, the lower rank on a tie.
  std::priority_queue<std::pair<double, int>, std::vector<std::pair<double, int>>, std::greater<>>
      free_at;
  for (int r = 0; r < ranks; ++r) free_at.push({0.0, r});
  double end = 0;
  for (std::size_t i : order) {
    auto [t, r] = free_at.top();
    free_at.pop();
    t += seconds[i];
    end = std::max(end, t);
    free_at.push({t, r});
  }
  return end;
}

// The jobs of a figure, each with its predicted seconds on one thread.
struct FigureJobs {
  std::string name;
  std::vector<LinearJob> jobs;
  std::vector<double> seconds;
};

// Times one short run per distinct shape of job (kept in `per_iteration`), and predicts each of
// the figure's jobs from it.
FigureJobs time_jobs(const std::string& name, const Figure& figure, const std::string& data,
                     std::size_t calibration,
                     std::map<std::tuple<int, std::size_t, std::size_t, int, std::size_t, int>,
                              double>& per_iteration) {
  const FigureData fd = load_figure_data(figure, data, data::Normalization::zscore);
  FigureJobs f{name, figure_jobs(figure, fd), {}};
  for (const LinearJob& job : f.jobs) {
    const LinearConfig& c = job.config;
    const auto key = std::make_tuple(job.problem.p, c.depth, c.width, int(c.optimizer),
                                     c.rates.size(), int(c.init));
    if (!per_iteration.count(key)) {
      LinearConfig shortened = c;
      shortened.iterations = std::min(calibration, c.iterations);
      const auto start = std::chrono::steady_clock::now();
      train_linear(cached_problem(job.problem), shortened);
      per_iteration[key] =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() /
          double(shortened.iterations);
    }
    f.seconds.push_back(per_iteration[key] * double(c.iterations));
  }
  double total = 0;
  for (double s : f.seconds) total += s;
  std::printf("figure %-12s %4zu jobs, %9.0f s of work on one core\n", name.c_str(), f.jobs.size(),
              total);
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  const bool acceleration = argc > 1 && std::string(argv[1]) == "acceleration";
  if (acceleration) {
    --argc;
    ++argv;
  }
  // SEEDS, or with `acceleration` ITERATIONS.
  const std::size_t first = argc > 1       ? std::strtoul(argv[1], nullptr, 10)
                            : acceleration ? acceleration_iterations
                                           : 10;
  const std::size_t seeds = acceleration ? acceleration_seeds : first;
  const std::size_t calibration = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 2000;
  std::vector<int> ranks = {1, 2, 8, 32, 128};
  if (argc > 3) {
    ranks.clear();
    for (char* p = argv[3]; *p;) {
      ranks.push_back(int(std::strtol(p, &p, 10)));
      if (*p == ',') ++p;
    }
  }
  ad::blas::set_num_threads(1);
  const std::string data = std::string(OVERPARAM_SOURCE_DIR) + "/data/gas/ethanol.dat.gz";

  // The figures' jobs at the paper's horizons (or the study's at ITERATIONS), and one timing
  // per distinct shape of job.
  std::vector<FigureJobs> figures;
  std::map<std::tuple<int, std::size_t, std::size_t, int, std::size_t, int>, double> per_iteration;
  if (acceleration) {
    Figure figure = acceleration_figure(false);
    FigureOverrides o;
    o.iterations = first;
    o.seeds = seeds;
    apply_overrides(figure, o);
    figures.push_back(time_jobs("acceleration", figure, data, calibration, per_iteration));
  } else {
    for (const std::string& name : figure_names()) {
      Figure figure = make_figure(name, false);
      FigureOverrides o;
      o.seeds = seeds;
      apply_overrides(figure, o);
      figures.push_back(time_jobs(name, figure, data, calibration, per_iteration));
    }
  }

  std::vector<LinearJob> all_jobs;
  std::vector<double> all_seconds;
  double work = 0;
  for (const FigureJobs& f : figures) {
    all_jobs.insert(all_jobs.end(), f.jobs.begin(), f.jobs.end());
    all_seconds.insert(all_seconds.end(), f.seconds.begin(), f.seconds.end());
    for (double s : f.seconds) work += s;
  }
  if (acceleration)
    std::printf(
        "\nfigure acceleration, %zu seeds, %zu iterations a run: %zu jobs, %.0f s (%.1f h) "
        "of work\n\n",
        seeds, first, all_jobs.size(), work, work / 3600);
  else
    std::printf(
        "\nreproduce --seeds %zu, linear figures at the paper's horizons: %zu jobs, %.0f s "
        "(%.1f h) of work\n\n",
        seeds, all_jobs.size(), work, work / 3600);
  std::printf(
      "ranks,figure_by_figure_seconds,efficiency,one_list_seconds,one_list_efficiency,"
      "longest_job_seconds\n");
  const double longest = *std::max_element(all_seconds.begin(), all_seconds.end());
  for (int r : ranks) {
    double sequential = 0;
    for (const FigureJobs& f : figures) sequential += makespan(f.jobs, f.seconds, r);
    const double together = makespan(all_jobs, all_seconds, r);
    std::printf("%d,%.0f,%.3f,%.0f,%.3f,%.0f\n", r, sequential, work / (r * sequential), together,
                work / (r * together), longest);
  }
  return 0;
}
