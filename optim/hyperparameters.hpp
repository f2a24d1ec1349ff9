// Every hyperparameter of an optimizer but its learning rate, as a run chooses them: a preset
// (the constants of one framework) and the values set explicitly, which replace the preset's.
//
//   optim::Hyperparameters h;                 // TensorFlow's constants
//   h.beta2 = 0.99;                           // except this one
//   auto opt = optim::make_optimizer<double>(optim::OptimizerKind::adam, params, 1e-3, h);
//
// The two presets, where they differ (TensorFlow 1.x's tf.train optimizers, which the paper's
// experiments ran on, against PyTorch's torch.optim):
//
//   optimizer  hyperparameter       tensorflow            pytorch
//   adagrad    initial_accumulator  0.1                   0
//              eps                  0                     1e-10 (added to sqrt(G))
//   adadelta   rho, eps             0.95, 1e-8            0.9, 1e-6
//   rmsprop    rho, eps             0.9, 1e-10            0.99, 1e-8
//              eps placement        sqrt(E[g²] + eps)     sqrt(E[g²]) + eps
//              initial_mean_square  1                     0
//   adam       beta1, beta2, eps    0.9, 0.999, 1e-8      0.9, 0.999, 1e-8
//              eps placement        sqrt(v) + eps         sqrt(v̂) + eps   (adam.hpp)
//   momentum   momentum             0.9                   0.9   (neither framework has a default)
//
// GD and the end-to-end rule have no hyperparameter but the rate (and the weight decay).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "optim/adadelta.hpp"
#include "optim/adagrad.hpp"
#include "optim/adam.hpp"
#include "optim/momentum.hpp"
#include "optim/rmsprop.hpp"

namespace optim {

enum class Preset { tensorflow, pytorch };

// "tensorflow", "pytorch".
const char* preset_name(Preset preset);
// The names in the order of the enum.
const std::vector<std::string>& preset_names();

struct Hyperparameters {
  Preset preset = Preset::tensorflow;
  // Set: replaces the preset's value for every optimizer that has this hyperparameter.
  std::optional<double> momentum, beta1, beta2, eps, rho, initial_accumulator, initial_mean_square;
  double weight_decay = 0;  // λ >= 0, for every optimizer
};

// The options each optimizer is built with under h, at rate lr.
MomentumOptions momentum_options(double lr, const Hyperparameters& h);
AdaGradOptions adagrad_options(double lr, const Hyperparameters& h);
AdaDeltaOptions adadelta_options(double lr, const Hyperparameters& h);
RMSPropOptions rmsprop_options(double lr, const Hyperparameters& h);
AdamOptions adam_options(double lr, const Hyperparameters& h);

}  // namespace optim
