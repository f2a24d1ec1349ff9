#include "optim/adam.hpp"

#include <cmath>

namespace optim {

template <typename T>
Adam<T>::Adam(std::vector<ad::Parameter<T>*> params, AdamOptions options)
    : Optimizer<T>(std::move(params)),
      beta1_(options.beta1),
      beta2_(options.beta2),
      eps_(options.eps),
      eps_hat_(options.eps_hat),
      weight_decay_(options.weight_decay),
      m_(this->state_like_params()),
      v_(this->state_like_params()),
      steps_(this->params_.size(), 0) {
  this->set_lr(options.lr);
  this->register_state("m", m_);
  this->register_state("v", v_);
  this->register_counts("step", steps_);
  require_decay_rate(name(), "beta1", options.beta1);
  require_decay_rate(name(), "beta2", options.beta2);
  require_positive(name(), "eps", options.eps);
  require_non_negative(name(), "weight_decay", options.weight_decay);
}

template <typename T>
void Adam<T>::step() {
  const T lr = static_cast<T>(this->lr());
  const T b1 = static_cast<T>(beta1_);
  const T b2 = static_cast<T>(beta2_);
  const T eps = static_cast<T>(eps_);
  const T lambda = static_cast<T>(weight_decay_);
  for (std::size_t i = 0; i < this->params_.size(); ++i) {
    ad::Parameter<T>& p = *this->params_[i];
    if (!p.has_grad()) continue;
    this->check_state(i, m_[i]);
    ad::Tensor<T>& w = p.value();
    const ad::Tensor<T>& g = p.grad();
    ad::Tensor<T>& m = m_[i];
    ad::Tensor<T>& v = v_[i];
    const double t = static_cast<double>(++steps_[i]);
    const T correction1 = static_cast<T>(1 - std::pow(beta1_, t));
    const T correction2 = static_cast<T>(1 - std::pow(beta2_, t));
    const T lr_t =
        static_cast<T>(this->lr() * std::sqrt(1 - std::pow(beta2_, t)) / (1 - std::pow(beta1_, t)));
    for (std::size_t k = 0; k < w.size(); ++k) {
      const T gk = g[k] + lambda * w[k];
      m[k] = b1 * m[k] + (1 - b1) * gk;
      v[k] = b2 * v[k] + (1 - b2) * gk * gk;
      if (eps_hat_) {
        w[k] -= lr_t * m[k] / (std::sqrt(v[k]) + eps);
      } else {
        const T m_hat = m[k] / correction1;
        const T v_hat = v[k] / correction2;
        w[k] -= lr * m_hat / (std::sqrt(v_hat) + eps);
      }
    }
  }
}

template class Adam<float>;
template class Adam<double>;

}  // namespace optim
