#include "experiments/linear/optimum.hpp"

#include <cblas.h>
#include <lapacke.h>

#include <cmath>
#include <stdexcept>
#include <string>

namespace experiments {

namespace {
double ipow(double v, int p) {
  double r = 1;
  for (int i = 0; i < p; ++i) r *= v;
  return r;
}
int as_int(std::size_t n) {
  return static_cast<int>(n);
}
}  // namespace

double lp_loss_and_grad(const std::vector<double>& x, const std::vector<double>& y, std::size_t m,
                        std::size_t d, int p, const std::vector<double>& w,
                        std::vector<double>* grad) {
  std::vector<double> r(y);  // r = X w - y
  cblas_dgemv(CblasRowMajor, CblasNoTrans, as_int(m), as_int(d), 1.0, x.data(), as_int(d), w.data(),
              1, -1.0, r.data(), 1);
  double loss = 0;
  for (double& ri : r) {
    loss += ipow(ri, p);
    ri = ipow(ri, p - 1);  // reused for the gradient (1/m) Xᵀ r^(p-1)
  }
  if (grad != nullptr) {
    grad->assign(d, 0.0);
    cblas_dgemv(CblasRowMajor, CblasTrans, as_int(m), as_int(d), 1.0 / double(m), x.data(),
                as_int(d), r.data(), 1, 0.0, grad->data(), 1);
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
    std::vector<double> a(x);
    std::vector<double> b(std::max(m, d), 0.0);
    std::copy(y.begin(), y.end(), b.begin());
    std::vector<double> s(std::min(m, d));
    int rank = 0;
    const int info = LAPACKE_dgelsd(LAPACK_ROW_MAJOR, as_int(m), as_int(d), 1, a.data(), as_int(d),
                                    b.data(), 1, s.data(), -1.0, &rank);
    if (info != 0)
      throw std::runtime_error("LAPACK dgelsd failed with info " + std::to_string(info));
    opt.w.assign(b.begin(), b.begin() + static_cast<long>(d));
  }

  std::vector<double> g;
  double loss = lp_loss_and_grad(x, y, m, d, p, opt.w, &g);
  auto norm = [](const std::vector<double>& v) {
    return std::sqrt(cblas_ddot(int(v.size()), v.data(), 1, v.data(), 1));
  };

  // Newton: H = ((p-1)/m) Xᵀ diag(r^(p-2)) X, step Δ solving H Δ = g, w <- w - t Δ.
  std::vector<double> scaled(m * d), hessian(d * d), step(d), trial(d), r(m);
  for (int it = 0; p > 2 && it < 100 && norm(g) > 1e-12; ++it) {
    r = y;
    cblas_dgemv(CblasRowMajor, CblasNoTrans, as_int(m), as_int(d), 1.0, x.data(), as_int(d),
                opt.w.data(), 1, -1.0, r.data(), 1);
    for (std::size_t i = 0; i < m; ++i) {  // row i of X times |r_i|^((p-2)/2)
      const double f = ipow(std::abs(r[i]), (p - 2) / 2);
      for (std::size_t j = 0; j < d; ++j) scaled[i * d + j] = x[i * d + j] * f;
    }
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, as_int(d), as_int(m),
                double(p - 1) / double(m), scaled.data(), as_int(d), 0.0, hessian.data(),
                as_int(d));
    // Solve by Cholesky; if H is singular to working precision, damp it and retry.
    int info = 1;
    for (double damping = 0; info != 0 && damping < 1e6;
         damping = damping == 0 ? 1e-12 : damping * 100) {
      std::vector<double> h(hessian);
      for (std::size_t j = 0; j < d; ++j) h[j * d + j] += damping;
      step = g;
      info =
          LAPACKE_dposv(LAPACK_ROW_MAJOR, 'U', as_int(d), 1, h.data(), as_int(d), step.data(), 1);
    }
    if (info != 0) break;

    const double slope = cblas_ddot(as_int(d), g.data(), 1, step.data(), 1);
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
