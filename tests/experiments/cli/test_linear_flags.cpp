#include <catch2/catch.hpp>

#include "experiments/cli/linear_flags.hpp"

using experiments::LinearFlags;

namespace {
void check(const LinearFlags& f) {
  data::Normalization normalization{};
  experiments::check_linear_flags(f, normalization);
}
}  // namespace

TEST_CASE("linear flags: out-of-range settings name the flag", "[experiments][errors]") {
  LinearFlags c;
  c.depth = 0;
  CHECK_THROWS_WITH(check(c), Catch::Contains("--depth"));
  c = LinearFlags{};
  c.lr = -1;
  CHECK_THROWS_WITH(check(c), Catch::Contains("--lr"));
  c = LinearFlags{};
  c.iterations = 0;
  CHECK_THROWS_WITH(check(c), Catch::Contains("--iterations"));
  c = LinearFlags{};
  c.optimizer = "sgd";
  CHECK_THROWS_WITH(check(c), Catch::Contains("--optimizer"));
  c = LinearFlags{};
  c.width = 1000000;
  CHECK_THROWS_WITH(check(c), Catch::Contains("--width"));
}

TEST_CASE("linear flags: a valid set becomes typed settings", "[experiments]") {
  LinearFlags f;
  f.depth = 3;
  f.optimizer = "adam";
  f.init = "identity";
  f.dtype = "float32";
  f.lr_grid = "1e-3,5e-2";
  f.normalize = "minmax";
  data::Normalization normalization{};
  const experiments::LinearConfig c = experiments::check_linear_flags(f, normalization);
  CHECK(c.depth == 3);
  CHECK(c.optimizer == optim::OptimizerKind::adam);
  CHECK(c.init == nn::Init::identity);
  CHECK(c.dtype == experiments::DType::float32);
  CHECK(c.rates == std::vector<double>{1e-3, 5e-2});
  CHECK(normalization == data::Normalization::minmax);
}
