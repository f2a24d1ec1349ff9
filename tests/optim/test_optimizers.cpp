#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "optim/optim.hpp"

using ad::Parameter;
using ad::Tensor;
using Catch::Contains;

namespace {

// Gives p the gradient `values`, as a backward pass would (after forgetting the old one).
template <typename T>
void set_grad(Parameter<T>& p, std::initializer_list<std::type_identity_t<T>> values) {
  p.zero_grad();
  Tensor<T>& g = p.grad_accumulator();
  REQUIRE(g.size() == values.size());
  std::size_t i = 0;
  for (T v : values) g[i++] = v;
}

Parameter<double> vector_param(std::initializer_list<double> values) {
  return Parameter<double>(Tensor<double>({values.size()}, values), "w");
}

void check_values(const Tensor<double>& actual, std::initializer_list<double> expected,
                  double tol = 1e-7) {
  REQUIRE(actual.size() == expected.size());
  std::size_t i = 0;
  for (double e : expected) {
    INFO("element " << i);
    CHECK(actual[i] == Approx(e).margin(tol));
    ++i;
  }
}

}  // namespace

// ---- first two steps against numbers computed by hand -----------------------------------

TEST_CASE("GD: two steps with weight decay match hand-computed values", "[optim]") {
  // lr = 0.1, λ = 0.5: w <- (1 - 0.05)·w - 0.1·g = 0.95·w - 0.1·g, with g = [0.5, 1, -2].
  // Step 1: 0.95·[1, -2, 0.5] - [0.05, 0.1, -0.2] = [0.95-0.05, -1.9-0.1, 0.475+0.2]
  //       = [0.9, -2.0, 0.675]
  // Step 2: 0.95·[0.9, -2, 0.675] - [0.05, 0.1, -0.2] = [0.855-0.05, -1.9-0.1, 0.64125+0.2]
  //       = [0.805, -2.0, 0.84125]
  auto w = vector_param({1, -2, 0.5});
  optim::GD<double> opt({&w}, {.lr = 0.1, .weight_decay = 0.5});
  set_grad(w, {0.5, 1, -2});
  opt.step();
  check_values(w.value(), {0.9, -2.0, 0.675}, 1e-12);
  set_grad(w, {0.5, 1, -2});
  opt.step();
  check_values(w.value(), {0.805, -2.0, 0.84125}, 1e-12);
}

TEST_CASE("GD: without weight decay a step is w - lr*g, in float too", "[optim]") {
  Parameter<float> w(Tensor<float>({2}, {1.0f, -1.0f}));
  optim::GD<float> opt({&w}, {.lr = 0.5});
  set_grad(w, {2.0f, 4.0f});
  opt.step();  // [1 - 0.5·2, -1 - 0.5·4] = [0, -3]
  CHECK(w.value()[0] == 0.0f);
  CHECK(w.value()[1] == -3.0f);
}

TEST_CASE("Momentum: TensorFlow semantics v = mu*v + g, w -= lr*v", "[optim]") {
  // lr = 0.1, μ = 0.9, g1 = [1, -1], g2 = [0.5, 2].
  // Step 1: v = [1, -1];                              w = [1 - 0.1, -2 + 0.1]     = [0.9, -1.9]
  // Step 2: v = 0.9·[1, -1] + [0.5, 2] = [1.4, 1.1];  w = [0.9 - 0.14, -1.9 - 0.11] = [0.76, -2.01]
  auto w = vector_param({1, -2});
  optim::Momentum<double> opt({&w}, {.lr = 0.1, .momentum = 0.9});
  set_grad(w, {1, -1});
  opt.step();
  check_values(w.value(), {0.9, -1.9}, 1e-12);
  set_grad(w, {0.5, 2});
  opt.step();
  check_values(w.value(), {0.76, -2.01}, 1e-12);
}

TEST_CASE("Momentum: lr scales the whole velocity at once when it changes (TF, not v -= lr*g)",
          "[optim]") {
  // As above, but lr = 0.2 for step 2: w = [0.9 - 0.2·1.4, -1.9 - 0.2·1.1] = [0.62, -2.12].
  // (The v <- μv - lr·g, w <- w + v formulation would give [0.71, -2.21] instead.)
  auto w = vector_param({1, -2});
  optim::Momentum<double> opt({&w}, {.lr = 0.1, .momentum = 0.9});
  set_grad(w, {1, -1});
  opt.step();
  opt.set_lr(0.2);
  set_grad(w, {0.5, 2});
  opt.step();
  check_values(w.value(), {0.62, -2.12}, 1e-12);
}

