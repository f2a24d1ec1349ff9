// The paper's claims about each linear figure, judged on a run, and the table that puts the
// paper's numbers beside the run's.
#pragma once

#include <string>

#include "experiments/figures/run.hpp"

namespace experiments {

// One line per claim of the figure: "- holds: CLAIM. This run: NUMBERS." or
// "- does not hold: ...". A curve that diverged counts as infinitely far from the optimum. With
// several seeds the verdict is the median curve's, followed by the number of seeds whose own
// runs (at the chosen rate) agree: "- holds (holds in 4 of 5 seeds): ...".
std::string check_claims(const FigureResult& result);

// A Markdown table, one row per curve: panel, curve, best rate, distance at the end, and the
// paper's number where it gives one (with the ratio to ours at the paper's horizon; a --quick
// run's numbers are not comparable, and a note under the table says so).
std::string paper_table(const FigureResult& result);

}  // namespace experiments
