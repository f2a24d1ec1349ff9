#include "optim/momentum.hpp"

namespace optim {

template <typename T>
Momentum<T>::Momentum(std::vector<ad::Parameter<T>*> params, MomentumOptions options)
    : Optimizer<T>(std::move(params)),
      momentum_(options.momentum),
      nesterov_(options.nesterov),
      weight_decay_(options.weight_decay),
      velocity_(this->state_like_params()) {
  this->set_lr(options.lr);
  this->register_state("velocity", velocity_);
  require_decay_rate(name(), "momentum", options.momentum);
  require_non_negative(name(), "weight_decay", options.weight_decay);
}

template <typename T>
void Momentum<T>::step() {
  const T lr = static_cast<T>(this->lr());
  const T mu = static_cast<T>(momentum_);
  const T lambda = static_cast<T>(weight_decay_);
  for (std::size_t i = 0; i < this->params_.size(); ++i) {
    ad::Parameter<T>& p = *this->params_[i];
    if (!p.has_grad()) continue;
    this->check_state(i, velocity_[i]);
    T* w = p.value().data();
    const T* g = p.grad().data();
    T* v = velocity_[i].data();
    const std::size_t size = p.value().size();
    if (nesterov_) {
      for (std::size_t k = 0; k < size; ++k) {
        const T gk = g[k] + lambda * w[k];
        v[k] = mu * v[k] + gk;
        w[k] -= lr * (gk + mu * v[k]);
      }
    } else {
      for (std::size_t k = 0; k < size; ++k) {
        v[k] = mu * v[k] + (g[k] + lambda * w[k]);
        w[k] -= lr * v[k];
      }
    }
  }
}

template class Momentum<float>;
template class Momentum<double>;

}  // namespace optim
