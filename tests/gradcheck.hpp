// The gradient check every op's test uses: backward against central finite differences.
//
// A builder is a generic lambda `(auto& tape, const auto& xs) -> Var` that records an op (or a
// composition of ops) from leaf Vars xs. gradcheck() builds the full Jacobian J[out][in] twice:
//   analytic: one backward pass per output element, seeded with the one-hot gradient e_j,
//             so non-scalar outputs are covered, not just a sum of them;
//   numeric:  (f(x + eps e_k) - f(x - eps e_k)) / (2 eps) for every input element k, in double.
// and requires |analytic - numeric| <= atol + rtol |numeric| everywhere.
// gradcheck_float() takes the analytic Jacobian from the float32 tape (the numeric one stays in
// double), with looser tolerances, so the float instantiation of every op is checked too.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "autodiff/autodiff.hpp"

namespace testing {

struct Tolerances {
  double eps = 1e-6;
  double atol = 1e-5;
  double rtol = 1e-3;
};
inline constexpr Tolerances float_tolerances{1e-6, 2e-3, 2e-2};

struct GradcheckReport {
  bool ok = true;
  std::size_t checked = 0;  // Jacobian entries compared
  std::size_t nonzero = 0;  // entries with |numeric| > atol: a check of all-zeros is void
  double worst_error = 0;   // max |analytic - numeric| - tolerance (<= 0 when ok)
  std::string worst;        // where the worst entry is, for the failure message
};

// Pretty-prints a report; Catch2 shows it on failure through INFO(report).
inline std::ostream& operator<<(std::ostream& os, const GradcheckReport& r) {
  return os << (r.ok ? "ok" : "MISMATCH") << ", " << r.checked << " entries (" << r.nonzero
            << " nonzero), worst: " << r.worst;
}

template <typename T>
std::vector<ad::Tensor<T>> cast_all(const std::vector<ad::Tensor<double>>& xs) {
  std::vector<ad::Tensor<T>> out;
  for (const auto& x : xs) out.push_back(x.template cast<T>());
  return out;
}

// Forward pass only, in double, without recording backward closures.
template <typename Builder>
ad::Tensor<double> evaluate(Builder& build, const std::vector<ad::Tensor<double>>& xs) {
  ad::NoGradGuard no_grad;
  ad::Tape<double> tape;
  std::vector<ad::Var<double>> vars;
  for (const auto& x : xs) vars.push_back(tape.variable(x));
  return build(tape, vars).value();
}

// J[j][k]: derivative of output element j with respect to flat input element k (all inputs
// concatenated), from one one-hot-seeded backward pass per output element.
template <typename T, typename Builder>
std::vector<std::vector<double>> analytic_jacobian(Builder& build,
                                                   const std::vector<ad::Tensor<double>>& xs) {
  const auto inputs = cast_all<T>(xs);
  std::size_t total_in = 0;
  for (const auto& x : inputs) total_in += x.size();
  ad::Tape<T> tape;
  std::vector<std::vector<double>> jac;
  for (std::size_t j = 0;; ++j) {
    tape.clear();
    std::vector<ad::Var<T>> vars;
    for (const auto& x : inputs) vars.push_back(tape.variable(x));
    ad::Var<T> y = build(tape, vars);
    if (j == 0) jac.assign(y.value().size(), std::vector<double>(total_in, 0.0));
    if (j >= jac.size()) break;
    ad::Tensor<T> seed(y.shape(), T{0});
    seed[j] = T{1};
    tape.backward(y, seed);
    std::size_t offset = 0;
    for (const auto& v : vars) {
      if (v.has_grad()) {
        for (std::size_t k = 0; k < v.value().size(); ++k) jac[j][offset + k] = v.grad()[k];
      }
      offset += v.value().size();
    }
  }
  return jac;
}

template <typename Builder>
std::vector<std::vector<double>> numeric_jacobian(Builder& build,
                                                  std::vector<ad::Tensor<double>> xs, double eps) {
  const std::size_t n_out = evaluate(build, xs).size();
  std::size_t total_in = 0;
  for (const auto& x : xs) total_in += x.size();
  std::vector<std::vector<double>> jac(n_out, std::vector<double>(total_in, 0.0));
  std::size_t column = 0;
  for (auto& x : xs) {
    for (std::size_t k = 0; k < x.size(); ++k, ++column) {
      const double saved = x[k];
      x[k] = saved + eps;
      const auto plus = evaluate(build, xs);
      x[k] = saved - eps;
      const auto minus = evaluate(build, xs);
      x[k] = saved;
      for (std::size_t j = 0; j < n_out; ++j) jac[j][column] = (plus[j] - minus[j]) / (2 * eps);
    }
  }
  return jac;
}

inline GradcheckReport compare(const std::vector<std::vector<double>>& analytic,
                               const std::vector<std::vector<double>>& numeric, Tolerances tol) {
  GradcheckReport report;
  report.worst_error = -1e300;
  for (std::size_t j = 0; j < numeric.size(); ++j) {
    for (std::size_t k = 0; k < numeric[j].size(); ++k) {
      const double a = analytic[j][k], n = numeric[j][k];
      const double excess = std::abs(a - n) - (tol.atol + tol.rtol * std::abs(n));
      ++report.checked;
      if (std::abs(n) > tol.atol) ++report.nonzero;
      if (!(excess <= 0)) report.ok = false;  // also catches NaN
      if (excess > report.worst_error || std::isnan(excess)) {
        report.worst_error = excess;
        std::ostringstream where;
        where << "d out[" << j << "] / d in[" << k << "]: analytic " << a << ", numeric " << n;
        report.worst = where.str();
      }
    }
  }
  return report;
}

// Checks the double tape's backward against finite differences.
template <typename Builder>
GradcheckReport gradcheck(Builder build, const std::vector<ad::Tensor<double>>& xs,
                          Tolerances tol = {}) {
  return compare(analytic_jacobian<double>(build, xs), numeric_jacobian(build, xs, tol.eps), tol);
}

// Checks the float32 tape's backward against double finite differences.
template <typename Builder>
GradcheckReport gradcheck_float(Builder build, const std::vector<ad::Tensor<double>>& xs,
                                Tolerances tol = float_tolerances) {
  return compare(analytic_jacobian<float>(build, xs), numeric_jacobian(build, xs, tol.eps), tol);
}

// Uniform values in [lo, hi), reproducible from `seed`.
inline ad::Tensor<double> random_tensor(ad::Shape shape, unsigned seed, double lo = -1,
                                        double hi = 1) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> dist(lo, hi);
  ad::Tensor<double> t(shape);
  for (double& v : t) v = dist(rng);
  return t;
}

// Values with |v| in [margin, 1): kept away from the kink of relu (and the like) on purpose.
inline ad::Tensor<double> random_away_from_zero(ad::Shape shape, unsigned seed,
                                                double margin = 0.1) {
  ad::Tensor<double> t = random_tensor(shape, seed, margin, 1.0);
  std::mt19937 rng(seed + 1);
  for (double& v : t)
    if (rng() & 1) v = -v;
  return t;
}

}  // namespace testing

// Checks `build` in double and in float32 against finite differences, inside a Catch2 test.
// Also requires a nonzero Jacobian, so a check of zeros against zeros cannot pass.
#define CHECK_GRADIENTS(build, inputs)                                 \
  do {                                                                 \
    const auto report_double = testing::gradcheck(build, inputs);      \
    INFO("float64: " << report_double);                                \
    CHECK(report_double.ok);                                           \
    CHECK(report_double.nonzero > 0);                                  \
    const auto report_float = testing::gradcheck_float(build, inputs); \
    INFO("float32: " << report_float);                                 \
    CHECK(report_float.ok);                                            \
  } while (false)
