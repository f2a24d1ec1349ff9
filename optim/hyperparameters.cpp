#include "optim/hyperparameters.hpp"

namespace optim {

const char* preset_name(Preset preset) {
  return preset == Preset::pytorch ? "pytorch" : "tensorflow";
}

const std::vector<std::string>& preset_names() {
  static const std::vector<std::string> names{"tensorflow", "pytorch"};
  return names;
}

namespace {

// The preset's value, unless the run set one.
double pick(const std::optional<double>& set, Preset preset, double tensorflow, double pytorch) {
  return set ? *set : preset == Preset::tensorflow ? tensorflow : pytorch;
}

}  // namespace

MomentumOptions momentum_options(double lr, const Hyperparameters& h) {
  return {.lr = lr,
          .momentum = pick(h.momentum, h.preset, 0.9, 0.9),
          .nesterov = false,
          .weight_decay = h.weight_decay};
}

AdaGradOptions adagrad_options(double lr, const Hyperparameters& h) {
  return {.lr = lr,
          .initial_accumulator_value = pick(h.initial_accumulator, h.preset, 0.1, 0.0),
          .eps = pick(h.eps, h.preset, 0.0, 1e-10),
          .weight_decay = h.weight_decay};
}

AdaDeltaOptions adadelta_options(double lr, const Hyperparameters& h) {
  return {.lr = lr,
          .rho = pick(h.rho, h.preset, 0.95, 0.9),
          .eps = pick(h.eps, h.preset, 1e-8, 1e-6),
          .weight_decay = h.weight_decay};
}

RMSPropOptions rmsprop_options(double lr, const Hyperparameters& h) {
  return {.lr = lr,
          .rho = pick(h.rho, h.preset, 0.9, 0.99),
          .eps = pick(h.eps, h.preset, 1e-10, 1e-8),
          .eps_inside_sqrt = h.preset == Preset::tensorflow,
          .initial_mean_square = pick(h.initial_mean_square, h.preset, 1.0, 0.0),
          .weight_decay = h.weight_decay};
}

AdamOptions adam_options(double lr, const Hyperparameters& h) {
  return {.lr = lr,
          .beta1 = pick(h.beta1, h.preset, 0.9, 0.9),
          .beta2 = pick(h.beta2, h.preset, 0.999, 0.999),
          .eps = pick(h.eps, h.preset, 1e-8, 1e-8),
          .eps_hat = h.preset == Preset::tensorflow,
          .weight_decay = h.weight_decay};
}

}  // namespace optim
