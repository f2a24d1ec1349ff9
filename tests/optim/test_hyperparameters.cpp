#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "optim/optim.hpp"

using ad::Parameter;
using ad::Tensor;

namespace {

void set_grad(Parameter<double>& p, std::initializer_list<double> values) {
  p.zero_grad();
  Tensor<double>& g = p.grad_accumulator();
  REQUIRE(g.size() == values.size());
  std::size_t i = 0;
  for (double v : values) g[i++] = v;
}

// Two steps from w = [1, -1] with the gradients [0.5, -2] and then [1, 0.5]; returns w after
// each step.
std::vector<std::vector<double>> two_steps(optim::OptimizerKind kind, double lr,
                                           const optim::Hyperparameters& h) {
  Parameter<double> w(Tensor<double>({2}, {1.0, -1.0}), "w");
  auto opt = optim::make_optimizer<double>(kind, {&w}, lr, h);
  std::vector<std::vector<double>> after;
  for (auto g : {std::vector<double>{0.5, -2.0}, std::vector<double>{1.0, 0.5}}) {
    set_grad(w, {g[0], g[1]});
    opt->step();
    after.push_back({w.value()[0], w.value()[1]});
  }
  return after;
}

void check_step(const std::vector<double>& actual, double w0, double w1) {
  CHECK(actual[0] == Approx(w0).epsilon(1e-12));
  CHECK(actual[1] == Approx(w1).epsilon(1e-12));
}

}  // namespace

TEST_CASE("TensorFlow preset: AdaGrad starts its accumulator at 0.1 and has no eps", "[optim]") {
  // G = 0.1 + g²: step 1 G = [0.35, 4.1], w = [1 - 0.1·0.5/sqrt(0.35), -1 + 0.1·2/sqrt(4.1)]
  //                                         = [0.915484575, -0.901227040]
  // step 2 G = [1.35, 4.35], w = [0.915484575 - 0.1/sqrt(1.35), -0.901227040 - 0.05/sqrt(4.35)]
  const auto w = two_steps(optim::OptimizerKind::adagrad, 0.1, {});
  check_step(w[0], 0.9154845745271484, -0.901227040335041);
  check_step(w[1], 0.8294182779447613, -0.9252002054093101);
}

TEST_CASE("TensorFlow preset: RMSProp starts E[g²] at 1 and puts eps inside the sqrt", "[optim]") {
  // rho 0.9, eps 1e-10: step 1 E = 0.9 + 0.1·g² = [0.925, 1.3],
  //   w = [1 - 0.01·0.5/sqrt(0.925), -1 + 0.01·2/sqrt(1.3)] = [0.994801248, -0.982458840]
  // step 2 E = [0.9325, 1.195], w -= 0.01·g/sqrt(E)
  const auto w = two_steps(optim::OptimizerKind::rmsprop, 0.01, {});
  check_step(w[0], 0.9948012475511806, -0.9824588396145341);
  check_step(w[1], 0.9844456400901659, -0.9870327331518062);
}

TEST_CASE("TensorFlow preset: Adam adds eps to sqrt(v), its corrections folded into the rate",
          "[optim]") {
  // eps 0.1 (large, to make the placement visible). Step 1: lr_t = 0.1·sqrt(1 - 0.999)/(1 - 0.9)
  // = 0.0316228, m = [0.05, -0.2], v = [0.00025, 0.004],
  //   w = [1 - 0.0316228·0.05/(0.0158114 + 0.1), -1 + 0.0316228·0.2/(0.0632456 + 0.1)]
  //     = [0.986347294, -0.961257411]
  // Step 2: lr_t = 0.1·sqrt(1 - 0.999²)/(1 - 0.9²) = 0.0235317, m = [0.145, -0.13],
  //   v = [0.00124975, 0.004246].
  optim::Hyperparameters h;
  h.eps = 0.1;
  const auto w = two_steps(optim::OptimizerKind::adam, 0.1, h);
  check_step(w[0], 0.9863472940504185, -0.9612574113277207);
  check_step(w[1], 0.9611382282468437, -0.9427354166404042);
  // PyTorch's placement, eps added to sqrt(v̂), moves the first step by another amount:
  // 1 - 0.1·0.5/(0.5 + 0.1) = 0.916667.
  h.preset = optim::Preset::pytorch;
  const auto p = two_steps(optim::OptimizerKind::adam, 0.1, h);
  CHECK(p[0][0] == Approx(1 - 0.1 * 0.5 / 0.6).epsilon(1e-12));
}

TEST_CASE("PyTorch preset: AdaDelta with rho 0.9 and eps 1e-6", "[optim]") {
  // Step 1: E[g²] = 0.1·g², Δ = sqrt(1e-6)/sqrt(0.1·g² + 1e-6)·g, about 0.00316 per coordinate.
  const auto w = two_steps(optim::OptimizerKind::adadelta, 1.0, {.preset = optim::Preset::pytorch});
  check_step(w[0], 0.9968377855834876, -0.9968377262926713);
  check_step(w[1], 0.9927972323019869, -0.997977329865012);
}

