#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "data_loaders/gas.hpp"
#include "experiments/cli/commands.hpp"
#include "experiments/linear/optimum.hpp"
#include "experiments/process.hpp"
#include "experiments/theory/curl.hpp"
#include "experiments/theory/toy.hpp"

using experiments::AnnularSector;
using experiments::LossField;
using experiments::Plane;

namespace {

constexpr double pi = std::numbers::pi;

// L(W) = <g, W>: a constant gradient, no curvature.
LossField constant_gradient(std::vector<double> g) {
  LossField f;
  f.dim = g.size();
  f.gradient = [g](const std::vector<double>&) { return g; };
  f.hessian_times = [g](const std::vector<double>&, const std::vector<double>&) {
    return std::vector<double>(g.size(), 0.0);
  };
  return f;
}

// L(W) = ||W - c||² / 2: g = W - c varies, but H W = W is parallel to W.
LossField isotropic(std::vector<double> c) {
  LossField f;
  f.dim = c.size();
  f.gradient = [c](const std::vector<double>& w) {
    std::vector<double> g(w.size());
    for (std::size_t i = 0; i < w.size(); ++i) g[i] = w[i] - c[i];
    return g;
  };
  f.hessian_times = [](const std::vector<double>&, const std::vector<double>& v) { return v; };
  return f;
}

// A synthetic l_4 regression loss: m = 12 examples, d = 4 features.
LossField quartic() {
  std::mt19937_64 rng(42);
  std::normal_distribution<double> normal(0.0, 1.0);
  const std::size_t m = 12, d = 4;
  std::vector<double> x(m * d), y(m);
  for (double& v : x) v = normal(rng);
  for (double& v : y) v = normal(rng);
  return experiments::lp_regression_field(x, y, m, d, 4);
}

double dot(const std::vector<double>& u, const std::vector<double>& v) {
  double s = 0;
  for (std::size_t i = 0; i < u.size(); ++i) s += u[i] * v[i];
  return s;
}

}  // namespace

TEST_CASE("theory: adaptive Gauss-Kronrod integrates smooth and kinked functions",
          "[experiments][theory]") {
  const auto sine =
      experiments::integrate_adaptive([](double x) { return std::sin(x); }, 0, pi, 1e-12);
  CHECK(std::abs(sine.value - 2) < 1e-13);
  CHECK(sine.converged);
  CHECK(sine.error < 1e-11);
  // sqrt has an unbounded derivative at 0: adaptivity refines there, the bound stays honest.
  const auto root =
      experiments::integrate_adaptive([](double x) { return std::sqrt(x); }, 0, 1, 1e-10);
  CHECK(root.converged);
  CHECK(root.intervals > 1);
  CHECK(std::abs(root.value - 2.0 / 3.0) <= root.error);
  CHECK(root.error < 1e-9);
  CHECK_THROWS_AS(experiments::integrate_adaptive([](double x) { return x; }, 1, 0, 1e-8),
                  std::invalid_argument);
}

TEST_CASE("theory: constant gradient, the quadrature matches the closed form for N = 1 to 4",
          "[experiments][theory]") {
  // A plane that is not a coordinate plane, in d = 5, and a g with an out-of-plane part.
  const Plane plane = experiments::plane_through({1.0, -2.0, 0.5, 0.3, 1.1}, 7);
  REQUIRE(std::abs(dot(plane.a, plane.b)) < 1e-14);
  const std::vector<double> g = {0.7, -0.4, 0.5, 1.3, -0.2};
  const AnnularSector s{0.4, 1.7, -0.3, 1.9};
  const double gx = dot(g, plane.a), gy = dot(g, plane.b);
  for (int depth = 1; depth <= 4; ++depth) {
    INFO("depth " << depth);
    const auto c = experiments::sector_circulation(constant_gradient(g), depth, plane, s, 1e-12);
    const double exact = experiments::constant_gradient_circulation(gx, gy, depth, s);
    CHECK(c.converged);
    CHECK(std::abs(c.value - exact) <= 1e-12 * c.scale);
    CHECK(std::abs(c.value - exact) <= c.error);
    if (depth <= 2) {
      CHECK(exact == 0.0);
      CHECK(std::abs(c.value) < 1e-13 * c.scale);
    } else {
      CHECK(std::abs(exact) > 0.02 * c.scale);  // clearly nonzero
      CHECK(std::abs(c.value) > 1e6 * c.error);
    }
  }
}

