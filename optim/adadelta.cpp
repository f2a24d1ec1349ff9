#include "optim/adadelta.hpp"

#include <cmath>

namespace optim {

template <typename T>
AdaDelta<T>::AdaDelta(std::vector<ad::Parameter<T>*> params, AdaDeltaOptions options)
    : Optimizer<T>(std::move(params)),
      rho_(options.rho),
      eps_(options.eps),
      weight_decay_(options.weight_decay),
      mean_sq_grad_(this->state_like_params()),
      mean_sq_step_(this->state_like_params()) {
  this->set_lr(options.lr);
  this->register_state("mean_sq_grad", mean_sq_grad_);
  this->register_state("mean_sq_step", mean_sq_step_);
  require_decay_rate(name(), "rho", options.rho);
  require_positive(name(), "eps", options.eps);
  require_non_negative(name(), "weight_decay", options.weight_decay);
}

template <typename T>
void AdaDelta<T>::step() {
  const T lr = static_cast<T>(this->lr());
  const T rho = static_cast<T>(rho_);
  const T eps = static_cast<T>(eps_);
  const T lambda = static_cast<T>(weight_decay_);
  for (std::size_t i = 0; i < this->params_.size(); ++i) {
    ad::Parameter<T>& p = *this->params_[i];
    if (!p.has_grad()) continue;
    this->check_state(i, mean_sq_grad_[i]);
    ad::Tensor<T>& w = p.value();
    const ad::Tensor<T>& g = p.grad();
    ad::Tensor<T>& Eg2 = mean_sq_grad_[i];
    ad::Tensor<T>& Ed2 = mean_sq_step_[i];
    for (std::size_t k = 0; k < w.size(); ++k) {
      const T gk = g[k] + lambda * w[k];
      Eg2[k] = rho * Eg2[k] + (1 - rho) * gk * gk;
      const T delta = std::sqrt(Ed2[k] + eps) / std::sqrt(Eg2[k] + eps) * gk;
      Ed2[k] = rho * Ed2[k] + (1 - rho) * delta * delta;
      w[k] -= lr * delta;
    }
  }
}

template class AdaDelta<float>;
template class AdaDelta<double>;

}  // namespace optim
