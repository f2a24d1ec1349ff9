#include "experiments/figures/run.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <limits>
#include <mutex>

#include "autodiff/blas.hpp"
#include "experiments/report/interrupt.hpp"
#include "experiments/report/progress.hpp"

namespace experiments {

namespace {

// One curve of a figure: all its learning rates, trained together.
struct Task {
  std::size_t panel, curve;
  std::vector<LinearResult> results;
};

std::size_t panel_index(const Figure& f, const std::string& name) {
  for (std::size_t i = 0; i < f.panels.size(); ++i)
    if (f.panels[i].name == name) return i;
  return 0;
}

}  // namespace

const CurveResult* find_curve(const FigureResult& r, const std::string& panel,
                              const CurveSettings& settings) {
  for (const auto& c : r.curves)
    if (c.panel == panel && c.settings == settings) return &c;
  return nullptr;
}

double panel_l_star(const FigureResult& r, const std::string& panel) {
  return r.l_star[panel_index(r.figure, panel)];
}

double final_distance(const FigureResult& r, const CurveResult& c) {
  return c.best.final_loss - panel_l_star(r, c.panel);
}

FigureData load_figure_data(const Figure& figure, const std::string& path,
                            data::Normalization normalization) {
  FigureData data{path, normalization, {}};
  for (const auto& panel : figure.panels)
    data.problems.push_back(
        load_problem(path, 1, normalization, panel.p, figure.conventions.loss_scale));
  return data;
}

FigureResult run_figure(const Figure& figure, const FigureData& data, int jobs, bool progress) {
  const auto start = std::chrono::steady_clock::now();
  FigureResult result;
  result.figure = figure;
  result.data = data.path;
  result.normalization = data::to_string(data.normalization);
  const std::vector<Problem>& problems = data.problems;
  for (const Problem& problem : problems) result.l_star.push_back(problem.l_star);

  std::vector<Task> tasks;
  for (std::size_t p = 0; p < figure.panels.size(); ++p)
    for (std::size_t c = 0; c < figure.panels[p].curves.size(); ++c) {
      tasks.push_back({p, c, {}});
      result.runs += figure.panels[p].curves[c].config.rates.size();
    }
  // Longest first (deeper networks and bigger grids), so the parallel jobs end together.
  auto config = [&](const Task& t) -> const LinearConfig& {
    return figure.panels[t.panel].curves[t.curve].config;
  };
  std::stable_sort(tasks.begin(), tasks.end(), [&](const Task& a, const Task& b) {
    const auto cost = [&](const Task& t) {
      const LinearConfig& c = config(t);
      return double(c.rates.size()) * double(c.depth * c.width + 4);
    };
    return cost(a) > cost(b);
  });

  // `jobs` curves at once, each on one thread (ad::blas::parallel_for keeps the BLAS calls of a
  // job on its own thread).
  ad::blas::set_num_threads(std::max(1, jobs), ad::blas::Threading::own);
  std::mutex mutex;
  std::exception_ptr failure;
  std::size_t done = 0;
  Progress bar(figure.name, tasks.size(), progress);
  ad::blas::parallel_for(tasks.size(), [&](std::size_t i, std::size_t) {
    try {
      tasks[i].results = train_linear(problems[tasks[i].panel], config(tasks[i]));
    } catch (...) {
      std::lock_guard lock(mutex);
      failure = std::current_exception();
    }
    std::lock_guard lock(mutex);
    bar.update(++done, tasks[i].results.empty() ? 0.0 : tasks[i].results[0].final_loss);
  });
  bar.finish();
  ad::blas::set_num_threads(1);
  if (failure) std::rethrow_exception(failure);

  // Back in the figure's order; the best rate of each curve.
  for (std::size_t p = 0; p < figure.panels.size(); ++p)
    for (std::size_t c = 0; c < figure.panels[p].curves.size(); ++c) {
      const FigureCurve& fc = figure.panels[p].curves[c];
      auto task = std::find_if(tasks.begin(), tasks.end(),
                               [&](const Task& t) { return t.panel == p && t.curve == c; });
      CurveResult cr;
      cr.panel = figure.panels[p].name;
      cr.label = fc.label;
      cr.settings = fc.settings();
      cr.rates = fc.config.rates;
      for (const LinearResult& run : task->results) {
        cr.final_losses.push_back(run.final_loss);
        cr.diverged.push_back(run.diverged);
        cr.diverged_at.push_back(run.diverged ? (long long)run.diverged_at : -1LL);
      }
      cr.best_index = best_run(task->results);
      const bool found = cr.best_index < cr.rates.size();
      cr.best_lr = found ? cr.rates[cr.best_index] : std::numeric_limits<double>::quiet_NaN();
      cr.best = task->results[found ? cr.best_index : 0];
      cr.runs = std::move(task->results);
      result.curves.push_back(std::move(cr));
    }
  result.interrupted = interrupted() != 0;
  result.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace experiments
