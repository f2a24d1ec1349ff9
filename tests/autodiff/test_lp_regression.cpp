#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "autodiff/lp_kernel.hpp"
#include "gradcheck.hpp"

using ad::Tensor;
using testing::random_tensor;

namespace {

// Rows [first, first + count) of a matrix.
Tensor<double> rows_of(const Tensor<double>& a, std::size_t first, std::size_t count) {
  Tensor<double> out({count, a.cols()});
  for (std::size_t i = 0; i < count; ++i)
    for (std::size_t j = 0; j < a.cols(); ++j) out.at(i, j) = a.at(first + i, j);
  return out;
}

// The fused op on a tape of precision T, with X and Y as constants (no gradient).
template <typename T>
ad::Var<T> fused(ad::Tape<T>& tape, ad::Var<T> v, const Tensor<double>& x, const Tensor<double>& y,
                 int p) {
  return ad::lp_regression_losses(tape.constant(x.template cast<T>()), v,
                                  tape.constant(y.template cast<T>()), p);
}

struct LossAndGrad {
  std::vector<double> loss;  // [K]
  Tensor<double> grad;       // [K·k, d]
};

// The fused op: every model's loss and dΣL/dV.
template <typename T>
LossAndGrad run_fused(const Tensor<double>& x, const Tensor<double>& v, const Tensor<double>& y,
                      int p) {
  ad::Tape<T> tape;
  auto vv = tape.variable(v.template cast<T>());
  auto losses = fused(tape, vv, x, y, p);
  tape.backward(ad::sum(losses));
  LossAndGrad out;
  for (T l : losses.value()) out.loss.push_back(double(l));
  out.grad = vv.grad().template cast<double>();
  return out;
}

// ad::LpRegression's losses of V, the data cast to T (the regression object may go: the node
// keeps what its backward needs).
template <typename T>
ad::Var<T> prepared(ad::Var<T> v, const Tensor<double>& x, const Tensor<double>& y, int p) {
  const ad::LpRegression<T> regression(x.template cast<T>(), y.template cast<T>(), p);
  return regression.losses(v);
}

// The same through ad::LpRegression (for p = 2, from the Gram matrices).
template <typename T>
LossAndGrad run_prepared(const Tensor<double>& x, const Tensor<double>& v, const Tensor<double>& y,
                         int p) {
  const ad::LpRegression<T> regression(x.template cast<T>(), y.template cast<T>(), p);
  ad::Tape<T> tape;
  auto vv = tape.variable(v.template cast<T>());
  auto losses = regression.losses(vv);
  tape.backward(ad::sum(losses));
  LossAndGrad out;
  for (T l : losses.value()) out.loss.push_back(double(l));
  out.grad = vv.grad().template cast<double>();
  return out;
}

// nn::lp_loss's composition (nn/losses.cpp; autodiff's tests do not link nn):
// L = (1/(p·m)) · sum(pow(Yhat - Y, p)).
template <typename T>
ad::Var<T> lp_loss(ad::Var<T> yhat, ad::Var<T> y, int p) {
  const T scale = T{1} / (T(p) * T(yhat.shape()[0]));
  return ad::scale(ad::sum(ad::pow(ad::sub(yhat, y), p)), scale);
}

// The same from the composition the fused op replaces, model by model:
// lp_loss(matmul(X, V_a, no, yes), Y, p) and its gradient.
template <typename T>
LossAndGrad run_composed(const Tensor<double>& x, const Tensor<double>& v, const Tensor<double>& y,
                         int p) {
  const std::size_t k = y.cols(), models = v.rows() / k;
  const Tensor<T> X = x.template cast<T>(), Y = y.template cast<T>();
  LossAndGrad out;
  out.grad = Tensor<double>(v.shape());
  for (std::size_t a = 0; a < models; ++a) {
    ad::Tape<T> tape;
    auto va = tape.variable(rows_of(v, a * k, k).template cast<T>());
    auto yhat = ad::matmul(tape.input(X), va, ad::Transpose::no, ad::Transpose::yes);
    auto loss = lp_loss(yhat, tape.input(Y), p);
    tape.backward(loss);
    out.loss.push_back(double(loss.value().item()));
    for (std::size_t c = 0; c < k; ++c)
      for (std::size_t j = 0; j < v.cols(); ++j) out.grad.at(a * k + c, j) = va.grad().at(c, j);
  }
  return out;
}

double max_relative_error(const Tensor<double>& a, const Tensor<double>& b) {
  double scale = 0, worst = 0;
  for (double v : b) scale = std::max(scale, std::abs(v));
  for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
  return worst / scale;
}

// A problem whose residuals are of order one: X and V random, Y near X·V_0ᵀ.
struct Problem {
  Tensor<double> x, v, y;
};
Problem problem(std::size_t m, std::size_t d, std::size_t k, std::size_t models, unsigned seed) {
  return {random_tensor({m, d}, seed), random_tensor({models * k, d}, seed + 1, -0.3, 0.3),
          random_tensor({m, k}, seed + 2)};
}

// Each model's loss within `epsilon` of the reference's, the gradient within `epsilon` relative.
void check_matches(const LossAndGrad& got, const LossAndGrad& reference, double epsilon) {
  REQUIRE(got.loss.size() == reference.loss.size());
  for (std::size_t a = 0; a < got.loss.size(); ++a)
    CHECK(got.loss[a] == Approx(reference.loss[a]).epsilon(epsilon));
  CHECK(max_relative_error(got.grad, reference.grad) < epsilon);
}

bool bits_equal(const double* a, const double* b, std::size_t n) {
  return std::memcmp(a, b, n * sizeof(double)) == 0;
}

}  // namespace

