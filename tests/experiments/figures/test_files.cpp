// A figure's legend: every entry of every figure's panels names the rate its curve was drawn
// at, on synthetic results built by combine_runs (so the rate is chosen as in a real run).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "experiments/figures/acceleration.hpp"
#include "experiments/figures/catalogue.hpp"
#include "experiments/figures/files.hpp"
#include "experiments/report/format.hpp"

using namespace experiments;

namespace {

// A run that ends at `final_loss`, or diverged.
LinearResult run(double final_loss, bool diverged = false) {
  LinearResult r;
  r.iteration = {0, 100};
  r.loss = {6.0, final_loss};
  r.final_loss = final_loss;
  r.diverged = diverged;
  return r;
}

// A result for `figure` without training: for each curve, one run per seed and rate, the
// lowest final loss at the rate of index `best` (of the grid's), or every rate diverged when
// `every_diverged(curve index)`.
template <typename Diverged>
FigureResult synthetic(const Figure& figure, std::size_t best, Diverged every_diverged) {
  FigureResult r;
  r.figure = figure;
  std::size_t index = 0;
  for (const FigurePanel& panel : figure.panels) {
    r.l_star.push_back(0.1);
    for (const FigureCurve& fc : panel.curves) {
      const std::vector<double>& rates = fc.config.rates;
      const bool diverged = every_diverged(index++);
      std::vector<std::vector<LinearResult>> runs(std::max<std::size_t>(1, figure.seeds));
      for (auto& seed : runs)
        for (std::size_t k = 0; k < rates.size(); ++k)
          seed.push_back(run(k == best % rates.size() ? 0.5 : 1.0 + double(k), diverged));
      CurveResult c = combine_runs(std::move(runs), rates);
      c.panel = panel.name;
      c.label = fc.label;
      c.settings = fc.settings();
      r.curves.push_back(std::move(c));
    }
  }
  return r;
}

// The rate each curve's legend must name: the best, or the first when every rate diverged.
std::string drawn_rate(const CurveResult& c) {
  const bool found = c.best_index < c.rates.size();
  return "lr " + format_number(c.rates[found ? c.best_index : 0], "%.3g");
}

std::size_t legend_entries(const std::vector<Panel>& panels) {
  std::size_t n = 0;
  for (const Panel& p : panels) n += p.series.size();
  return n;
}

}  // namespace

TEST_CASE("figure_panels: every legend entry of every figure names its rate", "[experiments]") {
  std::vector<Figure> figures;
  for (const std::string& name : figure_names()) figures.push_back(make_figure(name, true));
  figures.push_back(acceleration_figure(true));
  for (const Figure& figure : figures) {
    INFO("figure " << figure.name);
    for (std::size_t best : {0u, 3u}) {
      // Every third curve diverged at every rate, as depth 8 can on a wide grid.
      const FigureResult r = synthetic(figure, best, [](std::size_t i) { return i % 3 == 2; });
      const std::vector<Panel> panels = figure_panels(r);
      REQUIRE(legend_entries(panels) == r.curves.size());
      std::size_t k = 0;
      for (const Panel& panel : panels)
        for (const Series& s : panel.series) {
          const CurveResult& c = r.curves[k++];
          INFO("legend entry '" << s.label << "'");
          CHECK_THAT(s.label, Catch::StartsWith(c.label + " (" + drawn_rate(c)));
          const bool diverged = c.best_index == c.rates.size();
          CHECK((s.label.find("diverged") != std::string::npos) == diverged);
        }
    }
  }
}

TEST_CASE("curve_legend: the chosen rate, a single rate, and rates that all diverged",
          "[experiments]") {
  const std::vector<double> grid = {1e-5, 5e-5, 1e-4};
  CurveResult chosen = combine_runs({{run(2.0), run(0.5), run(1.0)}}, grid);
  chosen.label = "depth 8, near-zero init";
  CHECK(curve_legend(chosen) == "depth 8, near-zero init (lr 5e-05)");
  CHECK(curve_legend("depth 4", chosen) == "depth 4 (lr 5e-05)");

  // The emulation figure's curves run one rate each: the legend still names it.
  CurveResult single = combine_runs({{run(0.5)}}, {7.5e-5});
  single.label = "depth 3, e2e rule";
  CHECK(curve_legend(single) == "depth 3, e2e rule (lr 7.5e-05)");
  CurveResult single_diverged = combine_runs({{run(1e13, true)}}, {0.5});
  single_diverged.label = "depth 2";
  CHECK(curve_legend(single_diverged) == "depth 2 (lr 0.5, diverged)");

  // Every rate diverged: the run drawn is the first rate's, and the legend says so.
  CurveResult none = combine_runs({{run(1e13, true), run(1e13, true), run(1e13, true)}}, grid);
  none.label = "depth 8";
  CHECK(curve_legend(none) == "depth 8 (lr 1e-05, every rate diverged)");

  // Two seeds: the rate chosen on their median.
  CurveResult seeds =
      combine_runs({{run(2.0), run(0.5), run(1.0)}, {run(2.0), run(0.4), run(1.0)}}, grid);
  seeds.label = "Adam, depth 2";
  CHECK(curve_legend(seeds) == "Adam, depth 2 (lr 5e-05)");
}

TEST_CASE("figure_panels: over several seeds, the median curve with its min-max band",
          "[experiments]") {
  Figure figure = make_figure("depth", true);
  for (std::size_t seeds : {1u, 3u}) {
    INFO(seeds << " seed(s)");
    figure.seeds = seeds;
    FigureResult r = synthetic(figure, 0, [](std::size_t) { return false; });
    // Seed s of the first curve ends at 0.5 + s at its chosen rate: the median is the middle one.
    const FigureCurve& fc = figure.panels[0].curves[0];
    std::vector<std::vector<LinearResult>> runs(seeds);
    for (std::size_t s = 0; s < seeds; ++s)
      for (std::size_t k = 0; k < fc.config.rates.size(); ++k)
        runs[s].push_back(run(k == 0 ? 0.5 + double(s) : 9.0));
    CurveResult& c = r.curves[0];
    CurveResult combined = combine_runs(std::move(runs), fc.config.rates);
    combined.panel = c.panel;
    combined.label = c.label;
    c = std::move(combined);
    const std::vector<Panel> panels = figure_panels(r);
    const Series& s = panels.at(0).series.at(0);
    const double l_star = r.l_star[0];
    if (seeds == 1) {
      CHECK(s.low.empty());
      CHECK(s.high.empty());
      continue;
    }
    REQUIRE(s.low.size() == s.x.size());
    REQUIRE(s.high.size() == s.x.size());
    CHECK(s.y.back() == Approx(1.5 - l_star));  // the median
    CHECK(s.low.back() == Approx(0.5 - l_star));
    CHECK(s.high.back() == Approx(2.5 - l_star));
    CHECK(s.low.front() == Approx(6.0 - l_star));  // every seed starts at 6
  }
}
