#include "experiments/figures/sensitivity.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <set>
#include <stdexcept>

#include "experiments/figures/files.hpp"
#include "experiments/report/csv.hpp"
#include "experiments/report/files.hpp"
#include "experiments/report/format.hpp"
#include "experiments/report/interrupt.hpp"
#include "experiments/report/json.hpp"

namespace experiments {

namespace {

using data::Normalization;
using optim::Preset;

// The figure of one column, at the study's horizon and seeds, its preprocessing named.
Figure column_figure(const std::string& name, const SensitivityColumn& column,
                     const SensitivitySettings& s) {
  Figure figure = make_figure(name, s.quick, column.conventions);
  FigureOverrides overrides;
  overrides.iterations = s.horizon();
  overrides.seeds = s.seeds;
  apply_overrides(figure, overrides);
  note_preprocessing(figure, column.normalization, column.whiten);
  return figure;
}

std::string cell_text(const Verdict& v) {
  if (v.claim.empty()) return "-";
  std::string t = v.holds ? "**holds**" : "no";
  if (v.seeds > 1) t += " (" + std::to_string(v.holds_in) + "/" + std::to_string(v.seeds) + ")";
  return t + ": " + v.numbers;
}

}  // namespace

const std::vector<SensitivityColumn>& sensitivity_columns() {
  static const std::vector<SensitivityColumn> columns = {
      {"paper", "", {LossScale::mean, Preset::tensorflow}, Normalization::zscore, false},
      {"loss / p",
       "--loss-scale mean-over-p",
       {LossScale::mean_over_p, Preset::tensorflow},
       Normalization::zscore,
       false},
      {"PyTorch constants",
       "--optimizer-defaults pytorch",
       {LossScale::mean, Preset::pytorch},
       Normalization::zscore,
       false},
      {"min-max data", "--normalize minmax", {}, Normalization::minmax, false},
      {"uncentred scale", "--normalize scale", {}, Normalization::scale, false},
      {"whitened", "--whiten", {}, Normalization::zscore, true},
      {"loss / p + PyTorch constants",
       "--loss-scale mean-over-p --optimizer-defaults pytorch",
       {LossScale::mean_over_p, Preset::pytorch},
       Normalization::zscore,
       false},
  };
  return columns;
}

const std::vector<std::string>& sensitivity_figures() {
  static const std::vector<std::string> names = {"depth", "adaptive", "adam", "init"};
  return names;
}

std::size_t planned_sensitivity_iterations(const SensitivitySettings& s) {
  std::size_t planned = 0;
  for (const auto& column : sensitivity_columns())
    for (const auto& name : sensitivity_figures())
      planned += planned_iterations(column_figure(name, column, s));
  return planned;
}

SensitivityResult run_sensitivity(const SensitivitySettings& s, SharedProgress* shared) {
  const auto start = std::chrono::steady_clock::now();
  SensitivityResult result;
  result.columns = sensitivity_columns();
  result.iterations = s.horizon();
  result.seeds = std::max<std::size_t>(1, s.seeds);
  std::unique_ptr<SharedProgress> own;
  if (shared == nullptr) {
    own = std::make_unique<SharedProgress>("sensitivity", planned_sensitivity_iterations(s),
                                           s.progress);
    shared = own.get();
  }
  // Every figure of every column is one list for the runner, so that both cores stay busy to the
  // end and a run two columns share (GD under either preset, a curve two figures draw) is
  // trained once.
  const std::size_t n = result.columns.size();
  std::vector<FigureResult> figures;  // column by column, figure by figure
  std::vector<LinearJob> jobs;
  std::vector<std::size_t> first_job;  // of each figure in `jobs`
  for (const SensitivityColumn& column : result.columns)
    for (const auto& name : sensitivity_figures()) {
      const Figure figure = column_figure(name, column, s);
      const FigureData data = load_figure_data(figure, s.data, column.normalization, column.whiten);
      figures.push_back(figure_header(figure, data));
      first_job.push_back(jobs.size());
      for (LinearJob& job : figure_jobs(figure, data)) jobs.push_back(std::move(job));
    }
  first_job.push_back(jobs.size());
  std::set<std::string> distinct;
  for (const LinearJob& job : jobs)
    if (distinct.insert(job_id(job)).second) result.trained += job.config.rates.size();
  shared->set_label("sensitivity, " + std::to_string(n) + " sets of conventions");
  std::vector<JobOutcome> outcomes = run_jobs(jobs, figure_runner_options(s.store, shared, s.jobs));
  if (own) own->finish();

  // A figure is judged when all its jobs finished; after a signal the others are left out.
  const std::size_t per_column = sensitivity_figures().size();
  for (std::size_t k = 0; k < n; ++k) {
    result.figures.emplace_back();
    for (std::size_t f = 0; f < per_column; ++f) {
      const std::size_t i = k * per_column + f;
      std::vector<JobOutcome> own_outcomes(outcomes.begin() + long(first_job[i]),
                                           outcomes.begin() + long(first_job[i + 1]));
      bool complete = true;
      for (const JobOutcome& o : own_outcomes) {
        if (o.status == JobStatus::failed) throw std::runtime_error(o.error);
        complete = complete && o.status == JobStatus::done;
      }
      FigureResult& r = figures[i];
      result.runs += r.runs;
      if (!complete) {
        result.interrupted = true;
        continue;
      }
      add_curves(r, std::move(own_outcomes));
      const std::string& name = sensitivity_figures()[f];
      for (Verdict& v : judge_claims(r, true)) {
        auto row = std::find_if(result.rows.begin(), result.rows.end(), [&](const auto& x) {
          return x.figure == name && x.claim == v.claim;
        });
        if (row == result.rows.end()) {
          result.rows.push_back({name, v.claim, std::vector<Verdict>(n)});
          row = result.rows.end() - 1;
        }
        row->cells[k] = std::move(v);
      }
      result.figures.back().push_back(std::move(r));
    }
  }
  result.interrupted = result.interrupted || interrupted() != 0;
  result.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

std::string sensitivity_table(const SensitivityResult& r) {
  std::string head = "| claim |", rule = "|---|";
  for (const auto& c : r.columns) {
    head += " " + c.name + (c.flags.empty() ? "" : " (`" + c.flags + "`)") + " |";
    rule += "---|";
  }
  std::string t = head + "\n" + rule + "\n";
  for (const auto& row : r.rows) {
    t += "| " + row.figure + ": " + row.claim + " |";
    for (const auto& cell : row.cells) t += " " + cell_text(cell) + " |";
    t += "\n";
  }
  return t;
}

std::string sensitivity_summary(const SensitivityResult& r) {
  std::string out;
  for (const auto& row : r.rows) {
    std::string holds, fails;
    std::size_t judged = 0;
    for (std::size_t k = 0; k < row.cells.size(); ++k) {
      if (row.cells[k].claim.empty()) continue;
      ++judged;
      std::string& list = row.cells[k].holds ? holds : fails;
      list += (list.empty() ? "" : "; ") + r.columns[k].name;
    }
    out += "- " + row.figure + ": " + row.claim + ": ";
    if (fails.empty())
      out += "holds under all " + std::to_string(judged) + " sets of conventions.\n";
    else if (holds.empty())
      out += "holds under none of the " + std::to_string(judged) + " sets of conventions.\n";
    else
      out += "holds under " + holds + ". Does not under " + fails + ".\n";
  }
  return out;
}

const char* const sensitivity_title =
    "Sensitivity: what each of the paper's linear claims rests on";

std::string sensitivity_body(const SensitivityResult& r) {
  std::string flags;
  for (const auto& c : r.columns)
    if (!c.flags.empty()) flags += (flags.empty() ? "`" : ", `") + c.flags + "`";
  return "Each of the paper's linear claims (the depth, adaptive, adam and init figures), judged "
         "under the paper's settings and under each other convention one at a time (the flags " +
         flags +
         "), the last column two at once as in the 2019 course reproduction. Every run has " +
         std::to_string(r.iterations) +
         " iterations (the paper's horizons are 10^5 to 10^6, so a number here is not the "
         "paper's), " +
         std::to_string(r.seeds) + (r.seeds == 1 ? " seed" : " seeds, median over them") +
         ", the paper's grid of rates and its lowest-final-loss rule. Each cell gives the verdict "
         "and the numbers behind it: distances from the optimum at the end, in the paper's units "
         "((1/m) Σ r^p, the 1/p columns multiplied back by p). `--normalize minmax` and `scale` "
         "rescale the features alone; the target stays z-scored, as the paper's starting "
         "distances say it was, so every column's distances are in the paper's units. " +
         std::to_string(r.runs) + " trainings (" + std::to_string(r.trained) +
         " of them trained, the others the same runs as some of those: GD under either preset, a "
         "curve two figures draw) in " +
         std::to_string(static_cast<long long>(r.wall_seconds + 0.5)) + " s." +
         (r.interrupted
              ? " **Interrupted**: the figures whose runs had not all finished are left out."
              : "") +
         "\n\n" + sensitivity_table(r) + "\nWhat each claim depends on:\n\n" +
         sensitivity_summary(r);
}

void write_sensitivity(const SensitivityResult& r, const std::string& out) {
  make_output_dir(out);
  for (std::size_t k = 0; k < r.figures.size(); ++k)
    for (const FigureResult& f : r.figures[k])
      write_figure(f, out + "/" + slug(r.columns[k].name) + "/" + f.figure.name, false);
  Csv csv({"figure", "claim", "column", "flags", "holds", "holds_in", "seeds", "numbers"});
  Json json;
  json["version"] = OVERPARAM_VERSION;
  json["figure"] = "sensitivity";
  json["iterations"] = r.iterations;
  json["seeds"] = r.seeds;
  json["interrupted"] = r.interrupted;
  json["wall_seconds"] = r.wall_seconds;
  json["runs"] = r.runs;
  json["trained"] = r.trained;
  json["units"] = "distance from the optimum of the paper's loss, (1/m) sum r^p";
  for (const auto& c : r.columns) json["columns"].push_back({{"name", c.name}, {"flags", c.flags}});
  for (const auto& row : r.rows) {
    Json cells = Json::array();
    for (std::size_t k = 0; k < row.cells.size(); ++k) {
      const Verdict& v = row.cells[k];
      if (v.claim.empty()) continue;
      csv.row().text(row.figure).text(row.claim, true).text(r.columns[k].name, true);
      csv.text(r.columns[k].flags, true).cell(v.holds).cell(v.holds_in).cell(v.seeds);
      csv.text(v.numbers, true);
      cells.push_back({{"column", r.columns[k].name},
                       {"holds", v.holds},
                       {"holds_in", v.holds_in},
                       {"seeds", v.seeds},
                       {"numbers", v.numbers}});
    }
    json["claims"].push_back({{"figure", row.figure}, {"claim", row.claim}, {"cells", cells}});
  }
  csv.write(out + "/sensitivity.csv");
  write_json(out + "/sensitivity.json", json);
  data::write_file_atomic(out + "/sensitivity.md",
                          std::string("# ") + sensitivity_title + "\n\n" + sensitivity_body(r));
}

}  // namespace experiments