TEST_CASE("lp_regression_losses: equals lp_loss of each model's predictions, value and gradient",
          "[autodiff]") {
  // 37 rows and 11 features: neither fills a vector or a block, so every tail path runs.
  for (int p : {2, 4})
    for (std::size_t k : {1u, 3u})
      for (std::size_t models : {1u, 5u}) {
        INFO("p " << p << ", k " << k << ", K " << models);
        const Problem pr = problem(37, 11, k, models, unsigned(p * 100 + k * 10 + models));
        const LossAndGrad reference = run_composed<double>(pr.x, pr.v, pr.y, p);
        REQUIRE(reference.loss.size() == models);
        check_matches(run_fused<double>(pr.x, pr.v, pr.y, p), reference, 1e-13);
        check_matches(run_fused<float>(pr.x, pr.v, pr.y, p),
                      run_composed<float>(pr.x, pr.v, pr.y, p), 1e-5);
      }
}

TEST_CASE("LpRegression: equals lp_loss of each model's predictions, p = 2 from XᵀX included",
          "[autodiff]") {
  for (int p : {2, 4})
    for (std::size_t k : {1u, 3u})
      for (std::size_t models : {1u, 5u}) {
        INFO("p " << p << ", k " << k << ", K " << models);
        const Problem pr = problem(37, 11, k, models, unsigned(p * 100 + k * 10 + models));
        const LossAndGrad reference = run_composed<double>(pr.x, pr.v, pr.y, p);
        REQUIRE(reference.loss.size() == models);
        check_matches(run_prepared<double>(pr.x, pr.v, pr.y, p), reference, 1e-13);
        check_matches(run_prepared<float>(pr.x, pr.v, pr.y, p), reference, 1e-5);
      }
}

TEST_CASE("LpRegression: backward matches finite differences, p = 2 and 4",
          "[autodiff][gradcheck]") {
  for (int p : {2, 4}) {
    INFO("p " << p);
    const Problem pr = problem(9, 4, 2, 3, unsigned(p + 20));
    auto build = [&](auto&, const auto& xs) { return prepared(xs[0], pr.x, pr.y, p); };
    CHECK_GRADIENTS(build, std::vector{pr.v});
  }
}

TEST_CASE("lp_regression_losses: backward matches finite differences", "[autodiff][gradcheck]") {
  for (int p : {2, 4}) {
    INFO("p " << p);
    const Problem pr = problem(9, 4, 2, 3, unsigned(p));  // K = 3 models of k = 2 outputs
    auto build = [&](auto& tape, const auto& xs) { return fused(tape, xs[0], pr.x, pr.y, p); };
    CHECK_GRADIENTS(build, std::vector{pr.v});
  }
}

