// The optimum of l_p linear regression, L* = min_w (1/(p·m)) Σ_i (x_i·w - y_i)^p, computed
// directly so that every loss curve can be shown as its distance from the optimum, L - L*.
//
//   p = 2: a least-squares problem, solved by LAPACK (SVD-based dgelsd, robust to collinear
//          features).
//   p > 2 (even): the loss is convex and smooth; Newton's method started from the least-squares
//          solution, with a backtracking (Armijo) line search, until the gradient norm is at
//          most 1e-12 (or no step improves the loss any more, which the result reports).
#pragma once

#include <cstddef>
#include <vector>

namespace experiments {

struct Optimum {
  std::vector<double> w;  // [d], the minimizer
  double loss = 0;        // L*
  double grad_norm = 0;   // ||∇L(w)||₂ at w
  int newton_steps = 0;   // 0 for p = 2
};

// Requires: x is [m,d] row-major, y is [m], m, d >= 1, p even and >= 2.
// Throws std::invalid_argument on bad sizes or p, std::runtime_error if LAPACK fails.
Optimum lp_optimum(const std::vector<double>& x, const std::vector<double>& y, std::size_t m,
                   std::size_t d, int p);

// L(w) and ∇L(w) of the l_p loss above (the gradient is written into grad, [d]).
double lp_loss_and_grad(const std::vector<double>& x, const std::vector<double>& y, std::size_t m,
                        std::size_t d, int p, const std::vector<double>& w,
                        std::vector<double>* grad);

}  // namespace experiments
