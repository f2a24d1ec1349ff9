// The paper's claims about each linear figure, judged on a run, and the table that puts the
// paper's numbers beside the run's.
#pragma once

#include <string>
#include <vector>

#include "experiments/figures/run.hpp"

namespace experiments {

// One line per claim of the figure: "- holds: CLAIM. This run: NUMBERS." or
// "- does not hold: ...". A curve that diverged counts as infinitely far from the optimum. With
// several seeds the verdict is the median curve's, followed by the number of seeds whose own
// runs (at the chosen rate) agree: "- holds (holds in 4 of 5 seeds): ...".
std::string check_claims(const FigureResult& result);

// The verdicts behind check_claims, one per claim: the median curve's, and in how many of the
// seeds' own runs the claim holds (holds_in of seeds; with one seed, 0 or 1 as holds). With
// paper_units the numbers are in the paper's loss scale, (1/m) Σ r^p, whatever the run's.
struct Verdict {
  bool holds = false;
  std::string claim, numbers;
  std::size_t holds_in = 0, seeds = 1;
};
std::vector<Verdict> judge_claims(const FigureResult& result, bool paper_units = false);

// A Markdown table, one row per curve: panel, curve, best rate, distance at the end, and the
// paper's number where it gives one (with the ratio to ours at the paper's horizon; a --quick
// run's numbers are not comparable, and a note under the table says so).
std::string paper_table(const FigureResult& result);

}  // namespace experiments