TEST_CASE("lp_regression_kernel: a model's results do not depend on the stack it is in",
          "[autodiff]") {
  // Every instruction set this machine runs: alone or among others, a row of V gets the same
  // bits; across instruction sets, the same numbers to rounding.
  const std::size_t m = 301, d = 37, n = 7;  // more rows than one block, odd feature count
  const Problem pr = problem(m, d, 1, n, 5);
  std::vector<double> reference_loss, reference_grad;
  for (ad::KernelIsa isa : {ad::KernelIsa::generic, ad::KernelIsa::avx2, ad::KernelIsa::avx512}) {
    if (!ad::kernel_isa_supported(isa)) continue;
    INFO(ad::kernel_isa_name(isa));
    for (int p : {2, 4, 6}) {
      INFO("p " << p);
      std::vector<double> loss(n), grad(n * d);
      ad::lp_regression_kernel(pr.x.data(), m, d, pr.v.data(), n, pr.y.data(), 1, p, loss.data(),
                               grad.data(), isa);
      for (std::size_t q = 0; q < n; ++q) {
        double alone_loss = 0;
        std::vector<double> alone_grad(d);
        ad::lp_regression_kernel(pr.x.data(), m, d, pr.v.data() + q * d, 1, pr.y.data(), 1, p,
                                 &alone_loss, alone_grad.data(), isa);
        CHECK(bits_equal(&alone_loss, &loss[q], 1));
        CHECK(bits_equal(alone_grad.data(), grad.data() + q * d, d));
      }
      if (p == 2) {  // the Gram form, alone or stacked
        std::vector<double> gram(d * d), xty(d), yty(1);
        for (std::size_t i = 0; i < m; ++i) {
          yty[0] += pr.y[i] * pr.y[i];
          for (std::size_t j = 0; j < d; ++j) {
            xty[j] += pr.x.at(i, j) * pr.y[i];
            for (std::size_t t = 0; t < d; ++t) gram[j * d + t] += pr.x.at(i, j) * pr.x.at(i, t);
          }
        }
        std::vector<double> gloss(n), ggrad(n * d);
        ad::lp_gram_kernel(gram.data(), xty.data(), yty.data(), m, d, pr.v.data(), n, 1,
                           gloss.data(), ggrad.data(), isa);
        for (std::size_t q = 0; q < n; ++q) {
          double alone_loss = 0;
          std::vector<double> alone_grad(d);
          ad::lp_gram_kernel(gram.data(), xty.data(), yty.data(), m, d, pr.v.data() + q * d, 1, 1,
                             &alone_loss, alone_grad.data(), isa);
          CHECK(bits_equal(&alone_loss, &gloss[q], 1));
          CHECK(bits_equal(alone_grad.data(), ggrad.data() + q * d, d));
          CHECK(gloss[q] == Approx(loss[q]).epsilon(1e-12));
        }
      }
      double no_grad_loss[n];
      ad::lp_regression_kernel(pr.x.data(), m, d, pr.v.data(), n, pr.y.data(), 1, p, no_grad_loss,
                               static_cast<double*>(nullptr), isa);
      CHECK(bits_equal(no_grad_loss, loss.data(), n));
      if (p != 4) continue;
      if (reference_loss.empty()) {
        reference_loss = loss;
        reference_grad = grad;
      }
      for (std::size_t q = 0; q < n; ++q)
        CHECK(loss[q] == Approx(reference_loss[q]).epsilon(1e-13));
      double scale = 0, worst = 0;
      for (std::size_t i = 0; i < grad.size(); ++i) {
        scale = std::max(scale, std::abs(reference_grad[i]));
        worst = std::max(worst, std::abs(grad[i] - reference_grad[i]));
      }
      CHECK(worst <= 1e-13 * scale);
    }
  }
}

TEST_CASE("lp_regression_kernel: a large X is shared between threads, same bits on any count",
          "[autodiff][threads]") {
  // 2565 x 128 (the ethanol data's shape) is cut into four parts of rows; whatever the threads,
  // every loss and gradient entry is the same to the bit, and equals a direct sum to rounding.
  const std::size_t m = 2565, d = 128, n = 3;
  const Problem pr = problem(m, d, 1, n, 11);
  auto run = [&](int threads, ad::blas::Threading how) {
    ad::blas::set_num_threads(threads, how);
    std::vector<double> loss(n), grad(n * d);
    ad::lp_regression_kernel(pr.x.data(), m, d, pr.v.data(), n, pr.y.data(), 1, 4, loss.data(),
                             grad.data());
    loss.insert(loss.end(), grad.begin(), grad.end());
    return loss;
  };
  const int before = ad::blas::num_threads();
  const std::vector<double> one = run(1, ad::blas::Threading::openblas);
  for (int threads : {2, 3, 4}) {
    INFO(threads << " threads");
    const std::vector<double> own = run(threads, ad::blas::Threading::own);
    const std::vector<double> openblas = run(threads, ad::blas::Threading::openblas);
    CHECK(bits_equal(own.data(), one.data(), one.size()));
    CHECK(bits_equal(openblas.data(), one.data(), one.size()));
  }
  ad::blas::set_num_threads(before);
  for (std::size_t q = 0; q < n; ++q) {  // Σ r^4 and (1/m) Σ r^3 x_i, directly
    double loss = 0;
    std::vector<double> grad(d, 0.0);
    for (std::size_t i = 0; i < m; ++i) {
      double r = -pr.y[i];
      for (std::size_t j = 0; j < d; ++j) r += pr.x.at(i, j) * pr.v.at(q, j);
      loss += r * r * r * r;
      for (std::size_t j = 0; j < d; ++j) grad[j] += r * r * r * pr.x.at(i, j) / double(m);
    }
    CHECK(one[q] == Approx(loss).epsilon(1e-12));
    for (std::size_t j = 0; j < d; ++j)
      CHECK(one[n + q * d + j] == Approx(grad[j]).epsilon(1e-10).margin(1e-12));
  }
}

