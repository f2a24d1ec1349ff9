// Optimizers: how parameters move after each backward pass.
//
// An optimizer holds handles (pointers) to parameters that live elsewhere, in a model or in your
// own code, plus the state its rule keeps per parameter (a velocity, running averages of g and
// g²), in vectors aligned with the parameter list: state_[i] belongs to params_[i]. A training
// step reads
//
//   opt.zero_grad();            // gradients accumulate across backward passes: forget them
//   tape.clear();               // record a fresh forward pass
//   tape.backward(loss(tape));  // fills each parameter's grad()
//   opt.step();                 // w <- w - (the optimizer's rule applied to grad)
//
// step() updates each parameter's value in place from its gradient. A parameter that the last
// backward pass did not reach (has_grad() is false) is skipped: neither its value nor its state
// changes. Hyperparameters come in small option structs with defaults (AdamOptions{.lr = 1e-3}),
// checked in the constructor; a bad one throws std::invalid_argument naming the optimizer, the
// hyperparameter and the value. Each rule lives in its own file, written out in one loop.
//
// state() and load_state() save and restore everything a rule keeps between steps (its rate,
// and each per-parameter quantity under its name: "velocity", "m", "v", "step"), so a run
// stopped and continued from a checkpoint takes exactly the steps it would have taken.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "autodiff/tape.hpp"
#include "autodiff/tensor.hpp"

namespace optim {

// What an optimizer keeps between steps, by name: each slot holds one value per parameter,
// aligned with params() (a tensor shaped like the parameter, or a count).
template <typename T>
struct OptimizerState {
  std::string optimizer;  // name() of the optimizer it came from
  double lr = 0;
  std::vector<std::pair<std::string, std::vector<ad::Tensor<T>>>> tensors;
  std::vector<std::pair<std::string, std::vector<long>>> counts;
};

template <typename T>
class Optimizer {
 public:
  // Requires: at least one parameter, none of them null (throws std::invalid_argument).
  // The parameters must outlive the optimizer.
  explicit Optimizer(std::vector<ad::Parameter<T>*> params);
  virtual ~Optimizer() = default;
  Optimizer(const Optimizer&) = delete;  // holds state tied to the parameters
  Optimizer& operator=(const Optimizer&) = delete;

  // One update of every parameter that has a gradient, from that gradient.
  virtual void step() = 0;
  // Forgets every parameter's gradient (Parameter::zero_grad); call once per step.
  void zero_grad();

  // The learning rate (step size), for schedules.
  double lr() const { return lr_; }
  // Requires: lr finite and > 0 (throws std::invalid_argument naming the optimizer).
  void set_lr(double lr);

  // "GD", "Adam", ...: for messages and logs.
  virtual std::string name() const = 0;
  const std::vector<ad::Parameter<T>*>& params() const { return params_; }

  // A copy of the rule's state, for a checkpoint.
  OptimizerState<T> state() const;
  // Restores a state() taken from an optimizer of the same kind on parameters of the same
  // shapes. Requires: the same optimizer name, slot names, parameter count and shapes, and a
  // valid lr (throws std::invalid_argument saying what differs; nothing changes then).
  void load_state(const OptimizerState<T>& state);

 protected:
  // Initial state: one tensor per parameter, shaped like its value, every element `fill`.
  std::vector<ad::Tensor<T>> state_like_params(T fill = T{0}) const;
  // Requires: parameter i still has the shape its state was created with (throws
  // std::logic_error otherwise: its value was replaced by one of another shape).
  void check_state(std::size_t i, const ad::Tensor<T>& state) const;
  // Each constructor registers the members its step() keeps, under a name, for state() and
  // load_state(). The base keeps pointers to them: an optimizer is never copied or moved.
  void register_state(std::string name, std::vector<ad::Tensor<T>>& slot);
  void register_counts(std::string name, std::vector<long>& slot);

  std::vector<ad::Parameter<T>*> params_;

 private:
  double lr_ = 0;  // set by each optimizer's constructor through set_lr()
  std::vector<std::pair<std::string, std::vector<ad::Tensor<T>>*>> tensor_slots_;
  std::vector<std::pair<std::string, std::vector<long>*>> count_slots_;
};

// Hyperparameter checks for the constructors. Each throws std::invalid_argument
// "<optimizer>: <parameter> must be <condition>, got <value>".
// value finite and > 0 (learning rates, eps).
void require_positive(const std::string& optimizer, const char* parameter, double value);
// value finite and >= 0 (weight decay).
void require_non_negative(const std::string& optimizer, const char* parameter, double value);
// 0 <= value < 1 (decay rates: momentum, beta1, beta2, rho).
void require_decay_rate(const std::string& optimizer, const char* parameter, double value);

}  // namespace optim
