#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "experiments/figures/catalogue.hpp"
#include "experiments/figures/claims.hpp"
#include "experiments/figures/run.hpp"
#include "experiments/files.hpp"

using experiments::CurveResult;
using experiments::FigureResult;

namespace {

// A result for `figure` without training: every curve ends at the distance `distance(curve)`
// from an optimum of 0.1, its loss falling linearly from 1 to there over 11 logged points.
template <typename Distance>
FigureResult synthetic(const experiments::Figure& figure, Distance distance) {
  FigureResult r;
  r.figure = figure;
  for (const auto& panel : figure.panels) {
    r.l_star.push_back(0.1);
    for (const auto& curve : panel.curves) {
      CurveResult c;
      c.panel = panel.name;
      c.label = curve.label;
      c.settings = curve.settings();
      c.rates = curve.config.rates;
      c.best_index = 0;
      c.best_lr = c.rates[0];
      const double end = 0.1 + distance(panel.name, c.settings);
      for (int i = 0; i <= 10; ++i) {
        c.best.iteration.push_back(std::size_t(i));
        c.best.loss.push_back(1.0 + (end - 1.0) * i / 10.0);
      }
      c.best.final_loss = end;
      for (std::size_t k = 0; k < c.rates.size(); ++k) {
        c.final_losses.push_back(end);
        c.diverged.push_back(false);
        c.diverged_at.push_back(-1);
      }
      r.curves.push_back(c);
    }
  }
  return r;
}

}  // namespace

TEST_CASE("check_claims: the depth figure's two claims, holding and not", "[experiments]") {
  const auto figure = experiments::make_figure("depth", false);
  // The paper's shape: depth 1 best on l2, depth 3 best on l4.
  auto paper = synthetic(figure, [](const std::string& panel, const experiments::CurveSettings& s) {
    return panel == "l2" ? 0.01 * double(s.depth) : 0.1 / double(s.depth);
  });
  std::string v = experiments::check_claims(paper);
  CHECK(count(v, "- holds: ") == 2);
  CHECK(v.find("l2: depth 1 ends closest to the optimum. This run: depth 1 0.01, depth 2 0.02, "
               "depth 3 0.03.") != std::string::npos);
  // The other way round: neither holds.
  auto reversed =
      synthetic(figure, [](const std::string& panel, const experiments::CurveSettings& s) {
        return panel == "l2" ? 0.1 / double(s.depth) : 0.01 * double(s.depth);
      });
  v = experiments::check_claims(reversed);
  CHECK(count(v, "- does not hold: ") == 2);
  // A diverged curve counts as infinitely far.
  for (auto& c : paper.curves)
    if (c.panel == "l4" && c.settings.depth == 3) c.best.diverged = true;
  v = experiments::check_claims(paper);
  CHECK(v.find("- does not hold: l4: depth 3 ends closer") != std::string::npos);
  CHECK(v.find("depth 3 inf") != std::string::npos);
}

TEST_CASE("check_claims: curves are found by their settings, not their labels", "[experiments]") {
  auto figure = experiments::make_figure("adaptive", false);
  for (auto& panel : figure.panels)
    for (auto& curve : panel.curves) curve.label = "renamed " + curve.label;
  using enum optim::OptimizerKind;
  auto r = synthetic(figure, [](const std::string&, const experiments::CurveSettings& s) {
    return s.optimizer == gd ? 0.001 : s.optimizer == adagrad ? 0.06 : 0.02;
  });
  const std::string v = experiments::check_claims(r);
  CHECK(v ==
        "- holds: GD on depth 3 ends closer than AdaGrad and AdaDelta on depth 1. This run: GD "
        "depth 3 0.001, AdaGrad 0.06, AdaDelta 0.02.\n");
}

TEST_CASE("check_claims: emulation, Adam and init figures", "[experiments]") {
  using enum optim::OptimizerKind;
  {
    // Networks and the rule on one curve: every gap 0, four claims hold.
    const auto r =
        synthetic(experiments::make_figure("emulation", true),
                  [](const std::string&, const experiments::CurveSettings&) { return 0.2; });
    const std::string v = experiments::check_claims(r);
    CHECK(count(v, "- holds: ") == 4);
    CHECK(v.find("largest gap along the curve 0% (width 1) and 0% (width 100)") !=
          std::string::npos);
  }
  {
    // Width 100 ends 10% away from the rule: depth 2 and 3 no longer follow it.
    const auto r = synthetic(experiments::make_figure("emulation", true),
                             [](const std::string&, const experiments::CurveSettings& s) {
                               return s.width == 100 ? 0.22 : 0.2;
                             });
    CHECK(count(experiments::check_claims(r), "- does not hold: ") == 4);
  }
  {
    const auto r = synthetic(experiments::make_figure("adam", false),
                             [](const std::string&, const experiments::CurveSettings& s) {
                               return 0.01 / double(s.depth);
                             });
    CHECK(count(experiments::check_claims(r), "- holds: ") == 1);
  }
  {
    // Depth 8 from near zero stays at its start; the identity starts beat depth 1.
    auto r = synthetic(experiments::make_figure("init", false),
                       [](const std::string&, const experiments::CurveSettings& s) {
                         return s.init == nn::Init::identity ? 0.01 : 0.05;
                       });
    for (auto& c : r.curves)
      if (c.settings.depth == 8 && c.settings.init == nn::Init::normal) {
        for (double& loss : c.best.loss) loss = 5.34;
        c.best.final_loss = 5.34;
      }
    const std::string v = experiments::check_claims(r);
    CHECK(count(v, "- holds: ") == 3);
    CHECK(v.find("depth 8 from near zero does not leave its start. This run: loss 5.34 at the "
                 "start, 5.34 at the end.") != std::string::npos);
  }
}

