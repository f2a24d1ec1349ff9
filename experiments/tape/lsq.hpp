// `overparam lsq`'s lesson: least squares by plain gradient descent on a synthetic problem.
//
// The smallest real training run on the tape, and the first thing to read to see how a step
// works: record the forward pass (matmul, sub, pow, mean), run backward, move the weights
// against the gradient, clear the tape, repeat. The printed loss falls toward the optimum L*,
// which LAPACK's least-squares solver computes directly for comparison.
#pragma once

#include <cstddef>
#include <vector>

namespace experiments {

struct LsqOptions {
  std::size_t rows = 256, features = 16, iterations = 500, print_every = 50;
  double lr = 1.0, noise = 0.1;
  unsigned seed = 1;
  bool float32 = false;  // train in float32 instead of float64
};

// Trains and prints the loss every print_every iterations; returns 0, or 1 (with a message on
// stderr) when the loss diverges, or 130/143 after printing the step where a SIGINT/SIGTERM
// stopped it (report/interrupt.hpp). Requires: sizes >= 1, lr > 0, print_every >= 1.
int run_lsq_lesson(const LsqOptions& options);

// The minimum of L(w) = ||X w - y||^2 / (2 m) over w, X [m,d] row-major, by LAPACK's QR solver.
double lsq_optimal_loss(const std::vector<double>& x, const std::vector<double>& y, std::size_t m,
                        std::size_t d);

}  // namespace experiments
