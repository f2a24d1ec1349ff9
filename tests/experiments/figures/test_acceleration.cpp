// The acceleration study's measure on synthetic curves whose crossings are known: iterations to
// each distance, the distance each optimizer's runs all reach, speed-ups seed by seed, verdicts.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "experiments/figures/acceleration.hpp"
#include "experiments/files.hpp"
#include "experiments/report/plot.hpp"

using namespace experiments;

namespace {

// A run whose distance from L* = 0 halves every `halving` iterations from 5, logged every 10.
LinearResult halving_run(double halving, std::size_t iterations = 2000) {
  LinearResult r;
  for (std::size_t i = 0; i <= iterations; i += 10) {
    r.iteration.push_back(i);
    r.loss.push_back(5 * std::pow(0.5, double(i) / halving));
  }
  r.final_loss = r.loss.back();
  r.iterations_done = iterations;
  return r;
}

// The study's figure with synthetic results: on l_4, Adam's depth-2 curve twice as fast as its
// depth 1 in both seeds; every other curve as slow as depth 1; gradient descent never gets
// within 1 of the optimum at depth 4 in seed 1.
FigureResult synthetic_study() {
  FigureResult r;
  r.figure = acceleration_figure(true);
  r.figure.seeds = 2;
  for (const FigurePanel& panel : r.figure.panels) {
    r.l_star.push_back(0);
    for (const FigureCurve& fc : panel.curves) {
      CurveResult c;
      c.panel = panel.name;
      c.settings = fc.settings();
      c.best_lr = 1e-3;
      for (std::size_t seed = 0; seed < 2; ++seed) {
        double halving = 100;
        if (panel.name == "l4" && c.settings.optimizer == optim::OptimizerKind::adam &&
            c.settings.depth == 2)
          halving = 50;
        if (panel.name == "l4" && c.settings.optimizer == optim::OptimizerKind::gd &&
            c.settings.depth == 4 && seed == 1)
          halving = 1e9;
        c.seed_best.push_back(halving_run(halving));
      }
      c.best = c.seed_best[0];
      r.curves.push_back(std::move(c));
    }
  }
  return r;
}

const AccelerationCell& cell(const AccelerationResult& r, const std::string& panel,
                             optim::OptimizerKind opt, std::size_t depth) {
  for (const AccelerationCell& c : r.cells)
    if (c.panel == panel && c.optimizer == opt && c.depth == depth) return c;
  FAIL("no cell");
  return r.cells.front();
}

}  // namespace

TEST_CASE("acceleration: iterations to a distance, read off the logged curve", "[experiments]") {
  const LinearResult run = halving_run(100);
  // 5 * 0.5^(i/100) <= 1 from i = 232.2: the first logged row at or past it is 240.
  CHECK(iterations_to(run, 0, 1, 1.0) == 240);
  // In the paper's units a factor 4 (the mean-over-p l_4 loss) moves the crossing later.
  CHECK(iterations_to(run, 0, 4, 1.0) == 440);
  CHECK(iterations_to(run, 0, 1, 1e-9) == -1);
  CHECK(iterations_to(run, 4, 1, 1.0) == 0);  // already within 1 of an L* of 4
}

TEST_CASE("acceleration: speed-ups seed by seed at the distance every run reaches",
          "[experiments]") {
  const AccelerationResult r = analyse_acceleration(synthetic_study());
  using enum optim::OptimizerKind;
  const AccelerationCell& fast = cell(r, "l4", adam, 2);
  // Every Adam run halves at least every 100 iterations: all reach 1e-3 (5 -> 1e-3 needs 12.3
  // halvings, 1230 iterations, within 2000).
  CHECK(acceleration_epsilons()[std::size_t(fast.epsilon)] == 1e-3);
  REQUIRE(fast.speedup.size() == 2);
  // Depth 1 crosses 1e-3 at 1230, depth 2 at 620: 1230 / 620.
  CHECK(fast.speedup[0] == Approx(1230.0 / 620.0));
  CHECK(fast.median == Approx(1230.0 / 620.0));
  CHECK(cell(r, "l4", adam, 3).median == 1);
  // One gradient-descent run never gets within 1: no distance for the row, no speed-up.
  CHECK(cell(r, "l4", gd, 1).epsilon == -1);
  CHECK(std::isnan(cell(r, "l4", gd, 2).median));
  CHECK(acceleration_epsilons()[std::size_t(cell(r, "l2", gd, 2).epsilon)] == 1e-3);

  const std::vector<std::string> verdicts = acceleration_verdicts(r);
  REQUIRE(verdicts.size() == 10);
  CHECK_THAT(verdicts[9], Catch::StartsWith("l_4, adam: depth accelerates it in every seed: "
                                            "depth 2, speed-up 1.98x over depth 1 at distance "
                                            "0.001 (1.98x to 1.98x over 2 seeds)"));
  CHECK_THAT(verdicts[5], Catch::StartsWith("l_4, gd: not judged"));
  CHECK_THAT(verdicts[0], Catch::StartsWith("l_2, gd: no depth accelerates it in every seed"));

  const std::string out = temp_dir("acceleration");
  write_acceleration(r, out, false);
  const std::string md = read(out + "/acceleration.md");
  CHECK_THAT(md, Catch::Contains("| adam | 0.001 | 1x (1x to 1x) | 1.98x (1.98x to 1.98x) |"));
  CHECK_THAT(md, Catch::Contains("| gd | none |"));
  CHECK_THAT(read(out + "/speedup.csv"), Catch::Contains("l4,adam,2,normal,0.001,2,"));
  CHECK_THAT(read(out + "/acceleration.csv"), Catch::Contains("l4,gd,4,normal,1,"));
}

TEST_CASE("heat map script: labels quoted, empty cells NaN, colour symmetric around neutral",
          "[experiments]") {
  HeatMap m;
  m.title = "it's `rm -rf` $HOME";
  m.columns = {"1", "2"};
  m.rows = {"gd"};
  m.values = {1, 4};
  m.cells = {"1x", ""};
  const std::string gp = heatmap_script("/tmp/x.png", m);
  CHECK_THAT(gp, Catch::Contains("set title 'it''s `rm -rf` $HOME' noenhanced"));
  CHECK_THAT(gp, Catch::Contains("set cbrange [-2:2]"));  // log2(4) either side
  CHECK_THAT(gp, Catch::Contains("0 0 0\n1 0 2\n"));
  CHECK_THAT(gp, Catch::Contains("set label 1 '1x' at 0,0"));
  CHECK(count(gp, "set label") == 1);
  m.values = {NAN, 4};
  CHECK_THAT(heatmap_script("/tmp/x.png", m), Catch::Contains("0 0 NaN\n"));
}
