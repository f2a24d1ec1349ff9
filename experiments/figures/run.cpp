#include "experiments/figures/run.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <limits>
#include <memory>
#include <stdexcept>

#include "experiments/report/interrupt.hpp"
#include "experiments/report/progress.hpp"
#include "experiments/runner/runner.hpp"
#include "optim/factory.hpp"

namespace experiments {

namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();

// The median of `values` (the mean of the middle two for an even count); +inf counts as a value
// larger than any other.
double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

// A run's distance-ranking value: its final loss, or +inf when it diverged.
double final_or_infinity(const LinearResult& run) {
  return run.diverged || !std::isfinite(run.final_loss) ? infinity : run.final_loss;
}

std::size_t panel_index(const Figure& f, const std::string& name) {
  for (std::size_t i = 0; i < f.panels.size(); ++i)
    if (f.panels[i].name == name) return i;
  return 0;
}

}  // namespace

CurveResult combine_runs(std::vector<std::vector<LinearResult>> runs,
                         const std::vector<double>& rates) {
  if (runs.empty()) throw std::invalid_argument("combine_runs: no seeds");
  for (const auto& seed : runs)
    if (seed.size() != rates.size())
      throw std::invalid_argument("combine_runs: a seed with " + std::to_string(seed.size()) +
                                  " runs for " + std::to_string(rates.size()) + " rates");
  CurveResult cr;
  cr.rates = rates;
  const std::size_t seeds = runs.size();
  for (std::size_t k = 0; k < rates.size(); ++k) {
    std::vector<double> finals;
    long long first_divergence = -1;
    for (const auto& seed : runs) {
      finals.push_back(final_or_infinity(seed[k]));
      if (seed[k].diverged &&
          (first_divergence < 0 || (long long)seed[k].diverged_at < first_divergence))
        first_divergence = (long long)seed[k].diverged_at;
    }
    // One seed: its own numbers (a diverged run keeps its last finite-or-not loss).
    const double m = seeds == 1 ? runs[0][k].final_loss : median(finals);
    const bool diverged = seeds == 1 ? runs[0][k].diverged : std::isinf(m);
    cr.final_losses.push_back(m);
    cr.diverged.push_back(diverged);
    cr.diverged_at.push_back(diverged ? first_divergence : -1LL);
  }
  // The paper's rule on the medians: the lowest among the rates that did not diverge.
  cr.best_index = rates.size();
  for (std::size_t k = 0; k < rates.size(); ++k)
    if (!cr.diverged[k] &&
        (cr.best_index == rates.size() || cr.final_losses[k] < cr.final_losses[cr.best_index]))
      cr.best_index = k;
  const bool found = cr.best_index < rates.size();
  const std::size_t at = found ? cr.best_index : 0;
  cr.best_lr = found ? rates[at] : std::numeric_limits<double>::quiet_NaN();
  for (const auto& seed : runs) cr.seed_best.push_back(seed[at]);

  if (seeds == 1) {
    cr.best = cr.seed_best[0];
    cr.band_low = cr.band_high = cr.best.loss;
  } else {
    // Row by row over the seeds: a seed whose run ended earlier counts as +inf after a
    // divergence and at its last value after an interruption.
    const LinearResult* longest = &cr.seed_best[0];
    for (const LinearResult& run : cr.seed_best)
      if (run.iteration.size() > longest->iteration.size()) longest = &run;
    LinearResult& best = cr.best;
    best = LinearResult{};
    best.initial_layers = cr.seed_best[0].initial_layers;
    best.final_layers = cr.seed_best[0].final_layers;
    for (std::size_t i = 0; i < longest->iteration.size(); ++i) {
      std::vector<double> values;
      for (const LinearResult& run : cr.seed_best)
        values.push_back(i < run.loss.size() ? run.loss[i]
                         : run.diverged      ? infinity
                                             : run.loss.back());
      for (double& v : values)
        if (!std::isfinite(v)) v = infinity;
      const double m = median(values);
      best.iteration.push_back(longest->iteration[i]);
      best.loss.push_back(m);
      cr.band_low.push_back(*std::min_element(values.begin(), values.end()));
      cr.band_high.push_back(*std::max_element(values.begin(), values.end()));
      if (std::isinf(m)) {
        best.diverged = true;
        best.diverged_at = longest->iteration[i];
        break;
      }
    }
    best.final_loss = cr.final_losses[at];
    best.diverged = best.diverged || cr.diverged[at];
    for (const LinearResult& run : cr.seed_best) {
      best.iterations_done = std::max(best.iterations_done, run.iterations_done);
      best.wall_seconds = std::max(best.wall_seconds, run.wall_seconds);
      best.interrupted = best.interrupted || run.interrupted;
    }
  }
  cr.runs = std::move(runs);
  return cr;
}

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
                            data::Normalization normalization, bool whiten) {
  FigureData data{path, normalization, whiten, {}};
  for (const auto& panel : figure.panels)
    data.problems.push_back(
        load_problem(path, 1, normalization, panel.p, figure.conventions.loss_scale, whiten));
  return data;
}

