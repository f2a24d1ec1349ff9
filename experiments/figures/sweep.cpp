#include "experiments/figures/sweep.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "experiments/figures/files.hpp"
#include "experiments/figures/run.hpp"
#include "experiments/linear/records.hpp"
#include "experiments/mnist/verdicts.hpp"
#include "experiments/report/format.hpp"

namespace experiments {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

std::vector<std::string> columns(const Sweep& s, std::vector<std::string> first,
                                 const std::vector<std::string>& rest) {
  for (const SweepAxis& a : s.axes) first.push_back(a.flag);
  first.insert(first.end(), rest.begin(), rest.end());
  return first;
}

bool finished(const JobOutcome& o) {
  return o.status == JobStatus::done;
}

// A job's row up to its status (job, the varied values, seed, status); returns the job's id.
std::string start_row(Csv& csv, const SweepJob& j, const JobOutcome& o) {
  const std::string id = job_id(j.job);
  csv.row().text(id);
  for (const std::string& v : j.values) csv.text(v);
  csv.cell(j.seed).text(job_status_name(o.status));
  return id;
}

const LinearConfig& linear_config(const SweepJob& j) {
  return std::get<LinearJob>(j.job).config;
}

// NaN (a diverged run's loss) counts as infinity, so that the values can be sorted.
double median_of(std::vector<double> v) {
  for (double& x : v)
    if (std::isnan(x)) x = std::numeric_limits<double>::infinity();
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// The mean batch loss of a run's last mnist_final_steps steps.
double final_batch_loss(const MnistResult& r) {
  const std::size_t n = r.batch_loss.size();
  return mean_loss(r, n - std::min(n, mnist_final_steps), n);
}

}  // namespace

std::vector<std::vector<std::string>> sweep_combinations(const std::vector<SweepAxis>& axes) {
  std::vector<std::vector<std::string>> all{{}};
  for (const SweepAxis& axis : axes) {
    std::vector<std::vector<std::string>> next;
    for (const auto& partial : all)
      for (const std::string& v : axis.values) {
        next.push_back(partial);
        next.back().push_back(v);
      }
    all = std::move(next);
  }
  return all;
}

std::string combination_label(const std::vector<SweepAxis>& axes,
                              const std::vector<std::string>& values) {
  std::string label;
  for (std::size_t a = 0; a < axes.size() && a < values.size(); ++a)
    label += (a ? ", " : "") + axes[a].flag + " " + values[a];
  return label;
}

Csv sweep_csv(const Sweep& s, const std::vector<JobOutcome>& outcomes,
              const std::vector<double>& l_star) {
  Csv csv(columns(
      s, {"job"},
      {"seed", "status", "best_lr", "final_loss", "distance", "diverged", "seconds", "folder"}));
  for (std::size_t i = 0; i < s.jobs.size(); ++i) {
    const SweepJob& j = s.jobs[i];
    const JobOutcome& o = outcomes[i];
    const std::string id = start_row(csv, j, o);
    if (!finished(o)) {
      csv.text("").text("").text("").text("").text("").text("");
      continue;
    }
    const std::size_t best = best_run(o.results);
    const bool all_diverged = best == o.results.size();
    const LinearResult& chosen = o.results[all_diverged ? 0 : best];
    csv.cell(all_diverged ? nan : linear_config(j).rates[best])
        .cell(chosen.final_loss)
        .cell(chosen.final_loss - l_star[i])
        .cell(all_diverged)
        .cell(o.seconds, "%.3f")
        .text("jobs/" + id);
  }
  return csv;
}

Csv sweep_summary_csv(const Sweep& s, const std::vector<JobOutcome>& outcomes,
                      const std::vector<double>& l_star, std::vector<Series>* curves) {
  Csv csv(columns(s, {},
                  {"seeds", "best_lr", "distance_median", "distance_min", "distance_max",
                   "final_loss_median", "diverged"}));
  const auto combinations = sweep_combinations(s.axes);
  for (std::size_t c = 0; c < combinations.size(); ++c) {
    std::vector<std::vector<LinearResult>> runs;
    std::vector<double> rates;
    double star = 0;
    for (std::size_t i = 0; i < s.jobs.size(); ++i)
      if (s.jobs[i].combination == c && finished(outcomes[i])) {
        runs.push_back(outcomes[i].results);
        rates = linear_config(s.jobs[i]).rates;
        star = l_star[i];
      }
    csv.row();
    for (const std::string& v : combinations[c]) csv.text(v);
    csv.cell(runs.size());
    if (runs.empty()) {
      csv.text("").text("").text("").text("").text("").text("");
      continue;
    }
    const CurveResult cr = combine_runs(std::move(runs), rates);
    const bool found = cr.best_index < rates.size();
    std::vector<double> distances;
    for (const LinearResult& r : cr.seed_best)
      distances.push_back(r.diverged || !std::isfinite(r.final_loss)
                              ? std::numeric_limits<double>::infinity()
                              : r.final_loss - star);
    std::sort(distances.begin(), distances.end());
    const double median = median_of(distances);
    csv.cell(cr.best_lr)
        .cell(found ? median : nan)
        .cell(found ? distances.front() : nan)
        .cell(found ? distances.back() : nan)
        .cell(found ? cr.final_losses[cr.best_index] : nan)
        .cell(!found);
    if (curves != nullptr && found) {
      // The legend names the rate, unless it is one of the varied flags and so in the label.
      const std::string label = combination_label(s.axes, combinations[c]);
      const bool lr_varied = std::any_of(s.axes.begin(), s.axes.end(),
                                         [](const SweepAxis& a) { return a.flag == "lr"; });
      curves->push_back(
          distance_series(lr_varied ? label : curve_legend(label, cr), cr.best, star));
    }
  }
  return csv;
}

Csv mnist_sweep_csv(const Sweep& s, const std::vector<JobOutcome>& outcomes) {
  Csv csv(columns(s, {"job"},
                  {"seed", "status", "steps", "final_loss", "validation_error", "test_error",
                   "diverged", "seconds", "folder"}));
  for (std::size_t i = 0; i < s.jobs.size(); ++i) {
    const SweepJob& j = s.jobs[i];
    const JobOutcome& o = outcomes[i];
    const std::string id = start_row(csv, j, o);
    if (!finished(o) || !o.mnist) {
      for (int k = 0; k < 7; ++k) csv.text("");
      continue;
    }
    const MnistResult& r = *o.mnist;
    const MnistEval last = r.evals.empty() ? MnistEval{0, nan, nan} : r.evals.back();
    csv.cell(r.steps)
        .cell(final_batch_loss(r))
        .cell(last.validation_error)
        .cell(last.test_error)
        .cell(r.diverged)
        .cell(o.seconds, "%.3f")
        .text("jobs/" + id);
  }
  return csv;
}

Csv mnist_sweep_summary_csv(const Sweep& s, const std::vector<JobOutcome>& outcomes,
                            std::vector<Series>* curves) {
  Csv csv(columns(s, {},
                  {"seeds", "final_loss_median", "final_loss_min", "final_loss_max",
                   "test_error_median", "test_error_min", "test_error_max", "diverged"}));
  const auto combinations = sweep_combinations(s.axes);
  for (std::size_t c = 0; c < combinations.size(); ++c) {
    std::vector<const MnistResult*> runs;
    for (std::size_t i = 0; i < s.jobs.size(); ++i)
      if (s.jobs[i].combination == c && finished(outcomes[i]) && outcomes[i].mnist)
        runs.push_back(&*outcomes[i].mnist);
    csv.row();
    for (const std::string& v : combinations[c]) csv.text(v);
    csv.cell(runs.size());
    if (runs.empty()) {
      for (int k = 0; k < 7; ++k) csv.text("");
      continue;
    }
    std::vector<double> losses, errors;
    std::size_t diverged = 0;
    for (const MnistResult* r : runs) {
      const double loss = final_batch_loss(*r);
      losses.push_back(std::isnan(loss) ? std::numeric_limits<double>::infinity() : loss);
      errors.push_back(r->evals.empty() ? nan : r->evals.back().test_error);
      diverged += r->diverged;
    }
    const auto [loss_min, loss_max] = std::minmax_element(losses.begin(), losses.end());
    const auto [error_min, error_max] = std::minmax_element(errors.begin(), errors.end());
    csv.cell(median_of(losses))
        .cell(*loss_min)
        .cell(*loss_max)
        .cell(median_of(errors))
        .cell(*error_min)
        .cell(*error_max)
        .cell(diverged);
    if (curves == nullptr) continue;
    // Step by step over the steps every seed took: the median and the range.
    std::size_t steps = SIZE_MAX;
    for (const MnistResult* r : runs) steps = std::min(steps, r->batch_loss.size());
    // Every run follows the tutorial's rate schedule: the legend names it, as the figure's does.
    Series series;
    series.label = combination_label(s.axes, combinations[c]) + " (lr " +
                   format_number(mnist_base_lr, "%g") + ", x" +
                   format_number(mnist_lr_decay, "%g") + " per epoch)";
    for (std::size_t k = 0; k < steps; ++k) {
      std::vector<double> at;
      for (const MnistResult* r : runs) at.push_back(r->batch_loss[k]);
      series.x.push_back(double(k));
      series.y.push_back(median_of(at));
      if (runs.size() > 1) {
        series.low.push_back(*std::min_element(at.begin(), at.end()));
        series.high.push_back(*std::max_element(at.begin(), at.end()));
      }
    }
    curves->push_back(std::move(series));
  }
  return csv;
}

}  // namespace experiments
