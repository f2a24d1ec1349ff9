// A sweep's combinations and tables, on synthetic outcomes whose numbers are known.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "experiments/figures/sweep.hpp"

using namespace experiments;

namespace {

LinearResult run(double final_loss, bool diverged = false) {
  LinearResult r;
  r.iteration = {0, 100};
  r.loss = {1.0, final_loss};
  r.final_loss = final_loss;
  r.diverged = diverged;
  return r;
}

}  // namespace

TEST_CASE("sweep_combinations: every combination, the first axis slowest", "[experiments]") {
  const std::vector<SweepAxis> axes = {{"depth", {"1", "2"}}, {"optimizer", {"gd", "adam", "e2e"}}};
  const auto all = sweep_combinations(axes);
  REQUIRE(all.size() == 6);
  CHECK(all[0] == std::vector<std::string>{"1", "gd"});
  CHECK(all[2] == std::vector<std::string>{"1", "e2e"});
  CHECK(all[3] == std::vector<std::string>{"2", "gd"});
  CHECK(combination_label(axes, all[4]) == "depth 2, optimizer adam");
  CHECK(sweep_combinations({}).size() == 1);
}

TEST_CASE("sweep tables: a row per job, the summary's rate chosen on the median over seeds",
          "[experiments]") {
  Sweep s;
  s.axes = {{"depth", {"1"}}};
  s.seeds = 3;
  std::vector<JobOutcome> outcomes;
  // Rates 0.1 and 0.01; at 0.1 the seeds end 0.5, 0.2 (best), diverged; at 0.01: 0.4, 0.3, 0.35.
  const double finals[3][2] = {{0.5, 0.4}, {0.2, 0.3}, {0, 0.35}};
  for (std::size_t seed = 0; seed < 3; ++seed) {
    SweepJob j;
    j.values = {"1"};
    j.seed = seed;
    LinearJob job;
    job.config.rates = {0.1, 0.01};
    job.config.seed = seed;
    j.job = job;
    s.jobs.push_back(j);
    JobOutcome o;
    o.status = JobStatus::done;
    o.results = {run(finals[seed][0], seed == 2), run(finals[seed][1])};
    outcomes.push_back(o);
  }
  outcomes[1].seconds = 2.5;
  const std::vector<double> l_star(3, 0.1);
  const std::string rows = sweep_csv(s, outcomes, l_star).str();
  CHECK_THAT(rows,
             Catch::StartsWith(
                 "job,depth,seed,status,best_lr,final_loss,distance,diverged,seconds,folder\n"));
  // Seed 1: its own best rate 0.1, final 0.2, distance 0.1.
  CHECK_THAT(rows, Catch::Contains(",1,1,done,0.10000000000000001,0.20000000000000001,"
                                   "0.10000000000000001,0,2.500,jobs/"));
  // At 0.1 the median over seeds is 0.5 (0.2, 0.5 and a divergence), at 0.01 it is 0.35: the
  // summary's rate is 0.01, with distances 0.3, 0.2 and 0.25 (0.35 - 0.1, as doubles).
  const std::string summary = sweep_summary_csv(s, outcomes, l_star).str();
  CHECK(summary ==
        "depth,seeds,best_lr,distance_median,distance_min,distance_max,final_loss_median,"
        "diverged\n1,3,0.01,0.24999999999999997,0.19999999999999998,0.30000000000000004,0."
        "34999999999999998,0\n");
  // The summary plot's legend names the combination and the rate chosen.
  std::vector<Series> curves;
  sweep_summary_csv(s, outcomes, l_star, &curves);
  REQUIRE(curves.size() == 1);
  CHECK(curves[0].label == "depth 1 (lr 0.01)");
  // A varied --lr is in the label already.
  Sweep by_lr = s;
  by_lr.axes = {{"lr", {"0.01"}}};
  for (SweepJob& j : by_lr.jobs) {
    j.values = {"0.01"};
    std::get<LinearJob>(j.job).config.rates = {0.01};
  }
  std::vector<JobOutcome> single = outcomes;
  for (JobOutcome& o : single) o.results = {o.results[1]};
  curves.clear();
  sweep_summary_csv(by_lr, single, l_star, &curves);
  REQUIRE(curves.size() == 1);
  CHECK(curves[0].label == "lr 0.01");

  // An unfinished job has a row with its status and no numbers, and is left out of the summary.
  outcomes[2].status = JobStatus::interrupted;
  CHECK_THAT(sweep_csv(s, outcomes, l_star).str(), Catch::Contains(",1,2,interrupted,,,,,,\n"));
  CHECK_THAT(sweep_summary_csv(s, outcomes, l_star).str(), Catch::Contains("\n1,2,"));
}