TEST_CASE("presets: the constants of each framework, and set values replace them", "[optim]") {
  using optim::Preset;
  const optim::Hyperparameters tf{.preset = Preset::tensorflow};
  const optim::Hyperparameters pt{.preset = Preset::pytorch};
  CHECK(optim::adagrad_options(1, tf).initial_accumulator_value == 0.1);
  CHECK(optim::adagrad_options(1, tf).eps == 0.0);
  CHECK(optim::adagrad_options(1, pt).initial_accumulator_value == 0.0);
  CHECK(optim::adagrad_options(1, pt).eps == 1e-10);
  CHECK(optim::adadelta_options(1, tf).rho == 0.95);
  CHECK(optim::adadelta_options(1, tf).eps == 1e-8);
  CHECK(optim::adadelta_options(1, pt).rho == 0.9);
  CHECK(optim::adadelta_options(1, pt).eps == 1e-6);
  CHECK(optim::rmsprop_options(1, tf).initial_mean_square == 1.0);
  CHECK(optim::rmsprop_options(1, tf).eps_inside_sqrt);
  CHECK(optim::rmsprop_options(1, pt).rho == 0.99);
  CHECK_FALSE(optim::rmsprop_options(1, pt).eps_inside_sqrt);
  CHECK(optim::adam_options(1, tf).eps_hat);
  CHECK_FALSE(optim::adam_options(1, pt).eps_hat);

  optim::Hyperparameters set = pt;
  set.rho = 0.5;
  set.eps = 1e-3;
  set.weight_decay = 0.25;
  CHECK(optim::adadelta_options(1, set).rho == 0.5);
  CHECK(optim::rmsprop_options(1, set).rho == 0.5);
  CHECK(optim::adam_options(1, set).eps == 1e-3);
  CHECK(optim::adam_options(1, set).weight_decay == 0.25);
  CHECK(optim::adam_options(0.125, set).lr == 0.125);
}

TEST_CASE("hyperparameter_values: what each optimizer is built with, for the records", "[optim]") {
  const auto adagrad = optim::hyperparameter_values(optim::OptimizerKind::adagrad, {});
  REQUIRE(adagrad.size() == 3);
  CHECK(adagrad[0].name == "initial_accumulator");
  CHECK(adagrad[0].value == 0.1);
  CHECK(adagrad[1].name == "eps");
  CHECK(adagrad[1].value == 0.0);
  CHECK(optim::hyperparameter_names(optim::OptimizerKind::adam) ==
        std::vector<std::string>{"beta1", "beta2", "eps"});
  CHECK(optim::hyperparameter_names(optim::OptimizerKind::gd).empty());
  CHECK(optim::hyperparameter_names(optim::OptimizerKind::momentum) ==
        std::vector<std::string>{"momentum"});
  for (const char* name : {"tensorflow", "pytorch"})
    CHECK(std::find(optim::preset_names().begin(), optim::preset_names().end(), name) !=
          optim::preset_names().end());
}

TEST_CASE("canonical: the preset is TensorFlow's where it changes nothing the optimizer does",
          "[optim]") {
  using optim::OptimizerKind;
  optim::Hyperparameters pytorch{.preset = optim::Preset::pytorch};
  pytorch.weight_decay = 0.5;
  for (OptimizerKind kind : {OptimizerKind::gd, OptimizerKind::e2e, OptimizerKind::momentum}) {
    const optim::Hyperparameters c = optim::canonical(kind, pytorch);
    CHECK(c.preset == optim::Preset::tensorflow);
    CHECK(c.weight_decay == 0.5);
    CHECK(optim::hyperparameter_values(kind, c)[0].value ==
          optim::hyperparameter_values(kind, pytorch)[0].value);
  }
  // Different constants, or (RMSProp, Adam) another place for eps: the preset stays.
  for (OptimizerKind kind : {OptimizerKind::adagrad, OptimizerKind::adadelta,
                             OptimizerKind::rmsprop, OptimizerKind::adam})
    CHECK(optim::canonical(kind, pytorch).preset == optim::Preset::pytorch);
  // Set values that make AdaDelta's constants the same under both presets.
  optim::Hyperparameters set = pytorch;
  set.rho = 0.9;
  set.eps = 1e-6;
  CHECK(optim::canonical(OptimizerKind::adadelta, set).preset == optim::Preset::tensorflow);
  CHECK(optim::canonical(OptimizerKind::adadelta, set).rho == 0.9);
}

TEST_CASE("presets: a set value the optimizer refuses is refused by its constructor",
          "[optim][errors]") {
  Parameter<double> w(Tensor<double>({2}, {1.0, -1.0}), "w");
  optim::Hyperparameters h;
  h.beta1 = 1.0;
  CHECK_THROWS_WITH(optim::make_optimizer<double>(optim::OptimizerKind::adam, {&w}, 0.1, h),
                    Catch::Contains("beta1"));
  h = {};
  h.initial_accumulator = 0.0;  // TensorFlow's AdaGrad has no eps: 0/0 on a zero gradient
  CHECK_THROWS_WITH(optim::make_optimizer<double>(optim::OptimizerKind::adagrad, {&w}, 0.1, h),
                    Catch::Contains("both 0"));
}
