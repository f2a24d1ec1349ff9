#include <catch2/catch.hpp>

#include <cmath>
#include <memory>
#include <random>
#include <set>

#include "autodiff/autodiff.hpp"
#include "gradcheck.hpp"
#include "nn/layers.hpp"
#include "optim/momentum.hpp"

namespace {

// A naive reference: X[m,k] · Y[k,n] by the triple loop.
ad::Tensor<double> naive_matmul(const ad::Tensor<double>& x, const ad::Tensor<double>& y) {
  ad::Tensor<double> z({x.rows(), y.cols()});
  for (std::size_t i = 0; i < x.rows(); ++i)
    for (std::size_t j = 0; j < y.cols(); ++j)
      for (std::size_t k = 0; k < x.cols(); ++k) z.at(i, j) += x.at(i, k) * y.at(k, j);
  return z;
}

double max_abs_difference(const ad::Tensor<double>& a, const ad::Tensor<double>& b) {
  REQUIRE(a.shape() == b.shape());
  double worst = 0;
  for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
  return worst;
}

// The full Jacobian of a module's output with respect to its input x and every parameter
// (flattened in the order: x, then named_parameters()), analytic from the tape of precision T
// (one one-hot-seeded backward per output element) or numeric by central differences in
// double. Builds the module twice (T and double) from the same factory, so both hold the same
// initial values; `perturb` sets the double module's parameters before differencing.
template <typename T, typename Factory>
std::vector<std::vector<double>> layer_jacobian_analytic(Factory make,
                                                         const ad::Tensor<double>& x) {
  auto layer = make(T{});
  const ad::Tensor<T> input = x.template cast<T>();
  ad::Tape<T> tape;
  std::vector<std::vector<double>> jac;
  for (std::size_t j = 0;; ++j) {
    tape.clear();
    layer->zero_grad();
    ad::Var<T> xv = tape.variable(input);
    ad::Var<T> y = layer->forward(xv);
    if (j == 0) {
      std::size_t total = x.size();
      for (auto* p : layer->parameters()) total += p->value().size();
      jac.assign(y.value().size(), std::vector<double>(total, 0.0));
    }
    if (j >= jac.size()) break;
    ad::Tensor<T> seed(y.shape(), T{0});
    seed[j] = T{1};
    tape.backward(y, seed);
    std::size_t offset = 0;
    if (xv.has_grad())
      for (std::size_t k = 0; k < x.size(); ++k) jac[j][k] = xv.grad()[k];
    offset += x.size();
    for (auto* p : layer->parameters()) {
      if (p->has_grad())
        for (std::size_t k = 0; k < p->value().size(); ++k) jac[j][offset + k] = p->grad()[k];
      offset += p->value().size();
    }
  }
  return jac;
}

template <typename Factory>
std::vector<std::vector<double>> layer_jacobian_numeric(Factory make, ad::Tensor<double> x,
                                                        double eps) {
  auto layer = make(double{});
  auto eval = [&]() {
    ad::NoGradGuard no_grad;
    ad::Tape<double> tape;
    return layer->forward(tape.input(x)).value();
  };
  const std::size_t n_out = eval().size();
  std::vector<ad::Tensor<double>*> slots{&x};
  for (auto* p : layer->parameters()) slots.push_back(&p->value());
  std::size_t total = 0;
  for (auto* s : slots) total += s->size();
  std::vector<std::vector<double>> jac(n_out, std::vector<double>(total, 0.0));
  std::size_t column = 0;
  for (auto* s : slots) {
    for (std::size_t k = 0; k < s->size(); ++k, ++column) {
      const double saved = (*s)[k];
      (*s)[k] = saved + eps;
      const auto plus = eval();
      (*s)[k] = saved - eps;
      const auto minus = eval();
      (*s)[k] = saved;
      for (std::size_t j = 0; j < n_out; ++j) jac[j][column] = (plus[j] - minus[j]) / (2 * eps);
    }
  }
  return jac;
}

// Checks a layer's input and parameter gradients in double and float32.
#define CHECK_LAYER_GRADIENTS(factory, x)                                                  \
  do {                                                                                     \
    const auto numeric = layer_jacobian_numeric(factory, x, testing::Tolerances{}.eps);    \
    const auto report_double =                                                             \
        testing::compare(layer_jacobian_analytic<double>(factory, x), numeric, {});        \
    INFO("float64: " << report_double);                                                    \
    CHECK(report_double.ok);                                                               \
    CHECK(report_double.nonzero > 0);                                                      \
    const auto report_float = testing::compare(layer_jacobian_analytic<float>(factory, x), \
                                               numeric, testing::float_tolerances);        \
    INFO("float32: " << report_float);                                                     \
    CHECK(report_float.ok);                                                                \
  } while (false)

template <typename T>
ad::Tensor<T> to_tensor(const ad::Tensor<double>& t) {
  return t.template cast<T>();
}

}  // namespace