TEST_CASE("mnist sweep tables: final losses over the last steps, medians and ranges over seeds",
          "[experiments][mnist]") {
  Sweep s;
  s.axes = {{"variant", {"original", "overparam"}}};
  s.seeds = 3;
  std::vector<JobOutcome> outcomes;
  // The original's seeds end at batch losses 2, 4 and 3 (constant curves of 150 steps, so the
  // mean of the last 100 is that value); the overparameterized one's at 1, 0.5 and a
  // divergence at step 2 (its last loss infinite).
  const double ends[2][3] = {{2, 4, 3}, {1, 0.5, 0}};
  for (std::size_t c = 0; c < 2; ++c)
    for (std::size_t seed = 0; seed < 3; ++seed) {
      SweepJob j;
      j.combination = c;
      j.values = {s.axes[0].values[c]};
      j.seed = seed;
      MnistJob job;
      job.config.seed = seed;
      j.job = job;
      s.jobs.push_back(j);
      JobOutcome o;
      o.status = JobStatus::done;
      MnistResult r;
      const bool diverged = c == 1 && seed == 2;
      r.steps = diverged ? 2 : 150;
      r.batch_loss.assign(diverged ? 3 : 150, ends[c][seed]);
      if (diverged) r.batch_loss.back() = std::numeric_limits<double>::infinity();
      r.lr.assign(r.batch_loss.size(), 0.01);
      r.diverged = diverged;
      r.evals = {{r.steps, 10.0 * double(seed + 1), 20.0 * double(seed + 1) - 10.0 * double(c)}};
      o.mnist = r;
      outcomes.push_back(o);
    }
  const std::string rows = mnist_sweep_csv(s, outcomes).str();
  CHECK_THAT(rows, Catch::StartsWith("job,variant,seed,status,steps,final_loss,validation_error,"
                                     "test_error,diverged,seconds,folder\n"));
  CHECK_THAT(rows, Catch::Contains(",original,1,done,150,4,20,40,0,0.000,jobs/"));
  CHECK_THAT(rows, Catch::Contains(",overparam,2,done,2,inf,30,50,1,"));
  std::vector<Series> curves;
  const std::string summary = mnist_sweep_summary_csv(s, outcomes, &curves).str();
  CHECK(summary ==
        "variant,seeds,final_loss_median,final_loss_min,final_loss_max,test_error_median,"
        "test_error_min,test_error_max,diverged\n"
        "original,3,3,2,4,40,20,60,0\n"
        "overparam,3,1,0.5,inf,30,10,50,1\n");
  // The curves: the median step by step over the steps every seed took, with the range.
  REQUIRE(curves.size() == 2);
  CHECK(curves[0].label == "variant original (lr 0.01, x0.95 per epoch)");
  CHECK(curves[0].y.size() == 150);
  CHECK(curves[0].y[10] == 3);
  CHECK(curves[0].low[10] == 2);
  CHECK(curves[0].high[10] == 4);
  CHECK(curves[1].y.size() == 3);
  CHECK(curves[1].y[2] == 1);  // 0.5, 1 and infinity
  CHECK(std::isinf(curves[1].high[2]));

  outcomes[0].status = JobStatus::interrupted;
  CHECK_THAT(mnist_sweep_csv(s, outcomes).str(),
             Catch::Contains(",original,0,interrupted,,,,,,,\n"));
  CHECK_THAT(mnist_sweep_summary_csv(s, outcomes).str(), Catch::Contains("\noriginal,2,3.5,3,4,"));
}