TEST_CASE("paper_table: our distance beside the paper's, with the ratio at the paper's horizon",
          "[experiments]") {
  auto full = synthetic(experiments::make_figure("depth", false),
                        [](const std::string& panel, const experiments::CurveSettings& s) {
                          return panel == "l4" && s.depth == 3 ? 0.065 : 0.037;
                        });
  std::string t = experiments::paper_table(full);
  CHECK(t.find("| panel | curve | best lr | distance L - L* at the end | paper | ours / paper |") ==
        0);
  CHECK(count(t, "\n| l") == 6);  // one row per curve
  CHECK(t.find("| l4 | depth 3 | 1e-05 (edge) | 0.065 | ~0.0065 | 10x |") != std::string::npos);
  CHECK(t.find("| l4 | depth 1 | 1e-05 (edge) | 0.037 | ~0.037 | 1x (within 2x) |") !=
        std::string::npos);
  CHECK(t.find("| l2 | depth 1 | 1e-05 (edge) | 0.037 |  |  |") !=
        std::string::npos);  // no paper value
  CHECK(t.find("--quick") == std::string::npos);
  // A --quick run: no ratio, and a note that the numbers are not comparable.
  auto quick = synthetic(experiments::make_figure("depth", true),
                         [](const std::string&, const experiments::CurveSettings&) { return 0.5; });
  quick.curves[0].best.diverged = true;
  quick.curves[0].best_lr = std::nan("");
  t = experiments::paper_table(quick);
  CHECK(t.find("| l2 | depth 1 | - | diverged |  |  |") != std::string::npos);
  CHECK(t.find("| l4 | depth 3 | 1e-05 (edge) | 0.5 | ~0.0065 |  |") != std::string::npos);
  CHECK(t.find("(--quick: this run stopped at 30000 iterations; the paper's numbers are at "
               "1000000.)") != std::string::npos);
}

TEST_CASE("paper_table: in the mean-over-p scale the paper's numbers are divided by p",
          "[experiments]") {
  // The paper's l_4 depth-3 distance, 6.5e-3 on its (1/m) Σ r⁴, is 6.5e-3 / 4 on (1/(4m)) Σ r⁴.
  auto r = synthetic(
      experiments::make_figure("depth", false,
                               {experiments::LossScale::mean_over_p, optim::Preset::tensorflow}),
      [](const std::string&, const experiments::CurveSettings&) { return 0.0065; });
  const std::string t = experiments::paper_table(r);
  CHECK(t.find("paper (divided by p, as this run's loss)") != std::string::npos);
  CHECK(t.find("| l4 | depth 3 | 1e-05 (edge) | 0.0065 | ~0.00162 | 4x |") != std::string::npos);
}

TEST_CASE("make_figure: the conventions reach every curve, the emulation steps keep their size",
          "[experiments]") {
  const auto paper = experiments::make_figure("emulation", false);
  const auto over_p = experiments::make_figure(
      "emulation", false, {experiments::LossScale::mean_over_p, optim::Preset::pytorch});
  for (std::size_t p = 0; p < paper.panels.size(); ++p) {
    const int exponent = paper.panels[p].p;
    for (std::size_t c = 0; c < paper.panels[p].curves.size(); ++c) {
      const auto& a = paper.panels[p].curves[c].config;
      const auto& b = over_p.panels[p].curves[c].config;
      CHECK(a.hyper.preset == optim::Preset::tensorflow);
      CHECK(b.hyper.preset == optim::Preset::pytorch);
      // The same gradient-descent step on either loss: rate times the loss's factor.
      CHECK(a.rates.at(0) * exponent == Approx(b.rates.at(0)));
    }
  }
}