TEST_CASE("Momentum: Nesterov steps along g + mu*v", "[optim]") {
  // lr = 0.1, μ = 0.9, g1 = [1, -1], g2 = [0.5, 2]; w <- w - lr·(g + μ·v) with v updated first.
  // Step 1: v = [1, -1];    g + μv = [1.9, -1.9];             w = [0.81, -1.81]
  // Step 2: v = [1.4, 1.1]; g + μv = [0.5+1.26, 2+0.99] = [1.76, 2.99];
  //         w = [0.81 - 0.176, -1.81 - 0.299] = [0.634, -2.109]
  auto w = vector_param({1, -2});
  optim::Momentum<double> opt({&w}, {.lr = 0.1, .momentum = 0.9, .nesterov = true});
  set_grad(w, {1, -1});
  opt.step();
  check_values(w.value(), {0.81, -1.81}, 1e-12);
  set_grad(w, {0.5, 2});
  opt.step();
  check_values(w.value(), {0.634, -2.109}, 1e-12);
}

TEST_CASE("Momentum: weight decay adds lambda*w to the gradient", "[optim]") {
  // lr = 0.1, μ = 0.9, λ = 0.5, g = 0: g_eff = 0.5·1 = 0.5, v = 0.5, w = 1 - 0.05 = 0.95.
  auto w = vector_param({1});
  optim::Momentum<double> opt({&w}, {.lr = 0.1, .momentum = 0.9, .weight_decay = 0.5});
  set_grad(w, {0});
  opt.step();
  check_values(w.value(), {0.95}, 1e-12);
}

TEST_CASE("AdaGrad: two steps match hand-computed values (eps outside the sqrt)", "[optim]") {
  // lr = 0.1, G starts at 0, eps = 1e-10 (below the tolerance). g1 = [3, -4], g2 = [4, 3].
  // Step 1: G = [9, 16];  w -= 0.1·[3/3, -4/4]  = [0.1, -0.1]   -> w = [0.9, -1.9]
  // Step 2: G = [25, 25]; w -= 0.1·[4/5, 3/5]   = [0.08, 0.06]  -> w = [0.82, -1.96]
  auto w = vector_param({1, -2});
  optim::AdaGrad<double> opt({&w}, {.lr = 0.1});
  set_grad(w, {3, -4});
  opt.step();
  check_values(w.value(), {0.9, -1.9}, 1e-9);
  set_grad(w, {4, 3});
  opt.step();
  check_values(w.value(), {0.82, -1.96}, 1e-9);
}

TEST_CASE("AdaGrad: TensorFlow's initial accumulator 0.1 without eps", "[optim]") {
  // lr = 0.1, G starts at 0.1, eps = 0. g1 = [3, -4], g2 = [4, 3].
  // Step 1: G = [9.1, 16.1]; w -= 0.1·[3/3.0166206, -4/4.0124805] = [0.0994490, -0.0996889]
  //         -> w = [0.9005510, -1.9003110]
  // Step 2: G = [25.1, 25.1]; w -= 0.1·[4/5.0099900, 3/5.0099900] = [0.0798405, 0.0598803]
  //         -> w = [0.8207105, -1.9601914]
  auto w = vector_param({1, -2});
  optim::AdaGrad<double> opt({&w}, {.lr = 0.1, .initial_accumulator_value = 0.1, .eps = 0});
  set_grad(w, {3, -4});
  opt.step();
  check_values(w.value(), {0.9005510, -1.9003110}, 1e-7);
  set_grad(w, {4, 3});
  opt.step();
  check_values(w.value(), {0.8207105, -1.9601914}, 1e-7);
}

