// GD: plain (stochastic) gradient descent, the baseline every other rule is compared with.
//
//   w <- (1 - lr·λ) · w - lr · g
//
// where g is the gradient of the loss and λ the weight decay: the gradient step of the loss plus
// the penalty (λ/2)·||w||², written so that the decay shrinks w before the step. With λ = 0 it
// is w <- w - lr·g. It keeps no state.
#pragma once

#include <string>
#include <vector>

#include "optim/optimizer.hpp"

namespace optim {

struct GDOptions {
  double lr = 0.01;
  double weight_decay = 0.0;  // λ >= 0
};

// Gradient descent (Cauchy 1847; e.g. Nocedal & Wright, "Numerical Optimization", ch. 3).
template <typename T>
class GD : public Optimizer<T> {
 public:
  // Requires: lr > 0 and weight_decay >= 0, both finite (throws std::invalid_argument).
  explicit GD(std::vector<ad::Parameter<T>*> params, GDOptions options = {});
  void step() override;
  std::string name() const override { return "GD"; }

 private:
  double weight_decay_;
};

}  // namespace optim
