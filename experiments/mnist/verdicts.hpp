// The paper's claims about its last figure, judged on a run of both convnets.
#pragma once

#include <cstddef>
#include <string>

#include "experiments/mnist/train.hpp"

namespace experiments {

// The mean batch loss over steps [first, last) (clamped to the run; NaN when empty).
double mean_loss(const MnistResult& r, std::size_t first, std::size_t last);

// The first step from which the overparameterized run's loss, averaged over a window, stays
// below the original's for the rest of the run; SIZE_MAX when it never does.
std::size_t crossing_step(const MnistResult& original, const MnistResult& overparam,
                          std::size_t window = 50);

// The paper's claims about its last figure, judged on a run of both variants, a line each:
// "- holds: CLAIM. This run: NUMBERS.", "- does not hold: ..." or "- not judged: ..." where the
// run is too short to tell (the claims about the end need 10 epochs, 8593 steps).
std::string mnist_verdicts(const MnistResult& original, const MnistResult& overparam);

}  // namespace experiments
