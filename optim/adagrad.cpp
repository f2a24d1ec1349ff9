#include "optim/adagrad.hpp"

#include <cmath>
#include <stdexcept>

namespace optim {

template <typename T>
AdaGrad<T>::AdaGrad(std::vector<ad::Parameter<T>*> params, AdaGradOptions options)
    : Optimizer<T>(std::move(params)),
      eps_(options.eps),
      weight_decay_(options.weight_decay),
      sum_squares_(this->state_like_params(static_cast<T>(options.initial_accumulator_value))) {
  this->set_lr(options.lr);
  this->register_state("sum_squares", sum_squares_);
  require_non_negative(name(), "initial_accumulator_value", options.initial_accumulator_value);
  require_non_negative(name(), "eps", options.eps);
  require_non_negative(name(), "weight_decay", options.weight_decay);
  if (options.eps == 0 && options.initial_accumulator_value == 0) {
    throw std::invalid_argument(
        "AdaGrad: eps and initial_accumulator_value are both 0, so a zero gradient would "
        "divide 0 by 0; make eps > 0 (e.g. 1e-10) or initial_accumulator_value > 0 (TensorFlow "
        "uses 0.1)");
  }
}

template <typename T>
void AdaGrad<T>::step() {
  const T lr = static_cast<T>(this->lr());
  const T eps = static_cast<T>(eps_);
  const T lambda = static_cast<T>(weight_decay_);
  for (std::size_t i = 0; i < this->params_.size(); ++i) {
    ad::Parameter<T>& p = *this->params_[i];
    if (!p.has_grad()) continue;
    this->check_state(i, sum_squares_[i]);
    ad::Tensor<T>& w = p.value();
    const ad::Tensor<T>& g = p.grad();
    ad::Tensor<T>& G = sum_squares_[i];
    for (std::size_t k = 0; k < w.size(); ++k) {
      const T gk = g[k] + lambda * w[k];
      G[k] += gk * gk;
      w[k] -= lr * gk / (std::sqrt(G[k]) + eps);
    }
  }
}

template class AdaGrad<float>;
template class AdaGrad<double>;

}  // namespace optim