TEST_CASE("AdaDelta: two steps match hand-computed values", "[optim]") {
  // lr = 1, ρ = 0.5, eps = 1 (large on purpose, so its place inside both roots shows).
  // g1 = [2, -4]:
  //   E[g²] = 0.5·[4, 16] = [2, 8]
  //   Δ     = sqrt(0 + 1)/sqrt(E[g²] + 1)·g = [2/sqrt(3), -4/3] = [1.1547005, -1.3333333]
  //   E[Δ²] = 0.5·[4/3, 16/9] = [2/3, 8/9]
  //   w     = [1 - 1.1547005, -2 + 1.3333333] = [-0.1547005, -0.6666667]
  // g2 = [1, 2]:
  //   E[g²] = 0.5·[2, 8] + 0.5·[1, 4] = [1.5, 6]
  //   Δ     = [sqrt(5/3)/sqrt(2.5)·1, sqrt(17/9)/sqrt(7)·2] = [sqrt(2/3), 2·sqrt(17/63)]
  //         = [0.8164966, 1.0389249]
  //   w     = [-0.1547005 - 0.8164966, -0.6666667 - 1.0389249] = [-0.9711971, -1.7055916]
  auto w = vector_param({1, -2});
  optim::AdaDelta<double> opt({&w}, {.lr = 1.0, .rho = 0.5, .eps = 1.0});
  set_grad(w, {2, -4});
  opt.step();
  check_values(w.value(), {-0.1547005, -0.6666667});
  set_grad(w, {1, 2});
  opt.step();
  check_values(w.value(), {-0.9711971, -1.7055916});
}

TEST_CASE("RMSProp: two steps match hand-computed values", "[optim]") {
  // lr = 0.1, ρ = 0.5, eps = 1e-8 (below the tolerance). g1 = [2, -4], g2 = [1, 2].
  // Step 1: E = 0.5·[4, 16] = [2, 8]; w -= 0.1·[2/sqrt(2), -4/sqrt(8)] = [0.1414214, -0.1414214]
  //         -> w = [0.8585786, -1.8585786]
  // Step 2: E = 0.5·[2, 8] + 0.5·[1, 4] = [1.5, 6];
  //         w -= 0.1·[1/sqrt(1.5), 2/sqrt(6)] = [0.0816497, 0.0816497]
  //         -> w = [0.7769290, -1.9402283]
  auto w = vector_param({1, -2});
  optim::RMSProp<double> opt({&w}, {.lr = 0.1, .rho = 0.5, .eps = 1e-8});
  set_grad(w, {2, -4});
  opt.step();
  check_values(w.value(), {0.8585786, -1.8585786});
  set_grad(w, {1, 2});
  opt.step();
  check_values(w.value(), {0.7769290, -1.9402283});
}

TEST_CASE("Adam: two steps with bias correction match hand-computed values", "[optim]") {
  // lr = 0.1, β1 = 0.5, β2 = 0.75, eps = 1e-8 (below the tolerance). g1 = [2, -4], g2 = [1, 2].
  // Step 1: m = 0.5·[2, -4] = [1, -2];  v = 0.25·[4, 16] = [1, 4]
  //         m̂ = m/(1-0.5) = [2, -4];    v̂ = v/(1-0.75) = [4, 16]
  //         w -= 0.1·[2/2, -4/4] = [0.1, -0.1]                      -> w = [0.9, -1.9]
  // Step 2: m = 0.5·[1, -2] + 0.5·[1, 2] = [1, 0];  v = 0.75·[1, 4] + 0.25·[1, 4] = [1, 4]
  //         m̂ = m/(1-0.25) = [4/3, 0];  v̂ = v/(1-0.5625) = [2.2857143, 9.1428571]
  //         w -= 0.1·[(4/3)/1.5118579, 0] = [0.0881917, 0]             -> w = [0.8118083, -1.9]
  auto w = vector_param({1, -2});
  optim::Adam<double> opt({&w}, {.lr = 0.1, .beta1 = 0.5, .beta2 = 0.75, .eps = 1e-8});
  set_grad(w, {2, -4});
  opt.step();
  check_values(w.value(), {0.9, -1.9});
  set_grad(w, {1, 2});
  opt.step();
  check_values(w.value(), {0.8118083, -1.9});
}

TEST_CASE("Adam: with the default betas the first step is about lr*sign(g)", "[optim]") {
  // m̂ = g and v̂ = g² on step 1, so the step is lr·g/(|g| + eps), whatever the size of g.
  auto w = vector_param({0.3, -0.7, 2.0});
  const Tensor<double> before = w.value();
  const double lr = 1e-3;
  optim::Adam<double> opt({&w}, {.lr = lr});
  set_grad(w, {1e-3, -5.0, 100.0});
  opt.step();
  const double sign[] = {1, -1, 1};
  for (std::size_t i = 0; i < 3; ++i) {
    const double delta = w.value()[i] - before[i];
    CHECK(delta == Approx(-lr * sign[i]).margin(lr * 1e-4));
  }
}

