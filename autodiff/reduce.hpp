// Reductions on the tape: a tensor in, a scalar (shape []) out.
//
// The backward of a reduction spreads the scalar's gradient back over every input element:
// equally for sum and mean, weighted by 2x for the sum of squares (used by L2 regularization).
#pragma once

#include "autodiff/tape.hpp"

namespace ad {

// sum_i X_i -> y[].                        backward: dX_i += dy
template <typename T>
Var<T> sum(Var<T> x);
// (1/n) sum_i X_i -> y[].                  backward: dX_i += dy / n
// Requires: X has at least one element.
template <typename T>
Var<T> mean(Var<T> x);
// sum_i X_i^2 -> y[].                      backward: dX_i += 2 X_i dy
template <typename T>
Var<T> sum_squares(Var<T> x);

}  // namespace ad
