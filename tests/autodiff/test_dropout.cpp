#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "autodiff/dropout.hpp"
#include "gradcheck.hpp"

using ad::Shape;
using ad::Tensor;
using testing::random_away_from_zero;

namespace {
std::size_t count_nonzero(const Tensor<double>& t) {
  std::size_t n = 0;
  for (double v : t) n += v != 0;
  return n;
}
}  // namespace

TEST_CASE("dropout: in evaluation mode it is the identity (no node recorded)", "[autodiff]") {
  ad::Tape<double> tape;
  auto x = tape.variable(random_away_from_zero({4, 5}, 1));
  const std::size_t nodes = tape.size();
  auto y = ad::dropout(x, 0.5, 7, /*training=*/false);
  CHECK(y.index() == x.index());
  CHECK(tape.size() == nodes);
  auto z = ad::dropout(x, 1.0, 7, /*training=*/true);  // keep everything: also the identity
  CHECK(z.index() == x.index());
}

TEST_CASE("dropout: the same seed gives the same mask, another seed another mask", "[autodiff]") {
  const Tensor<double> ones({1000}, 1.0);
  ad::Tape<double> tape;
  auto x = tape.input(ones);
  const auto a = ad::dropout(x, 0.5, 42, true).value();
  const auto b = ad::dropout(x, 0.5, 42, true).value();
  const auto c = ad::dropout(x, 0.5, 43, true).value();
  std::size_t same_ab = 0, same_ac = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    same_ab += a[i] == b[i];
    same_ac += a[i] == c[i];
  }
  CHECK(same_ab == a.size());
  CHECK(same_ac < 600);  // two independent masks agree on about half of the elements
  CHECK(same_ac > 400);

  // The mask does not depend on the scalar type either.
  ad::Tape<float> tape_f;
  const Tensor<float> ones_f({1000}, 1.0f);
  const auto af = ad::dropout(tape_f.input(ones_f), 0.5f, 42, true).value();
  for (std::size_t i = 0; i < a.size(); ++i) CHECK((af[i] == 0) == (a[i] == 0));
}

TEST_CASE("dropout: the kept fraction over 100k elements is within 1% of keep_prob", "[autodiff]") {
  const Tensor<double> ones({100000}, 1.0);
  for (double keep : {0.5, 0.8, 0.9}) {
    ad::Tape<double> tape;
    const auto y = ad::dropout(tape.input(ones), keep, 2024, true).value();
    const double fraction = double(count_nonzero(y)) / double(y.size());
    INFO("keep_prob " << keep << ", kept " << fraction);
    CHECK(std::abs(fraction - keep) < 0.01 * keep);
  }
}

TEST_CASE("dropout: the expected value is preserved (mean of a constant input)", "[autodiff]") {
  const Tensor<double> twos({100000}, 2.0);
  ad::Tape<double> tape;
  const auto y = ad::dropout(tape.input(twos), 0.7, 5, true).value();
  double total = 0;
  for (double v : y) {
    CHECK((v == 0 || std::abs(v - 2.0 / 0.7) < 1e-12));
    total += v;
  }
  CHECK(total / double(y.size()) == Approx(2.0).epsilon(0.01));
}

TEST_CASE("dropout: the gradient is mask / keep_prob, on the forward's zero pattern",
          "[autodiff]") {
  const double keep = 0.6;
  ad::Tape<double> tape;
  auto x = tape.variable(random_away_from_zero({8, 16}, 3));  // nonzero: a zero output is a drop
  auto y = ad::dropout(x, keep, 11, true);
  const auto dy = random_away_from_zero({8, 16}, 4);
  tape.backward(y, dy);
  std::size_t kept = 0;
  for (std::size_t i = 0; i < dy.size(); ++i) {
    const bool dropped = y.value()[i] == 0;
    kept += !dropped;
    CHECK(x.grad()[i] == (dropped ? 0.0 : dy[i] / keep));
    if (!dropped) CHECK(y.value()[i] == x.value()[i] / keep);
  }
  CHECK(kept > 0);
  CHECK(kept < dy.size());
}

TEST_CASE("dropout: backward matches finite differences with a fixed seed",
          "[autodiff][gradcheck]") {
  auto build = [](auto&, const auto& v) { return ad::dropout(v[0], 0.75, 123, true); };
  CHECK_GRADIENTS(build, std::vector{testing::random_tensor({3, 7}, 5)});
}

TEST_CASE("dropout: a keep probability of 0, above 1 or NaN is refused", "[autodiff][errors]") {
  ad::Tape<double> tape;
  auto x = tape.variable(Tensor<double>({3}, 1.0));
  for (double bad : {0.0, 1.5, -0.2, std::numeric_limits<double>::quiet_NaN()}) {
    INFO("keep_prob " << bad);
    CHECK_THROWS_AS(ad::dropout(x, bad, 1, true), std::invalid_argument);
    CHECK_THROWS_AS(ad::dropout(x, bad, 1, false), std::invalid_argument);
  }
  CHECK_THROWS_WITH(ad::dropout(x, 0.0, 1, true),
                    Catch::Contains("dropout: keep_prob must be in (0, 1], got 0"));
}
