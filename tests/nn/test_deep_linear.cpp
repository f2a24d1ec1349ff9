#include <catch2/catch.hpp>

#include <cmath>

#include "autodiff/autodiff.hpp"
#include "gradcheck.hpp"
#include "nn/deep_linear.hpp"
#include "nn/losses.hpp"

using ad::Shape;
using ad::Tensor;
using nn::DeepLinear;
using nn::DeepLinearOptions;
using nn::Init;

namespace {

DeepLinearOptions options(std::size_t d, std::size_t k, std::size_t depth, std::size_t width,
                          Init init = Init::normal, double std = 0.5) {
  DeepLinearOptions o;
  o.input_dim = d;
  o.output_dim = k;
  o.depth = depth;
  o.width = width;
  o.init = init;
  o.init_std = std;
  o.seed = 7;
  return o;
}

// X · W_eᵀ by three loops.
Tensor<double> reference_output(const Tensor<double>& x, const Tensor<double>& we) {
  Tensor<double> y({x.rows(), we.rows()});
  for (std::size_t i = 0; i < x.rows(); ++i)
    for (std::size_t c = 0; c < we.rows(); ++c)
      for (std::size_t j = 0; j < x.cols(); ++j) y.at(i, c) += x.at(i, j) * we.at(c, j);
  return y;
}

double max_abs_diff(const Tensor<double>& a, const Tensor<double>& b) {
  double m = 0;
  for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(a[i] - b[i]));
  return m;
}

// Wᵀ·W and W·Wᵀ.
Tensor<double> gram(const Tensor<double>& w, bool transpose_first) {
  const std::size_t n = transpose_first ? w.cols() : w.rows();
  Tensor<double> g({n, n});
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j)
      for (std::size_t p = 0; p < (transpose_first ? w.rows() : w.cols()); ++p)
        g.at(i, j) += transpose_first ? w.at(p, i) * w.at(p, j) : w.at(i, p) * w.at(j, p);
  return g;
}

}  // namespace

TEST_CASE("DeepLinear: layer shapes are W1 [w,d], middle [w,w], WN [k,w]", "[nn]") {
  DeepLinear<double> one(options(5, 2, 1, 9));
  REQUIRE(one.depth() == 1);
  CHECK(one.layer(0).shape() == Shape{2, 5});
  DeepLinear<double> three(options(5, 2, 3, 4));
  CHECK(three.layer(0).shape() == Shape{4, 5});
  CHECK(three.layer(1).shape() == Shape{4, 4});
  CHECK(three.layer(2).shape() == Shape{2, 4});
  CHECK(three.parameters().size() == 3);
  CHECK(three.named_parameters()[2].first == "W3");
  CHECK(three.num_parameters() == 20 + 16 + 8);
}

TEST_CASE("DeepLinear: forward equals X · W_eᵀ whatever the multiplication order", "[nn]") {
  for (std::size_t rows : {1u, 3u, 200u})
    for (std::size_t depth : {1u, 2u, 3u, 5u})
      for (std::size_t width : {1u, 6u}) {
        DeepLinear<double> net(options(7, 2, depth, width));
        const Tensor<double> x = testing::random_tensor({rows, 7}, unsigned(rows + depth));
        ad::Tape<double> tape;
        auto y = net.forward(tape.input(x));
        INFO("rows " << rows << " depth " << depth << " width " << width << " order "
                     << net.chain_order(rows));
        REQUIRE(y.shape() == Shape{rows, 2});
        CHECK(max_abs_diff(y.value(), reference_output(x, net.end_to_end())) < 1e-12);
      }
}

TEST_CASE("DeepLinear: the chain order collapses the layers first when the data is tall", "[nn]") {
  DeepLinear<double> net(options(128, 1, 3, 100));
  CHECK(net.chain_order(2565) == "(X·(W1ᵀ·(W2ᵀ·W3ᵀ)))");
  CHECK(net.chain_order(1).starts_with("((X·W1ᵀ)"));  // one row: the data goes first
}

TEST_CASE("DeepLinear: layer gradients of the l4 loss match finite differences",
          "[nn][gradcheck]") {
  DeepLinear<double> net(options(4, 2, 3, 3, Init::normal, 0.7));
  const Tensor<double> x = testing::random_tensor({6, 4}, 1);
  const Tensor<double> y = testing::random_tensor({6, 2}, 2);
  auto loss_value = [&]() {
    ad::NoGradGuard no_grad;
    ad::Tape<double> tape;
    return nn::lp_loss(net.forward(tape.input(x)), tape.input(y), 4).value().item();
  };
  ad::Tape<double> tape;
  tape.backward(nn::lp_loss(net.forward(tape.input(x)), tape.input(y), 4));
  const double eps = 1e-6;
  std::size_t nonzero = 0;
  for (auto* p : net.parameters()) {
    for (std::size_t i = 0; i < p->value().size(); ++i) {
      const double saved = p->value()[i];
      p->value()[i] = saved + eps;
      const double plus = loss_value();
      p->value()[i] = saved - eps;
      const double minus = loss_value();
      p->value()[i] = saved;
      const double numeric = (plus - minus) / (2 * eps);
      INFO(p->name() << "[" << i << "]");
      CHECK(p->grad()[i] == Approx(numeric).epsilon(1e-3).margin(1e-5));
      if (std::abs(numeric) > 1e-5) ++nonzero;
    }
  }
  CHECK(nonzero > 10);
}