// ---- parameters without a gradient ------------------------------------------------------

TEST_CASE("every optimizer skips a parameter without a gradient", "[optim]") {
  for (const std::string& name : optim::optimizer_names()) {
    INFO(name);
    auto a = vector_param({1, 2});
    auto b = vector_param({3, 4});
    auto opt = optim::make_optimizer<double>(name, {&a, &b}, 0.1);
    set_grad(a, {1, -1});
    b.zero_grad();
    opt->step();
    check_values(b.value(), {3, 4}, 0);
    CHECK(a.value()[0] != 1.0);
    CHECK(a.value()[1] != 2.0);
  }
}

TEST_CASE("Adam: a parameter skipped earlier gets a first step with fresh bias correction",
          "[optim]") {
  // b has no gradient for 3 steps; its first real step must still be lr·sign(g), which needs
  // its own step count (a shared count would make 1 - β^t wrong for it).
  auto a = vector_param({1});
  auto b = vector_param({1});
  optim::Adam<double> opt({&a, &b}, {.lr = 0.01});
  for (int i = 0; i < 3; ++i) {
    set_grad(a, {1});
    b.zero_grad();
    opt.step();
  }
  CHECK(b.value()[0] == 1.0);
  set_grad(b, {2});
  opt.step();
  CHECK(b.value()[0] == Approx(1 - 0.01).margin(1e-9));
}

TEST_CASE("zero_grad forgets every parameter's gradient", "[optim]") {
  auto a = vector_param({1});
  auto b = vector_param({2});
  optim::GD<double> opt({&a, &b});
  set_grad(a, {1});
  set_grad(b, {1});
  opt.zero_grad();
  CHECK_FALSE(a.has_grad());
  CHECK_FALSE(b.has_grad());
  opt.step();  // nothing to do
  CHECK(a.value()[0] == 1.0);
}

// ---- hyperparameter validation ----------------------------------------------------------

TEST_CASE("optimizers: bad hyperparameters are refused with the optimizer, name and value",
          "[optim][errors]") {
  auto w = vector_param({1});
  std::vector<Parameter<double>*> ps{&w};
  CHECK_THROWS_WITH(optim::GD<double>(ps, {.lr = 0}), "GD: lr must be finite and > 0, got 0");
  CHECK_THROWS_WITH(optim::GD<double>(ps, {.lr = -0.5}), Contains("GD: lr") && Contains("-0.5"));
  CHECK_THROWS_WITH(optim::GD<double>(ps, {.lr = std::nan("")}), Contains("lr"));
  CHECK_THROWS_WITH(optim::GD<double>(ps, {.lr = 0.1, .weight_decay = -1}),
                    "GD: weight_decay must be finite and >= 0, got -1");
  CHECK_THROWS_WITH(optim::Adam<double>(ps, {.beta1 = 1}), "Adam: beta1 must be in [0, 1), got 1");
  CHECK_THROWS_WITH(optim::Adam<double>(ps, {.beta2 = 1.5}),
                    "Adam: beta2 must be in [0, 1), got 1.5");
  CHECK_THROWS_WITH(optim::Adam<double>(ps, {.eps = 0}), "Adam: eps must be finite and > 0, got 0");
  CHECK_THROWS_WITH(optim::Momentum<double>(ps, {.momentum = -0.1}),
                    "Momentum: momentum must be in [0, 1), got -0.1");
  CHECK_THROWS_WITH(optim::RMSProp<double>(ps, {.rho = 1}),
                    "RMSProp: rho must be in [0, 1), got 1");
  CHECK_THROWS_WITH(optim::AdaDelta<double>(ps, {.eps = 0}),
                    "AdaDelta: eps must be finite and > 0, got 0");
  CHECK_THROWS_WITH(optim::AdaGrad<double>(ps, {.eps = 0}),
                    Contains("AdaGrad: eps and initial_accumulator_value are both 0"));
  CHECK_THROWS_WITH(optim::AdaGrad<double>(ps, {.initial_accumulator_value = -0.1}),
                    "AdaGrad: initial_accumulator_value must be finite and >= 0, got -0.1");
  CHECK_NOTHROW(optim::Adam<double>(ps, {.beta1 = 0}));
}

