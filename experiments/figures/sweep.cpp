#include "experiments/figures/sweep.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "experiments/figures/files.hpp"
#include "experiments/figures/run.hpp"
#include "experiments/linear/records.hpp"

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
    const std::string id = job_id(j.job);
    csv.row().text(id);
    for (const std::string& v : j.values) csv.text(v);
    csv.cell(j.seed).text(job_status_name(o.status));
    if (!finished(o)) {
      csv.text("").text("").text("").text("").text("").text("");
      continue;
    }
    const std::size_t best = best_run(o.results);
    const bool all_diverged = best == o.results.size();
    const LinearResult& chosen = o.results[all_diverged ? 0 : best];
    csv.cell(all_diverged ? nan : j.job.config.rates[best])
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
        rates = s.jobs[i].job.config.rates;
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
    const std::size_t n = distances.size();
    const double median =
        n % 2 ? distances[n / 2] : 0.5 * (distances[n / 2 - 1] + distances[n / 2]);
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

}  // namespace experiments
