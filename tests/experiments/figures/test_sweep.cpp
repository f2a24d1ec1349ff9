// A sweep's combinations and tables, on synthetic outcomes whose numbers are known.
#include <catch2/catch.hpp>

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
    j.job.config.rates = {0.1, 0.01};
    j.job.config.seed = seed;
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
    j.job.config.rates = {0.01};
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
