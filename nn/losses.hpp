// Losses composed from the tape's primitive ops, so their backward comes for free: the l_p
// regression loss of the paper. The same loss fused into one op for K linear models at once, with
// its backward written by hand for speed, is ad::lp_regression_losses and ad::LpRegression
// (autodiff/lp_regression.hpp).
#pragma once

#include "autodiff/tape.hpp"

namespace nn {

// The l_p regression loss of the paper: L = (1/(p·m)) · Σ_i Σ_c (Yhat[i,c] - Y[i,c])^p, for
// predictions and targets [m,k] and an even integer p >= 2 (p = 2 is half the mean squared
// error). Requires: equal shapes, m >= 1, p even and >= 2 (std::invalid_argument otherwise).
template <typename T>
ad::Var<T> lp_loss(ad::Var<T> yhat, ad::Var<T> y, int p);

}  // namespace nn
