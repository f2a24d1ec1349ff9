// `overparam lsq`: least squares by plain gradient descent on a synthetic problem.
//
// The smallest real training run on the tape, and the first thing to read to see how a step
// works: record the forward pass (matmul, sub, pow, mean), run backward, move the weights
// against the gradient, clear the tape, repeat. The printed loss falls toward the optimum L*,
// which LAPACK's least-squares solver computes directly for comparison.
#include <boost/program_options.hpp>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <random>
#include <stdexcept>

#include "autodiff/autodiff.hpp"
#include "experiments/cli/flags.hpp"

namespace po = boost::program_options;

namespace experiments {

namespace {

struct LsqOptions {
  std::size_t rows = 256, features = 16, iterations = 500, print_every = 50;
  double lr = 1.0, noise = 0.1;
  unsigned seed = 1;
  std::string dtype = "float64";
};

// Minimum of L(w) = ||X w - y||^2 / (2 m), from LAPACK's QR least-squares solver (dgels).
double optimal_loss(const std::vector<double>& x, const std::vector<double>& y, std::size_t m,
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
  const double l_star = optimal_loss(x, y, m, d);

  const ad::Tensor<T> X = ad::Tensor<double>({m, d}, x).template cast<T>();
  const ad::Tensor<T> Y = ad::Tensor<double>({m, 1}, y).template cast<T>();
  ad::Parameter<T> w(ad::Tensor<T>({1, d}), "w");  // the weights start at zero
  ad::Tape<T> tape;

  std::printf("least squares, m = %zu rows, d = %zu features, lr = %g, %s\n", m, d, o.lr,
              o.dtype.c_str());
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
    // Backward, then the gradient-descent step w <- w - lr * dL/dw.
    w.zero_grad();
    tape.backward(loss);
    for (std::size_t j = 0; j < d; ++j) w.value()[j] -= T(o.lr) * w.grad()[j];
  }
  return 0;
}

}  // namespace

int run_lsq(int argc, char** argv) {
  LsqOptions o;
  po::options_description flags(
      "overparam lsq: least squares by gradient descent on a synthetic problem\n\n"
      "Usage: overparam lsq [OPTIONS]\n\nOptions");
  flags.add_options()                                                                    //
      ("help,h", "print this help")                                                      //
      ("rows", po::value(&o.rows)->default_value(o.rows), "examples m")                  //
      ("features", po::value(&o.features)->default_value(o.features), "features d")      //
      ("iterations", po::value(&o.iterations)->default_value(o.iterations), "GD steps")  //
      ("lr", po::value(&o.lr)->default_value(o.lr), "learning rate")                     //
      ("noise", po::value(&o.noise)->default_value(o.noise), "std of the label noise")   //
      ("seed", po::value(&o.seed)->default_value(o.seed), "random seed")                 //
      ("print-every", po::value(&o.print_every)->default_value(o.print_every),
       "print the loss every K iterations")  //
      ("dtype", po::value(&o.dtype)->default_value(o.dtype), "float64 or float32");
  po::variables_map vm;
  if (const int stop = parse_flags("lsq", argc, argv, flags, vm); stop >= 0) return stop;
  auto fail = [](const std::string& why) {
    std::cerr << "overparam lsq: " << why << "\n";
    return 2;
  };
  if (o.rows == 0 || o.features == 0) return fail("--rows and --features must be at least 1");
  if (o.rows > 1000000 || o.features > 10000) return fail("--rows <= 1e6 and --features <= 1e4");
  if (!(o.lr > 0) || !std::isfinite(o.lr)) return fail("--lr must be a positive number");
  if (!(o.noise >= 0)) return fail("--noise must be >= 0");
  if (o.print_every == 0) return fail("--print-every must be at least 1");
  if (o.dtype == "float64") return train<double>(o);
  if (o.dtype == "float32") return train<float>(o);
  return fail("--dtype must be float64 or float32, not '" + o.dtype + "'");
}

}  // namespace experiments
