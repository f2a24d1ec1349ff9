#include "experiments/theory.hpp"

#include <cblas.h>

#include <algorithm>
#include <array>
#include <boost/program_options.hpp>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <limits>
#include <numbers>
#include <numeric>
#include <random>
#include <stdexcept>

#include "autodiff/tensor.hpp"
#include "data_loaders/gas.hpp"
#include "experiments/cli/flags.hpp"
#include "experiments/linear/optimum.hpp"
#include "experiments/report/files.hpp"
#include "experiments/report/plot.hpp"
#include "optim/e2e.hpp"

namespace po = boost::program_options;

namespace experiments {

// ---- adaptive Gauss-Kronrod -----------------------------------------------------------------

namespace {

// The 15-point Kronrod rule on [-1,1] and the 7-point Gauss rule nested in it (QUADPACK's
// qk15): nodes x_k >= 0 (mirrored), Kronrod weights, and the Gauss weights of the odd nodes.
constexpr std::array<double, 8> kronrod_x = {
    0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
    0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
    0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
    0.207784955007898467600689403773245, 0.000000000000000000000000000000000};
constexpr std::array<double, 8> kronrod_w = {
    0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
    0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
    0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
    0.204432940075298892414161999234649, 0.209482141084727828012999174891714};
constexpr std::array<double, 4> gauss_w = {
    0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
    0.381830050505118944950369775488975, 0.417959183673469387755102040816327};

struct Interval {
  double lo, hi, value, error, abs_value;
};

Interval gauss_kronrod(const std::function<double(double)>& f, double lo, double hi) {
  const double center = 0.5 * (lo + hi), half = 0.5 * (hi - lo);
  double kronrod = 0, gauss = 0, abs_sum = 0;
  for (std::size_t k = 0; k < 8; ++k) {
    const double dx = half * kronrod_x[k];
    const double f1 = f(center - dx);
    const double f2 = k == 7 ? 0.0 : f(center + dx);  // the center counts once
    kronrod += kronrod_w[k] * (f1 + f2);
    abs_sum += kronrod_w[k] * (std::abs(f1) + std::abs(f2));
    if (k % 2 == 1) gauss += gauss_w[k / 2] * (f1 + f2);
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
    cblas_dgemv(CblasRowMajor, CblasNoTrans, int(m), int(d), 1.0, X.data(), int(d), w.data(), 1,
                -1.0, r.data(), 1);
    cblas_dgemv(CblasRowMajor, CblasNoTrans, int(m), int(d), 1.0, X.data(), int(d), v.data(), 1,
                0.0, xv.data(), 1);
    for (std::size_t i = 0; i < m; ++i) xv[i] *= std::pow(r[i], p - 2);
    cblas_dgemv(CblasRowMajor, CblasTrans, int(m), int(d), double(p - 1) / double(m), X.data(),
                int(d), xv.data(), 1, 0.0, out.data(), 1);
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

// ---- the toy ----------------------------------------------------------------------------------

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

// ---- the commands ----------------------------------------------------------------------------

namespace {

int run_curl(int argc, char** argv) {
  std::string data_path = std::string(OVERPARAM_DATA_DIR) + "/gas/ethanol.dat.gz";
  std::string normalization = "zscore";
  int depth = 3, p = 4, gas = 1;
  unsigned seed = 1;
  double r_inner = 0.5, r_outer = 1.5, theta_from = 0, theta_to = 90, tol = 1e-10;
  bool no_green = false;
  po::options_description flags(
      "overparam theory curl: the line integral of the depth-N end-to-end field\n"
      "  F(W) = ||W||^(2-2/N) (g + (N-1) <g,u> u),  g = dL/dW,  u = W/||W||\n"
      "around a closed curve in a plane of weight space, on the l_p loss of the gas data.\n"
      "A gradient field integrates to zero around every closed curve, so a nonzero integral\n"
      "proves that F is the gradient of no function (the paper's Theorem 2).\n\n"
      "The plane passes through the origin, spanned by a = W*/||W*|| (the optimum) and a random\n"
      "unit vector b orthogonal to it; the curve is the boundary of the annular sector\n"
      "r_inner <= r <= r_outer (in units of ||W*||), theta_from <= theta <= theta_to (degrees,\n"
      "from a toward b), counterclockwise.\n\n"
      "Usage: overparam theory curl [--depth N] [OPTIONS]\n\nOptions");
  flags.add_options()("help,h", "print this help")("depth", po::value(&depth)->default_value(depth),
                                                   "N, the depth of the network (1-16)")(
      "p", po::value(&p)->default_value(p), "the loss exponent, an even integer")(
      "data", po::value(&data_path)->default_value(data_path),
      "gas data: a UCI file (plain or .gz) or a folder of batchN.dat files")(
      "gas", po::value(&gas)->default_value(gas), "UCI gas class to keep (1 = ethanol)")(
      "normalize", po::value(&normalization)->default_value(normalization), "zscore|minmax|none")(
      "r-inner", po::value(&r_inner)->default_value(r_inner), "inner radius, in units of ||W*||")(
      "r-outer", po::value(&r_outer)->default_value(r_outer), "outer radius, in units of ||W*||")(
      "theta-from", po::value(&theta_from)->default_value(theta_from), "first angle, degrees")(
      "theta-to", po::value(&theta_to)->default_value(theta_to), "last angle, degrees")(
      "seed", po::value(&seed)->default_value(seed), "random seed of the direction b")(
      "tol", po::value(&tol)->default_value(tol), "relative tolerance of the quadrature")(
      "no-green", po::bool_switch(&no_green), "skip the Green's theorem cross-check");
  po::variables_map vm;
  if (const int code = parse_flags("theory curl", argc, argv, flags, vm); code >= 0) return code;

  const double deg = std::numbers::pi / 180;
  AnnularSector unit{r_inner, r_outer, theta_from * deg, theta_to * deg};
  try {
    if (depth < 1 || depth > 16)
      throw std::invalid_argument("--depth must be between 1 and 16, got " + std::to_string(depth));
    if (p < 2 || p % 2 != 0 || p > 16)
      throw std::invalid_argument("--p must be an even integer from 2 to 16, got " +
                                  std::to_string(p));
    if (!(tol > 0 && tol < 1)) throw std::invalid_argument("--tol must be in (0, 1)");
    validate_sector(unit);
    data::parse_normalization(normalization);
  } catch (const std::invalid_argument& e) {
    std::cerr << "overparam theory curl: " << e.what() << "\n";
    return 2;
  }

  data::Dataset ds = data::load_gas(data_path, gas);
  data::normalize(ds, data::parse_normalization(normalization));
  const Optimum opt = lp_optimum(ds.x, ds.y, ds.rows, ds.features, p);
  const double w_norm = std::sqrt(dot(opt.w, opt.w));
  if (!(w_norm > 0)) throw std::runtime_error("the optimum W* is 0: no direction to span a plane");
  const Plane plane = plane_through(opt.w, seed);
  const LossField loss = lp_regression_field(ds.x, ds.y, ds.rows, ds.features, p);
  AnnularSector s = unit;
  s.r_inner *= w_norm;
  s.r_outer *= w_norm;

  const int common = std::gcd(2 * depth - 2, depth);  // the exponent 2 - 2/N, reduced
  const std::string exponent =
      depth <= 2 ? std::to_string(depth - 1)
                 : std::to_string((2 * depth - 2) / common) + "/" + std::to_string(depth / common);
  if (depth == 1) {
    std::printf("field: F(W) = g = dL/dW, the depth-1 update (plain gradient descent)\n");
  } else {
    std::printf("field: F(W) = ||W||^%s (g + %d <g,u> u), the depth-%d end-to-end update\n",
                exponent.c_str(), depth - 1, depth);
  }
  std::printf(
      "loss:  l_%d regression on %s (%zu rows, %zu features, %s); L* = %.6e, ||W*|| = %.6g\n", p,
      ds.source.c_str(), ds.rows, ds.features, normalization.c_str(), opt.loss, w_norm);
  std::printf(
      "plane: W = x a + y b, a = W*/||W*||, b a random unit vector orthogonal to a (seed %u)\n",
      seed);
  std::printf(
      "curve: the annular sector r in [%g, %g]·||W*|| = [%.6g, %.6g], theta in [%g, %g] degrees,\n"
      "       counterclockwise; it avoids the origin, and W* sits at r = 1, theta = 0\n\n",
      r_inner, r_outer, s.r_inner, s.r_outer, theta_from, theta_to);

  const Circulation c = sector_circulation(loss, depth, plane, s, tol);
  for (const auto& piece : c.pieces) {
    std::printf("  %-27s %+.12e  +- %.1e  (%d evaluations)\n", piece.name.c_str(), piece.q.value,
                piece.q.error, piece.q.evaluations);
  }
  std::printf("integral = %.12e +- %.1e\n", c.value, c.error);
  std::printf(
      "scale: the integral of |F·dW| along the curve is %.6e; the circulation is %.3g of it\n",
      c.scale, std::abs(c.value) / c.scale);
  if (!c.converged)
    std::printf(
        "warning: the quadrature stopped before reaching --tol; the error is an estimate\n");

  if (!no_green && depth == 1) {
    std::printf("Green's theorem: for N = 1, F = grad L and its curl is identically 0\n");
  } else if (!no_green) {
    const CurlIntegral green = sector_curl_integral(loss, depth, plane, s, tol * 10);
    std::printf(
        "Green's theorem: the curl of F over the enclosed area = %.10e +- %.1e\n"
        "  from the gradient term -(N-1)(N-2)/N (x g_y - y g_x):   %+.10e\n"
        "  from the curvature term (N-1) (y (HW)_x - x (HW)_y):    %+.10e\n",
        green.total(), green.error, green.gradient_part, green.curvature_part);
  }
  const bool nonzero = std::abs(c.value) > 10 * c.error;
  if (nonzero) {
    std::printf(
        "verdict: nonzero (%.0f times the error bound): the depth-%d field is not the gradient of "
        "any function\n",
        std::abs(c.value) / c.error, depth);
  } else {
    std::printf(
        "verdict: zero within the quadrature error, as for a gradient field (one curve cannot "
        "prove that F is one)\n");
  }
  return 0;
}

int run_toy(int argc, char** argv) {
  ToyConfig c;
  std::string out;
  bool no_plot = false;
  po::options_description flags(
      "overparam theory toy: the paper's two-example illustration. Examples ([1,0], y1) and\n"
      "([0,1], y2), y1 >> y2, with the l_p loss L(w) = ((w1-y1)^p + (w2-y2)^p) / (2p).\n"
      "Plain gradient descent from w = 0 at its largest stable learning rate, against a depth-2\n"
      "linear network w = v·a (a in R^2, v a scalar: depth 2, width 1) trained by gradient\n"
      "descent at its own largest stable rate, from a small balanced start. Each rate is found by\n"
      "bisection; each method then runs at --fraction of it. Prints |w_i - y_i| over the\n"
      "iterations and writes toy.csv and toy.png.\n\n"
      "Usage: overparam theory toy [OPTIONS]\n\nOptions");
  flags.add_options()("help,h", "print this help")("y1", po::value(&c.y1)->default_value(c.y1),
                                                   "the large target")(
      "y2", po::value(&c.y2)->default_value(c.y2), "the small target")(
      "p", po::value(&c.p)->default_value(c.p), "the loss exponent, an even integer")(
      "iterations", po::value(&c.iterations)->default_value(c.iterations), "steps of each run")(
      "fraction", po::value(&c.fraction)->default_value(c.fraction, "0.9"),
      "run at this fraction of the largest stable rate")(
      "init-scale", po::value(&c.init_scale)->default_value(c.init_scale),
      "depth 2: ||a|| = v at the start")("out", po::value(&out),
                                         "output folder (default: runs/theory-toy-TIMESTAMP)")(
      "no-plot", po::bool_switch(&no_plot), "do not draw toy.png");
  po::variables_map vm;
  if (const int code = parse_flags("theory toy", argc, argv, flags, vm); code >= 0) return code;
  try {
    validate_toy(c);
  } catch (const std::invalid_argument& e) {
    std::cerr << "overparam theory toy: " << e.what() << "\n";
    return 2;
  }
  if (out.empty()) out = "runs/theory-toy-" + timestamp();
  make_output_dir(out);

  const ToyResult r = run_toy_experiment(c);
  std::printf("two examples ([1,0], %g) and ([0,1], %g), l_%d loss, %zu iterations\n", c.y1, c.y2,
              c.p, c.iterations);
  std::printf(
      "largest stable rate (bisection): GD %.4e (closed form 4/y1^%d = %.4e), depth 2 %.4e\n",
      r.gd.largest_stable, c.p - 2, r.gd_bound, r.deep.largest_stable);
  std::printf("running at %g of it:             GD %.4e, depth 2 %.4e\n\n", c.fraction, r.gd.lr,
              r.deep.lr);

  std::printf("%10s   %-27s   %-27s\n", "", "GD", "depth 2 (w = v·a)");
  std::printf("%10s   %13s %13s   %13s %13s\n", "iteration", "|w1 - y1|", "|w2 - y2|", "|w1 - y1|",
              "|w2 - y2|");
  std::vector<std::size_t> rows = {0, c.iterations};  // 0, 1, 3, 10, 30, ... and the last
  for (std::size_t t = 1; t <= c.iterations; t *= 10) {
    rows.push_back(t);
    if (3 * t <= c.iterations) rows.push_back(3 * t);
  }
  std::sort(rows.begin(), rows.end());
  rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  for (std::size_t t : rows) {
    std::printf("%10zu   %13.6g %13.6g   %13.6g %13.6g\n", t, r.gd.dist1[t], r.gd.dist2[t],
                r.deep.dist1[t], r.deep.dist2[t]);
  }

  std::printf(
      "\nthe rate the small coordinate sees at the end: GD %.3e; depth 2 lr·v² = %.3e "
      "(v² = ||w|| ≈ y1)\n",
      r.gd.final_rate2, r.deep.final_rate2);
  auto report = [&](const char* what, const std::vector<double>& gd,
                    const std::vector<double>& deep, double target) {
    const long long a = first_iteration_below(gd, target), b = first_iteration_below(deep, target);
    auto str = [](long long t) { return t < 0 ? std::string("not reached") : std::to_string(t); };
    std::printf("iterations until %s <= %g: GD %s, depth 2 %s", what, target, str(a).c_str(),
                str(b).c_str());
    if (a > 0 && b > 0) std::printf("  (depth 2 %.2fx sooner)", double(a) / double(b));
    std::printf("\n");
  };
  report("|w1 - y1|", r.gd.dist1, r.deep.dist1, 0.01 * c.y1);
  report("|w2 - y2|", r.gd.dist2, r.deep.dist2, 0.5 * c.y2);
  const double ratio = r.deep.final_rate2 / r.gd.final_rate2;
  std::printf(
      "\nThe depth-2 network's own largest stable rate is %.0fx smaller than GD's (its step is\n"
      "multiplied by ||w||, which grows to about y1); the small coordinate sees lr·||w||, %.2fx "
      "GD's rate.\n",
      r.gd.largest_stable / r.deep.largest_stable, ratio);
  if (c.p == 2) {
    std::printf(
        "For p = 2 the curvature does not depend on w: GD's cap, 4, ignores y1, and there is\n"
        "nothing for depth to fix. Try --p 4.\n");
  } else {
    std::printf(
        "The factor depends on the start (try --init-scale) and does not grow with y1/y2: a\n"
        "constant-factor acceleration in this toy.\n");
  }

  // Log-spaced rows for the CSV and the plot.
  std::vector<std::size_t> grid;
  for (double e = 0; e <= std::log10(double(c.iterations)) + 1e-9; e += 0.01) {
    const auto t = std::size_t(std::llround(std::pow(10.0, e)));
    if (t <= c.iterations && (grid.empty() || t != grid.back())) grid.push_back(t);
  }
  if (grid.back() != c.iterations) grid.push_back(c.iterations);
  std::string csv = "iteration,gd_dist1,gd_dist2,deep_dist1,deep_dist2\n";
  char line[160];
  std::snprintf(line, sizeof line, "0,%.17g,%.17g,%.17g,%.17g\n", r.gd.dist1[0], r.gd.dist2[0],
                r.deep.dist1[0], r.deep.dist2[0]);
  csv += line;
  char label[2][64];
  std::snprintf(label[0], sizeof label[0], "GD, lr %.3g", r.gd.lr);
  std::snprintf(label[1], sizeof label[1], "depth 2, lr %.3g", r.deep.lr);
  std::vector<Series> coord1 = {{label[0], {}, {}}, {label[1], {}, {}}};
  std::vector<Series> coord2 = coord1;
  for (std::size_t t : grid) {
    std::snprintf(line, sizeof line, "%zu,%.17g,%.17g,%.17g,%.17g\n", t, r.gd.dist1[t],
                  r.gd.dist2[t], r.deep.dist1[t], r.deep.dist2[t]);
    csv += line;
    const double x = double(t);
    coord1[0].x.push_back(x), coord1[0].y.push_back(r.gd.dist1[t]);
    coord1[1].x.push_back(x), coord1[1].y.push_back(r.deep.dist1[t]);
    coord2[0].x.push_back(x), coord2[0].y.push_back(r.gd.dist2[t]);
    coord2[1].x.push_back(x), coord2[1].y.push_back(r.deep.dist2[t]);
  }
  write_file_atomic(out + "/toy.csv", csv);
  if (!no_plot) {
    char title[64];
    PlotOptions o1, o2;
    std::snprintf(title, sizeof title, "large coordinate: |w1 - y1|, y1 = %g", c.y1);
    o1.title = title;
    std::snprintf(title, sizeof title, "small coordinate: |w2 - y2|, y2 = %g", c.y2);
    o2.title = title;
    o1.log_x = o2.log_x = true;
    o1.ylabel = o2.ylabel = "distance to the optimum";
    char suptitle[128];
    std::snprintf(suptitle, sizeof suptitle,
                  "l_%d toy: GD vs a depth-2 network, each at %g of its largest stable rate", c.p,
                  c.fraction);
    plot_panels_png(out + "/toy.png", {Panel{coord1, o1}, Panel{coord2, o2}}, suptitle);
  }
  std::printf("wrote %s/ (toy.csv%s)\n", out.c_str(), no_plot ? "" : ", toy.png");
  return 0;
}

void print_theory_usage(std::ostream& os) {
  os << "Usage: overparam theory curl|toy [OPTIONS]\n\n"
        "  curl   the line integral of the end-to-end field around a closed curve: nonzero means\n"
        "         the depth-N update is the gradient of no function (Theorem 2)\n"
        "  toy    the two-example l_p illustration: GD's rate capped by the large coordinate,\n"
        "         against a depth-2 network\n\n"
        "Run 'overparam theory curl --help' or 'overparam theory toy --help' for the options.\n";
}

}  // namespace

int run_theory(int argc, char** argv) {
  if (argc < 2) {
    print_theory_usage(std::cerr);
    return 2;
  }
  const std::string sub = argv[1];
  if (sub == "--help" || sub == "-h" || sub == "help") {
    print_theory_usage(std::cout);
    return 0;
  }
  if (sub == "curl") return run_curl(argc - 1, argv + 1);
  if (sub == "toy") return run_toy(argc - 1, argv + 1);
  std::cerr << "overparam theory: unknown subcommand '" << sub << "' (expected curl or toy)\n";
  return 2;
}

}  // namespace experiments
