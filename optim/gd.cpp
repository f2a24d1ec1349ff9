#include "optim/gd.hpp"

namespace optim {

template <typename T>
GD<T>::GD(std::vector<ad::Parameter<T>*> params, GDOptions options)
    : Optimizer<T>(std::move(params)), weight_decay_(options.weight_decay) {
  this->set_lr(options.lr);
  require_non_negative(name(), "weight_decay", options.weight_decay);
}

template <typename T>
void GD<T>::step() {
  const T lr = static_cast<T>(this->lr());
  const T shrink = static_cast<T>(1 - this->lr() * weight_decay_);
  for (std::size_t i = 0; i < this->params_.size(); ++i) {
    ad::Parameter<T>& p = *this->params_[i];
    if (!p.has_grad()) continue;
    this->check_state(i, p.value());  // GD has no state: checks only that grad matches w
    ad::Tensor<T>& w = p.value();
    const ad::Tensor<T>& g = p.grad();
    for (std::size_t k = 0; k < w.size(); ++k) w[k] = shrink * w[k] - lr * g[k];
  }
}

template class GD<float>;
template class GD<double>;

}  // namespace optim
