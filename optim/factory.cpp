#include "optim/factory.hpp"

#include <stdexcept>

#include "optim/adadelta.hpp"
#include "optim/adagrad.hpp"
#include "optim/adam.hpp"
#include "optim/e2e.hpp"
#include "optim/gd.hpp"
#include "optim/momentum.hpp"
#include "optim/rmsprop.hpp"

namespace optim {

const char* optimizer_name(OptimizerKind kind) {
  switch (kind) {
    case OptimizerKind::gd:
      return "gd";
    case OptimizerKind::momentum:
      return "momentum";
    case OptimizerKind::adagrad:
      return "adagrad";
    case OptimizerKind::adadelta:
      return "adadelta";
    case OptimizerKind::rmsprop:
      return "rmsprop";
    case OptimizerKind::adam:
      return "adam";
    case OptimizerKind::e2e:
      return "e2e";
  }
  return "?";
}

const std::vector<std::string>& optimizer_names() {
  static const std::vector<std::string> names{"gd",       "momentum", "adagrad",
                                              "adadelta", "rmsprop",  "adam"};
  return names;
}

template <typename T>
std::unique_ptr<Optimizer<T>> make_optimizer(OptimizerKind kind,
                                             std::vector<ad::Parameter<T>*> params, double lr,
                                             double weight_decay, int e2e_depth) {
  switch (kind) {
    case OptimizerKind::gd:
      return std::make_unique<GD<T>>(std::move(params),
                                     GDOptions{.lr = lr, .weight_decay = weight_decay});
    case OptimizerKind::momentum:
      return std::make_unique<Momentum<T>>(std::move(params),
                                           MomentumOptions{.lr = lr, .weight_decay = weight_decay});
    case OptimizerKind::adagrad:
      return std::make_unique<AdaGrad<T>>(std::move(params),
                                          AdaGradOptions{.lr = lr, .weight_decay = weight_decay});
    case OptimizerKind::adadelta:
      return std::make_unique<AdaDelta<T>>(std::move(params),
                                           AdaDeltaOptions{.lr = lr, .weight_decay = weight_decay});
    case OptimizerKind::rmsprop:
      return std::make_unique<RMSProp<T>>(std::move(params),
                                          RMSPropOptions{.lr = lr, .weight_decay = weight_decay});
    case OptimizerKind::adam:
      return std::make_unique<Adam<T>>(std::move(params),
                                       AdamOptions{.lr = lr, .weight_decay = weight_decay});
    case OptimizerKind::e2e:
      return std::make_unique<EndToEnd<T>>(
          std::move(params),
          EndToEndOptions{.lr = lr, .depth = e2e_depth, .weight_decay = weight_decay});
  }
  throw std::invalid_argument("make_optimizer: unknown optimizer kind");
}

template <typename T>
std::unique_ptr<Optimizer<T>> make_optimizer(OptimizerKind kind,
                                             std::vector<ad::Parameter<T>*> params, double lr,
                                             const Hyperparameters& h, int e2e_depth) {
  switch (kind) {
    case OptimizerKind::momentum:
      return std::make_unique<Momentum<T>>(std::move(params), momentum_options(lr, h));
    case OptimizerKind::adagrad:
      return std::make_unique<AdaGrad<T>>(std::move(params), adagrad_options(lr, h));
    case OptimizerKind::adadelta:
      return std::make_unique<AdaDelta<T>>(std::move(params), adadelta_options(lr, h));
    case OptimizerKind::rmsprop:
      return std::make_unique<RMSProp<T>>(std::move(params), rmsprop_options(lr, h));
    case OptimizerKind::adam:
      return std::make_unique<Adam<T>>(std::move(params), adam_options(lr, h));
    case OptimizerKind::gd:
    case OptimizerKind::e2e:
      break;
  }
  return make_optimizer<T>(kind, std::move(params), lr, h.weight_decay, e2e_depth);
}

std::vector<HyperparameterValue> hyperparameter_values(OptimizerKind kind,
                                                       const Hyperparameters& h) {
  switch (kind) {
    case OptimizerKind::momentum: {
      const MomentumOptions o = momentum_options(1, h);
      return {{"momentum", o.momentum}, {"weight_decay", o.weight_decay}};
    }
    case OptimizerKind::adagrad: {
      const AdaGradOptions o = adagrad_options(1, h);
      return {{"initial_accumulator", o.initial_accumulator_value},
              {"eps", o.eps},
              {"weight_decay", o.weight_decay}};
    }
    case OptimizerKind::adadelta: {
      const AdaDeltaOptions o = adadelta_options(1, h);
      return {{"rho", o.rho}, {"eps", o.eps}, {"weight_decay", o.weight_decay}};
    }
    case OptimizerKind::rmsprop: {
      const RMSPropOptions o = rmsprop_options(1, h);
      return {{"rho", o.rho},
              {"eps", o.eps},
              {"initial_mean_square", o.initial_mean_square},
              {"weight_decay", o.weight_decay}};
    }
    case OptimizerKind::adam: {
      const AdamOptions o = adam_options(1, h);
      return {
          {"beta1", o.beta1}, {"beta2", o.beta2}, {"eps", o.eps}, {"weight_decay", o.weight_decay}};
    }
    case OptimizerKind::gd:
    case OptimizerKind::e2e:
      break;
  }
  return {{"weight_decay", h.weight_decay}};
}

Hyperparameters canonical(OptimizerKind kind, Hyperparameters h) {
  // RMSProp and Adam also place their eps as the preset says.
  if (kind == OptimizerKind::rmsprop || kind == OptimizerKind::adam) return h;
  Hyperparameters tf = h, pt = h;
  tf.preset = Preset::tensorflow;
  pt.preset = Preset::pytorch;
  const auto a = hyperparameter_values(kind, tf), b = hyperparameter_values(kind, pt);
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].value != b[i].value) return h;
  return tf;
}