TEST_CASE("theory: the closed form, checked by hand for N = 3 on a quarter annulus",
          "[experiments][theory]") {
  // g = e_x, r in [1,2], theta in [0, pi/2]: -(2·1/7)·1·(cos(pi/2) - cos 0)·(2^(7/3) - 1).
  const AnnularSector s{1, 2, 0, pi / 2};
  const double expected = 2.0 / 7.0 * (std::pow(2.0, 7.0 / 3.0) - 1);
  CHECK(experiments::constant_gradient_circulation(1, 0, 3, s) == Approx(expected).epsilon(1e-14));
  const Plane plane{{1, 0}, {0, 1}};
  const auto c = experiments::sector_circulation(constant_gradient({1, 0}), 3, plane, s, 1e-12);
  CHECK(c.value == Approx(expected).epsilon(1e-12));
}

TEST_CASE("theory: on a quartic loss N = 1 circulates zero, N = 2 and 3 do not",
          "[experiments][theory]") {
  const LossField loss = quartic();
  const Plane plane = experiments::plane_through({0.3, -1.0, 0.6, 0.2}, 3);
  const AnnularSector s{0.3, 1.2, 0.2, 2.0};
  const auto n1 = experiments::sector_circulation(loss, 1, plane, s, 1e-11);
  CHECK(std::abs(n1.value) <= n1.error);
  CHECK(std::abs(n1.value) < 1e-12 * n1.scale);
  for (int depth : {2, 3}) {
    INFO("depth " << depth);
    const auto c = experiments::sector_circulation(loss, depth, plane, s, 1e-11);
    CHECK(std::abs(c.value) > 1e4 * c.error);
    CHECK(std::abs(c.value) > 1e-3 * c.scale);
    // Green's theorem: the same number from the curl over the area, computed independently
    // (gradient and Hessian instead of the field along the curve).
    const auto green = experiments::sector_curl_integral(loss, depth, plane, s, 1e-10);
    CHECK(std::abs(green.total() - c.value) <= 1e-8 * std::abs(c.value));
    if (depth == 2) CHECK(green.gradient_part == 0.0);  // N = 2: only curvature circulates
  }
}

TEST_CASE("theory: on an isotropic loss (H W parallel to W) N = 2 circulates zero, N = 3 not",
          "[experiments][theory]") {
  const LossField loss = isotropic({0.8, -0.3, 0.5});
  const Plane plane = experiments::plane_through({1.0, 0.2, -0.4}, 11);
  const AnnularSector s{0.5, 2.0, -0.5, 1.5};
  const auto n2 = experiments::sector_circulation(loss, 2, plane, s, 1e-12);
  CHECK(std::abs(n2.value) <= n2.error);
  CHECK(std::abs(n2.value) < 1e-13 * n2.scale);
  const auto n3 = experiments::sector_circulation(loss, 3, plane, s, 1e-12);
  CHECK(std::abs(n3.value) > 1e4 * n3.error);
  const auto green = experiments::sector_curl_integral(loss, 3, plane, s, 1e-10);
  CHECK(std::abs(green.curvature_part) < 1e-12);  // y·x - x·y: the curvature term cancels
  CHECK(std::abs(green.total() - n3.value) <= 1e-8 * std::abs(n3.value));
}

TEST_CASE("theory: on the ethanol l_4 loss N = 1 vanishes, N = 2 and 3 circulate",
          "[experiments][theory]") {
  data::Dataset ds = data::load_gas(std::string(OVERPARAM_SOURCE_DIR) + "/data/gas/ethanol.dat.gz");
  data::normalize(ds, data::Normalization::zscore);
  const auto opt = experiments::lp_optimum(ds.x, ds.y, ds.rows, ds.features, 4);
  const double r = std::sqrt(dot(opt.w, opt.w));
  const Plane plane = experiments::plane_through(opt.w, 1);
  const LossField loss = experiments::lp_regression_field(ds.x, ds.y, ds.rows, ds.features, 4);
  const AnnularSector s{0.5 * r, 1.5 * r, 0, pi / 2};  // the command's default curve
  const auto n1 = experiments::sector_circulation(loss, 1, plane, s, 1e-10);
  CHECK(n1.converged);
  CHECK(std::abs(n1.value) <= n1.error);
  CHECK(std::abs(n1.value) < 1e-13 * n1.scale);
  for (int depth : {2, 3}) {
    INFO("depth " << depth);
    const auto c = experiments::sector_circulation(loss, depth, plane, s, 1e-10);
    CHECK(std::abs(c.value) > 1e6 * c.error);
    CHECK(std::abs(c.value) > 0.1 * c.scale);
  }
}

