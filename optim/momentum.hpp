// Momentum: gradient descent with a velocity, the heavy-ball method.
//
//   v <- μ·v + g          (v starts at 0)
//   w <- w - lr·v
//
// The velocity v is a running sum of past gradients, each older one damped by another factor μ,
// so steps grow along directions where the gradient keeps its sign and cancel where it
// oscillates. These are the semantics of TensorFlow's MomentumOptimizer (and of PyTorch's SGD
// with momentum): lr multiplies the velocity, so changing lr mid-run rescales the next step at
// once. With nesterov = true the step looks ahead along the velocity (TensorFlow's
// use_nesterov): w <- w - lr·(g + μ·v), with v already updated. Weight decay λ adds λ·w to g.
#pragma once

#include <string>
#include <vector>

#include "optim/optimizer.hpp"

namespace optim {

struct MomentumOptions {
  double lr = 0.01;
  double momentum = 0.9;  // μ in [0, 1)
  bool nesterov = false;
  double weight_decay = 0.0;  // λ >= 0: g <- g + λ·w
};

// Polyak (1964), "Some methods of speeding up the convergence of iteration methods";
// TensorFlow's tf.train.MomentumOptimizer; Nesterov variant after Sutskever et al. (ICML 2013).
template <typename T>
class Momentum : public Optimizer<T> {
 public:
  // Requires: lr > 0, momentum in [0, 1), weight_decay >= 0 (throws std::invalid_argument).
  explicit Momentum(std::vector<ad::Parameter<T>*> params, MomentumOptions options = {});
  void step() override;
  std::string name() const override { return "Momentum"; }

 private:
  double momentum_;
  bool nesterov_;
  double weight_decay_;
  std::vector<ad::Tensor<T>> velocity_;  // v, aligned with params_
};

}  // namespace optim
