#include "optim/optimizer.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace optim {

namespace {
std::string number(double x) {
  std::ostringstream out;
  out << x;
  return out.str();
}
[[noreturn]] void reject(const std::string& optimizer, const char* parameter, const char* condition,
                         double value) {
  throw std::invalid_argument(optimizer + ": " + parameter + " must be " + condition + ", got " +
                              number(value));
}
}  // namespace

void require_positive(const std::string& optimizer, const char* parameter, double value) {
  if (!std::isfinite(value) || value <= 0) reject(optimizer, parameter, "finite and > 0", value);
}

void require_non_negative(const std::string& optimizer, const char* parameter, double value) {
  if (!std::isfinite(value) || value < 0) reject(optimizer, parameter, "finite and >= 0", value);
}

void require_decay_rate(const std::string& optimizer, const char* parameter, double value) {
  if (!(value >= 0 && value < 1)) reject(optimizer, parameter, "in [0, 1)", value);
}

template <typename T>
Optimizer<T>::Optimizer(std::vector<ad::Parameter<T>*> params) : params_(std::move(params)) {
  if (params_.empty()) {
    throw std::invalid_argument(
        "Optimizer: the parameter list is empty; did you forget to register the model's "
        "parameters (or pass model.parameters())?");
  }
  for (std::size_t i = 0; i < params_.size(); ++i) {
    if (params_[i] == nullptr) {
      throw std::invalid_argument("Optimizer: parameter " + std::to_string(i) + " of " +
                                  std::to_string(params_.size()) + " is a null pointer");
    }
  }
}

template <typename T>
void Optimizer<T>::zero_grad() {
  for (ad::Parameter<T>* p : params_) p->zero_grad();
}

template <typename T>
void Optimizer<T>::set_lr(double lr) {
  require_positive(name(), "lr", lr);
  lr_ = lr;
}

template <typename T>
std::vector<ad::Tensor<T>> Optimizer<T>::state_like_params(T fill) const {
  std::vector<ad::Tensor<T>> state;
  state.reserve(params_.size());
  for (const ad::Parameter<T>* p : params_) state.emplace_back(p->shape(), fill);
  return state;
}

template <typename T>
void Optimizer<T>::check_state(std::size_t i, const ad::Tensor<T>& state) const {
  const ad::Parameter<T>& p = *params_[i];
  if (p.shape() != state.shape() || p.grad().shape() != state.shape()) {
    throw std::logic_error(name() + ": parameter " + std::to_string(i) + " '" + p.name() +
                           "' is now " + p.shape().str() + " (gradient " + p.grad().shape().str() +
                           ") but its optimizer state was created for " + state.shape().str() +
                           "; create the optimizer after the model's final shapes are set");
  }
}

template <typename T>
void Optimizer<T>::register_state(std::string name, std::vector<ad::Tensor<T>>& slot) {
  tensor_slots_.emplace_back(std::move(name), &slot);
}

template <typename T>
void Optimizer<T>::register_counts(std::string name, std::vector<long>& slot) {
  count_slots_.emplace_back(std::move(name), &slot);
}

template <typename T>
OptimizerState<T> Optimizer<T>::state() const {
  OptimizerState<T> s;
  s.optimizer = name();
  s.lr = lr_;
  for (const auto& [slot, values] : tensor_slots_) s.tensors.emplace_back(slot, *values);
  for (const auto& [slot, values] : count_slots_) s.counts.emplace_back(slot, *values);
  return s;
}

template <typename T>
void Optimizer<T>::load_state(const OptimizerState<T>& s) {
  auto refuse = [&](const std::string& why) {
    throw std::invalid_argument(name() + ": cannot load the saved state: " + why);
  };
  if (s.optimizer != name()) refuse("it is the state of " + s.optimizer);
  if (s.tensors.size() != tensor_slots_.size() || s.counts.size() != count_slots_.size())
    refuse("it has another set of slots");
  const std::size_t n = params_.size();
  auto check_size = [&](const std::string& slot, const std::string& saved, std::size_t size) {
    if (slot != saved) refuse("slot '" + saved + "' where '" + slot + "' was expected");
    if (size != n)
      refuse("slot '" + slot + "' holds " + std::to_string(size) + " values for " +
             std::to_string(n) + " parameters");
  };
  for (std::size_t k = 0; k < tensor_slots_.size(); ++k) {
    const auto& [saved, values] = s.tensors[k];
    check_size(tensor_slots_[k].first, saved, values.size());
    for (std::size_t i = 0; i < n; ++i)
      if (values[i].shape() != params_[i]->shape())
        refuse("slot '" + saved + "' of parameter " + std::to_string(i) + " is " +
               values[i].shape().str() + ", the parameter " + params_[i]->shape().str());
  }
  for (std::size_t k = 0; k < count_slots_.size(); ++k)
    check_size(count_slots_[k].first, s.counts[k].first, s.counts[k].second.size());
  set_lr(s.lr);  // checks the rate before anything changes
  for (std::size_t k = 0; k < tensor_slots_.size(); ++k)
    *tensor_slots_[k].second = s.tensors[k].second;
  for (std::size_t k = 0; k < count_slots_.size(); ++k)
    *count_slots_[k].second = s.counts[k].second;
}

template class Optimizer<float>;
template class Optimizer<double>;

}  // namespace optim
