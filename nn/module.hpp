// Module: a layer or a model that owns named parameters and records its forward on a tape.
//
// A module registers each of its parameters by name (`register_parameter("weight", w_)`) and
// each child module (`register_module("conv1", conv1_)`); parameters() then lists them all,
// children's prefixed by the child's name ("conv1.weight"), which is what optimizers and
// checkpoint files take. Registration stores pointers to members, so a module is neither
// copied nor moved once built. train()/eval() switch modes (dropout looks at it).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "autodiff/tape.hpp"

namespace nn {

template <typename T>
class Module {
 public:
  Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;
  virtual ~Module() = default;

  // Records the module's forward pass on x's tape and returns the output.
  virtual ad::Var<T> forward(ad::Var<T> x) = 0;

  // Every parameter of this module and its children, in registration order, with full names.
  std::vector<std::pair<std::string, ad::Parameter<T>*>> named_parameters();
  std::vector<ad::Parameter<T>*> parameters();
  std::size_t num_parameters();  // scalar count
  void zero_grad();

  void train(bool on = true);
  void eval() { train(false); }
  bool training() const { return training_; }

 protected:
  void register_parameter(std::string name, ad::Parameter<T>& p);
  void register_module(std::string name, Module& child);

 private:
  std::vector<std::pair<std::string, ad::Parameter<T>*>> parameters_;
  std::vector<std::pair<std::string, Module*>> children_;
  bool training_ = true;
};

}  // namespace nn
