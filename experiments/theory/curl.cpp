#include "experiments/theory/curl.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>
#include <numbers>
#include <random>
#include <stdexcept>

#include <boost/math/quadrature/gauss.hpp>
#include <boost/math/quadrature/gauss_kronrod.hpp>

#include "autodiff/blas.hpp"
#include "autodiff/tensor.hpp"
#include "experiments/linear/optimum.hpp"
#include "optim/e2e.hpp"

namespace experiments {

// ---- adaptive Gauss-Kronrod -----------------------------------------------------------------

namespace {

// The 15-point Kronrod rule on [-1,1] and the 7-point Gauss rule nested in it (QUADPACK's
// qk15), from Boost.Math: nodes x_k >= 0 in ascending order (mirrored; x_0 = 0), Kronrod
// weights, and the Gauss rule on the even nodes x_0, x_2, x_4, x_6. The adaptive bisection
// below is ours: Boost's own driver does not scale each piece's error estimate by its width,
// and understates the error on wide intervals such as the sector's rays.
using KronrodRule = boost::math::quadrature::gauss_kronrod<double, 15>;
using GaussRule = boost::math::quadrature::gauss<double, 7>;

struct Interval {
  double lo, hi, value, error, abs_value;
};

Interval gauss_kronrod(const std::function<double(double)>& f, double lo, double hi) {
  const double center = 0.5 * (lo + hi), half = 0.5 * (hi - lo);
  const auto& x = KronrodRule::abscissa();
  const auto& kronrod_w = KronrodRule::weights();
  const auto& gauss_w = GaussRule::weights();
  double kronrod = 0, gauss = 0, abs_sum = 0;
  for (std::size_t k = 8; k-- > 0;) {  // the outermost nodes first, as QUADPACK sums them
    const double dx = half * x[k];
    const double f1 = f(center - dx);
    const double f2 = k == 0 ? 0.0 : f(center + dx);  // the center counts once
    kronrod += kronrod_w[k] * (f1 + f2);
    abs_sum += kronrod_w[k] * (std::abs(f1) + std::abs(f2));
    if (k % 2 == 0) gauss += gauss_w[k / 2] * (f1 + f2);
  }
  const double value = kronrod * half, abs_value = abs_sum * std::abs(half);
  const double rounding = 50 * std::numeric_limits<double>::epsilon() * abs_value;
  return {lo, hi, value, std::max(std::abs(kronrod - gauss) * std::abs(half), rounding), abs_value};
}

}  // namespace

QuadratureResult integrate_adaptive(const std::function<double(double)>& f, double lo, double hi,
                                    double rel_tol, double abs_tol, int max_intervals) {
  if (!(std::isfinite(lo) && std::isfinite(hi) && lo < hi)) {
    throw std::invalid_argument("integrate_adaptive: need finite lo < hi, got [" +
                                std::to_string(lo) + ", " + std::to_string(hi) + "]");
  }
  if (!(rel_tol >= 0) || !(abs_tol >= 0) || max_intervals < 1) {
    throw std::invalid_argument("integrate_adaptive: tolerances must be >= 0, max_intervals >= 1");
  }
  std::vector<Interval> parts = {gauss_kronrod(f, lo, hi)};
  QuadratureResult r;
  r.evaluations = 15;
  for (;;) {
    double value = 0, error = 0, abs_value = 0;
    for (const auto& p : parts) {
      value += p.value;
      error += p.error;
      abs_value += p.abs_value;
    }
    r.value = value;
    r.error = error;
    r.abs_integral = abs_value;
    r.intervals = int(parts.size());
    if (error <= std::max(abs_tol, rel_tol * abs_value)) break;
    if (int(parts.size()) >= max_intervals) {
      r.converged = false;
      break;
    }
    // Halve the interval that contributes most of the error.
    const auto worst =
        std::max_element(parts.begin(), parts.end(),
                         [](const Interval& x, const Interval& y) { return x.error < y.error; });
    const Interval split = *worst;
    const double mid = 0.5 * (split.lo + split.hi);
    if (!(split.lo < mid && mid < split.hi)) {  // no room left to halve in double precision
      r.converged = false;
      break;
    }
    *worst = gauss_kronrod(f, split.lo, mid);
    parts.push_back(gauss_kronrod(f, mid, split.hi));
    r.evaluations += 30;
  }
  return r;
}

// ---- the loss, the field, the plane ----------------------------------------------------------

LossField lp_regression_field(std::vector<double> x, std::vector<double> y, std::size_t m,
                              std::size_t d, int p) {
  if (m == 0 || d == 0 || x.size() != m * d || y.size() != m) {
    throw std::invalid_argument("lp_regression_field: expected x [m,d] and y [m] with m, d >= 1");
  }
  if (p < 2 || p % 2 != 0) {
    throw std::invalid_argument("lp_regression_field: p must be an even integer >= 2, got " +
                                std::to_string(p));
  }
  auto data = std::make_shared<std::pair<std::vector<double>, std::vector<double>>>(std::move(x),
                                                                                    std::move(y));
  LossField f;
  f.dim = d;
  f.gradient = [data, m, d, p](const std::vector<double>& w) {
    std::vector<double> g;
    lp_loss_and_grad(data->first, data->second, m, d, p, w, &g);
    return g;
  };
  // H v = ((p-1)/m) Xᵀ diag(r^(p-2)) X v,  r = X w - y.
  f.hessian_times = [data, m, d, p](const std::vector<double>& w, const std::vector<double>& v) {
    const auto& X = data->first;
    std::vector<double> r = data->second, xv(m), out(d);
    ad::blas::gemv(ad::Transpose::no, m, d, 1.0, X.data(), w.data(), -1.0, r.data());
    ad::blas::gemv(ad::Transpose::no, m, d, 1.0, X.data(), v.data(), 0.0, xv.data());
    for (std::size_t i = 0; i < m; ++i) xv[i] *= std::pow(r[i], p - 2);
    ad::blas::gemv(ad::Transpose::yes, m, d, double(p - 1) / double(m), X.data(), xv.data(), 0.0,
                   out.data());
    return out;
  };
  return f;
}

std::vector<double> end_to_end_field(const std::vector<double>& w, const std::vector<double>& g,
                                     int depth) {
  const std::size_t d = w.size();
  const ad::Tensor<double> f = optim::e2e_update_single_output(
      ad::Tensor<double>({1, d}, w), ad::Tensor<double>({1, d}, g), depth);
  return {f.begin(), f.end()};
}

namespace {

double dot(const std::vector<double>& u, const std::vector<double>& v) {
  double s = 0;
  for (std::size_t i = 0; i < u.size(); ++i) s += u[i] * v[i];
  return s;
}

// x a + y b
std::vector<double> in_plane(const Plane& plane, double x, double y) {
  std::vector<double> w(plane.a.size());
  for (std::size_t i = 0; i < w.size(); ++i) w[i] = x * plane.a[i] + y * plane.b[i];
  return w;
}

}  // namespace

Plane plane_through(const std::vector<double>& direction, unsigned seed) {
  const double n = std::sqrt(dot(direction, direction));
  if (direction.size() < 2 || !(n > 0) || !std::isfinite(n)) {
    throw std::invalid_argument("plane_through: need a nonzero finite direction of dimension >= 2");
  }
  Plane plane;
  plane.a = direction;
  for (double& v : plane.a) v /= n;
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  for (;;) {
    plane.b.assign(direction.size(), 0.0);
    for (double& v : plane.b) v = normal(rng);
    const double along = dot(plane.b, plane.a);
    for (std::size_t i = 0; i < plane.b.size(); ++i) plane.b[i] -= along * plane.a[i];
    const double nb = std::sqrt(dot(plane.b, plane.b));
    if (nb > 1e-3) {
      for (double& v : plane.b) v /= nb;
      return plane;
    }
  }
}

void validate_sector(const AnnularSector& s) {
  if (!(s.r_inner > 0) || !std::isfinite(s.r_inner))
    throw std::invalid_argument("the inner radius must be > 0 (the curve must avoid the origin)");
  if (!(s.r_outer > s.r_inner) || !std::isfinite(s.r_outer))
    throw std::invalid_argument("the outer radius must be larger than the inner one");
  if (!(s.theta_to > s.theta_from) || !(s.theta_to - s.theta_from <= 2 * std::numbers::pi + 1e-12))
    throw std::invalid_argument(
        "the angles must satisfy theta_from < theta_to <= theta_from + a full turn");
}

// ---- the line integral -----------------------------------------------------------------------

Circulation sector_circulation(const LossField& loss, int depth, const Plane& plane,
                               const AnnularSector& s, double rel_tol) {
  validate_sector(s);
  if (depth < 1) throw std::invalid_argument("sector_circulation: depth must be >= 1");
  // <F(W), dW/dt> for W = x a + y b moving with in-plane velocity (dx, dy).
  auto along = [&](double x, double y, double dx, double dy) {
    const auto w = in_plane(plane, x, y);
    const auto f = end_to_end_field(w, loss.gradient(w), depth);
    return dx * dot(f, plane.a) + dy * dot(f, plane.b);
  };
  auto ray = [&](double theta) {
    const double c = std::cos(theta), sn = std::sin(theta);
    return [=](double r) { return along(r * c, r * sn, c, sn); };
  };
  auto arc = [&](double r) {
    return [=](double t) {
      return along(r * std::cos(t), r * std::sin(t), -r * std::sin(t), r * std::cos(t));
    };
  };
  Circulation c;
  auto add = [&](std::string name, QuadratureResult q, double sign) {
    q.value *= sign;
    c.value += q.value;
    c.error += q.error;
    c.scale += q.abs_integral;
    c.evaluations += q.evaluations;
    c.converged = c.converged && q.converged;
    c.pieces.push_back({std::move(name), q});
  };
  // Counterclockwise: out, around the outside, in, back around the inside. A piece traversed
  // backwards is the forward integral with its sign flipped.
  const double deg = 180 / std::numbers::pi;
  char name[4][64];
  std::snprintf(name[0], sizeof name[0], "out along theta = %g deg", s.theta_from * deg);
  std::snprintf(name[1], sizeof name[1], "outer arc r = %.6g", s.r_outer);
  std::snprintf(name[2], sizeof name[2], "in along theta = %g deg", s.theta_to * deg);
  std::snprintf(name[3], sizeof name[3], "inner arc r = %.6g", s.r_inner);
  add(name[0], integrate_adaptive(ray(s.theta_from), s.r_inner, s.r_outer, rel_tol), 1);
  add(name[1], integrate_adaptive(arc(s.r_outer), s.theta_from, s.theta_to, rel_tol), 1);
  add(name[2], integrate_adaptive(ray(s.theta_to), s.r_inner, s.r_outer, rel_tol), -1);
  add(name[3], integrate_adaptive(arc(s.r_inner), s.theta_from, s.theta_to, rel_tol), -1);
  return c;
}

double constant_gradient_circulation(double g_x, double g_y, int depth, const AnnularSector& s) {
  validate_sector(s);
  const double n = depth, e = 3 - 2 / n;  // α + 1
  const double big_g = std::hypot(g_x, g_y), phi = std::atan2(g_y, g_x);
  return -(n - 1) * (n - 2) / (3 * n - 2) * big_g *
         (std::cos(s.theta_to - phi) - std::cos(s.theta_from - phi)) *
         (std::pow(s.r_outer, e) - std::pow(s.r_inner, e));
}

CurlIntegral sector_curl_integral(const LossField& loss, int depth, const Plane& plane,
                                  const AnnularSector& s, double rel_tol) {
  validate_sector(s);
  if (!loss.hessian_times) throw std::invalid_argument("sector_curl_integral: no Hessian given");
  const double n = depth, alpha = 2 - 2 / n;
  // The two terms of curl F at polar (r, θ), times the area element's r. Each is a difference
  // of two products that may cancel (the curvature term does, exactly, for an isotropic loss),
  // so each also reports the sum of their sizes: the scale that rounding errors are relative to.
  struct Value {
    double value, size;
  };
  auto gradient_term = [&](double r, double t) {
    const double x = r * std::cos(t), y = r * std::sin(t);
    const auto g = loss.gradient(in_plane(plane, x, y));
    const double k = -(n - 1) * (n - 2) / n * std::pow(r, alpha - 2) * r;
    const double p1 = x * dot(g, plane.b), p2 = y * dot(g, plane.a);
    return Value{k * (p1 - p2), std::abs(k) * (std::abs(p1) + std::abs(p2))};
  };
  auto curvature_term = [&](double r, double t) {
    const double x = r * std::cos(t), y = r * std::sin(t);
    const auto w = in_plane(plane, x, y);
    const auto hw = loss.hessian_times(w, w);
    const double k = (n - 1) * std::pow(r, alpha - 2) * r;
    const double p1 = y * dot(hw, plane.a), p2 = x * dot(hw, plane.b);
    return Value{k * (p1 - p2), std::abs(k) * (std::abs(p1) + std::abs(p2))};
  };
  const double width = s.r_outer - s.r_inner;
  CurlIntegral out;
  auto area = [&](auto term, double* value) {
    if (depth == 1 || (depth == 2 && value == &out.gradient_part)) return;  // the factor is 0
    // ∬ f = ∫ dr ∫ dθ f, each level adaptive. First one Kronrod rule per level for the scale
    // ∬ size, so that a term that cancels to rounding noise stops at an absolute tolerance.
    auto nested = [&](auto pick, double abs_tol, int max_intervals, double* inner_error) {
      auto over_theta = [&](double r) {
        const auto q =
            integrate_adaptive([&](double t) { return pick(term(r, t)); }, s.theta_from, s.theta_to,
                               0.1 * rel_tol, 0.1 * abs_tol / width, max_intervals);
        *inner_error = std::max(*inner_error, q.error);
        return q.value;
      };
      return integrate_adaptive(over_theta, s.r_inner, s.r_outer, rel_tol, abs_tol, max_intervals);
    };
    double ignored = 0, inner_error = 0;
    const double size = nested([](Value v) { return v.size; }, 0, 1, &ignored).value;
    const auto q = nested([](Value v) { return v.value; }, rel_tol * size, 200, &inner_error);
    *value = q.value;
    out.error += q.error + inner_error * width;
  };
  area(gradient_term, &out.gradient_part);
  area(curvature_term, &out.curvature_part);
  return out;
}

}  // namespace experiments
