// The l_p regression loss of K linear models in one op, with its backward written by hand.
//
// The paper's linear experiments train many models on the same data (a learning-rate grid).
// Composed from the primitive ops, each model's loss (1/(p·m))·Σ(X·vᵀ - y)^p would cost two
// passes over the data matrix X per step (matmul forward, matmul backward) and an [m,k]
// intermediate per model. This op takes the models' end-to-end matrices stacked into one V and
// meets the data once, in the kernel of autodiff/lp_kernel.hpp, which computes every model's
// loss and gradient in a single pass over X; the gradient is kept on the tape for backward. For
// p = 2, LpRegression needs no pass over X at all: it works from XᵀX, XᵀY and Σy².
//
// nn::lp_loss (nn/losses.hpp) is the same loss composed from sub, pow, sum and scale, for one
// model and any predictions; the tests check the two against each other.
#pragma once

#include <vector>

#include "autodiff/tape.hpp"

namespace ad {

// X[m,d], V[K·k,d], Y[m,k] -> L[K]: the l_p regression loss of K linear models at once, model a
// being the rows a·k ... a·k+k-1 of V (its end-to-end matrix, predictions X·V_aᵀ):
//   L[a] = (1/(p·m)) · Σ_i Σ_c (X_i·V_{a·k+c} - Y[i,c])^p  =  lp_loss(X·V_aᵀ, Y, p).
// One pass over X for all K models (ad::lp_regression_kernel), and no [m, K·k] intermediate; the
// models do not interact, so each L[a] and its gradient are what model a alone would get.
// Backward: dV_{a·k+c} += dL[a] · (1/m) Σ_i (X_i·V_{a·k+c} - Y[i,c])^(p-1) X_i, computed during
// the forward pass (when V needs a gradient) and kept on the tape until backward.
// Requires: X and Y are data, without a gradient (tape.input or tape.constant): this op does not
// differentiate into them; X, V, Y of rank 2, m >= 1, V's columns = X's columns, Y's rows = X's
// rows, V's rows a positive multiple of Y's columns, p even and >= 2. Throws
// std::invalid_argument naming the shapes otherwise.
template <typename T>
Var<T> lp_regression_losses(Var<T> x, Var<T> v, Var<T> y, int p);

// An l_p regression problem prepared for many steps: data X[m,d], targets Y[m,k] and p, copied
// in. losses(V) is lp_regression_losses(X, V, Y, p) with the data kept off the tape. For p = 2
// it needs no pass over X at all: the constructor computes XᵀX [d,d], XᵀY and Σ_i Y[i,c]² once
// (O(m·d²)), and each step costs O(K·k·d²) (ad::lp_gram_kernel): for the rows q = a·k + c of
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
  LpRegression(Tensor<T> x, Tensor<T> y, int p);

  // V[K·k,d] -> L[K] on v's tape, as lp_regression_losses. Requires: V [K·k,d], K >= 1.
  Var<T> losses(Var<T> v) const;

  const Tensor<T>& x() const { return x_; }
  const Tensor<T>& y() const { return y_; }
  int p() const { return p_; }

 private:
  Tensor<T> x_, y_;
  int p_;
  std::vector<double> gram_;  // p = 2: XᵀX [d,d]
  std::vector<double> xty_;   // p = 2: (XᵀY)ᵀ [k,d]
  std::vector<double> yty_;   // p = 2: Σ_i Y[i,c]² [k]
};

}  // namespace ad
