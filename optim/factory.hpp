// make_optimizer: an optimizer chosen by name at run time, for the command line.
//
//   auto opt = optim::make_optimizer<double>("adam", model.parameters(), 1e-3);
//
// Every hyperparameter but the learning rate and the weight decay keeps its default (see each
// optimizer's Options struct); construct the class directly to set the others.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "optim/optimizer.hpp"

namespace optim {

// The names make_optimizer accepts: gd, momentum, adagrad, adadelta, rmsprop, adam.
const std::vector<std::string>& optimizer_names();

// Requires: name one of optimizer_names() (throws std::invalid_argument listing them
//           otherwise); lr and weight_decay valid for that optimizer (its constructor throws).
template <typename T>
std::unique_ptr<Optimizer<T>> make_optimizer(const std::string& name,
                                             std::vector<ad::Parameter<T>*> params, double lr,
                                             double weight_decay = 0.0);

}  // namespace optim
