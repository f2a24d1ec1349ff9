// Losses: the l_p regression loss composed from the tape's primitive ops (its backward comes for
// free), and the same loss fused into one op for K linear models at once (its backward written
// by hand, for speed: see nn/lp_kernel.hpp).
#pragma once

#include "autodiff/tape.hpp"

namespace nn {

// The l_p regression loss of the paper: L = (1/(p·m)) · Σ_i Σ_c (Yhat[i,c] - Y[i,c])^p, for
// predictions and targets [m,k] and an even integer p >= 2 (p = 2 is half the mean squared
// error). Requires: equal shapes, m >= 1, p even and >= 2 (std::invalid_argument otherwise).
template <typename T>
ad::Var<T> lp_loss(ad::Var<T> yhat, ad::Var<T> y, int p);

// X[m,d], V[K·k,d], Y[m,k] -> L[K]: the l_p regression loss of K linear models at once, model a
// being the rows a·k ... a·k+k-1 of V (its end-to-end matrix, predictions X·V_aᵀ):
//   L[a] = (1/(p·m)) · Σ_i Σ_c (X_i·V_{a·k+c} - Y[i,c])^p  =  lp_loss(X·V_aᵀ, Y, p).
// One pass over X for all K models (nn::lp_regression_kernel), and no [m, K·k] intermediate; the
// models do not interact, so each L[a] and its gradient are what model a alone would get.
// Backward: dV_{a·k+c} += dL[a] · (1/m) Σ_i (X_i·V_{a·k+c} - Y[i,c])^(p-1) X_i, computed during
// the forward pass (when V needs a gradient) and kept on the tape until backward.
// Requires: X and Y are data, without a gradient (tape.input or tape.constant): this op does not
// differentiate into them; X, V, Y of rank 2, m >= 1, V's columns = X's columns, Y's rows = X's
// rows, V's rows a positive multiple of Y's columns, p even and >= 2. Throws
// std::invalid_argument naming the shapes otherwise.
template <typename T>
ad::Var<T> lp_regression_losses(ad::Var<T> x, ad::Var<T> v, ad::Var<T> y, int p);

}  // namespace nn
