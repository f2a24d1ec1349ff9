// The end-to-end update rule of Arora, Cohen & Hazan (ICML 2018): what gradient descent on a
// deep linear network does to the product of its layers.
//
// A depth-N linear network computes x -> W_N ··· W_2 W_1 x, so it is the linear map
// W = W_N ··· W_1 ([k,d]: d inputs, k outputs), the end-to-end matrix. Train the N layers by
// gradient descent with a small learning rate lr and weight decay λ, from a balanced
// initialization (W_{j+1}ᵀ W_{j+1} = W_j W_jᵀ, e.g. all near zero), and W itself moves as
// (Theorem 1 of the paper)
//
//   W <- (1 - lr·λ·N)·W - lr · Σ_{j=1..N} [W Wᵀ]^((j-1)/N) · G · [Wᵀ W]^((N-j)/N)
//
// where G = dL/dW is the gradient of the loss with respect to W. So adding layers does not add
// expressiveness; it preconditions gradient descent on W with a rule that depends on W itself
// (an adaptive learning rate plus momentum-like behaviour, the paper argues). EndToEnd applies
// this rule directly to a single matrix, without building the N layers. The fractional powers
// of the positive semidefinite W Wᵀ [k,k] and Wᵀ W [d,d] follow from the SVD of W, with
// 0^0 = 1: the power 0 is the identity, also on the null space of W (which matters, since a
// single-output W [1,d] has rank 1 and Wᵀ W a (d-1)-dimensional null space). For k = 1 the sum
// has a closed form (the paper's single-output case; ||·|| is the Euclidean norm):
//
//   Σ_j ... = ||W||^(2 - 2/N) · ( G + (N-1)·<G, u>·u ),   u = W / ||W||
//
// For W = 0 it is G when N = 1 (plain gradient descent) and 0 when N >= 2.
#pragma once

#include <string>
#include <vector>

#include "autodiff/tensor.hpp"
#include "optim/optimizer.hpp"

namespace optim {

// Σ_{j=1..N} [W Wᵀ]^((j-1)/N) · G · [Wᵀ W]^((N-j)/N) for any W[k,d], G[k,d] -> [k,d].
// Requires: W and G of rank 2 and the same shape, depth N >= 1 (throws std::invalid_argument).
// Ensures:  N = 1 gives G exactly. Singular values of W up to max(k,d)·eps·σ_max count as 0
//           (W's rank is taken up to rounding). A NaN or inf in W or G gives an all-NaN result
//           (the way plain gradient descent propagates them) instead of an exception from LAPACK.
template <typename T>
ad::Tensor<T> e2e_update_general(const ad::Tensor<T>& w, const ad::Tensor<T>& g, int depth);

// The same for a single output, W[1,d], in closed form (no factorization).
// Requires: W and G both [1,d], depth N >= 1 (throws std::invalid_argument otherwise).
template <typename T>
ad::Tensor<T> e2e_update_single_output(const ad::Tensor<T>& w, const ad::Tensor<T>& g, int depth);

struct EndToEndOptions {
  double lr = 1e-3;
  int depth = 2;              // N >= 1, the depth of the linear network being emulated
  double weight_decay = 0.0;  // λ >= 0, the weight decay of each of the N layers
};

// Arora, Cohen & Hazan (2018), "On the Optimization of Deep Networks: Implicit Acceleration by
// Overparameterization", ICML, Theorem 1 (and its single-output form).
template <typename T>
class EndToEnd : public Optimizer<T> {
 public:
  // Requires: exactly one parameter, the end-to-end matrix W of rank 2 ([k,d]); lr > 0,
  // depth >= 1, weight_decay >= 0 (throws std::invalid_argument).
  explicit EndToEnd(std::vector<ad::Parameter<T>*> params, EndToEndOptions options = {});
  // W <- (1 - lr·λ·N)·W - lr · e2e_update(W, dL/dW, N): the closed form when k = 1, the
  // general (SVD) form otherwise.
  void step() override;
  std::string name() const override { return "EndToEnd"; }
  int depth() const { return depth_; }

 private:
  int depth_;
  double weight_decay_;
};

}  // namespace optim