TEST_CASE("set_lr validates and keeps the old rate on error", "[optim][errors]") {
  auto w = vector_param({1});
  optim::Adam<double> opt({&w}, {.lr = 0.01});
  CHECK_THROWS_WITH(opt.set_lr(0), "Adam: lr must be finite and > 0, got 0");
  CHECK_THROWS_WITH(opt.set_lr(INFINITY), Contains("Adam: lr") && Contains("inf"));
  CHECK(opt.lr() == 0.01);
  opt.set_lr(0.5);
  CHECK(opt.lr() == 0.5);
}

TEST_CASE("optimizers: an empty or null parameter list is refused", "[optim][errors]") {
  CHECK_THROWS_WITH(optim::GD<double>({}), Contains("empty") && Contains("parameters"));
  auto w = vector_param({1});
  CHECK_THROWS_WITH(optim::Adam<double>({&w, nullptr}),
                    Contains("parameter 1") && Contains("null"));
}

TEST_CASE("make_optimizer: builds each optimizer by name, refuses unknown names",
          "[optim][errors]") {
  auto w = vector_param({1});
  const std::vector<std::pair<std::string, std::string>> expected{
      {"gd", "GD"},           {"momentum", "Momentum"},
      {"adagrad", "AdaGrad"}, {"adadelta", "AdaDelta"},
      {"rmsprop", "RMSProp"}, {"adam", "Adam"}};
  for (const auto& [name, class_name] : expected) {
    auto opt = optim::make_optimizer<double>(name, {&w}, 0.25);
    CHECK(opt->name() == class_name);
    CHECK(opt->lr() == 0.25);
  }
  CHECK_THROWS_WITH(optim::make_optimizer<double>("sgd", {&w}, 0.1),
                    "make_optimizer: unknown optimizer 'sgd'; valid names are gd, momentum, "
                    "adagrad, adadelta, rmsprop, adam");
  CHECK_THROWS_WITH(optim::make_optimizer<double>("adam", {&w}, -1),
                    Contains("Adam: lr") && Contains("-1"));
  CHECK_THROWS_WITH(optim::make_optimizer<float>("gd", {nullptr}, 0.1), Contains("null"));
}

TEST_CASE("make_optimizer: weight decay reaches the optimizer", "[optim]") {
  // gd with lr = 0.1, λ = 1 and a zero gradient: w <- 0.9·w.
  auto w = vector_param({2});
  auto opt = optim::make_optimizer<double>("gd", {&w}, 0.1, 1.0);
  set_grad(w, {0});
  opt->step();
  CHECK(w.value()[0] == Approx(1.8));
}

// ---- each optimizer minimizes a convex quadratic -----------------------------------------

namespace {
// L(w) = sum((w - c)²), c = [1, -2, 0.5, 3], from w = 0 (L = 14.25), recorded on the tape.
template <typename MakeOptimizer>
double minimize_quadratic(MakeOptimizer make, int steps) {
  const Tensor<double> c({4}, {1, -2, 0.5, 3});
  Parameter<double> w(Tensor<double>({4}, 0.0), "w");
  auto opt = make(std::vector<Parameter<double>*>{&w});
  ad::Tape<double> tape;
  double loss = 0;
  for (int i = 0; i <= steps; ++i) {
    opt->zero_grad();
    tape.clear();
    ad::Var<double> l = ad::sum_squares(ad::sub(tape.param(w), tape.input(c)));
    loss = l.value().item();
    if (i == steps) break;
    tape.backward(l);
    opt->step();
  }
  return loss;
}
}  // namespace

TEST_CASE("every optimizer reduces a convex quadratic on the tape", "[optim]") {
  struct Case {
    std::string name;
    double lr;
    int steps;
    double threshold;
  };
  // Each threshold is about 100x above the loss the run reaches (14.25 at the start). AdaDelta
  // starts with steps of about sqrt(eps)/sqrt(1-rho) ~ 5e-3, so it needs more of them; RMSProp's
  // early steps are ~lr per coordinate whatever the gradient, so it is slow until it arrives.
  const std::vector<Case> cases{{"gd", 0.1, 200, 1e-20},      {"momentum", 0.05, 300, 1e-10},
                                {"adagrad", 0.5, 300, 1e-15}, {"adadelta", 1.0, 1000, 1e-6},
                                {"rmsprop", 0.01, 500, 1e-6}, {"adam", 0.05, 500, 1e-15}};
  for (const Case& c : cases) {
    INFO(c.name << ", lr " << c.lr << ", " << c.steps << " steps");
    const double loss = minimize_quadratic(
        [&](std::vector<Parameter<double>*> ps) {
          return optim::make_optimizer<double>(c.name, ps, c.lr);
        },
        c.steps);
    INFO("final loss " << loss);
    CHECK(loss < c.threshold);
  }
}