// ---- initialization ---------------------------------------------------------------------------

TEST_CASE("fill_truncated_normal: within two std, about the truncated std, reproducible",
          "[nn][layers]") {
  ad::Tensor<double> a({20000}), b({20000}), c({20000});
  nn::fill_truncated_normal(a, 0.1, 7);
  nn::fill_truncated_normal(b, 0.1, 7);
  nn::fill_truncated_normal(c, 0.1, 8);
  double sum = 0, sum_sq = 0;
  for (double v : a) {
    REQUIRE(std::abs(v) <= 0.2);
    sum += v;
    sum_sq += v * v;
  }
  const double mean = sum / 20000, std = std::sqrt(sum_sq / 20000 - mean * mean);
  CHECK(std::abs(mean) < 0.003);
  // N(0, 1) truncated to [-2, 2] has std 0.8796.
  CHECK(std == Approx(0.08796).epsilon(0.02));
  CHECK(max_abs_difference(a, b) == 0);
  CHECK(max_abs_difference(a, c) > 0);
  CHECK_THROWS_WITH(nn::fill_truncated_normal(a, 0.0, 1), Catch::Contains("std"));
}

TEST_CASE("derive_seed: distinct streams give distinct seeds", "[nn][layers]") {
  std::set<std::uint64_t> seeds;
  for (std::uint64_t s = 0; s < 4; ++s)
    for (std::uint64_t k = 0; k < 100; ++k) seeds.insert(nn::derive_seed(s, k));
  CHECK(seeds.size() == 400);
  CHECK(nn::derive_seed(5, 3) == nn::derive_seed(5, 3));
}

TEST_CASE("layers: parameters registered by name with the documented shapes and init",
          "[nn][layers]") {
  nn::Conv2D<float> conv({.in_channels = 3, .out_channels = 8, .kernel = 5, .bias_init = 0.0});
  auto conv_params = conv.named_parameters();
  REQUIRE(conv_params.size() == 2);
  CHECK(conv_params[0].first == "weight");
  CHECK(conv_params[0].second->shape() == ad::Shape{8, 3, 5, 5});
  CHECK(conv_params[1].first == "bias");
  CHECK(conv_params[1].second->shape() == ad::Shape{8});
  for (float v : conv.bias().value()) CHECK(v == 0.0f);

  nn::Dense<float> dense({.in = 6, .out = 4, .bias_init = 0.1});
  auto dense_params = dense.named_parameters();
  REQUIRE(dense_params.size() == 2);
  CHECK(dense_params[0].first == "weight");
  CHECK(dense_params[0].second->shape() == ad::Shape{6, 4});
  for (float v : dense.bias().value()) CHECK(v == 0.1f);
  for (float v : dense.weight().value()) CHECK(std::abs(v) <= 0.2f);

  nn::Dense<float> no_bias({.in = 6, .out = 4, .bias = false});
  CHECK(no_bias.named_parameters().size() == 1);

  nn::OverparamDense<float> over({.in = 6, .hidden = 5, .out = 4});
  auto over_params = over.named_parameters();
  REQUIRE(over_params.size() == 3);
  CHECK(over_params[0].first == "weight1");
  CHECK(over_params[0].second->shape() == ad::Shape{6, 5});
  CHECK(over_params[1].first == "weight2");
  CHECK(over_params[1].second->shape() == ad::Shape{5, 4});
  CHECK(over_params[2].first == "bias");
  CHECK(over.num_parameters() == 6 * 5 + 5 * 4 + 4);

  nn::MaxPool2D<float> pool;
  nn::ReLU<float> relu;
  nn::Flatten<float> flatten;
  nn::Dropout<float> dropout(0.5);
  CHECK(pool.parameters().empty());
  CHECK(relu.parameters().empty());
  CHECK(flatten.parameters().empty());
  CHECK(dropout.parameters().empty());
}

