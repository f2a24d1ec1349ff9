// The sensitivity study (`overparam figure sensitivity`): the paper's linear claims judged under
// each set of conventions the paper leaves open or that other reproductions chose, one change
// from the paper's settings at a time, so that the table says what each verdict rests on.
//
// Each column is a set of conventions (the loss's scale, the optimizers' constants, the
// preprocessing); under each, the depth, adaptive, adam and init figures run at one horizon
// (10^5 iterations by default, 10^4 with --quick) with the paper's grid and rule, and every
// claim of check_claims is judged. The numbers are in the paper's units, (1/m) Σ r^p.
#pragma once

#include <string>
#include <vector>

#include "experiments/figures/claims.hpp"
#include "experiments/figures/run.hpp"

namespace experiments {

struct SensitivityColumn {
  std::string name;   // "paper", "loss / p", ...
  std::string flags;  // the flags that give it ("--loss-scale mean-over-p"; "" for the paper's)
  Conventions conventions;
  data::Normalization normalization = data::Normalization::zscore;
  bool whiten = false;
};

// The paper's settings first, then one change at a time: the 1/p loss, PyTorch's constants,
// min-max and uncentred scaling of the data, whitened features; last the 2019 course
// reproduction's pair, the 1/p loss with PyTorch-like (Keras-like) constants.
const std::vector<SensitivityColumn>& sensitivity_columns();

// The figures whose claims the study judges, in the table's order.
const std::vector<std::string>& sensitivity_figures();

inline constexpr std::size_t sensitivity_iterations = 100'000;
inline constexpr std::size_t sensitivity_quick_iterations = 10'000;

struct SensitivitySettings {
  bool quick = false;
  std::size_t iterations = 0;  // 0: sensitivity_iterations (quick: sensitivity_quick_iterations)
  std::size_t seeds = 1;
  std::string data;  // the gas data
  int jobs = 1;
  bool progress = true;
  JobStore store;  // where finished jobs are kept, and read back with resume
  std::size_t horizon() const {
    return iterations != 0 ? iterations
                           : (quick ? sensitivity_quick_iterations : sensitivity_iterations);
  }
};

struct SensitivityRow {
  std::string figure, claim;
  std::vector<Verdict> cells;  // one per column; an empty claim text: not judged there
};

struct SensitivityResult {
  std::vector<SensitivityColumn> columns;
  std::size_t iterations = 0, seeds = 1;
  std::vector<SensitivityRow> rows;
  std::vector<std::vector<FigureResult>> figures;  // [column][figure]
  std::size_t runs = 0;                            // trainings, all rates of all curves
  std::size_t trained = 0;  // of them, the ones trained: the columns share the others
  bool interrupted = false;
  double wall_seconds = 0;
};

// The iterations the study's runs take when none diverges.
std::size_t planned_sensitivity_iterations(const SensitivitySettings& settings);

// Runs every figure under every column, adding its iterations to `shared` when given (else a
// progress line of its own). Stops after the figure during which a signal arrived, with
// result.interrupted set. Throws data::DataError for bad data.
SensitivityResult run_sensitivity(const SensitivitySettings& settings,
                                  SharedProgress* shared = nullptr);

// A Markdown table: a row per claim, a column per set of conventions, each cell the verdict
// ("holds" / "no") with the numbers behind it.
std::string sensitivity_table(const SensitivityResult& result);

// One line per claim: under which columns it holds and under which it does not.
std::string sensitivity_summary(const SensitivityResult& result);

// The report without its title line: what the study is, its horizon and cost, the table and the
// summary (sensitivity.md is "# TITLE\n\n" followed by this).
extern const char* const sensitivity_title;
std::string sensitivity_body(const SensitivityResult& result);

// Writes sensitivity.md, sensitivity.csv (one row per claim and column) and sensitivity.json into
// `out`, and each column's figures into out/COLUMN-SLUG/FIGURE/ (CSVs and JSON, no PNGs).
void write_sensitivity(const SensitivityResult& result, const std::string& out);

}  // namespace experiments
