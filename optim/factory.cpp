#include "optim/factory.hpp"

#include <stdexcept>

#include "optim/adadelta.hpp"
#include "optim/adagrad.hpp"
#include "optim/adam.hpp"
#include "optim/gd.hpp"
#include "optim/momentum.hpp"
#include "optim/rmsprop.hpp"

namespace optim {

const std::vector<std::string>& optimizer_names() {
  static const std::vector<std::string> names{"gd",       "momentum", "adagrad",
                                              "adadelta", "rmsprop",  "adam"};
  return names;
}

template <typename T>
std::unique_ptr<Optimizer<T>> make_optimizer(const std::string& name,
                                             std::vector<ad::Parameter<T>*> params, double lr,
                                             double weight_decay) {
  if (name == "gd") {
    return std::make_unique<GD<T>>(std::move(params),
                                   GDOptions{.lr = lr, .weight_decay = weight_decay});
  }
  if (name == "momentum") {
    return std::make_unique<Momentum<T>>(std::move(params),
                                         MomentumOptions{.lr = lr, .weight_decay = weight_decay});
  }
  if (name == "adagrad") {
    return std::make_unique<AdaGrad<T>>(std::move(params),
                                        AdaGradOptions{.lr = lr, .weight_decay = weight_decay});
  }
  if (name == "adadelta") {
    return std::make_unique<AdaDelta<T>>(std::move(params),
                                         AdaDeltaOptions{.lr = lr, .weight_decay = weight_decay});
  }
  if (name == "rmsprop") {
    return std::make_unique<RMSProp<T>>(std::move(params),
                                        RMSPropOptions{.lr = lr, .weight_decay = weight_decay});
  }
  if (name == "adam") {
    return std::make_unique<Adam<T>>(std::move(params),
                                     AdamOptions{.lr = lr, .weight_decay = weight_decay});
  }
  std::string valid;
  for (const std::string& n : optimizer_names()) valid += (valid.empty() ? "" : ", ") + n;
  throw std::invalid_argument("make_optimizer: unknown optimizer '" + name + "'; valid names are " +
                              valid);
}

template std::unique_ptr<Optimizer<float>> make_optimizer(const std::string&,
                                                          std::vector<ad::Parameter<float>*>,
                                                          double, double);
template std::unique_ptr<Optimizer<double>> make_optimizer(const std::string&,
                                                           std::vector<ad::Parameter<double>*>,
                                                           double, double);

}  // namespace optim
