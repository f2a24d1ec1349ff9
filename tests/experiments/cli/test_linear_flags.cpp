#include <catch2/catch.hpp>

#include "experiments/cli/linear_flags.hpp"

using experiments::LinearFlags;

namespace {
void check(const LinearFlags& f) {
  data::Normalization normalization{};
  experiments::LossScale loss_scale{};
  experiments::check_linear_flags(f, normalization, loss_scale);
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
  experiments::LossScale loss_scale{};
  const experiments::LinearConfig c = experiments::check_linear_flags(f, normalization, loss_scale);
  CHECK(c.depth == 3);
  CHECK(c.optimizer == optim::OptimizerKind::adam);
  CHECK(c.init == nn::Init::identity);
  CHECK(c.dtype == experiments::DType::float32);
  CHECK(c.rates == std::vector<double>{1e-3, 5e-2});
  CHECK(normalization == data::Normalization::minmax);
}

TEST_CASE("linear flags: the paper's conventions by default, the others on request",
          "[experiments]") {
  LinearFlags f;
  data::Normalization normalization{};
  experiments::LossScale loss_scale{};
  experiments::LinearConfig c = experiments::check_linear_flags(f, normalization, loss_scale);
  CHECK(loss_scale == experiments::LossScale::mean);
  CHECK(c.hyper.preset == optim::Preset::tensorflow);

  f.loss_scale = "mean-over-p";
  f.optimizer_defaults = "pytorch";
  f.optimizer = "adam";
  f.beta2 = 0.99;
  f.eps = 1e-6;
  f.weight_decay = 0.5;
  c = experiments::check_linear_flags(f, normalization, loss_scale);
  CHECK(loss_scale == experiments::LossScale::mean_over_p);
  CHECK(c.hyper.preset == optim::Preset::pytorch);
  CHECK(c.hyper.beta2 == 0.99);
  CHECK(c.hyper.eps == 1e-6);
  CHECK_FALSE(c.hyper.beta1.has_value());
  CHECK(c.hyper.weight_decay == 0.5);
  CHECK(experiments::describe_hyperparameters(c.optimizer, c.hyper) ==
        "pytorch: beta1 0.9, beta2 0.99, eps 1e-06, weight_decay 0.5");
}

TEST_CASE("linear flags: a hyperparameter the optimizer lacks, or out of its range, is refused",
          "[experiments][errors]") {
  LinearFlags f;
  f.beta1 = 0.5;  // gd has no beta1
  CHECK_THROWS_WITH(check(f),
                    "--beta1 is not a hyperparameter of --optimizer gd (gd takes none "
                    "but --lr and --weight-decay)");
  f = LinearFlags{};
  f.optimizer = "adagrad";
  f.rho = 0.9;
  CHECK_THROWS_WITH(check(f),
                    "--rho is not a hyperparameter of --optimizer adagrad (adagrad "
                    "takes --initial-accumulator, --eps)");
  f = LinearFlags{};
  f.optimizer = "momentum";
  f.momentum = 1.0;
  CHECK_THROWS_WITH(check(f), "--momentum must be in [0, 1), got 1");
  f = LinearFlags{};
  f.optimizer = "adam";
  f.eps = -1;
  CHECK_THROWS_WITH(check(f), "--eps must be >= 0, got -1");
  f.eps = 0;  // Adam divides by sqrt(v) + eps
  CHECK_THROWS_WITH(check(f), Catch::Contains("eps must be"));
  f = LinearFlags{};
  f.optimizer = "adagrad";
  f.initial_accumulator = 0;  // with TensorFlow's eps 0: 0/0 on a zero gradient
  CHECK_THROWS_WITH(check(f), Catch::Contains("both 0"));
  f = LinearFlags{};
  f.loss_scale = "sum";
  CHECK_THROWS_WITH(check(f), "--loss-scale must be mean or mean-over-p, not 'sum'");
  f = LinearFlags{};
  f.optimizer_defaults = "keras";
  CHECK_THROWS_WITH(check(f), "--optimizer-defaults must be tensorflow or pytorch, not 'keras'");
}
