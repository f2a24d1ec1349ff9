#include <catch2/catch.hpp>

#include "autodiff/autodiff.hpp"
#include "gradcheck.hpp"

using ad::Shape;
using ad::Tensor;
using testing::random_away_from_zero;
using testing::random_tensor;

TEST_CASE("add: backward matches finite differences", "[autodiff][gradcheck]") {
  auto build = [](auto&, const auto& x) { return x[0] + x[1]; };
  CHECK_GRADIENTS(build, (std::vector{random_tensor({3, 4}, 1), random_tensor({3, 4}, 2)}));
}

TEST_CASE("sub: backward matches finite differences", "[autodiff][gradcheck]") {
  auto build = [](auto&, const auto& x) { return x[0] - x[1]; };
  CHECK_GRADIENTS(build, (std::vector{random_tensor({2, 5}, 3), random_tensor({2, 5}, 4)}));
}

TEST_CASE("mul: backward matches finite differences", "[autodiff][gradcheck]") {
  auto build = [](auto&, const auto& x) { return x[0] * x[1]; };
  CHECK_GRADIENTS(build, (std::vector{random_tensor({4, 3}, 5), random_tensor({4, 3}, 6)}));
}

TEST_CASE("mul: an input used twice gets both contributions (x*x)", "[autodiff][gradcheck]") {
  auto build = [](auto&, const auto& x) { return x[0] * x[0]; };
  CHECK_GRADIENTS(build, std::vector{random_tensor({5}, 7)});
}

TEST_CASE("scale: backward matches finite differences", "[autodiff][gradcheck]") {
  auto build = [](auto&, const auto& x) { return -2.5 * x[0]; };
  CHECK_GRADIENTS(build, std::vector{random_tensor({2, 3}, 8)});
}

TEST_CASE("add_bias: backward matches finite differences", "[autodiff][gradcheck]") {
  auto build = [](auto&, const auto& x) { return ad::add_bias(x[0], x[1]); };
  CHECK_GRADIENTS(build, (std::vector{random_tensor({4, 3}, 9), random_tensor({3}, 10)}));
}

TEST_CASE("add_bias: the bias gradient is the column sum of the output gradient", "[autodiff]") {
  ad::Tape<double> tape;
  auto x = tape.variable(Tensor<double>({2, 3}, {1, 2, 3, 4, 5, 6}));
  auto b = tape.variable(Tensor<double>({3}, {10, 20, 30}));
  auto y = ad::add_bias(x, b);
  CHECK(y.value().at(1, 2) == 36);
  tape.backward(y, Tensor<double>({2, 3}, {1, 2, 3, 4, 5, 6}));
  CHECK(b.grad()[0] == 5);  // 1 + 4
  CHECK(b.grad()[1] == 7);  // 2 + 5
  CHECK(b.grad()[2] == 9);  // 3 + 6
  CHECK(x.grad()[4] == 5);
}

TEST_CASE("pow: backward matches finite differences for p = 1, 2, 3, 4", "[autodiff][gradcheck]") {
  for (double p : {1.0, 2.0, 3.0, 4.0}) {
    INFO("p = " << p);
    auto build = [p](auto&, const auto& x) { return ad::pow(x[0], p); };
    CHECK_GRADIENTS(build, std::vector{random_tensor({3, 3}, 11)});
  }
}

TEST_CASE("pow: exact values and a zero gradient for p = 0", "[autodiff]") {
  ad::Tape<double> tape;
  auto x = tape.variable(Tensor<double>({3}, {-2, 0.5, 3}));
  auto y = ad::pow(x, 4);
  CHECK(y.value()[0] == 16);
  CHECK(y.value()[1] == 0.0625);
  CHECK(y.value()[2] == 81);
  tape.backward(ad::sum(y));
  CHECK(x.grad()[0] == -32);  // 4 x^3
  CHECK(x.grad()[2] == 108);

  ad::Tape<double> tape0;
  auto z = tape0.variable(Tensor<double>({2}, {-3, 5}));
  auto one = ad::pow(z, 0);
  CHECK(one.value()[0] == 1);
  tape0.backward(ad::sum(one));
  CHECK_FALSE(z.has_grad());
}

TEST_CASE("pow: a negative or fractional power is refused", "[autodiff][errors]") {
  ad::Tape<double> tape;
  auto x = tape.variable(Tensor<double>({2}, {1, 2}));
  CHECK_THROWS_WITH(ad::pow(x, 2.5), Catch::Contains("pow") && Catch::Contains("whole number") &&
                                         Catch::Contains("2.5"));
  CHECK_THROWS_AS(ad::pow(x, -1.0), std::invalid_argument);
  CHECK_THROWS_AS(ad::pow(x, std::nan("")), std::invalid_argument);
}

TEST_CASE("relu: backward matches finite differences away from the kink", "[autodiff][gradcheck]") {
  auto build = [](auto&, const auto& x) { return ad::relu(x[0]); };
  auto x = random_away_from_zero({4, 5}, 12);
  CHECK_GRADIENTS(build, std::vector{x});
}

TEST_CASE("relu: gradient passes where x > 0 only, and is 0 at x = 0", "[autodiff]") {
  ad::Tape<double> tape;
  auto x = tape.variable(Tensor<double>({4}, {-1, 0, 2, 3}));
  auto y = ad::relu(x);
  CHECK(y.value()[0] == 0);
  CHECK(y.value()[2] == 2);
  tape.backward(y, Tensor<double>({4}, {10, 20, 30, 40}));
  CHECK(x.grad()[0] == 0);
  CHECK(x.grad()[1] == 0);
  CHECK(x.grad()[2] == 30);
  CHECK(x.grad()[3] == 40);
}

TEST_CASE("elementwise: mismatched shapes name the op and both shapes", "[autodiff][errors]") {
  ad::Tape<float> tape;
  auto a = tape.variable(Tensor<float>({3, 4}));
  auto b = tape.variable(Tensor<float>({4, 3}));
  CHECK_THROWS_WITH(a + b, Catch::Contains("add: A is [3,4] but B is [4,3]"));
  CHECK_THROWS_WITH(a - b, Catch::Contains("sub: A is [3,4] but B is [4,3]"));
  CHECK_THROWS_WITH(a * b, Catch::Contains("mul: A is [3,4] but B is [4,3]"));
  CHECK_THROWS_AS(a + b, std::invalid_argument);
  auto bias = tape.variable(Tensor<float>({3}));
  CHECK_THROWS_WITH(ad::add_bias(a, bias), Catch::Contains("add_bias: X is [3,4] but b is [3]"));
}