TEST_CASE("lp_loss: the value is (1/(p m)) Σ (yhat - y)^p", "[nn]") {
  ad::Tape<double> tape;
  auto yhat = tape.variable(Tensor<double>({2, 1}, {1, 3}));
  const Tensor<double> target({2, 1}, {0, 1});
  auto y = tape.input(target);
  CHECK(nn::lp_loss(yhat, y, 2).value().item() == Approx((1.0 + 4.0) / 4.0));
  CHECK(nn::lp_loss(yhat, y, 4).value().item() == Approx((1.0 + 16.0) / 8.0));
  CHECK_THROWS_WITH(nn::lp_loss(yhat, y, 3), Catch::Contains("even integer"));
}

TEST_CASE("DeepLinear: balanced init is exactly balanced and keeps the drawn W_e", "[nn]") {
  for (std::size_t k : {1u, 3u})
    for (std::size_t depth : {2u, 3u, 4u}) {
      INFO("k " << k << " depth " << depth);
      DeepLinear<double> net(options(6, k, depth, 5, Init::balanced, 0.3));
      for (std::size_t j = 0; j + 1 < depth; ++j) {
        const auto lhs = gram(net.layer(j + 1).value(), true);  // W_{j+1}ᵀ W_{j+1}
        const auto rhs = gram(net.layer(j).value(), false);     // W_j W_jᵀ
        CHECK(max_abs_diff(lhs, rhs) < 1e-12);
      }
      // The same seed at depth 1 draws the same end-to-end matrix.
      DeepLinear<double> single(options(6, k, 1, 5, Init::balanced, 0.3));
      CHECK(max_abs_diff(net.end_to_end(), single.layer(0).value()) < 1e-12);
    }
}

TEST_CASE("DeepLinear: identity init keeps later layers the rectangular identity", "[nn]") {
  DeepLinear<double> net(options(3, 1, 3, 4, Init::identity, 0.1));
  const auto& w2 = net.layer(1).value();
  for (std::size_t i = 0; i < 4; ++i)
    for (std::size_t j = 0; j < 4; ++j) CHECK(w2.at(i, j) == (i == j ? 1.0 : 0.0));
  CHECK(net.layer(2).value().at(0, 0) == 1.0);
  CHECK(net.layer(2).value().at(0, 3) == 0.0);
}

TEST_CASE("DeepLinear: normal init has the requested std", "[nn]") {
  DeepLinear<double> net(options(200, 1, 2, 100, Init::normal, 0.01));
  double sum = 0, sum2 = 0;
  const auto& w = net.layer(0).value();
  for (double v : w) sum += v, sum2 += v * v;
  const double mean = sum / double(w.size());
  CHECK(std::abs(mean) < 0.001);
  CHECK(std::sqrt(sum2 / double(w.size()) - mean * mean) == Approx(0.01).epsilon(0.03));
}

TEST_CASE("DeepLinear: bad options name the option", "[nn][errors]") {
  CHECK_THROWS_WITH(DeepLinear<double>(options(3, 1, 0, 1)), Catch::Contains("depth"));
  CHECK_THROWS_WITH(DeepLinear<double>(options(3, 1, 17, 1)), Catch::Contains("depth"));
  CHECK_THROWS_WITH(DeepLinear<double>(options(128, 1, 3, 1000000)),
                    Catch::Contains("parameters") && Catch::Contains("smaller width"));
  CHECK_THROWS_WITH(DeepLinear<double>(options(3, 1, 2, 2, Init::normal, -1)),
                    Catch::Contains("std"));
  CHECK_THROWS_WITH(nn::parse_init("zeros"), Catch::Contains("normal, identity or balanced"));
  DeepLinear<double> net(options(3, 1, 2, 2));
  ad::Tape<double> tape;
  const Tensor<double> x({4, 5});
  CHECK_THROWS_WITH(net.forward(tape.input(x)), Catch::Contains("[4,5], expected [m,3]"));
}

TEST_CASE("DeepLinear: the recorded end-to-end product equals end_to_end() and has gradients",
          "[nn]") {
  DeepLinear<double> net(options(4, 2, 3, 3));
  ad::Tape<double> tape;
  auto we = net.record_end_to_end(tape);
  CHECK(max_abs_diff(we.value(), net.end_to_end()) < 1e-15);
  tape.backward(ad::sum(we));
  for (auto* p : net.parameters()) CHECK(p->has_grad());
}
