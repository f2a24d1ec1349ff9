#include <catch2/catch.hpp>

#include "autodiff/autodiff.hpp"
#include "gradcheck.hpp"

using ad::Shape;
using ad::Tensor;
using testing::random_tensor;

TEST_CASE("reshape: backward matches finite differences", "[autodiff][gradcheck]") {
  // Multiplying by a second input after the reshape makes the Jacobian entries distinct.
  auto build = [](auto&, const auto& x) { return ad::reshape(x[0], Shape{3, 4}) * x[1]; };
  CHECK_GRADIENTS(build, (std::vector{random_tensor({2, 6}, 32), random_tensor({3, 4}, 31)}));
}

TEST_CASE("flatten: [N,C,H,W] becomes [N,C*H*W] and backward matches finite differences",
          "[autodiff][gradcheck]") {
  auto build = [](auto&, const auto& x) { return ad::flatten(x[0]) * x[1]; };
  CHECK_GRADIENTS(build,
                  (std::vector{random_tensor({2, 2, 2, 3}, 33), random_tensor({2, 12}, 34)}));
  ad::Tape<float> tape;
  auto x = tape.variable(Tensor<float>({5, 3, 2, 2}));
  CHECK(ad::flatten(x).shape() == Shape{5, 12});
}

TEST_CASE("transpose: backward matches finite differences", "[autodiff][gradcheck]") {
  auto build = [](auto&, const auto& x) { return ad::transpose(x[0]) * x[1]; };
  CHECK_GRADIENTS(build, (std::vector{random_tensor({2, 3}, 35), random_tensor({3, 2}, 36)}));
}

TEST_CASE("transpose: exact values", "[autodiff]") {
  ad::Tape<double> tape;
  auto x = tape.variable(Tensor<double>({2, 3}, {1, 2, 3, 4, 5, 6}));
  auto y = ad::transpose(x);
  CHECK(y.shape() == Shape{3, 2});
  CHECK(y.value().at(2, 1) == 6);
  CHECK(y.value().at(0, 1) == 4);
}

TEST_CASE("reshape: a different element count names both shapes", "[autodiff][errors]") {
  ad::Tape<double> tape;
  auto x = tape.variable(Tensor<double>({2, 3}));
  CHECK_THROWS_WITH(ad::reshape(x, Shape{4, 2}),
                    Catch::Contains("[2,3]") && Catch::Contains("[4,2]"));
  CHECK_THROWS_AS(ad::transpose(tape.variable(Tensor<double>({2, 3, 4}))), std::invalid_argument);
}

TEST_CASE("stack_rows: backward matches finite differences, five inputs", "[autodiff][gradcheck]") {
  auto build = [](auto&, const auto& x) {
    return ad::stack_rows(std::vector{x[0], x[1], x[2], x[3], x[4]}) * x[5];
  };
  CHECK_GRADIENTS(build, (std::vector{random_tensor({1, 3}, 61), random_tensor({2, 3}, 62),
                                      random_tensor({1, 3}, 63), random_tensor({1, 3}, 64),
                                      random_tensor({3, 3}, 65), random_tensor({8, 3}, 66)}));
}

TEST_CASE("stack_rows: values, DOT edges from every input, and shape errors", "[autodiff]") {
  ad::Tape<double> tape;
  std::vector<ad::Var<double>> rows;
  for (int k = 0; k < 5; ++k) rows.push_back(tape.variable(Tensor<double>({1, 2}, {double(k), 1})));
  auto y = ad::stack_rows(rows);
  CHECK(y.shape() == Shape{5, 2});
  CHECK(y.value().at(3, 0) == 3);
  const std::string dot = tape.to_dot();
  for (int k = 0; k < 5; ++k)
    CHECK(dot.find("n" + std::to_string(k) + " -> n5;") != std::string::npos);
  auto bad = tape.variable(Tensor<double>({1, 3}));
  CHECK_THROWS_WITH(ad::stack_rows(std::vector{rows[0], bad}),
                    Catch::Contains("matrix 1 is [1,3]") && Catch::Contains("[1,2]"));
  CHECK_THROWS_AS(ad::stack_rows(std::vector<ad::Var<double>>{}), std::invalid_argument);
}
