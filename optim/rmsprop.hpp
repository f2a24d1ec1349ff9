// RMSProp: divide each coordinate's gradient by a running RMS of its recent gradients.
//
//   E[g²] <- ρ·E[g²] + (1-ρ)·g²        (starts at initial_mean_square: 0 here and in PyTorch)
//   w     <- w - lr · g / (sqrt(E[g²]) + eps)            (eps_inside_sqrt = false, PyTorch)
//   w     <- w - lr · g / sqrt(E[g²] + eps)              (eps_inside_sqrt = true, TensorFlow)
//
// Like AdaGrad, but the sum of squares becomes an exponential moving average, so old gradients
// are forgotten and the step does not decay to zero. TensorFlow's RMSPropOptimizer adds eps
// inside the square root and starts E[g²] at 1, so its first steps are about lr·g, not
// lr·sign(g). No momentum term. Weight decay λ adds λ·w to g.
#pragma once

#include <string>
#include <vector>

#include "optim/optimizer.hpp"

namespace optim {

struct RMSPropOptions {
  double lr = 1e-3;
  double rho = 0.9;              // ρ in [0, 1) (the lecture's 0.9)
  double eps = 1e-8;             // > 0, added to sqrt(E[g²]) (or to E[g²] with eps_inside_sqrt)
  bool eps_inside_sqrt = false;  // TensorFlow: sqrt(E[g²] + eps)
  double initial_mean_square = 0.0;  // E[g²] at step 0, >= 0 (TensorFlow: 1)
  double weight_decay = 0.0;         // λ >= 0: g <- g + λ·w
};

// Tieleman & Hinton (2012), COURSERA "Neural Networks for Machine Learning", lecture 6.5.
template <typename T>
class RMSProp : public Optimizer<T> {
 public:
  // Requires: lr > 0, rho in [0, 1), eps > 0, initial_mean_square >= 0, weight_decay >= 0
  // (throws std::invalid_argument).
  explicit RMSProp(std::vector<ad::Parameter<T>*> params, RMSPropOptions options = {});
  void step() override;
  std::string name() const override { return "RMSProp"; }

 private:
  double rho_;
  double eps_;
  bool eps_inside_sqrt_;
  double weight_decay_;
  std::vector<ad::Tensor<T>> mean_sq_grad_;  // E[g²], aligned with params_
};

}  // namespace optim