TEST_CASE("lp_regression_losses: a known example by hand", "[autodiff]") {
  // X = [[1, 2], [3, 4]], y = [1, 2]; model 0 is v = [1, 0] (residuals 0, 1), model 1 is
  // v = [0, 1] (residuals 1, 2). p = 4, m = 2: L = Σ r^4 / 8, so 1/8 and 17/8;
  // dL/dv = (1/2) Σ r^3 x_i: model 0 (1/2)·1·[3, 4], model 1 (1/2)·([1, 2] + 8·[3, 4]).
  const Tensor<double> x({2, 2}, {1, 2, 3, 4}), y({2, 1}, {1, 2});
  ad::Tape<double> tape;
  auto v = tape.variable(Tensor<double>({2, 2}, {1, 0, 0, 1}));
  auto losses = ad::lp_regression_losses(tape.input(x), v, tape.input(y), 4);
  REQUIRE(losses.shape() == ad::Shape{2});
  CHECK(losses.value()[0] == Approx(1.0 / 8));
  CHECK(losses.value()[1] == Approx(17.0 / 8));
  tape.backward(ad::sum(losses));
  const std::vector<double> expected = {1.5, 2, 12.5, 17};
  for (std::size_t i = 0; i < 4; ++i) CHECK(v.grad()[i] == Approx(expected[i]));
}

TEST_CASE("lp_regression_losses: under NoGradGuard, the same values and no backward",
          "[autodiff]") {
  const Problem pr = problem(20, 6, 1, 3, 9);
  const LossAndGrad with_grad = run_fused<double>(pr.x, pr.v, pr.y, 4);
  ad::NoGradGuard no_grad;
  ad::Tape<double> tape;
  auto losses = fused(tape, tape.variable(pr.v), pr.x, pr.y, 4);
  for (std::size_t a = 0; a < 3; ++a) CHECK(losses.value()[a] == with_grad.loss[a]);
  CHECK_FALSE(losses.requires_grad());
}

TEST_CASE("LpRegression: data of mismatched shapes, and odd p, are refused", "[autodiff][errors]") {
  CHECK_THROWS_WITH(ad::LpRegression<double>(Tensor<double>({4, 3}), Tensor<double>({3, 1}), 2),
                    Catch::Contains("X is [4,3] and Y is [3,1]"));
  CHECK_THROWS_WITH(ad::LpRegression<double>(Tensor<double>({4, 3}), Tensor<double>({4, 1}), 5),
                    Catch::Contains("p must be an even integer"));
  const ad::LpRegression<double> regression(Tensor<double>({4, 3}), Tensor<double>({4, 2}), 2);
  ad::Tape<double> tape;
  CHECK_THROWS_WITH(regression.losses(tape.variable(Tensor<double>({3, 3}))),
                    Catch::Contains("V is [3,3]"));
}

TEST_CASE("lp_regression_losses: bad shapes, a gradient into the data and odd p are refused",
          "[autodiff][errors]") {
  ad::Tape<double> tape;
  const Tensor<double> x({4, 3}), y({4, 2});
  auto v = tape.variable(Tensor<double>({4, 3}));
  CHECK_THROWS_WITH(ad::lp_regression_losses(tape.input(x), v, tape.input(y), 3),
                    Catch::Contains("p must be an even integer"));
  auto v_bad = tape.variable(Tensor<double>({3, 3}));  // 3 rows: not a multiple of k = 2
  CHECK_THROWS_WITH(ad::lp_regression_losses(tape.input(x), v_bad, tape.input(y), 2),
                    Catch::Contains("V is [3,3]") && Catch::Contains("V [K·k,d]"));
  auto v_wide = tape.variable(Tensor<double>({2, 5}));
  CHECK_THROWS_AS(ad::lp_regression_losses(tape.input(x), v_wide, tape.input(y), 2),
                  std::invalid_argument);
  const Tensor<double> y_short({3, 2});
  CHECK_THROWS_AS(ad::lp_regression_losses(tape.input(x), v, tape.input(y_short), 2),
                  std::invalid_argument);
  CHECK_THROWS_WITH(ad::lp_regression_losses(tape.variable(x), v, tape.input(y), 2),
                    Catch::Contains("X needs a gradient") && Catch::Contains("tape.input()"));
}
