#include "experiments/figures/acceleration.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "experiments/figures/files.hpp"
#include "experiments/report/csv.hpp"
#include "experiments/report/files.hpp"
#include "experiments/report/plot.hpp"

namespace experiments {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

using enum optim::OptimizerKind;
const std::vector<optim::OptimizerKind>& study_optimizers() {
  static const std::vector<optim::OptimizerKind> all = {gd, momentum, adagrad, rmsprop, adam};
  return all;
}

// The depths of the study: 1 to 4 with the normal init, 8 with the identity.
const std::vector<std::pair<std::size_t, nn::Init>>& study_depths() {
  static const std::vector<std::pair<std::size_t, nn::Init>> all = {{1, nn::Init::normal},
                                                                    {2, nn::Init::normal},
                                                                    {3, nn::Init::normal},
                                                                    {4, nn::Init::normal},
                                                                    {8, nn::Init::identity}};
  return all;
}

std::string depth_name(std::size_t depth, nn::Init init) {
  return std::to_string(depth) + (init == nn::Init::identity ? " (identity)" : "");
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n == 0 ? nan : n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

std::string times(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3gx", x);
  return buf;
}

const AccelerationCell* find_cell(const AccelerationResult& r, const std::string& panel,
                                  optim::OptimizerKind opt, std::size_t depth, nn::Init init) {
  for (const AccelerationCell& c : r.cells)
    if (c.panel == panel && c.optimizer == opt && c.depth == depth && c.init == init) return &c;
  return nullptr;
}

}  // namespace

const std::vector<double>& acceleration_epsilons() {
  static const std::vector<double> eps = {1, 1e-1, 1e-2, 1e-3};
  return eps;
}

Figure acceleration_figure(bool quick, const Conventions& conventions) {
  Figure f;
  f.name = "acceleration";
  f.title = "Depth with each optimizer: iterations to reach the optimum's neighbourhood";
  f.claim =
      "an open question (the 2019 course reproduction): does depth also accelerate Momentum, "
      "AdaGrad, RMSProp and Adam, and by how much?";
  f.conventions = conventions;
  f.paper_iterations = 0;  // not in the paper
  f.iterations = quick ? acceleration_quick_iterations : acceleration_iterations;
  f.quick = quick;
  f.seeds = acceleration_seeds;
  for (auto [panel, p] : {std::pair{"l2", 2}, std::pair{"l4", 4}}) {
    FigurePanel fp{panel, p, {}};
    for (optim::OptimizerKind opt : study_optimizers())
      for (auto [depth, init] : study_depths()) {
        FigureCurve c;
        c.label = std::string(optim::optimizer_name(opt)) + ", depth " + depth_name(depth, init);
        c.config.depth = depth;
        c.config.optimizer = opt;
        c.config.init = init;
        c.config.rates = paper_lr_grid();
        c.config.iterations = f.iterations;
        c.config.hyper.preset = conventions.optimizer_defaults;
        fp.curves.push_back(std::move(c));
      }
    f.panels.push_back(std::move(fp));
  }
  return f;
}

long long iterations_to(const LinearResult& run, double l_star, double factor, double eps) {
  for (std::size_t i = 0; i < run.iteration.size() && i < run.loss.size(); ++i)
    if (std::isfinite(run.loss[i]) && factor * (run.loss[i] - l_star) <= eps)
      return (long long)run.iteration[i];
  return -1;
}

AccelerationResult analyse_acceleration(FigureResult figure) {
  AccelerationResult r;
  const auto& eps = acceleration_epsilons();
  for (const FigurePanel& panel : figure.figure.panels) {
    r.panels.push_back(panel.name);
    const double l_star = panel_l_star(figure, panel.name);
    const double factor = loss_factor(LossScale::mean, panel.p) /
                          loss_factor(figure.figure.conventions.loss_scale, panel.p);
    for (const CurveResult& c : figure.curves) {
      if (c.panel != panel.name) continue;
      AccelerationCell cell;
      cell.panel = c.panel;
      cell.optimizer = c.settings.optimizer;
      cell.depth = c.settings.depth;
      cell.init = c.settings.init;
      cell.best_lr = c.best_lr;
      for (const LinearResult& run : c.seed_best) {
        std::vector<long long> counts;
        for (double e : eps) counts.push_back(iterations_to(run, l_star, factor, e));
        cell.iterations.push_back(counts);
      }
      r.cells.push_back(std::move(cell));
    }
  }
  // Per panel and optimizer, the smallest ε that every run (every depth, every seed) reaches
  // after its start: a distance some run starts within measures nothing.
  for (AccelerationCell& cell : r.cells) {
    cell.epsilon = -1;
    for (std::size_t k = 0; k < eps.size(); ++k) {
      bool all = true;
      for (const AccelerationCell& other : r.cells)
        if (other.panel == cell.panel && other.optimizer == cell.optimizer)
          for (const auto& counts : other.iterations) all = all && counts[k] > 0;
      if (all) cell.epsilon = int(k);
    }
  }
  // Speed-ups over depth 1 with the same optimizer, seed by seed.
  for (AccelerationCell& cell : r.cells) {
    const int k = cell.epsilon;
    const AccelerationCell* base = find_cell(r, cell.panel, cell.optimizer, 1, nn::Init::normal);
    cell.median = cell.low = cell.high = nan;
    if (k < 0 || base == nullptr) continue;
    for (std::size_t s = 0; s < cell.iterations.size() && s < base->iterations.size(); ++s) {
      const double mine = double(std::max(1LL, cell.iterations[s][std::size_t(k)]));
      const double theirs = double(std::max(1LL, base->iterations[s][std::size_t(k)]));
      cell.speedup.push_back(theirs / mine);
    }
    if (cell.speedup.empty()) continue;
    cell.median = median(cell.speedup);
    cell.low = *std::min_element(cell.speedup.begin(), cell.speedup.end());
    cell.high = *std::max_element(cell.speedup.begin(), cell.speedup.end());
  }
  r.figure = std::move(figure);
  return r;
}

std::vector<std::string> acceleration_verdicts(const AccelerationResult& r) {
  std::vector<std::string> lines;
  for (const std::string& panel : r.panels) {
    const std::string loss = panel == "l2" ? "l_2" : "l_4";
    for (optim::OptimizerKind opt : study_optimizers()) {
      const std::string head = loss + ", " + optim::optimizer_name(opt) + ": ";
      // The depth with the largest median speed-up; it accelerates when every seed is faster.
      const AccelerationCell* best = nullptr;
      for (auto [depth, init] : study_depths()) {
        if (depth == 1) continue;
        const AccelerationCell* c = find_cell(r, panel, opt, depth, init);
        if (c != nullptr && std::isfinite(c->median) &&
            (best == nullptr || c->median > best->median))
          best = c;
      }
      if (best == nullptr) {
        lines.push_back(head +
                        "not judged: no distance of 1, 0.1, 0.01, 0.001 is reached by every run "
                        "from its start (acceleration.csv has each run's counts)");
        continue;
      }
      const bool holds = best->low > 1;
      char numbers[240];
      std::snprintf(numbers, sizeof numbers,
                    "%s: depth %s, speed-up %s over depth 1 at distance %g (%s to %s over %zu %s)",
                    holds ? "depth accelerates it in every seed"
                          : "no depth accelerates it in every seed; the best",
                    depth_name(best->depth, best->init).c_str(), times(best->median).c_str(),
                    acceleration_epsilons()[std::size_t(best->epsilon)], times(best->low).c_str(),
                    times(best->high).c_str(), best->speedup.size(),
                    best->speedup.size() == 1 ? "seed" : "seeds");
      lines.push_back(head + numbers);
    }
  }
  return lines;
}

void write_acceleration(const AccelerationResult& r, const std::string& out, bool plot) {
  make_output_dir(out);
  write_figure(r.figure, out, plot);
  const auto& eps = acceleration_epsilons();
  Csv counts({"panel", "optimizer", "depth", "init", "seed", "best_lr", "iterations_to_1",
              "iterations_to_1e-1", "iterations_to_1e-2", "iterations_to_1e-3"});
  Csv speedups({"panel", "optimizer", "depth", "init", "epsilon", "seeds", "speedup_median",
                "speedup_min", "speedup_max"});
  for (const AccelerationCell& c : r.cells) {
    for (std::size_t s = 0; s < c.iterations.size(); ++s) {
      counts.row()
          .text(c.panel)
          .text(optim::optimizer_name(c.optimizer))
          .cell(c.depth)
          .text(nn::init_name(c.init))
          .cell(s)
          .cell(c.best_lr);
      for (long long n : c.iterations[s]) n < 0 ? counts.text("") : counts.cell(n);
    }
    const int k = c.epsilon;
    speedups.row()
        .text(c.panel)
        .text(optim::optimizer_name(c.optimizer))
        .cell(c.depth)
        .text(nn::init_name(c.init));
    if (k < 0) {
      speedups.text("").cell(std::size_t(0)).text("").text("").text("");
      continue;
    }
    speedups.cell(eps[std::size_t(k)], "%g")
        .cell(c.speedup.size())
        .cell(c.median)
        .cell(c.low)
        .cell(c.high);
  }
  counts.write(out + "/acceleration.csv");
  speedups.write(out + "/speedup.csv");

  std::string md =
      "# " + r.figure.figure.title + "\n\n" + r.figure.figure.claim + "\n\n" +
      std::to_string(r.figure.figure.iterations) + " iterations per run, " +
      std::to_string(r.figure.figure.seeds) + (r.figure.figure.seeds == 1 ? " seed" : " seeds") +
      "; each curve's rate chosen by the paper's rule on the median over "
      "seeds. A cell is the speed-up of that depth over depth 1 with the same "
      "optimizer: depth 1's iterations to come within the row's distance of the "
      "optimum (the smallest of 1, 0.1, 0.01, 0.001 that every run with that "
      "optimizer reaches after its start, in the paper's units) over this depth's, seed by "
      "seed; "
      "the median over seeds, with its range.\n\n";
  for (const std::string& panel : r.panels) {
    const std::string loss = panel == "l2" ? "l_2" : "l_4";
    md += "## " + loss + "\n\n| optimizer | distance |";
    for (auto [depth, init] : study_depths()) md += " depth " + depth_name(depth, init) + " |";
    md += "\n|---|---|";
    for (std::size_t d = 0; d < study_depths().size(); ++d) md += "---|";
    md += "\n";
    HeatMap map;
    map.title = loss + ": speed-up over depth 1 (in brackets: the distance every run reaches)";
    map.xlabel = "depth";
    map.ylabel = "optimizer";
    map.colour_label = "log2 of the speed-up";
    for (auto [depth, init] : study_depths()) map.columns.push_back(depth_name(depth, init));
    for (optim::OptimizerKind opt : study_optimizers()) {
      const AccelerationCell* base = find_cell(r, panel, opt, 1, nn::Init::normal);
      const int k = base != nullptr ? base->epsilon : -1;
      char e[32] = "none";
      if (k >= 0) std::snprintf(e, sizeof e, "%g", eps[std::size_t(k)]);
      map.rows.push_back(std::string(optim::optimizer_name(opt)) + " (" + e + ")");
      md += std::string("| ") + optim::optimizer_name(opt) + " | " + e + " |";
      for (auto [depth, init] : study_depths()) {
        const AccelerationCell* c = find_cell(r, panel, opt, depth, init);
        const bool shown = c != nullptr && std::isfinite(c->median);
        map.values.push_back(shown ? c->median : nan);
        map.cells.push_back(shown ? times(c->median) : "");
        md += shown
                  ? " " + times(c->median) + " (" + times(c->low) + " to " + times(c->high) + ") |"
                  : " |";
      }
      md += "\n";
    }
    md += "\n";
    if (plot) plot_heatmap_png(out + "/acceleration_" + panel + ".png", map);
  }
  md += "## Verdicts\n\n";
  for (const std::string& line : acceleration_verdicts(r)) md += "- " + line + "\n";
  write_file_atomic(out + "/acceleration.md", md);
}

}  // namespace experiments
