#include <catch2/catch.hpp>

#include "autodiff/autodiff.hpp"
#include "gradcheck.hpp"

using ad::Tensor;
using testing::random_tensor;

TEST_CASE("sum: backward matches finite differences", "[autodiff][gradcheck]") {
  auto build = [](auto&, const auto& x) { return ad::sum(x[0]); };
  CHECK_GRADIENTS(build, std::vector{random_tensor({3, 4}, 21)});
}

TEST_CASE("mean: backward matches finite differences", "[autodiff][gradcheck]") {
  auto build = [](auto&, const auto& x) { return ad::mean(x[0]); };
  CHECK_GRADIENTS(build, std::vector{random_tensor({2, 3, 2}, 22)});
}

TEST_CASE("sum_squares: backward matches finite differences", "[autodiff][gradcheck]") {
  auto build = [](auto&, const auto& x) { return ad::sum_squares(x[0]); };
  CHECK_GRADIENTS(build, std::vector{random_tensor({5, 2}, 23)});
}

TEST_CASE("reductions: exact values on a small tensor", "[autodiff]") {
  ad::Tape<double> tape;
  auto x = tape.variable(Tensor<double>({2, 2}, {1, -2, 3, 4}));
  CHECK(ad::sum(x).value().item() == 6);
  CHECK(ad::mean(x).value().item() == 1.5);
  CHECK(ad::sum_squares(x).value().item() == 30);
  CHECK(ad::sum(x).shape() == ad::Shape{});
}

TEST_CASE("mean: an empty tensor is refused", "[autodiff][errors]") {
  ad::Tape<double> tape;
  auto x = tape.variable(Tensor<double>({0, 3}));
  CHECK_THROWS_WITH(ad::mean(x), Catch::Contains("mean") && Catch::Contains("[0,3]") &&
                                     Catch::Contains("no elements"));
}