std::vector<std::string> hyperparameter_names(OptimizerKind kind) {
  std::vector<std::string> names;
  for (const HyperparameterValue& v : hyperparameter_values(kind, {}))
    if (v.name != "weight_decay") names.push_back(v.name);
  return names;
}

template <typename T>
std::unique_ptr<Optimizer<T>> make_optimizer(const std::string& name,
                                             std::vector<ad::Parameter<T>*> params, double lr,
                                             double weight_decay) {
  const auto& names = optimizer_names();
  for (std::size_t i = 0; i < names.size(); ++i)
    if (name == names[i])
      return make_optimizer<T>(static_cast<OptimizerKind>(i), std::move(params), lr, weight_decay);
  std::string valid;
  for (const std::string& n : names) valid += (valid.empty() ? "" : ", ") + n;
  throw std::invalid_argument("make_optimizer: unknown optimizer '" + name + "'; valid names are " +
                              valid);
}

template std::unique_ptr<Optimizer<float>> make_optimizer(OptimizerKind,
                                                          std::vector<ad::Parameter<float>*>,
                                                          double, double, int);
template std::unique_ptr<Optimizer<double>> make_optimizer(OptimizerKind,
                                                           std::vector<ad::Parameter<double>*>,
                                                           double, double, int);
template std::unique_ptr<Optimizer<float>> make_optimizer(OptimizerKind,
                                                          std::vector<ad::Parameter<float>*>,
                                                          double, const Hyperparameters&, int);
template std::unique_ptr<Optimizer<double>> make_optimizer(OptimizerKind,
                                                           std::vector<ad::Parameter<double>*>,
                                                           double, const Hyperparameters&, int);
template std::unique_ptr<Optimizer<float>> make_optimizer(const std::string&,
                                                          std::vector<ad::Parameter<float>*>,
                                                          double, double);
template std::unique_ptr<Optimizer<double>> make_optimizer(const std::string&,
                                                           std::vector<ad::Parameter<double>*>,
                                                           double, double);

}  // namespace optim
