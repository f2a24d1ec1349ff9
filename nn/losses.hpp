// Losses composed from the tape's primitive ops (their backward comes for free).
#pragma once

#include "autodiff/tape.hpp"

namespace nn {

// The l_p regression loss of the paper: L = (1/(p·m)) · Σ_i Σ_c (Yhat[i,c] - Y[i,c])^p, for
// predictions and targets [m,k] and an even integer p >= 2 (p = 2 is half the mean squared
// error). Requires: equal shapes, m >= 1, p even and >= 2 (std::invalid_argument otherwise).
template <typename T>
ad::Var<T> lp_loss(ad::Var<T> yhat, ad::Var<T> y, int p);

}  // namespace nn
