// make_optimizer: an optimizer chosen at run time, by kind or by name.
//
//   auto opt = optim::make_optimizer<double>(optim::OptimizerKind::adam, model.parameters(), 1e-3);
//   auto same = optim::make_optimizer<double>("adam", model.parameters(), 1e-3);
//
//   optim::Hyperparameters h{.preset = optim::Preset::pytorch};
//   auto tuned = optim::make_optimizer<double>(optim::OptimizerKind::adagrad, params, 0.1, h);
//
// With a Hyperparameters the other hyperparameters come from its preset and its set values
// (hyperparameters.hpp); without, from each optimizer's Options defaults.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "optim/hyperparameters.hpp"
#include "optim/optimizer.hpp"

namespace optim {

// Every optimizer of this library. e2e is the end-to-end rule of Arora et al. (e2e.hpp): it
// trains one matrix standing for the product of a depth-N network's layers.
enum class OptimizerKind { gd, momentum, adagrad, adadelta, rmsprop, adam, e2e };

// "gd", "momentum", ..., "e2e".
const char* optimizer_name(OptimizerKind kind);

// The names make_optimizer accepts: gd, momentum, adagrad, adadelta, rmsprop, adam (the
// optimizers of a network's own parameters; e2e is built by kind, with its depth).
const std::vector<std::string>& optimizer_names();

// Requires: lr and weight_decay valid for that optimizer (its constructor throws otherwise);
//           for e2e, e2e_depth >= 1 and one parameter, the end-to-end matrix.
template <typename T>
std::unique_ptr<Optimizer<T>> make_optimizer(OptimizerKind kind,
                                             std::vector<ad::Parameter<T>*> params, double lr,
                                             double weight_decay = 0.0, int e2e_depth = 0);

// Requires: the values of h valid for that optimizer (its constructor throws otherwise); for
//           e2e, e2e_depth >= 1 and one parameter.
template <typename T>
std::unique_ptr<Optimizer<T>> make_optimizer(OptimizerKind kind,
                                             std::vector<ad::Parameter<T>*> params, double lr,
                                             const Hyperparameters& h, int e2e_depth = 0);

// A hyperparameter and the value an optimizer is built with.
struct HyperparameterValue {
  std::string name;  // "beta1", "eps", ... as in Hyperparameters
  double value = 0;
};
// What make_optimizer(kind, ..., h) uses besides the rate, in a fixed order: gd and e2e
// {weight_decay}; adam {beta1, beta2, eps, weight_decay}; ... For run records.
std::vector<HyperparameterValue> hyperparameter_values(OptimizerKind kind,
                                                       const Hyperparameters& h);
// The names of Hyperparameters' optional fields that `kind` uses: {"beta1", "beta2", "eps"}.
std::vector<std::string> hyperparameter_names(OptimizerKind kind);

// h with TensorFlow's preset when the preset changes nothing `kind` does (GD and e2e have no
// constant, Momentum's is the same in both), else h: runs equal but for such a preset are the
// same run, and a job list trains them once.
Hyperparameters canonical(OptimizerKind kind, Hyperparameters h);

// Requires: name one of optimizer_names() (throws std::invalid_argument listing them
//           otherwise); lr and weight_decay valid for that optimizer (its constructor throws).
template <typename T>
std::unique_ptr<Optimizer<T>> make_optimizer(const std::string& name,
                                             std::vector<ad::Parameter<T>*> params, double lr,
                                             double weight_decay = 0.0);

}  // namespace optim