TEST_CASE("paper_table: a best rate inside its grid carries no mark, one at an edge does",
          "[experiments]") {
  auto r = synthetic(experiments::make_figure("depth", false),
                     [](const std::string&, const experiments::CurveSettings&) { return 0.01; });
  for (auto& c : r.curves) {
    c.best_index = 3;
    c.best_lr = c.rates[3];
  }
  r.curves[1].best_index = r.curves[1].rates.size() - 1;  // l2 depth 2: the highest rate
  r.curves[1].best_lr = r.curves[1].rates.back();
  CHECK_FALSE(r.curves[0].best_at_edge());
  CHECK(r.curves[1].best_at_edge());
  const std::string t = experiments::paper_table(r);
  CHECK(t.find("| l2 | depth 1 | 0.0005 | 0.01 |") != std::string::npos);
  CHECK(t.find("| l2 | depth 2 | 0.5 (edge) | 0.01 |") != std::string::npos);
  CHECK(count(t, "(edge)") == 2);  // the row and the note below the table
  CHECK(t.find("a wider grid might find a better one") != std::string::npos);
  // A grid of one rate has no edge.
  experiments::CurveResult single;
  single.rates = {1e-3};
  CHECK_FALSE(single.best_at_edge());
}

TEST_CASE("apply_overrides: horizon, grid and width reach the curves and are named",
          "[experiments]") {
  auto f = experiments::make_figure("adam", false);
  experiments::apply_overrides(
      f, {.iterations = 500, .lr_grid = {1e-3, 1e-2}, .width = 10, .seeds = 0});
  CHECK(f.iterations == 500);
  for (const auto& c : f.panels[0].curves) {
    CHECK(c.config.iterations == 500);
    CHECK(c.config.rates == std::vector<double>{1e-3, 1e-2});
    CHECK(c.config.width == (c.config.depth > 1 ? 10u : 1u));
  }
  CHECK(f.changed == std::vector<std::string>{"iterations 500", "lr grid 0.001,0.01", "width 10"});
  auto e = experiments::make_figure("emulation", false);
  experiments::FigureOverrides width, grid;
  width.width = 4;
  grid.lr_grid = {1e-3};
  CHECK_THROWS_WITH(experiments::apply_overrides(e, width), Catch::Contains("--width"));
  CHECK_THROWS_WITH(experiments::apply_overrides(e, grid), Catch::Contains("--lr-grid"));
  const auto pt = experiments::make_figure(
      "depth", false, {experiments::LossScale::mean_over_p, optim::Preset::pytorch});
  CHECK(pt.changed ==
        std::vector<std::string>{"loss scale mean-over-p", "pytorch optimizer constants"});
  CHECK(experiments::make_figure("depth", false).changed.empty());
}

namespace {

// A logged run whose loss falls linearly from 1 to `end` over 5 rows (or diverges at row 2).
experiments::LinearResult run_to(double end, bool diverged = false) {
  experiments::LinearResult r;
  for (std::size_t i = 0; i < 5; ++i) {
    if (diverged && i == 2) {
      r.iteration.push_back(i);
      r.loss.push_back(std::numeric_limits<double>::infinity());
      r.diverged = true;
      r.diverged_at = i;
      break;
    }
    r.iteration.push_back(i);
    r.loss.push_back(1.0 + (end - 1.0) * double(i) / 4.0);
  }
  r.final_loss = r.loss.back();
  return r;
}

}  // namespace

TEST_CASE(
    "combine_runs: one rate for all seeds by the median final loss, the median curve and its band",
    "[experiments]") {
  // Three seeds, two rates. Rate 0 ends at 0.2, 0.5, 0.3 (median 0.3); rate 1 at 0.1, 0.9 and a
  // divergence (median 0.9): rate 0 wins although rate 1 has the single best run.
  std::vector<std::vector<experiments::LinearResult>> runs = {
      {run_to(0.2), run_to(0.1)}, {run_to(0.5), run_to(0.9)}, {run_to(0.3), run_to(0, true)}};
  const auto c = experiments::combine_runs(runs, {1e-3, 1e-2});
  CHECK(c.best_index == 0);
  CHECK(c.best_lr == 1e-3);
  CHECK(c.final_losses[0] == Approx(0.3));
  CHECK(c.final_losses[1] == Approx(0.9));
  CHECK_FALSE(c.diverged[1]);  // one diverged seed of three: the median is still finite
  REQUIRE(c.best.loss.size() == 5);
  CHECK(c.best.loss.back() == Approx(0.3));
  CHECK(c.band_low.back() == Approx(0.2));
  CHECK(c.band_high.back() == Approx(0.5));
  CHECK(c.best.loss[2] == Approx(1.0 + (0.3 - 1.0) / 2));  // row by row, the middle seed
  REQUIRE(c.seed_best.size() == 3);
  CHECK(c.seed_best[1].final_loss == Approx(0.5));
  CHECK(c.runs.size() == 3);

  // Two of three seeds diverge at a rate: its median is infinite and it counts as diverged.
  runs = {{run_to(0, true)}, {run_to(0, true)}, {run_to(0.4)}};
  const auto d = experiments::combine_runs(runs, {1e-1});
  CHECK(d.diverged[0]);
  CHECK(d.diverged_at[0] == 2);
  CHECK(d.best_index == 1);  // none left
  CHECK(std::isnan(d.best_lr));
  CHECK(d.best.diverged);

  // One seed: exactly that run, as without seeds.
  const auto one = experiments::combine_runs({{run_to(0.2), run_to(0.7)}}, {1e-3, 1e-2});
  CHECK(one.best_index == 0);
  CHECK(one.best.loss == run_to(0.2).loss);

  CHECK_THROWS(experiments::combine_runs({}, {1e-3}));
  CHECK_THROWS(experiments::combine_runs({{run_to(0.2)}}, {1e-3, 1e-2}));
}

