// AdaDelta: AdaGrad's per-coordinate step without its ever-growing sum, and without units
// mismatch: the step is scaled by a running RMS of past steps over a running RMS of gradients.
//
//   E[g²]  <- ρ·E[g²] + (1-ρ)·g²                           (both averages start at 0)
//   Δ      <- sqrt(E[Δ²] + eps) / sqrt(E[g²] + eps) · g
//   E[Δ²]  <- ρ·E[Δ²] + (1-ρ)·Δ²
//   w      <- w - lr·Δ
//
// Zeiler's paper has no learning rate (lr = 1, the default here); lr is a multiplier on the
// step, as in TensorFlow's AdadeltaOptimizer and PyTorch, and E[Δ²] accumulates the step before
// that multiplier. eps sits inside both square roots; it also sets the size of the first steps
// (about sqrt(eps)/sqrt(1-ρ) per coordinate), so AdaDelta starts slowly. Weight decay λ adds
// λ·w to g.
#pragma once

#include <string>
#include <vector>

#include "optim/optimizer.hpp"

namespace optim {

struct AdaDeltaOptions {
  double lr = 1.0;            // multiplier on the step (the paper: 1)
  double rho = 0.95;          // ρ in [0, 1): decay of both running averages (the paper: 0.95)
  double eps = 1e-6;          // > 0, inside both square roots (the paper: 1e-6)
  double weight_decay = 0.0;  // λ >= 0: g <- g + λ·w
};

// Zeiler (2012), "ADADELTA: An Adaptive Learning Rate Method", arXiv:1212.5701 (Algorithm 1).
template <typename T>
class AdaDelta : public Optimizer<T> {
 public:
  // Requires: lr > 0, rho in [0, 1), eps > 0, weight_decay >= 0 (throws std::invalid_argument).
  explicit AdaDelta(std::vector<ad::Parameter<T>*> params, AdaDeltaOptions options = {});
  void step() override;
  std::string name() const override { return "AdaDelta"; }

 private:
  double rho_;
  double eps_;
  double weight_decay_;
  std::vector<ad::Tensor<T>> mean_sq_grad_;  // E[g²], aligned with params_
  std::vector<ad::Tensor<T>> mean_sq_step_;  // E[Δ²], aligned with params_
};

}  // namespace optim
