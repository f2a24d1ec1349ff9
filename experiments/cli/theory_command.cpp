// `overparam theory curl|toy`: the theory made visible (experiments/theory/).
#include <algorithm>
#include <boost/program_options.hpp>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <numbers>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "autodiff/blas.hpp"
#include "data_loaders/gas.hpp"
#include "experiments/cli/commands.hpp"
#include "experiments/cli/flags.hpp"
#include "experiments/linear/optimum.hpp"
#include "experiments/linear/problem.hpp"
#include "experiments/report/files.hpp"
#include "experiments/report/plot.hpp"
#include "experiments/theory/curl.hpp"
#include "experiments/theory/toy.hpp"

namespace po = boost::program_options;

namespace experiments {

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
      "normalize", po::value(&normalization)->default_value(normalization),
      "zscore|minmax|scale|none: the features (scale: to unit RMS, not centred); the target is "
      "z-scored, or raw with none")("r-inner", po::value(&r_inner)->default_value(r_inner),
                                    "inner radius, in units of ||W*||")(
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
    check_path_given("--data", data_path, "a gas file or folder");
    validate_sector(unit);
    data::parse_normalization(normalization);
  } catch (const std::invalid_argument& e) {
    std::cerr << "overparam theory curl: " << e.what() << "\n";
    return 2;
  }

  // One thread for the products: their sums then run in one order, so every digit printed is
  // the same whatever OPENBLAS_NUM_THREADS says (the products are small: X is 2565 x 128).
  ad::blas::set_num_threads(1);
  data::Dataset ds = data::load_gas(data_path, gas);
  const data::Normalization n = data::parse_normalization(normalization);
  data::normalize(ds, n, target_normalization(n));
  require_optimum_fits(ds);  // from the file's real shape, before the optimum allocates
  const Optimum opt = lp_optimum(ds.x, ds.y, ds.rows, ds.features, p);
  const double w_norm =
      std::sqrt(std::inner_product(opt.w.begin(), opt.w.end(), opt.w.begin(), 0.0));
  if (!(w_norm > 0)) throw std::runtime_error("the optimum W* is 0: no direction to span a plane");
  const Plane plane = plane_through(opt.w, seed);
  const LossField loss = lp_regression_field(ds.x, ds.y, ds.rows, ds.features, p);
  AnnularSector s = unit;
  s.r_inner *= w_norm;
  s.r_outer *= w_norm;

  const int common = std::gcd(2 * depth - 2, depth);  // the exponent 2 - 2/N, reduced
  // "1" for N = 2, "(4/3)" for N = 3: a fraction in parentheses, so ||W||^(4/3) cannot read as
  // ||W||^4 / 3.
  const std::string exponent = depth <= 2 ? std::to_string(depth - 1)
                                          : "(" + std::to_string((2 * depth - 2) / common) + "/" +
                                                std::to_string(depth / common) + ")";
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
        "  from the gradient term -(N-1)(N-2)/N ||W||^(-2/N) (x g_y - y g_x):   %+.10e\n"
        "  from the curvature term (N-1) ||W||^(-2/N) (y (HW)_x - x (HW)_y):    %+.10e\n",
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
  if (out.empty())
    out = new_run_dir("runs/theory-toy");
  else
    claim_output_dir(out);

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
