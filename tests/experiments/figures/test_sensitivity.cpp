#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "experiments/figures/sensitivity.hpp"
#include "experiments/files.hpp"

namespace fs = std::filesystem;
using experiments::SensitivityResult;
using experiments::Verdict;

namespace {

// A study of every column without training: claim A holds everywhere, claim B only in the
// columns whose index is even, claim C was not judged in the last column.
SensitivityResult synthetic_study() {
  SensitivityResult r;
  r.columns = experiments::sensitivity_columns();
  r.iterations = 1000;
  const std::size_t n = r.columns.size();
  experiments::SensitivityRow a{"depth", "claim A", {}}, b{"adam", "claim B", {}},
      c{"init", "claim C", {}};
  for (std::size_t k = 0; k < n; ++k) {
    a.cells.push_back({true, "claim A", "x " + std::to_string(k), 1, 1});
    b.cells.push_back({k % 2 == 0, "claim B", "y " + std::to_string(k), k % 2 == 0 ? 1u : 0u, 1});
    c.cells.push_back(k + 1 == n ? Verdict{} : Verdict{false, "claim C", "z", 0, 1});
  }
  r.rows = {a, b, c};
  return r;
}

}  // namespace

TEST_CASE("sensitivity_columns: the paper's settings first, then one change at a time",
          "[experiments]") {
  const auto& columns = experiments::sensitivity_columns();
  REQUIRE(columns.size() == 7);
  CHECK(columns[0].name == "paper");
  CHECK(columns[0].flags.empty());
  CHECK(columns[0].conventions.loss_scale == experiments::LossScale::mean);
  CHECK(columns[0].conventions.optimizer_defaults == optim::Preset::tensorflow);
  CHECK(columns[0].normalization == data::Normalization::zscore);
  CHECK(!columns[0].whiten);
  // Each of the next five differs from the paper's in exactly one setting.
  for (std::size_t k = 1; k < 6; ++k) {
    const auto& c = columns[k];
    const int changes = int(c.conventions.loss_scale != experiments::LossScale::mean) +
                        int(c.conventions.optimizer_defaults != optim::Preset::tensorflow) +
                        int(c.normalization != data::Normalization::zscore) + int(c.whiten);
    INFO(c.name);
    CHECK(changes == 1);
  }
  CHECK(columns[6].conventions.loss_scale == experiments::LossScale::mean_over_p);
  CHECK(columns[6].conventions.optimizer_defaults == optim::Preset::pytorch);
}

TEST_CASE("sensitivity_table: a row per claim, a column per set of conventions", "[experiments]") {
  const SensitivityResult r = synthetic_study();
  const std::string t = experiments::sensitivity_table(r);
  std::istringstream lines(t);
  std::string line;
  std::size_t rows = 0;
  while (std::getline(lines, line)) {
    ++rows;
    // Every line has the claim's cell and one per column, between n + 2 bars.
    CHECK(count(line, "|") == r.columns.size() + 2);
  }
  CHECK(rows == 2 + r.rows.size());  // header, rule, rows
  for (const auto& c : r.columns) CHECK(t.find("| " + c.name) != std::string::npos);
  CHECK(t.find("(`--whiten`)") != std::string::npos);
  CHECK(t.find("| depth: claim A | **holds**: x 0 | **holds**: x 1 |") != std::string::npos);
  CHECK(t.find("| adam: claim B | **holds**: y 0 | no: y 1 |") != std::string::npos);
  CHECK(t.find("| no: z | - |\n") != std::string::npos);  // not judged in the last column

  const std::string s = experiments::sensitivity_summary(r);
  CHECK(s.find("- depth: claim A: holds under all 7 sets of conventions.") != std::string::npos);
  CHECK(s.find("- adam: claim B: holds under paper; PyTorch constants; uncentred scale; loss / p + "
               "PyTorch constants. Does not under loss / p; min-max data; whitened.") !=
        std::string::npos);
  CHECK(s.find("- init: claim C: holds under none of the 6 sets of conventions.") !=
        std::string::npos);
}

TEST_CASE("figure sensitivity: a short study writes its table, CSV and every column's figures",
          "[experiments]") {
  experiments::SensitivitySettings s;
  s.iterations = 20;
  s.data = std::string(OVERPARAM_SOURCE_DIR) + "/data/gas/ethanol.dat.gz";
  s.progress = false;
  s.jobs = 2;
  const SensitivityResult r = experiments::run_sensitivity(s);
  CHECK(!r.interrupted);
  REQUIRE(r.figures.size() == r.columns.size());
  // depth 2 claims, adaptive 1, adam 1, init 3; every one judged in every column.
  REQUIRE(r.rows.size() == 7);
  for (const auto& row : r.rows)
    for (const auto& cell : row.cells) CHECK(!cell.claim.empty());
  const fs::path out = temp_dir("sensitivity");
  experiments::write_sensitivity(r, out.string());
  std::ifstream csv(out / "sensitivity.csv");
  std::string header, line;
  std::getline(csv, header);
  CHECK(header == "figure,claim,column,flags,holds,holds_in,seeds,numbers");
  std::size_t n = 0;
  while (std::getline(csv, line)) ++n;
  CHECK(n == 7 * r.columns.size());
  CHECK(fs::exists(out / "whitened" / "init" / "init.json"));
  CHECK(fs::exists(out / "loss-p" / "depth" / "depth.json"));
  CHECK(read((out / "sensitivity.md").string()).find("Every run has 20 iterations") !=
        std::string::npos);
  fs::remove_all(out);

  // The columns share their GD runs (the depth figure is all GD, so the PyTorch column's is the
  // paper's), and each figure is the one run_figure trains alone.
  CHECK(r.trained < r.runs);
  CHECK(r.trained <= r.runs - experiments::planned_iterations(r.figures[2][0].figure) / 20);
  const auto& columns = r.columns;
  const std::pair<std::size_t, std::size_t> pairs[] = {{2, 0}, {5, 2}};  // (column, figure)
  for (const auto& [k, f] : pairs) {
    const experiments::FigureResult& in_study = r.figures[k][f];
    INFO(columns[k].name << ", " << in_study.figure.name);
    const auto alone = experiments::run_figure(
        in_study.figure,
        experiments::load_figure_data(in_study.figure, s.data, columns[k].normalization,
                                      columns[k].whiten),
        1, false);
    REQUIRE(alone.curves.size() == in_study.curves.size());
    for (std::size_t c = 0; c < alone.curves.size(); ++c) {
      CHECK(alone.curves[c].final_losses == in_study.curves[c].final_losses);  // bit for bit
      CHECK(alone.curves[c].best_lr == in_study.curves[c].best_lr);
    }
  }
}