std::vector<LinearJob> figure_jobs(const Figure& figure, const FigureData& data) {
  std::vector<LinearJob> jobs;
  for (std::size_t p = 0; p < figure.panels.size(); ++p) {
    const ProblemSpec spec{data.path,          1,
                           data.normalization, data.whitened,
                           figure.panels[p].p, figure.conventions.loss_scale};
    if (p < data.problems.size()) remember_problem(spec, data.problems[p]);
    for (const FigureCurve& curve : figure.panels[p].curves)
      for (std::size_t s = 0; s < std::max<std::size_t>(1, figure.seeds); ++s) {
        LinearJob job{spec, curve.config};
        job.config.seed = s;
        job.config.hyper = optim::canonical(job.config.optimizer, job.config.hyper);
        job.config.on_iterations = nullptr;
        jobs.push_back(std::move(job));
      }
  }
  return jobs;
}

std::size_t planned_iterations(const Figure& figure) {
  std::size_t total = 0;
  for (const auto& panel : figure.panels)
    for (const auto& c : panel.curves)
      total += std::max<std::size_t>(1, figure.seeds) * c.config.rates.size() * c.config.iterations;
  return total;
}

FigureResult figure_header(const Figure& figure, const FigureData& data) {
  FigureResult result;
  result.figure = figure;
  result.data = data.path;
  result.normalization = data::to_string(data.normalization);
  result.whitened = data.whitened;
  for (const Problem& problem : data.problems) result.l_star.push_back(problem.l_star);
  for (const auto& panel : figure.panels)
    for (const auto& curve : panel.curves)
      result.runs += std::max<std::size_t>(1, figure.seeds) * curve.config.rates.size();
  return result;
}

void add_curves(FigureResult& result, std::vector<JobOutcome> outcomes) {
  const Figure& figure = result.figure;
  const std::size_t seeds = std::max<std::size_t>(1, figure.seeds);
  std::size_t next = 0;  // figure_jobs' order: panel, curve, seed
  for (std::size_t p = 0; p < figure.panels.size(); ++p)
    for (std::size_t c = 0; c < figure.panels[p].curves.size(); ++c) {
      const FigureCurve& fc = figure.panels[p].curves[c];
      std::vector<std::vector<LinearResult>> by_seed;
      for (std::size_t s = 0; s < seeds; ++s)
        by_seed.push_back(std::move(outcomes.at(next++).results));
      CurveResult cr = combine_runs(std::move(by_seed), fc.config.rates);
      cr.panel = figure.panels[p].name;
      cr.label = fc.label;
      cr.settings = fc.settings();
      result.curves.push_back(std::move(cr));
    }
}

FigureResult run_figure(const Figure& figure, const FigureData& data, int jobs_count, bool progress,
                        SharedProgress* shared, const JobStore& store) {
  const auto start = std::chrono::steady_clock::now();
  FigureResult result = figure_header(figure, data);
  std::vector<LinearJob> jobs = figure_jobs(figure, data);
  // Iterations done over iterations planned, across every run of the figure (or of reproduce).
  std::unique_ptr<SharedProgress> own;
  if (shared == nullptr) {
    own = std::make_unique<SharedProgress>(figure.name, planned_iterations(figure), progress);
    shared = own.get();
  }
  std::vector<JobOutcome> outcomes =
      run_jobs(jobs, figure_runner_options(store, shared, jobs_count));
  if (own) own->finish();
  for (const JobOutcome& o : outcomes) {
    if (o.status == JobStatus::failed) throw std::runtime_error(o.error);
    if (o.status == JobStatus::missing) throw Interrupted{};  // never started: nothing to draw
  }
  add_curves(result, std::move(outcomes));
  result.interrupted = interrupted() != 0;
  result.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace experiments
