#include "experiments/figures/claims.hpp"
#include "experiments/report/format.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>

namespace experiments {

namespace {

std::string fmt(double v) {
  return format_number(v, "%.3g");
}

constexpr double infinity = std::numeric_limits<double>::infinity();

struct Claim {
  bool holds = false;
  std::string text, numbers;
};

// The figure's claims judged on one run of each curve, `run(curve)`: the median curve, or one
// seed's run. Distances are multiplied by the panel's `unit(p)` (1, or the factor to the paper's
// scale).
std::vector<Claim> judge(const FigureResult& r,
                         const std::function<const LinearResult&(const CurveResult&)>& run,
                         bool paper_units) {
  using enum optim::OptimizerKind;
  const Figure& f = r.figure;
  std::vector<Claim> out;
  auto claim = [&](bool holds, const std::string& text, const std::string& numbers) {
    out.push_back({holds, text, numbers});
  };
  auto unit = [&](const std::string& panel) {
    if (!paper_units) return 1.0;
    for (const auto& fp : f.panels)
      if (fp.name == panel)
        return loss_factor(LossScale::mean, fp.p) / loss_factor(f.conventions.loss_scale, fp.p);
    return 1.0;
  };
  auto dist = [&](const std::string& panel, const CurveSettings& settings) {
    const CurveResult* c = find_curve(r, panel, settings);
    if (c == nullptr || run(*c).diverged) return infinity;
    return (run(*c).final_loss - panel_l_star(r, c->panel)) * unit(panel);
  };
  if (f.name == "emulation") {
    // Along the whole curve: the largest relative gap between a network and the rule.
    auto gap = [&](const std::string& panel, const CurveSettings& a, const CurveSettings& b) {
      const CurveResult* x = find_curve(r, panel, a);
      const CurveResult* y = find_curve(r, panel, b);
      if (x == nullptr || y == nullptr || run(*x).diverged || run(*y).diverged) return infinity;
      const double l_star = panel_l_star(r, panel);
      double worst = 0;
      for (std::size_t i = 0; i < run(*x).loss.size() && i < run(*y).loss.size(); ++i)
        worst =
            std::max(worst, std::abs((run(*x).loss[i] - l_star) / (run(*y).loss[i] - l_star) - 1));
      return worst;
    };
    for (const auto& panel : f.panels)
      for (std::size_t depth : {2u, 3u}) {
        const CurveSettings rule{depth, 1, e2e, nn::Init::balanced};
        const double g1 = gap(panel.name, {depth, 1, gd, nn::Init::balanced}, rule);
        const double g100 = gap(panel.name, {depth, 100, gd, nn::Init::balanced}, rule);
        claim(g1 <= 0.05 && g100 <= 0.05,
              panel.name + ", depth " + std::to_string(depth) +
                  ": networks of width 1 and 100 follow the e2e rule",
              "largest gap along the curve " + fmt(100 * g1) + "% (width 1) and " +
                  fmt(100 * g100) + "% (width 100); 5% counts as following");
      }
  } else if (f.name == "depth") {
    const double l2_1 = dist("l2", {1}), l2_2 = dist("l2", {2}), l2_3 = dist("l2", {3});
    claim(l2_1 <= std::min(l2_2, l2_3), "l2: depth 1 ends closest to the optimum",
          "depth 1 " + fmt(l2_1) + ", depth 2 " + fmt(l2_2) + ", depth 3 " + fmt(l2_3));
    const double l4_1 = dist("l4", {1}), l4_3 = dist("l4", {3});
    claim(l4_3 < l4_1, "l4: depth 3 ends closer to the optimum than depth 1",
          "depth 3 " + fmt(l4_3) + ", depth 1 " + fmt(l4_1));
  } else if (f.name == "adaptive") {
    const double gd3 = dist("l4", {3, 1, gd}), ag = dist("l4", {1, 1, adagrad}),
                 ad = dist("l4", {1, 1, adadelta});
    claim(gd3 < ag && gd3 < ad, "GD on depth 3 ends closer than AdaGrad and AdaDelta on depth 1",
          "GD depth 3 " + fmt(gd3) + ", AdaGrad " + fmt(ag) + ", AdaDelta " + fmt(ad));
  } else if (f.name == "adam") {
    const double a1 = dist("l4", {1, 1, adam}), a2 = dist("l4", {2, 1, adam}),
                 a3 = dist("l4", {3, 1, adam});
    claim(a2 < a1 && a3 < a1, "Adam on depth 2 and 3 ends closer than on depth 1",
          "depth 1 " + fmt(a1) + ", depth 2 " + fmt(a2) + ", depth 3 " + fmt(a3));
  } else if (f.name == "init") {
    const CurveResult* zero8 = find_curve(r, "l4", {8, 1, gd, nn::Init::normal});
    if (zero8 != nullptr && !run(*zero8).loss.empty()) {
      const double start = run(*zero8).loss.front() * unit("l4"),
                   end = run(*zero8).final_loss * unit("l4");
      claim(std::abs(end - start) <= 1e-3 * start,
            "depth 8 from near zero does not leave its start",
            "loss " + fmt(start) + " at the start, " + fmt(end) + " at the end");
    }
    const double d1 = dist("l4", {1});
    for (std::size_t depth : {4u, 8u}) {
      const double id = dist("l4", {depth, 1, gd, nn::Init::identity});
      const std::string d = "depth " + std::to_string(depth);
      claim(id < d1, d + " from the identity ends closer than depth 1",
            d + " " + fmt(id) + ", depth 1 " + fmt(d1));
    }
  }
  return out;
}

}  // namespace

std::vector<Verdict> judge_claims(const FigureResult& r, bool paper_units) {
  const std::vector<Claim> median = judge(
      r, [](const CurveResult& c) -> const LinearResult& { return c.best; }, paper_units);
  const std::size_t seeds =
      r.curves.empty() ? 1 : std::max<std::size_t>(1, r.curves.front().seed_best.size());
  std::vector<Verdict> out;
  for (const Claim& c : median) out.push_back({c.holds, c.text, c.numbers, 0, seeds});
  for (std::size_t s = 0; s < seeds; ++s) {
    const std::vector<Claim> one =
        seeds == 1
            ? median
            : judge(
                  r, [s](const CurveResult& c) -> const LinearResult& { return c.seed_best.at(s); },
                  paper_units);
    for (std::size_t i = 0; i < one.size() && i < out.size(); ++i) out[i].holds_in += one[i].holds;
  }
  return out;
}

std::string check_claims(const FigureResult& r) {
  // "- holds: the paper's claim. This run: the numbers." (or "does not hold"); with several
  // seeds the verdict is the median curve's, and how many seeds' own runs agree.
  std::string out;
  for (const Verdict& c : judge_claims(r)) {
    const std::size_t seeds = c.seeds;
    out += std::string(c.holds ? "- holds" : "- does not hold");
    if (seeds > 1)
      out +=
          " (holds in " + std::to_string(c.holds_in) + " of " + std::to_string(seeds) + " seeds)";
    out += ": " + c.claim + ". This run" +
           (seeds > 1 ? ", median over " + std::to_string(seeds) + " seeds" : std::string()) +
           ": " + c.numbers + ".\n";
  }
  return out;
}

std::string paper_table(const FigureResult& r) {
  const Figure& f = r.figure;
  // The paper's numbers are in its scale, (1/m) Σ r^p; in the other one they are p times smaller.
  const LossScale scale = f.conventions.loss_scale;
  const bool at_horizon = f.iterations == f.paper_iterations;
  bool edge = false;
  const bool paper_scale = scale == LossScale::mean;
  std::string t = std::string("| panel | curve | best lr | distance L - L* at the end | paper") +
                  (paper_scale ? "" : " (divided by p, as this run's loss)") +
                  " | ours / paper |\n|---|---|---|---|---|---|\n";
  for (const auto& c : r.curves) {
    std::string paper = "", ratio_text = "";
    for (const auto& pv : f.paper)
      if (pv.panel == c.panel && pv.curve == c.settings) {
        int p = 2;
        for (const auto& panel : f.panels)
          if (panel.name == c.panel) p = panel.p;
        const double value = pv.distance / loss_factor(LossScale::mean, p) * loss_factor(scale, p);
        paper = "~" + fmt(value);
        const double ratio = final_distance(r, c) / value;
        // A run that stops early: its ratio to the paper's horizon would mean nothing.
        if (at_horizon) ratio_text = c.best.diverged ? "-" : fmt(ratio) + "x";
        if (at_horizon && !c.best.diverged && ratio >= 0.5 && ratio <= 2)
          ratio_text += " (within 2x)";
      }
    const std::string d = c.best.diverged ? "diverged" : fmt(final_distance(r, c));
    const bool at_edge = !std::isnan(c.best_lr) && c.best_at_edge();
    edge = edge || at_edge;
    t += "| " + c.panel + " | " + c.label + " | " +
         (std::isnan(c.best_lr) ? "-" : fmt(c.best_lr) + (at_edge ? " (edge)" : "")) + " | " + d +
         " | " + paper + " | " + ratio_text + " |\n";
  }
  if (edge)
    t += "\n(edge): the best rate is the lowest or the highest of its grid; a wider grid might "
         "find a better one.\n";
  if (!at_horizon && !f.paper.empty()) {
    t += std::string("\n(") + (f.quick ? "--quick" : "--iterations") + ": this run stopped at " +
         std::to_string(f.iterations) + " iterations; the paper's numbers are at " +
         std::to_string(f.paper_iterations) + ".)\n";
  }
  return t;
}

}  // namespace experiments
