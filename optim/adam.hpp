// Adam: momentum on the gradient, divided by a running RMS of the gradient, both bias-corrected.
//
//   m <- β1·m + (1-β1)·g            (first moment, starts at 0)
//   v <- β2·v + (1-β2)·g²           (second moment, starts at 0)
//   m̂ = m / (1 - β1^t),  v̂ = v / (1 - β2^t)     (t = this parameter's step count, from 1)
//   w <- w - lr · m̂ / (sqrt(v̂) + eps)
//
// Because m and v start at 0 they are biased toward 0 early on; dividing by (1 - β^t) removes
// that bias, so the first step is lr·g/(|g| + eps), about lr·sign(g) per coordinate. This is
// Algorithm 1 of the paper, eps added to sqrt(v̂) as in PyTorch. With eps_hat = true the step is
// TensorFlow's (the "epsilon hat" form at the end of the paper's section 2): the corrections are
// folded into the rate and eps is added to sqrt(v), not sqrt(v̂),
//   w <- w - lr·sqrt(1 - β2^t)/(1 - β1^t) · m / (sqrt(v) + eps),
// which equals the first form with eps scaled by sqrt(1 - β2^t), so it differs early, while
// sqrt(v̂) is still near eps. Weight decay λ adds
// λ·w to g before the moments (L2 regularization, not AdamW's decoupled decay). The step count
// is kept per parameter, so one skipped for lack of a gradient keeps a correct bias correction.
#pragma once

#include <string>
#include <vector>

#include "optim/optimizer.hpp"

namespace optim {

struct AdamOptions {
  double lr = 1e-3;
  double beta1 = 0.9;         // in [0, 1)
  double beta2 = 0.999;       // in [0, 1)
  double eps = 1e-8;          // > 0, added to sqrt(v̂) (or to sqrt(v) with eps_hat)
  bool eps_hat = false;       // TensorFlow's form: eps added to sqrt(v), corrections on lr
  double weight_decay = 0.0;  // λ >= 0: g <- g + λ·w
};

// Kingma & Ba (2015), "Adam: A Method for Stochastic Optimization", ICLR (Algorithm 1).
template <typename T>
class Adam : public Optimizer<T> {
 public:
  // Requires: lr > 0, beta1 and beta2 in [0, 1), eps > 0, weight_decay >= 0
  // (throws std::invalid_argument).
  explicit Adam(std::vector<ad::Parameter<T>*> params, AdamOptions options = {});
  void step() override;
  std::string name() const override { return "Adam"; }

 private:
  double beta1_;
  double beta2_;
  double eps_;
  bool eps_hat_;
  double weight_decay_;
  std::vector<ad::Tensor<T>> m_;  // first moments, aligned with params_
  std::vector<ad::Tensor<T>> v_;  // second moments, aligned with params_
  std::vector<long> steps_;       // t, aligned with params_
};

}  // namespace optim
