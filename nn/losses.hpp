// Losses: the l_p regression loss composed from the tape's primitive ops (its backward comes for
// free), and the same loss fused into one op for K linear models at once (its backward written
// by hand, for speed: see nn/lp_kernel.hpp).
#pragma once

#include <vector>

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

// An l_p regression problem prepared for many steps: data X[m,d], targets Y[m,k] and p, copied
// in. losses(V) is lp_regression_losses(X, V, Y, p) with the data kept off the tape. For p = 2
// it needs no pass over X at all: the constructor computes XᵀX [d,d], XᵀY and Σ_i Y[i,c]² once
// (O(m·d²)), and each step costs O(K·k·d²) (nn::lp_gram_kernel): for the rows q = a·k + c of
// model a,
//   L[a]       = Σ_c (V_q·XᵀX·V_qᵀ - 2·V_q·(XᵀY)_c + Y_cᵀY_c) / (2m)
//   dL[a]/dV_q = (V_q·XᵀX - (XᵀY)_cᵀ) / m.
// Equal to the residual form to rounding; the loss, a small difference of larger terms, keeps
// about one digit fewer.
template <typename T>
class LpRegression {
 public:
  // Requires: X and Y of rank 2 with the same number m >= 1 of rows, k >= 1 columns in Y, p even
  // and >= 2 (std::invalid_argument naming them otherwise).
  LpRegression(ad::Tensor<T> x, ad::Tensor<T> y, int p);

  // V[K·k,d] -> L[K] on v's tape, as lp_regression_losses. Requires: V [K·k,d], K >= 1.
  ad::Var<T> losses(ad::Var<T> v) const;

  const ad::Tensor<T>& x() const { return x_; }
  const ad::Tensor<T>& y() const { return y_; }
  int p() const { return p_; }

 private:
  ad::Tensor<T> x_, y_;
  int p_;
  std::vector<double> gram_;  // p = 2: XᵀX [d,d]
  std::vector<double> xty_;   // p = 2: (XᵀY)ᵀ [k,d]
  std::vector<double> yty_;   // p = 2: Σ_i Y[i,c]² [k]
};

}  // namespace nn
