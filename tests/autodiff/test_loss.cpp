#include <catch2/catch.hpp>

#include <cmath>

#include "autodiff/autodiff.hpp"
#include "gradcheck.hpp"

using ad::Tensor;
using testing::random_tensor;

TEST_CASE("softmax_cross_entropy: backward matches finite differences", "[autodiff][gradcheck]") {
  const std::vector<int> labels = {2, 0, 1, 2};
  auto build = [&](auto&, const auto& x) { return ad::softmax_cross_entropy(x[0], labels); };
  CHECK_GRADIENTS(build, std::vector{random_tensor({4, 3}, 41, -3, 3)});
}

TEST_CASE("softmax_cross_entropy: a known 3-class example", "[autodiff]") {
  // logits [1, 2, 3], label 2: p = e^z / (e + e^2 + e^3), loss = log(e + e^2 + e^3) - 3.
  ad::Tape<double> tape;
  auto z = tape.variable(Tensor<double>({1, 3}, {1, 2, 3}));
  auto loss = ad::softmax_cross_entropy(z, {2});
  const double denom = std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
  CHECK(loss.value().item() == Approx(std::log(denom) - 3).epsilon(1e-14));
  CHECK(loss.value().item() == Approx(0.40760596444438).epsilon(1e-12));
  tape.backward(loss);
  CHECK(z.grad()[0] == Approx(std::exp(1.0) / denom));        // 0.0900306
  CHECK(z.grad()[1] == Approx(std::exp(2.0) / denom));        // 0.2447285
  CHECK(z.grad()[2] == Approx(std::exp(3.0) / denom - 1.0));  // -0.3348019
}

TEST_CASE("softmax_cross_entropy: stable for huge logits", "[autodiff]") {
  ad::Tape<float> tape;
  auto z = tape.variable(Tensor<float>({2, 2}, {1000, 0, -1000, 1000}));
  auto loss = ad::softmax_cross_entropy(z, {0, 0});
  // Row 1 is right with certainty (loss 0); row 2 is wrong by 2000 (loss 2000). Mean: 1000.
  CHECK(std::isfinite(loss.value().item()));
  CHECK(loss.value().item() == Approx(1000.0f));
  tape.backward(loss);
  for (float g : z.grad()) CHECK(std::isfinite(g));
}

TEST_CASE("softmax_cross_entropy: bad labels are refused with the row", "[autodiff][errors]") {
  ad::Tape<double> tape;
  auto z = tape.variable(Tensor<double>({2, 3}));
  CHECK_THROWS_WITH(ad::softmax_cross_entropy(z, {0, 3}),
                    Catch::Contains("label 3 of row 1 is outside [0, 3)"));
  CHECK_THROWS_WITH(ad::softmax_cross_entropy(z, {0}), Catch::Contains("1 labels"));
  CHECK_THROWS_AS(ad::softmax_cross_entropy(z, {-1, 0}), std::invalid_argument);
  auto empty = tape.variable(Tensor<double>({0, 3}));
  CHECK_THROWS_AS(ad::softmax_cross_entropy(empty, {}), std::invalid_argument);
}