// ---- state(): save and restore -----------------------------------------------------------

namespace {
// Steps an optimizer on two parameters with gradients that change each step (the second
// parameter gets none every third step, so per-parameter counts diverge).
void take_steps(optim::Optimizer<double>& opt, Parameter<double>& a, Parameter<double>& b,
                int first, int count) {
  for (int s = first; s < first + count; ++s) {
    const double t = s + 1;
    set_grad(a, {0.3 * t, -1.0 / t, std::sin(t)});
    if (s % 3 == 2) {
      b.zero_grad();
    } else {
      set_grad(b, {std::cos(t), 0.5 - t});
    }
    opt.step();
  }
}
}  // namespace

TEST_CASE("optimizers: a state saved and loaded into a new optimizer takes the same steps",
          "[optim]") {
  const auto kind = GENERATE(optim::OptimizerKind::gd, optim::OptimizerKind::momentum,
                             optim::OptimizerKind::adagrad, optim::OptimizerKind::adadelta,
                             optim::OptimizerKind::rmsprop, optim::OptimizerKind::adam);
  INFO(optim::optimizer_name(kind));
  auto a = vector_param({1, -2, 0.5});
  auto b = vector_param({0.25, 4});
  auto opt = optim::make_optimizer<double>(kind, {&a, &b}, 0.05);
  take_steps(*opt, a, b, 0, 5);
  const optim::OptimizerState<double> saved = opt->state();
  CHECK(saved.optimizer == opt->name());
  CHECK(saved.lr == 0.05);

  // The continuation: a fresh optimizer on copies of the parameters, given the saved state.
  auto a2 = a, b2 = b;
  auto resumed = optim::make_optimizer<double>(kind, {&a2, &b2}, 0.5);  // lr comes from the state
  resumed->load_state(saved);
  CHECK(resumed->lr() == 0.05);
  auto a3 = a, b3 = b;
  auto restarted = optim::make_optimizer<double>(kind, {&a3, &b3}, 0.05);  // no state loaded

  take_steps(*opt, a, b, 5, 4);
  take_steps(*resumed, a2, b2, 5, 4);
  take_steps(*restarted, a3, b3, 5, 4);
  for (std::size_t k = 0; k < 3; ++k) CHECK(a2.value()[k] == a.value()[k]);  // bit for bit
  for (std::size_t k = 0; k < 2; ++k) CHECK(b2.value()[k] == b.value()[k]);
  // Every rule but GD keeps state, so restarting without it takes other steps.
  if (kind != optim::OptimizerKind::gd) CHECK(a3.value()[0] != a.value()[0]);
}

TEST_CASE("optimizers: load_state refuses another optimizer's state or other shapes",
          "[optim][errors]") {
  auto a = vector_param({1, 2});
  auto b = vector_param({1, 2, 3});
  optim::Adam<double> adam({&a});
  optim::Momentum<double> momentum({&a});
  CHECK_THROWS_WITH(momentum.load_state(adam.state()),
                    "Momentum: cannot load the saved state: it is the state of Adam");
  optim::Adam<double> other({&b});
  CHECK_THROWS_WITH(adam.load_state(other.state()),
                    "Adam: cannot load the saved state: slot 'm' of parameter 0 is [3], the "
                    "parameter [2]");
  optim::Adam<double> two({&a, &b});
  CHECK_THROWS_WITH(adam.load_state(two.state()),
                    "Adam: cannot load the saved state: slot 'm' holds 2 values for 1 parameters");
  optim::OptimizerState<double> bad = adam.state();
  bad.lr = -1;
  CHECK_THROWS_WITH(adam.load_state(bad), Contains("Adam: lr must be finite and > 0"));
  CHECK(adam.lr() == 1e-3);  // unchanged
}