TEST_CASE("check_claims: with several seeds, the median's verdict and the seeds that agree",
          "[experiments]") {
  // The depth figure's l_4 claim, depth 3 closer than depth 1, on three seeds: seed 0 and 1 agree,
  // seed 2 does not; the median agrees.
  auto r = synthetic(experiments::make_figure("depth", false),
                     [](const std::string&, const experiments::CurveSettings&) { return 0.5; });
  for (auto& c : r.curves) {
    const bool deep = c.panel == "l4" && c.settings.depth == 3;
    const bool shallow = c.panel == "l4" && c.settings.depth == 1;
    c.seed_best.clear();
    for (double d : {0.1, 0.2, 0.9}) {  // the distances of depth 3's seeds
      experiments::LinearResult run = c.best;
      run.final_loss = 0.1 + (deep ? d : shallow ? 0.5 : 0.5);
      c.seed_best.push_back(run);
    }
    if (deep) c.best.final_loss = 0.1 + 0.2;
  }
  const std::string v = experiments::check_claims(r);
  CHECK(v.find("- holds (holds in 2 of 3 seeds): l4: depth 3 ends closer to the optimum than "
               "depth 1. This run, median over 3 seeds: depth 3 0.2, depth 1 0.5.") !=
        std::string::npos);
}

TEST_CASE("figure --seeds: a figure of two seeds trains both and says so", "[experiments]") {
  auto f = experiments::make_figure("depth", true);
  experiments::apply_overrides(f,
                               {.iterations = 20, .lr_grid = {1e-3, 1e-2}, .width = 0, .seeds = 2});
  CHECK(f.seeds == 2);
  f.panels.resize(1);  // l2 only, to keep it short
  f.panels[0].curves.resize(2);
  const auto data = experiments::load_figure_data(
      f, std::string(OVERPARAM_SOURCE_DIR) + "/data/gas/ethanol.dat.gz",
      data::Normalization::zscore);
  const auto r = experiments::run_figure(f, data, 2, false);
  REQUIRE(r.curves.size() == 2);
  CHECK(r.runs == 8);  // 2 curves x 2 seeds x 2 rates
  for (const auto& c : r.curves) {
    REQUIRE(c.seed_best.size() == 2);
    // The seeds draw different initializations, so their curves differ.
    CHECK(c.seed_best[0].loss.front() != c.seed_best[1].loss.front());
    CHECK(c.best.loss.front() ==
          Approx(0.5 * (c.seed_best[0].loss.front() + c.seed_best[1].loss.front())));
  }
}

TEST_CASE("judge_claims: the paper's units multiply a mean-over-p run's distances by p",
          "[experiments]") {
  const auto figure = experiments::make_figure(
      "adam", false, {experiments::LossScale::mean_over_p, optim::Preset::tensorflow});
  auto r = synthetic(figure, [](const std::string&, const experiments::CurveSettings& s) {
    return 0.01 / double(s.depth);
  });
  const auto own = experiments::judge_claims(r);
  const auto paper = experiments::judge_claims(r, true);
  REQUIRE(own.size() == 1);
  REQUIRE(paper.size() == 1);
  CHECK(own[0].holds);
  CHECK(paper[0].holds);
  CHECK(own[0].holds_in == 1);
  CHECK(own[0].seeds == 1);
  // l4: the paper's loss is 4 times this run's.
  CHECK(own[0].numbers == "depth 1 0.01, depth 2 0.005, depth 3 0.00333");
  CHECK(paper[0].numbers == "depth 1 0.04, depth 2 0.02, depth 3 0.0133");
  // In the paper's own scale the two agree.
  const auto mean = synthetic(experiments::make_figure("adam", false),
                              [](const std::string&, const experiments::CurveSettings& s) {
                                return 0.01 / double(s.depth);
                              });
  CHECK(experiments::judge_claims(mean, true)[0].numbers ==
        experiments::judge_claims(mean)[0].numbers);
}
