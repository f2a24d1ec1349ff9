#include "experiments/linear/optimum.hpp"

#include <cmath>
#include <optional>
#include <stdexcept>
#include <string>

#include "autodiff/blas.hpp"
#include "autodiff/linalg.hpp"

namespace experiments {

namespace {
double ipow(double v, int p) {
  double r = 1;
  for (int i = 0; i < p; ++i) r *= v;
  return r;
}
}  // namespace

double lp_loss_and_grad(const std::vector<double>& x, const std::vector<double>& y, std::size_t m,
                        std::size_t d, int p, const std::vector<double>& w,
                        std::vector<double>* grad) {
  std::vector<double> r(y);  // r = X w - y
  ad::blas::gemv(ad::Transpose::no, m, d, 1.0, x.data(), w.data(), -1.0, r.data());
  double loss = 0;
  for (double& ri : r) {
    loss += ipow(ri, p);
    ri = ipow(ri, p - 1);  // reused for the gradient (1/m) Xᵀ r^(p-1)
  }
  if (grad != nullptr) {
    grad->assign(d, 0.0);
    ad::blas::gemv(ad::Transpose::yes, m, d, 1.0 / double(m), x.data(), r.data(), 0.0,
                   grad->data());
  }
  return loss / (double(p) * double(m));
}

Optimum lp_optimum(const std::vector<double>& x, const std::vector<double>& y, std::size_t m,
                   std::size_t d, int p) {
  if (m == 0 || d == 0 || x.size() != m * d || y.size() != m) {
    throw std::invalid_argument("lp_optimum: expected x [m,d] and y [m] with m, d >= 1");
  }
  if (p < 2 || p % 2 != 0) {
    throw std::invalid_argument("lp_optimum: p must be an even integer >= 2, got " +
                                std::to_string(p));
  }
  Optimum opt;

  // Least squares: min ||X w - y||², the p = 2 optimum and the start of Newton's method.
  {
    const ad::Tensor<double> w =
        ad::least_squares(ad::Tensor<double>({m, d}, x), ad::Tensor<double>({m}, y)).x;
    opt.w.assign(w.begin(), w.end());
  }

  std::vector<double> g;
  double loss = lp_loss_and_grad(x, y, m, d, p, opt.w, &g);
  auto norm = [](const std::vector<double>& v) {
    return std::sqrt(ad::blas::dot(v.size(), v.data(), v.data()));
  };

  // Newton: H = ((p-1)/m) Xᵀ diag(r^(p-2)) X, step Δ solving H Δ = g, w <- w - t Δ.
  std::vector<double> scaled(m * d), trial(d), r(m);
  ad::Tensor<double> hessian({d, d});
  for (int it = 0; p > 2 && it < 100 && norm(g) > 1e-12; ++it) {
    r = y;
    ad::blas::gemv(ad::Transpose::no, m, d, 1.0, x.data(), opt.w.data(), -1.0, r.data());
    for (std::size_t i = 0; i < m; ++i) {  // row i of X times |r_i|^((p-2)/2)
      const double f = ipow(std::abs(r[i]), (p - 2) / 2);
      for (std::size_t j = 0; j < d; ++j) scaled[i * d + j] = x[i * d + j] * f;
    }
    ad::blas::gram(ad::Transpose::yes, d, m, double(p - 1) / double(m), scaled.data(), 0.0,
                   hessian.data());
    // Solve by Cholesky; if H is singular to working precision, damp it and retry.
    std::optional<ad::Tensor<double>> solved;
    const ad::Tensor<double> rhs({d}, g);
    for (double damping = 0; !solved && damping < 1e6;
         damping = damping == 0 ? 1e-12 : damping * 100) {
      ad::Tensor<double> h(hessian);
      for (std::size_t j = 0; j < d; ++j) h[j * d + j] += damping;
      solved = ad::solve_positive_definite(h, rhs);
    }
    if (!solved) break;
    const ad::Tensor<double>& step = *solved;

    const double slope = ad::blas::dot(d, g.data(), step.data());
    double t = 1, trial_loss = loss;
    bool improved = false;
    for (int halvings = 0; halvings < 60; ++halvings, t /= 2) {
      for (std::size_t j = 0; j < d; ++j) trial[j] = opt.w[j] - t * step[j];
      trial_loss = lp_loss_and_grad(x, y, m, d, p, trial, nullptr);
      if (trial_loss <= loss - 1e-4 * t * slope) {
        improved = true;
        break;
      }
    }
    if (!improved) break;  // at the floor of double precision
    opt.w = trial;
    loss = lp_loss_and_grad(x, y, m, d, p, opt.w, &g);
    opt.newton_steps = it + 1;
  }
  opt.loss = loss;
  opt.grad_norm = norm(g);
  return opt;
}

}  // namespace experiments
