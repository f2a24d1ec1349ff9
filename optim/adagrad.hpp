// AdaGrad: a per-coordinate step size that shrinks with the gradients seen so far.
//
//   G <- G + g²                       (elementwise; G starts at initial_accumulator_value)
//   w <- w - lr · g / (sqrt(G) + eps)
//
// Coordinates with large or frequent gradients get small steps, rare ones large steps. Two
// details differ between implementations and change the numbers, so both are explicit here:
//   eps is added outside the square root, to sqrt(G) (as in PyTorch; eps = 1e-10);
//   G starts at initial_accumulator_value: 0 here and in PyTorch, 0.1 in TensorFlow's
//   AdagradOptimizer, which has no eps (TensorFlow's rule is initial_accumulator_value = 0.1,
//   eps = 0). eps = 0 is allowed only with a positive initial accumulator, since a zero
//   gradient on the first step would otherwise divide 0 by 0.
// Weight decay λ adds λ·w to g (before it enters G).
#pragma once

#include <string>
#include <vector>

#include "optim/optimizer.hpp"

namespace optim {

struct AdaGradOptions {
  double lr = 0.01;
  double initial_accumulator_value = 0.0;  // G at step 0; >= 0 (TensorFlow: 0.1)
  double eps = 1e-10;                      // >= 0, added to sqrt(G)
  double weight_decay = 0.0;               // λ >= 0: g <- g + λ·w
};

// Duchi, Hazan & Singer (2011), "Adaptive Subgradient Methods for Online Learning and
// Stochastic Optimization", JMLR 12 (the diagonal version).
template <typename T>
class AdaGrad : public Optimizer<T> {
 public:
  // Requires: lr > 0; initial_accumulator_value, eps, weight_decay >= 0 and finite; eps > 0 or
  // initial_accumulator_value > 0 (throws std::invalid_argument).
  explicit AdaGrad(std::vector<ad::Parameter<T>*> params, AdaGradOptions options = {});
  void step() override;
  std::string name() const override { return "AdaGrad"; }

 private:
  double eps_;
  double weight_decay_;
  std::vector<ad::Tensor<T>> sum_squares_;  // G, aligned with params_
};

}  // namespace optim