TEST_CASE("layers: reset_parameters redraws from the seed, and different seeds differ",
          "[nn][layers]") {
  nn::Dense<double> a({.in = 5, .out = 3, .seed = 11}), b({.in = 5, .out = 3, .seed = 11}),
      c({.in = 5, .out = 3, .seed = 12});
  CHECK(max_abs_difference(a.weight().value(), b.weight().value()) == 0);
  CHECK(max_abs_difference(a.weight().value(), c.weight().value()) > 0);
  const ad::Tensor<double> before = a.weight().value();
  a.weight().value().fill(3.0);
  a.reset_parameters();
  CHECK(max_abs_difference(a.weight().value(), before) == 0);

  nn::OverparamDense<double> over({.in = 4, .hidden = 4, .out = 4, .seed = 3});
  CHECK(max_abs_difference(over.weight1().value(), over.weight2().value()) > 0);
}

TEST_CASE("layers: bad options and bad inputs throw naming the layer", "[nn][layers]") {
  CHECK_THROWS_WITH(nn::Conv2D<float>({.in_channels = 0, .out_channels = 2, .kernel = 3}),
                    Catch::Contains("Conv2D") && Catch::Contains("in_channels"));
  CHECK_THROWS_WITH(nn::Dense<float>({.in = 3, .out = 0}), Catch::Contains("Dense"));
  CHECK_THROWS_WITH(nn::Dense<float>({.in = 3, .out = 2, .init_std = -1}),
                    Catch::Contains("init_std"));
  CHECK_THROWS_WITH(nn::OverparamDense<float>({.in = 3, .hidden = 0, .out = 2}),
                    Catch::Contains("OverparamDense"));
  CHECK_THROWS_WITH(nn::Dropout<float>(0.0), Catch::Contains("keep_prob"));
  CHECK_THROWS_WITH(nn::Dropout<float>(1.5), Catch::Contains("keep_prob"));
  CHECK_THROWS_WITH(nn::MaxPool2D<float>({.kernel = 0}), Catch::Contains("MaxPool2D"));

  ad::Tape<float> tape;
  const ad::Tensor<float> images({2, 3, 4, 4}, 0.5f), flat({2, 48}, 0.5f);
  nn::Dense<float> dense({.in = 48, .out = 2});
  CHECK_THROWS_WITH(dense.forward(tape.input(images)), Catch::Contains("Dense(48->2)") &&
                                                           Catch::Contains("[2,3,4,4]") &&
                                                           Catch::Contains("Flatten"));
  nn::Conv2D<float> conv({.in_channels = 3, .out_channels = 2, .kernel = 3});
  CHECK_THROWS_WITH(conv.forward(tape.input(flat)),
                    Catch::Contains("Conv2D(3->2, 3x3, same)") && Catch::Contains("[N,C,H,W]"));
  nn::Conv2D<float> conv1({.in_channels = 1, .out_channels = 2, .kernel = 3});
  CHECK_THROWS_WITH(conv1.forward(tape.input(images)), Catch::Contains("expected [N,1,H,W]"));
}

// ---- forward values ---------------------------------------------------------------------------

