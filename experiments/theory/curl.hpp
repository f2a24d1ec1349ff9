// The curl certificate: the depth-N end-to-end update is the gradient of no function (the
// paper's Theorem 2), shown by a line integral around a closed curve.
//
// For a single output (W a row vector [1,d]), gradient descent on a depth-N linear network moves
// its end-to-end vector, to first order in the learning rate η, as W <- W - η F(W) with
//
//   F(W) = ||W||^(2-2/N) · ( g + (N-1) <g, u> u ),   g = ∇L(W),  u = W / ||W||
//
// (optim/e2e.hpp). If depth were plain gradient descent on L plus some regularizer R, F would
// be a gradient field, F = ∇Φ, and its line integral ∮ F·dW around every closed curve would
// be 0 (the integrand is d/dt Φ(γ(t))). One closed curve with a nonzero integral therefore
// proves that no regularizer gives the update of depth.
//
// The curve lives in a plane through the origin, W = x a + y b (a, b orthonormal): the boundary
// of the annular sector r_inner <= r <= r_outer, θ_from <= θ <= θ_to, counterclockwise. It
// avoids the origin, where F is not smooth for N >= 3. Each of its four pieces is integrated by
// adaptive Gauss-Kronrod quadrature, which also estimates its error. Two independent checks:
//   - a constant gradient g has a closed form, zero for N = 1 and 2, nonzero for N >= 3;
//   - Green's theorem: ∮ F·dW = ∬ curl F dA over the sector, computed from g and the Hessian
//     H = ∇²L instead of F. curl F has a gradient term, -(N-1)(N-2)/N ||W||^(-2/N)
//     (x g_y - y g_x), zero for N <= 2, and a curvature term, (N-1) ||W||^(-2/N)
//     (y (HW)_x - x (HW)_y), zero for N = 1 or when HW is parallel to W. So on a curved loss
//     such as l_4 the depth-2 field circulates too.
// Both formulas are derived in docs/TUTORIAL.md, section 3.4.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace experiments {

// ---- quadrature -----------------------------------------------------------------------------

struct QuadratureResult {
  double value = 0;
  double error = 0;         // estimated bound on |value - the exact integral|
  double abs_integral = 0;  // ∫|f|, the scale the tolerance is relative to
  int evaluations = 0;
  int intervals = 0;
  bool converged = true;  // false: max_intervals reached before the tolerance
};

// ∫_lo^hi f by adaptive Gauss-Kronrod (Boost.Math's 7-point Gauss and 15-point Kronrod rules): the
// interval with the largest error estimate |K15 - G7| is halved until the total estimate is at
// most max(abs_tol, rel_tol · ∫|f|). Each interval's estimate is at least 50·eps·∫|f| over it,
// so the reported error never claims more than double precision can deliver.
// Requires: lo < hi finite, rel_tol >= 0, abs_tol >= 0, max_intervals >= 1, f smooth on the
//           interval (a kink only costs subdivisions). Throws std::invalid_argument otherwise.
QuadratureResult integrate_adaptive(const std::function<double(double)>& f, double lo, double hi,
                                    double rel_tol, double abs_tol = 0, int max_intervals = 2000);

// ---- the field, the plane, the curve --------------------------------------------------------

// A loss on weight vectors w [d]: its gradient and, for the Green's-theorem check, its Hessian
// times a vector.
struct LossField {
  std::size_t dim = 0;
  std::function<std::vector<double>(const std::vector<double>& w)> gradient;
  std::function<std::vector<double>(const std::vector<double>& w, const std::vector<double>& v)>
      hessian_times;
};

// The l_p regression loss (1/(p·m)) Σ_i (x_i·w - y_i)^p of optimum.hpp; x [m,d] row-major.
LossField lp_regression_field(std::vector<double> x, std::vector<double> y, std::size_t m,
                              std::size_t d, int p);

// F(W) for a single output, exactly as optim::EndToEnd applies it (e2e_update_single_output).
std::vector<double> end_to_end_field(const std::vector<double>& w, const std::vector<double>& g,
                                     int depth);

// The 2-D slice W = x·a + y·b, with a and b orthonormal.
struct Plane {
  std::vector<double> a, b;
};
// a = direction/||direction||, b = a random unit vector orthogonal to a (Gram-Schmidt).
// Requires: direction nonzero, at least 2 entries.
Plane plane_through(const std::vector<double>& direction, unsigned seed);

struct AnnularSector {
  double r_inner = 0.5, r_outer = 1.5;                   // radii in the plane
  double theta_from = 0, theta_to = 1.5707963267948966;  // radians, from a toward b
};
// Requires: 0 < r_inner < r_outer, theta_from < theta_to <= theta_from + 2π (throws
//           std::invalid_argument naming the bad value).
void validate_sector(const AnnularSector& s);

struct CirculationPiece {
  std::string name;  // "out along theta = 0 deg", ...
  QuadratureResult q;
};
struct Circulation {
  double value = 0;
  double error = 0;  // the sum of the pieces' error estimates
  double scale = 0;  // ∮ |F·dW|: the integral with no cancellation, for "relative to what?"
  int evaluations = 0;
  bool converged = true;
  std::vector<CirculationPiece> pieces;
};
// ∮ F·dW counterclockwise around the sector's boundary, F = the depth-N end-to-end field.
Circulation sector_circulation(const LossField& loss, int depth, const Plane& plane,
                               const AnnularSector& sector, double rel_tol = 1e-10);

// The closed form for a constant gradient whose in-plane components are (g_x, g_y) = G (cos φ,
// sin φ): with θ1 = θ_from, θ2 = θ_to, ρ = r_inner, R = r_outer,
//   ∮ F·dW = -(N-1)(N-2)/(3N-2) · G · (cos(θ2-φ) - cos(θ1-φ)) · (R^(3-2/N) - ρ^(3-2/N)).
double constant_gradient_circulation(double g_x, double g_y, int depth, const AnnularSector& s);

// ∬ curl F dA over the sector (nested adaptive quadrature), split into the two terms above.
struct CurlIntegral {
  double gradient_part = 0;   // the -(N-1)(N-2)/N ||W||^(-2/N) (x g_y - y g_x) term
  double curvature_part = 0;  // the (N-1) ||W||^(-2/N) (y (HW)_x - x (HW)_y) term
  double error = 0;
  double total() const { return gradient_part + curvature_part; }
};
CurlIntegral sector_curl_integral(const LossField& loss, int depth, const Plane& plane,
                                  const AnnularSector& sector, double rel_tol = 1e-9);

}  // namespace experiments