TEST_CASE("theory: bad curves are rejected", "[experiments][theory]") {
  CHECK_THROWS_AS(experiments::validate_sector({0, 1, 0, 1}), std::invalid_argument);
  CHECK_THROWS_AS(experiments::validate_sector({1, 1, 0, 1}), std::invalid_argument);
  CHECK_THROWS_AS(experiments::validate_sector({1, 2, 1, 1}), std::invalid_argument);
  CHECK_THROWS_AS(experiments::validate_sector({1, 2, 0, 7}), std::invalid_argument);
  CHECK_THROWS_AS(experiments::plane_through({0, 0, 0}, 1), std::invalid_argument);
}

TEST_CASE(
    "theory toy: GD's largest stable rate is 4/y1^(p-2), and depth 2 gives the small "
    "coordinate a larger one",
    "[experiments][theory]") {
  experiments::ToyConfig c;
  c.iterations = 3000;
  const auto r = experiments::run_toy_experiment(c);
  CHECK(r.gd.largest_stable == Approx(4 / (c.y1 * c.y1)).epsilon(1e-5));
  CHECK(r.gd.lr == Approx(c.fraction * r.gd.largest_stable));
  // The depth-2 step is multiplied by ||w|| ≈ y1, so its own rate must be much smaller...
  CHECK(r.deep.largest_stable < r.gd.largest_stable / 10);
  // ...but the rate its small coordinate sees, lr·v², ends up above GD's.
  CHECK(r.deep.final_rate2 > 1.5 * r.gd.final_rate2);
  CHECK(r.deep.dist2.back() < r.gd.dist2.back());
  CHECK(r.deep.dist1.back() < r.gd.dist1.back());
  CHECK(experiments::first_iteration_below(r.gd.dist1, 0.01 * c.y1) > 0);
  CHECK(experiments::first_iteration_below(r.gd.dist2, 0) == -1);
}

TEST_CASE("theory: the command rejects bad arguments with exit code 2", "[experiments][theory]") {
  auto run = [](std::vector<std::string> args) {
    args.insert(args.begin(), "theory");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    return experiments::run_theory(int(args.size()), argv.data());
  };
  CHECK(run({}) == 2);
  CHECK(run({"divergence"}) == 2);
  CHECK(run({"--help"}) == 0);
  CHECK(run({"curl", "--depth", "0"}) == 2);
  CHECK(run({"curl", "--p", "3"}) == 2);
  CHECK(run({"curl", "--r-inner", "0"}) == 2);
  CHECK(run({"curl", "--normalize", "median"}) == 2);
  CHECK(run({"toy", "--fraction", "1.5"}) == 2);
  CHECK(run({"toy", "--y1", "-1"}) == 2);
  CHECK(run({"toy", "--no-such-flag"}) == 2);
}

TEST_CASE("theory curl: the printed field and curl terms show every factor, unambiguously",
          "[experiments][theory]") {
  using Catch::Matchers::Contains;
  const test_process::Outcome o = test_process::run_overparam(
      {"theory", "curl", "--depth", "3", "--tol", "1e-4"}, std::chrono::seconds(120));
  INFO("stdout: " << o.out << "\nstderr: " << o.err);
  REQUIRE_FALSE(o.timed_out);
  CHECK(o.code == 0);
  // ||W||^(4/3), not ||W||^4/3, which reads as ||W||^4 divided by 3.
  CHECK_THAT(o.out, Contains("field: F(W) = ||W||^(4/3) (g + 2 <g,u> u), the depth-3"));
  // curl F = ||W||^(-2/N) [gradient term + curvature term]: both labels carry the factor.
  CHECK_THAT(o.out, Contains("from the gradient term -(N-1)(N-2)/N ||W||^(-2/N) (x g_y - y g_x):"));
  CHECK_THAT(o.out, Contains("from the curvature term (N-1) ||W||^(-2/N) (y (HW)_x - x (HW)_y):"));

  const test_process::Outcome o4 = test_process::run_overparam(
      {"theory", "curl", "--depth", "4", "--tol", "1e-4", "--no-green"}, std::chrono::seconds(120));
  CHECK(o4.code == 0);
  CHECK_THAT(o4.out, Contains("F(W) = ||W||^(3/2) (g + 3 <g,u> u)"));
}

TEST_CASE("theory curl: every printed digit is the same on one OpenBLAS thread or two",
          "[experiments][theory]") {
  std::string out[2];
  for (int threads : {1, 2}) {
    setenv("OPENBLAS_NUM_THREADS", std::to_string(threads).c_str(), 1);
    const test_process::Outcome o = test_process::run_overparam(
        {"theory", "curl", "--depth", "3", "--no-green"}, std::chrono::seconds(120));
    REQUIRE(o.code == 0);
    out[threads - 1] = o.out;
  }
  unsetenv("OPENBLAS_NUM_THREADS");
  CHECK(out[0] == out[1]);
}