TEST_CASE("OverparamDense: forward equals x·(W1·W2) + b from an explicit product, both orders",
          "[nn][layers]") {
  nn::OverparamDense<double> layer({.in = 6, .hidden = 5, .out = 4, .seed = 2});
  ad::Tensor<double> w1 = layer.weight1().value(), w2 = layer.weight2().value();
  const ad::Tensor<double> product = naive_matmul(w1, w2);
  CHECK(max_abs_difference(layer.product(), product) < 1e-14);
  // 1 row: (x·W1)·W2 costs 6·5 + 5·4 = 50 against 6·5·4 + 6·4 = 144; 40 rows: 2000 + 800 against
  // 120 + 960.
  CHECK(layer.order(1) == "(x·W1)·W2");
  CHECK(layer.order(40) == "x·(W1·W2)");
  for (std::size_t rows : {1, 40}) {
    const ad::Tensor<double> x = testing::random_tensor({rows, 6}, 5);
    ad::Tape<double> tape;
    const ad::Tensor<double> y = layer.forward(tape.input(x)).value();
    ad::Tensor<double> expected = naive_matmul(x, product);
    for (std::size_t i = 0; i < rows; ++i)
      for (std::size_t j = 0; j < 4; ++j) expected.at(i, j) += 0.1;
    INFO("rows " << rows);
    CHECK(max_abs_difference(y, expected) < 1e-13);
  }
}

TEST_CASE("OverparamDense: product_sum_squares is ad::product_sum_squares of its two factors",
          "[nn][layers]") {
  // The op itself (both of its paths, and its gradients) is tested in tests/autodiff.
  nn::OverparamDense<double> layer({.in = 7, .hidden = 3, .out = 5, .seed = 4});
  ad::Tape<double> tape;
  auto y = layer.product_sum_squares(tape);
  REQUIRE(tape.size() == 3);  // W1, W2 and the fused node
  CHECK(tape.node(0).value == &layer.weight1().value());
  CHECK(tape.node(1).value == &layer.weight2().value());
  ad::Tape<double> reference;
  auto w1 = reference.input(layer.weight1().value());
  auto w2 = reference.input(layer.weight2().value());
  CHECK(y.value().item() == ad::product_sum_squares(w1, w2).value().item());
  tape.backward(y);
  CHECK(layer.weight1().has_grad());
  CHECK(layer.weight2().has_grad());
}

TEST_CASE("ReLU, MaxPool2D and Flatten: forward values and shapes", "[nn][layers]") {
  ad::Tape<double> tape;
  const ad::Tensor<double> x({1, 1, 2, 4}, {1, -2, 3, 4, -5, 6, -7, -8});
  nn::ReLU<double> relu;
  const auto r = relu.forward(tape.input(x)).value();
  CHECK(r[1] == 0.0);
  CHECK(r[2] == 3.0);
  nn::MaxPool2D<double> pool;
  const auto p = pool.forward(tape.input(x)).value();
  CHECK(p.shape() == ad::Shape{1, 1, 1, 2});
  CHECK(p[0] == 6.0);
  CHECK(p[1] == 4.0);
  nn::Flatten<double> flatten;
  CHECK(flatten.forward(tape.input(x)).shape() == ad::Shape{1, 8});
}

// ---- gradients --------------------------------------------------------------------------------

TEST_CASE("Dense: input, weight and bias gradients match finite differences",
          "[nn][layers][gradcheck]") {
  auto make = [](auto t) {
    return std::make_unique<nn::Dense<decltype(t)>>(nn::DenseOptions{.in = 4, .out = 3, .seed = 1});
  };
  CHECK_LAYER_GRADIENTS(make, testing::random_tensor({5, 4}, 1));
}

TEST_CASE("Conv2D: input, weight and bias gradients match finite differences",
          "[nn][layers][gradcheck]") {
  SECTION("same padding, stride 1") {
    auto make = [](auto t) {
      return std::make_unique<nn::Conv2D<decltype(t)>>(nn::Conv2DOptions{
          .in_channels = 2, .out_channels = 3, .kernel = 3, .bias_init = 0.1, .seed = 2});
    };
    CHECK_LAYER_GRADIENTS(make, testing::random_tensor({2, 2, 5, 4}, 2));
  }
  SECTION("valid padding, stride 2, no bias") {
    auto make = [](auto t) {
      return std::make_unique<nn::Conv2D<decltype(t)>>(
          nn::Conv2DOptions{.in_channels = 2,
                            .out_channels = 2,
                            .kernel = 2,
                            .stride = 2,
                            .padding = ad::Padding::valid,
                            .bias = false,
                            .seed = 3});
    };
    CHECK_LAYER_GRADIENTS(make, testing::random_tensor({1, 2, 5, 5}, 3));
  }
}

