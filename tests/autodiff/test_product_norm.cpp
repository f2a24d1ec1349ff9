#include <catch2/catch.hpp>

#include <tuple>

#include "autodiff/autodiff.hpp"
#include "gradcheck.hpp"

using ad::Tensor;
using testing::random_tensor;

namespace {

// A naive reference: X[m,k] · Y[k,n] by the triple loop.
Tensor<double> naive_matmul(const Tensor<double>& x, const Tensor<double>& y) {
  Tensor<double> z({x.rows(), y.cols()});
  for (std::size_t i = 0; i < x.rows(); ++i)
    for (std::size_t j = 0; j < y.cols(); ++j)
      for (std::size_t k = 0; k < x.cols(); ++k) z.at(i, j) += x.at(i, k) * y.at(k, j);
  return z;
}

}  // namespace

TEST_CASE("product_sum_squares: equals the sum of squares of W1·W2", "[autodiff]") {
  // Gram path (hidden narrow: 1.5·h²·(in+out) < 3·in·h·out) and product path (hidden wide).
  for (auto [in, hidden, out] : {std::tuple{7, 3, 5}, std::tuple{2, 9, 3}}) {
    const Tensor<double> w1 = random_tensor({std::size_t(in), std::size_t(hidden)}, 4);
    const Tensor<double> w2 = random_tensor({std::size_t(hidden), std::size_t(out)}, 5);
    const Tensor<double> p = naive_matmul(w1, w2);
    double expected = 0;
    for (double v : p) expected += v * v;
    ad::Tape<double> tape;
    auto a = tape.input(w1);
    auto b = tape.input(w2);
    INFO("in " << in << ", hidden " << hidden << ", out " << out);
    CHECK(ad::product_sum_squares(a, b).value().item() == Approx(expected).epsilon(1e-12));
  }
}

TEST_CASE("product_sum_squares: backward matches finite differences", "[autodiff][gradcheck]") {
  for (auto [in, hidden, out] : {std::tuple{5, 2, 3}, std::tuple{2, 6, 3}}) {
    INFO("in " << in << ", hidden " << hidden << ", out " << out);
    auto build = [](auto&, const auto& w) { return ad::product_sum_squares(w[0], w[1]); };
    CHECK_GRADIENTS(
        build, (std::vector{random_tensor({std::size_t(in), std::size_t(hidden)}, 6, -0.5, 0.5),
                            random_tensor({std::size_t(hidden), std::size_t(out)}, 7, -0.5, 0.5)}));
  }
}

TEST_CASE("product_sum_squares: only the factor that needs a gradient gets one", "[autodiff]") {
  // ||W1·W2||² with W2 data: dW1 = 2·W1·W2·W2ᵀ, checked against the naive product.
  const Tensor<double> w1_value = random_tensor({5, 2}, 8), w2 = random_tensor({2, 3}, 9);
  ad::Parameter<double> w1(w1_value, "W1");
  ad::Tape<double> tape;
  auto a = tape.param(w1);
  auto b = tape.input(w2);
  auto y = ad::product_sum_squares(a, b);
  tape.backward(y);
  Tensor<double> w2t({3, 2});
  for (std::size_t i = 0; i < 2; ++i)
    for (std::size_t j = 0; j < 3; ++j) w2t.at(j, i) = w2.at(i, j);
  const Tensor<double> expected = naive_matmul(naive_matmul(w1_value, w2), w2t);
  for (std::size_t i = 0; i < expected.size(); ++i)
    CHECK(w1.grad()[i] == Approx(2 * expected[i]).epsilon(1e-12));
  CHECK_FALSE(b.has_grad());
}

TEST_CASE("product_sum_squares: factors whose inner dimensions differ are refused",
          "[autodiff][errors]") {
  ad::Tape<double> tape;
  const Tensor<double> w1({4, 3}), w2({2, 5}), flat({3});
  CHECK_THROWS_WITH(ad::product_sum_squares(tape.input(w1), tape.input(w2)),
                    Catch::Contains("W1 is [4,3] but W2 is [2,5]") && Catch::Contains("(3 != 2)"));
  CHECK_THROWS_AS(ad::product_sum_squares(tape.input(w1), tape.input(flat)), std::invalid_argument);
}
