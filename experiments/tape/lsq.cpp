#include "experiments/tape/lsq.hpp"

#include <cmath>
#include <cstdio>
#include <random>

#include "autodiff/autodiff.hpp"
#include "experiments/report/interrupt.hpp"

namespace experiments {

// Minimum of L(w) = ||X w - y||^2 / (2 m), from LAPACK's QR least-squares solver (dgels).
double lsq_optimal_loss(const std::vector<double>& x, const std::vector<double>& y, std::size_t m,
                        std::size_t d) {
  const ad::Tensor<double> w =
      ad::least_squares_qr(ad::Tensor<double>({m, d}, x), ad::Tensor<double>({m}, y));
  double sse = 0;
  for (std::size_t i = 0; i < m; ++i) {
    double r = -y[i];
    for (std::size_t j = 0; j < d; ++j) r += x[i * d + j] * w[j];
    sse += r * r;
  }
  return sse / (2.0 * double(m));
}

namespace {

template <typename T>
int train(const LsqOptions& o) {
  // The problem: y = X w_true + noise, with w_true standard normal and column j of X normal
  // with scale 1/(j+1): an ill-conditioned problem, so gradient descent visibly takes its time.
  std::mt19937_64 rng(o.seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  const std::size_t m = o.rows, d = o.features;
  std::vector<double> x(m * d), w_true(d), y(m);
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < d; ++j) x[i * d + j] = normal(rng) / double(j + 1);
  for (double& v : w_true) v = normal(rng);
  for (std::size_t i = 0; i < m; ++i) {
    y[i] = o.noise * normal(rng);
    for (std::size_t j = 0; j < d; ++j) y[i] += x[i * d + j] * w_true[j];
  }
  const double l_star = lsq_optimal_loss(x, y, m, d);

  const ad::Tensor<T> X = ad::Tensor<double>({m, d}, x).template cast<T>();
  const ad::Tensor<T> Y = ad::Tensor<double>({m, 1}, y).template cast<T>();
  ad::Parameter<T> w(ad::Tensor<T>({1, d}), "w");  // the weights start at zero
  ad::Tape<T> tape;

  std::printf("least squares, m = %zu rows, d = %zu features, lr = %g, %s\n", m, d, o.lr,
              o.float32 ? "float32" : "float64");
  std::printf("L(w) = ||X w - y||^2 / (2m);  optimum L* = %.6e (LAPACK dgels)\n\n", l_star);
  std::printf("%10s  %14s  %14s\n", "iteration", "loss", "loss - L*");
  for (std::size_t it = 0; it <= o.iterations; ++it) {
    // Forward: yhat[m,1] = X[m,d] · wᵀ[d,1];  loss = mean((yhat - y)^2) / 2.
    tape.clear();
    auto yhat = ad::matmul(tape.input(X), tape.param(w), ad::Transpose::no, ad::Transpose::yes);
    auto loss = T(0.5) * ad::mean(ad::pow(yhat - tape.input(Y), 2));
    const double value = loss.value().item();
    if (it % o.print_every == 0 || it == o.iterations) {
      std::printf("%10zu  %14.6e  %14.6e\n", it, value, value - l_star);
    }
    if (!std::isfinite(value) || value > 1e12) {
      std::fprintf(stderr, "diverged at iteration %zu (loss %g); try a smaller --lr\n", it, value);
      return 1;
    }
    if (it == o.iterations) break;
    if (interrupted()) {  // Ctrl-C or SIGTERM: stop at this step, its loss printed last
      if (it % o.print_every != 0)
        std::printf("%10zu  %14.6e  %14.6e\n", it, value, value - l_star);
      std::fprintf(stderr, "overparam lsq: interrupted at iteration %zu of %zu\n", it,
                   o.iterations);
      return interrupted_exit_code();
    }
    // Backward, then the gradient-descent step w <- w - lr * dL/dw.
    w.zero_grad();
    tape.backward(loss);
    for (std::size_t j = 0; j < d; ++j) w.value()[j] -= T(o.lr) * w.grad()[j];
  }
  return 0;
}

}  // namespace

int run_lsq_lesson(const LsqOptions& o) {
  return o.float32 ? train<float>(o) : train<double>(o);
}

}  // namespace experiments