TEST_CASE("OverparamDense: gradients of both factors and the bias match finite differences",
          "[nn][layers][gradcheck]") {
  auto make = [](auto t) {
    return std::make_unique<nn::OverparamDense<decltype(t)>>(
        nn::OverparamDenseOptions{.in = 4, .hidden = 3, .out = 2, .seed = 5});
  };
  SECTION("one row: (x·W1)·W2") {
    CHECK_LAYER_GRADIENTS(make, testing::random_tensor({1, 4}, 4));
  }
  SECTION("many rows: x·(W1·W2)") {
    CHECK_LAYER_GRADIENTS(make, testing::random_tensor({9, 4}, 5));
  }
}

TEST_CASE("Sequential: a small convnet's gradients match finite differences",
          "[nn][layers][gradcheck]") {
  auto make = [](auto t) {
    using T = decltype(t);
    auto net = std::make_unique<nn::Sequential<T>>();
    net->template emplace<nn::Conv2D<T>>(
        "conv", nn::Conv2DOptions{
                    .in_channels = 1, .out_channels = 2, .kernel = 3, .init_std = 0.5, .seed = 7});
    net->template emplace<nn::MaxPool2D<T>>("pool");
    net->template emplace<nn::ReLU<T>>("relu");
    net->template emplace<nn::Flatten<T>>("flatten");
    net->template emplace<nn::OverparamDense<T>>(
        "fc", nn::OverparamDenseOptions{.in = 8, .hidden = 3, .out = 2, .seed = 8});
    return net;
  };
  // Inputs spaced apart, so no pooling window holds a tie or a near-tie that a finite
  // difference step could flip.
  ad::Tensor<double> x({2, 1, 4, 4});
  std::vector<double> values;
  for (std::size_t i = 0; i < x.size(); ++i) values.push_back(0.05 * double(i) - 0.8);
  std::shuffle(values.begin(), values.end(), std::mt19937(3));
  std::copy(values.begin(), values.end(), x.begin());
  CHECK_LAYER_GRADIENTS(make, x);
}

// ---- modes ------------------------------------------------------------------------------------

TEST_CASE("Dropout: inverted dropout in training, the identity in evaluation", "[nn][layers]") {
  nn::Dropout<float> dropout(0.5, 42);
  ad::Tape<float> tape;
  const ad::Tensor<float> x({100, 100}, 2.0f);

  dropout.eval();
  const ad::Var<float> xv = tape.input(x);
  const ad::Var<float> same = dropout.forward(xv);
  CHECK(same.index() == xv.index());
  CHECK(dropout.calls() == 0);

  dropout.train();
  const ad::Tensor<float> first = dropout.forward(tape.input(x)).value();
  std::size_t kept = 0;
  for (float v : first) {
    REQUIRE((v == 0.0f || v == 4.0f));
    if (v != 0.0f) ++kept;
  }
  CHECK(kept > 4700);
  CHECK(kept < 5300);
  const ad::Tensor<float> second = dropout.forward(tape.input(x)).value();
  std::size_t differ = 0;
  for (std::size_t i = 0; i < x.size(); ++i) differ += first[i] != second[i];
  CHECK(differ > 1000);  // a new mask each call

  // Reproducible: the same seed replays the same masks, call after call.
  nn::Dropout<float> twin(0.5, 42);
  CHECK(max_abs_difference(twin.forward(tape.input(x)).value().cast<double>(),
                           first.cast<double>()) == 0);
  dropout.set_seed(42);
  CHECK(max_abs_difference(dropout.forward(tape.input(x)).value().cast<double>(),
                           first.cast<double>()) == 0);
}

