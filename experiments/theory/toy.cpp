#include "experiments/theory/toy.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "experiments/report/interrupt.hpp"

namespace experiments {

void validate_toy(const ToyConfig& c) {
  auto fail = [](const std::string& why) { throw std::invalid_argument(why); };
  if (!(c.y1 > 0) || !std::isfinite(c.y1)) fail("--y1 must be a positive number");
  if (!(c.y2 > 0) || !std::isfinite(c.y2)) fail("--y2 must be a positive number");
  if (c.p < 2 || c.p % 2 != 0 || c.p > 16)
    fail("--p must be an even integer from 2 to 16, got " + std::to_string(c.p));
  if (c.iterations < 10 || c.iterations > 10'000'000) fail("--iterations must be in [10, 1e7]");
  if (!(c.fraction > 0 && c.fraction <= 1)) fail("--fraction must be in (0, 1]");
  if (!(c.init_scale > 0) || !std::isfinite(c.init_scale)) fail("--init-scale must be > 0");
}

namespace {

enum class ToyMethod { gd, deep };

// Runs one method for `iterations` steps at rate lr. Returns false if it blew up (a non-finite
// or far-off weight) or ended with a loss no lower than its start; fills the distances if asked.
bool toy_run(const ToyConfig& c, ToyMethod method, double lr, std::vector<double>* d1,
             std::vector<double>* d2, double* final_rate2) {
  const double y[2] = {c.y1, c.y2};
  const double bound = 10 * (c.y1 + c.y2);
  auto loss = [&](const double* w) {
    return (std::pow(w[0] - y[0], c.p) + std::pow(w[1] - y[1], c.p)) / (2.0 * c.p);
  };
  double w[2] = {0, 0}, a[2] = {0, 0}, v = 0;
  if (method == ToyMethod::deep) {  // balanced (v² = ||a||²), a along e1: w2 starts at 0 too
    a[0] = c.init_scale;
    v = c.init_scale;
    w[0] = v * a[0];
  }
  const double start = loss(w);
  if (d1) d1->assign(c.iterations + 1, 0.0);
  if (d2) d2->assign(c.iterations + 1, 0.0);
  for (std::size_t t = 0;; ++t) {
    if (d1) (*d1)[t] = std::abs(w[0] - y[0]);
    if (d2) (*d2)[t] = std::abs(w[1] - y[1]);
    if (!(std::abs(w[0]) <= bound && std::abs(w[1]) <= bound)) return false;  // NaN fails too
    if (t == c.iterations) break;
    // Ctrl-C or SIGTERM stops the experiment at this step; main reports it (exit 130 or 143).
    if (t % 1024 == 0 && interrupted()) throw Interrupted{};
    double g[2];  // dL/dw_i = (w_i - y_i)^(p-1) / 2
    for (int i = 0; i < 2; ++i) g[i] = std::pow(w[i] - y[i], c.p - 1) / 2;
    if (method == ToyMethod::gd) {
      for (int i = 0; i < 2; ++i) w[i] -= lr * g[i];  // w <- w - lr ∇L
    } else {
      // w = v·a:  dL/da = v g,  dL/dv = <a, g>;  plain GD on both factors.
      const double dv = a[0] * g[0] + a[1] * g[1];
      for (int i = 0; i < 2; ++i) a[i] -= lr * v * g[i];
      v -= lr * dv;
      w[0] = v * a[0];
      w[1] = v * a[1];
    }
  }
  // The rate on coordinate 2 when the weights point along e1: lr for GD, lr·v² for depth 2.
  if (final_rate2) *final_rate2 = method == ToyMethod::gd ? lr : lr * v * v;
  return loss(w) < start;
}

// The largest rate at which toy_run succeeds, by bisection on log(lr).
double largest_stable_rate(const ToyConfig& c, ToyMethod method, double guess) {
  auto stable = [&](double lr) { return toy_run(c, method, lr, nullptr, nullptr, nullptr); };
  double lo = guess, hi = guess;
  for (int k = 0; k < 60 && !stable(lo); ++k) lo /= 4;
  for (int k = 0; k < 60 && stable(hi); ++k) hi *= 4;
  if (!stable(lo) || stable(hi)) throw std::runtime_error("toy: could not bracket a stable rate");
  while (hi / lo > 1 + 1e-6) {
    const double mid = std::sqrt(lo * hi);
    (stable(mid) ? lo : hi) = mid;
  }
  return lo;
}

ToyRun toy_method(const ToyConfig& c, ToyMethod method, double guess) {
  ToyRun run;
  run.name = method == ToyMethod::gd ? "GD" : "depth 2";
  run.largest_stable = largest_stable_rate(c, method, guess);
  run.lr = c.fraction * run.largest_stable;
  // The stable set need not be an interval near its edge: back off until the run is stable.
  for (int k = 0; !toy_run(c, method, run.lr, &run.dist1, &run.dist2, &run.final_rate2); ++k) {
    if (k == 200) throw std::runtime_error("toy: no stable rate below the bisection's edge");
    run.lr *= 0.95;
  }
  return run;
}

}  // namespace

ToyResult run_toy_experiment(const ToyConfig& c) {
  validate_toy(c);
  ToyResult r;
  r.gd_bound = 4 / std::pow(c.y1, c.p - 2);
  r.gd = toy_method(c, ToyMethod::gd, r.gd_bound);
  r.deep = toy_method(c, ToyMethod::deep, r.gd_bound / c.y1);
  return r;
}

long long first_iteration_below(const std::vector<double>& dist, double target) {
  for (std::size_t t = 0; t < dist.size(); ++t)
    if (dist[t] <= target) return (long long)t;
  return -1;
}

}  // namespace experiments
