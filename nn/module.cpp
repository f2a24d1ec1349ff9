#include "nn/module.hpp"

namespace nn {

template <typename T>
void Module<T>::register_parameter(std::string name, ad::Parameter<T>& p) {
  if (p.name().empty()) p.set_name(name);
  parameters_.emplace_back(std::move(name), &p);
}

template <typename T>
void Module<T>::register_module(std::string name, Module& child) {
  children_.emplace_back(std::move(name), &child);
}

template <typename T>
std::vector<std::pair<std::string, ad::Parameter<T>*>> Module<T>::named_parameters() {
  auto all = parameters_;
  for (auto& [prefix, child] : children_)
    for (auto& [name, p] : child->named_parameters()) all.emplace_back(prefix + "." + name, p);
  return all;
}

template <typename T>
std::vector<ad::Parameter<T>*> Module<T>::parameters() {
  std::vector<ad::Parameter<T>*> all;
  for (auto& [name, p] : named_parameters()) all.push_back(p);
  return all;
}

template <typename T>
std::size_t Module<T>::num_parameters() {
  std::size_t n = 0;
  for (auto* p : parameters()) n += p->value().size();
  return n;
}

template <typename T>
void Module<T>::zero_grad() {
  for (auto* p : parameters()) p->zero_grad();
}

template <typename T>
void Module<T>::train(bool on) {
  training_ = on;
  for (auto& [name, child] : children_) child->train(on);
}

template class Module<float>;
template class Module<double>;

}  // namespace nn