TEST_CASE("Sequential: names, modes reach every child, errors", "[nn][layers]") {
  nn::Sequential<float> net;
  net.emplace<nn::Conv2D<float>>(
      "conv1", nn::Conv2DOptions{.in_channels = 1, .out_channels = 2, .kernel = 3});
  net.emplace<nn::ReLU<float>>("relu");
  auto& dropout = net.emplace<nn::Dropout<float>>("dropout", 0.5);
  net.emplace<nn::Flatten<float>>("flatten");
  net.emplace<nn::OverparamDense<float>>(
      "fc", nn::OverparamDenseOptions{.in = 32, .hidden = 4, .out = 3});
  std::vector<std::string> names;
  for (auto& [name, p] : net.named_parameters()) names.push_back(name);
  CHECK(names == std::vector<std::string>{"conv1.weight", "conv1.bias", "fc.weight1", "fc.weight2",
                                          "fc.bias"});
  CHECK(net.size() == 5);
  CHECK(net.name(2) == "dropout");
  CHECK(&net.at("dropout") == &dropout);
  CHECK_THROWS_WITH(net.at("nope"), Catch::Contains("conv1, relu, dropout, flatten, fc"));
  CHECK_THROWS_WITH(net.emplace<nn::ReLU<float>>("relu"), Catch::Contains("already taken"));

  net.eval();
  CHECK_FALSE(dropout.training());
  ad::Tape<float> tape;
  const ad::Tensor<float> x({2, 1, 4, 4}, 0.3f);
  const ad::Tensor<float> a = net.forward(tape.input(x)).value();
  const ad::Tensor<float> b = net.forward(tape.input(x)).value();
  CHECK(max_abs_difference(a.cast<double>(), b.cast<double>()) == 0);  // no dropout in eval
  CHECK(a.shape() == ad::Shape{2, 3});
  net.train();
  CHECK(dropout.training());

  nn::Sequential<float> empty;
  CHECK_THROWS_AS(empty.forward(tape.input(x)), std::logic_error);
}

// ---- learning ---------------------------------------------------------------------------------

TEST_CASE("a tiny convnet learns horizontal against vertical bars", "[nn][layers][train]") {
  // 64 noisy 8x8 images: a bright bar (row or column) at a random place, label 0 for a
  // horizontal bar, 1 for a vertical one.
  constexpr std::size_t n = 64, side = 8;
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> noise(-0.2f, 0.2f);
  ad::Tensor<float> images({n, 1, side, side});
  std::vector<int> labels(n);
  for (std::size_t i = 0; i < n; ++i) {
    labels[i] = int(i % 2);
    const std::size_t at = rng() % side;
    for (std::size_t r = 0; r < side; ++r)
      for (std::size_t c = 0; c < side; ++c) {
        const bool on = labels[i] == 0 ? r == at : c == at;
        images[i * side * side + r * side + c] = (on ? 0.5f : -0.5f) + noise(rng);
      }
  }

  nn::Sequential<float> net;
  net.emplace<nn::Conv2D<float>>(
      "conv", nn::Conv2DOptions{
                  .in_channels = 1, .out_channels = 4, .kernel = 3, .bias_init = 0.1, .seed = 1});
  net.emplace<nn::MaxPool2D<float>>("pool");
  net.emplace<nn::ReLU<float>>("relu");
  net.emplace<nn::Flatten<float>>("flatten");
  net.emplace<nn::Dropout<float>>("dropout", 0.9, 5);
  net.emplace<nn::Dense<float>>("fc", nn::DenseOptions{.in = 64, .out = 2, .seed = 2});
  optim::Momentum<float> opt(net.parameters(), {.lr = 0.05, .momentum = 0.9});

  ad::Tape<float> tape;
  double first_loss = 0, last_loss = 0;
  for (int step = 0; step < 300; ++step) {
    tape.clear();
    const ad::Var<float> loss = ad::softmax_cross_entropy(net.forward(tape.input(images)), labels);
    if (step == 0) first_loss = loss.value().item();
    last_loss = loss.value().item();
    opt.zero_grad();
    tape.backward(loss);
    opt.step();
  }
  net.eval();
  tape.clear();
  const ad::Tensor<float> logits = net.forward(tape.input(images)).value();
  std::size_t correct = 0;
  for (std::size_t i = 0; i < n; ++i) correct += (logits.at(i, 1) > logits.at(i, 0)) == labels[i];
  INFO("loss " << first_loss << " -> " << last_loss << ", " << correct << "/" << n << " correct");
  CHECK(last_loss < 0.5 * first_loss);
  CHECK(double(correct) / n > 0.95);
}
