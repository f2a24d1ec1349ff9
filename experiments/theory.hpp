// The paper's theory made visible: `overparam theory curl` and `overparam theory toy`.
//
// ---- curl: the end-to-end update is no gradient (Theorem 2) ---------------------------------
//
// For a single output (W a row vector [1,d]), gradient descent on a depth-N linear network moves
// its end-to-end vector W, to first order in the learning rate η, as W <- W - η F(W) with
//
//   F(W) = ||W||^(2-2/N) · ( g + (N-1) <g, u> u ),   g = ∇L(W),  u = W / ||W||
//
// (optim/e2e.hpp). Could the same steps come from plain gradient descent on some other
// objective, L plus a clever regularizer R? Only if F were a gradient field, F = ∇Φ. A test:
//
//   The line integral ∮_C F · dW = ∫_0^1 <F(γ(t)), γ'(t)> dt of a field along a closed curve γ
//   adds up the component of F along the curve. If F = ∇Φ, then <∇Φ(γ(t)), γ'(t)> is the
//   derivative of Φ(γ(t)) (chain rule), so the integral along any path is Φ(end) - Φ(start),
//   and around a closed curve it is 0. So one closed curve with a nonzero integral proves that F
//   is the gradient of no function at all: no regularizer gives the acceleration of depth.
//
// For N = 1, F = g is the gradient of L, and the integral must vanish. For N = 2 and a constant
// g it vanishes too: F is then the gradient of ||W||·<g, W>. For N >= 3 it does not, which is
// the paper's Theorem 2. We integrate in a 2-D slice of weight space: the plane through the
// origin spanned by orthonormal a, b (W = x a + y b), around the annular sector
//
//        r_inner <= r <= r_outer,  θ_from <= θ <= θ_to   (polar coordinates in the plane)
//
// counterclockwise: out along the ray θ_from, along the outer arc, in along the ray θ_to, back
// along the inner arc. The curve avoids the origin, where F is not differentiable for N >= 3
// (||W||^(2-2/N) has a kink there). On each of the four smooth pieces the integral is computed
// by adaptive Gauss-Kronrod quadrature (integrate_adaptive), which also estimates its error.
//
// Closed form for a constant gradient g, with g's in-plane part G (cos φ, sin φ) and
// α = 2 - 2/N: along a ray, F·u = N r^α G cos(θ-φ); along an arc, F·e_θ = r^α G sin(φ-θ).
// Adding the four pieces (θ1 = θ_from, θ2 = θ_to, ρ = r_inner, R = r_outer),
//
//   ∮ F·dW = -(N-1)(N-2)/(3N-2) · G · (cos(θ2-φ) - cos(θ1-φ)) · (R^(3-2/N) - ρ^(3-2/N))
//
// zero for N = 1 and N = 2, nonzero for N >= 3 (unless the sector is symmetric about g).
//
// Green's theorem gives a second route to the same number: ∮ F·dW = ∬ curl F dA over the
// enclosed sector, with curl F = ∂F_y/∂x - ∂F_x/∂y. Differentiating F (H = ∇²L, the Hessian):
//
//   curl F = ||W||^(α-2) · [ -(N-1)(N-2)/N · (x g_y - y g_x)  +  (N-1) · (y (HW)_x - x (HW)_y) ]
//
// where g_x = <g, a> and so on. The first term, the one a constant gradient sees, vanishes for
// N = 1 and 2. The second, the loss's curvature, vanishes for N = 1 only: unless HW is parallel
// to W (an isotropic loss), the N = 2 field circulates too. So on the real l_4 loss N = 2 is no
// gradient field either: only the constant-gradient case singles out N >= 3.
//
// ---- toy: the paper's two-example illustration ----------------------------------------------
//
// Two examples ([1,0], y1) and ([0,1], y2) with y1 >> y2 and the l_p loss (p > 2):
//   L(w) = ((w1-y1)^p + (w2-y2)^p) / (2p),     ∂L/∂w_i = (w_i - y_i)^(p-1) / 2.
// The coordinates separate, and the curvature along coordinate i is (p-1)(w_i-y_i)^(p-2)/2: at
// the start, w = 0, it is (y1/y2)^(p-2) times larger along w1 than along w2. Gradient descent
// from 0 converges only for η < 4 / y1^(p-2) (the first step lands at w1 = η y1^(p-1)/2 and must
// not overshoot y1 by more than y1; after that every step contracts), so its largest stable rate
// is set by the large coordinate, and the small one crawls at that rate.
//
// Depth 2: the smallest deep linear network, x -> v·(aᵀx) (a in R², v a scalar; DeepLinear with
// depth 2 and width 1, and the paper's own "x·w1·w2" warm-up), trained by plain GD on (a, v).
// Its end-to-end vector w = v·a moves by -η (v² g + (aᵀg) a), which for a balanced start
// (v² = ||a||²) is the end-to-end rule above with N = 2: the step is multiplied by ||w|| = v²,
// small at the start where the gradient is huge, about y1 at the end. So the small coordinate
// gets the learning rate η·||w|| ≈ η·y1. We train the real two-factor network rather than apply
// the end-to-end rule, so what is shown is gradient descent itself, not its small-step limit.
// It starts balanced and tiny (v = ||a|| = 1e-3) with a along e1, so that w2 starts at 0 as in
// GD: with a2 != 0 the growing factor v would drag w2 along, toward y2 or away from it by luck.
// (A diagonal network w_i = a_i b_i would be the wrong overparameterization here: it multiplies
// each coordinate's step by its own 2|w_i|, so the small coordinate would get the smallest rate.)
//
// What the measurement shows: the depth-2 network has a largest stable rate of its own, set
// while w1 climbs to y1 with ||w|| already large and the gradient still large, and (by scaling
// w = y1·w', a start of the same relative size) the two caps scale alike with y1. At p = 4,
// y1 = 100, y2 = 1 the small coordinate ends up with 2.8 times GD's rate and gets halfway to y2
// 2.8 times sooner; over starts from 1e-3 to 1 the factor ranges from about 2 to 6 (the edge of
// stability of the depth-2 network is not a smooth function of its start). A real acceleration,
// by a constant factor in this toy, not one that grows with y1/y2.
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

// ∫_lo^hi f by adaptive Gauss-Kronrod (7-point Gauss inside a 15-point Kronrod rule): the
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
  std::string name;  // "ray out at theta_from", ...
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

// The closed form above for a constant gradient whose in-plane components are (g_x, g_y).
double constant_gradient_circulation(double g_x, double g_y, int depth, const AnnularSector& s);

// ∬ curl F dA over the sector (nested adaptive quadrature), split as in the header comment.
struct CurlIntegral {
  double gradient_part = 0;   // the -(N-1)(N-2)/N (x g_y - y g_x) term
  double curvature_part = 0;  // the (N-1) (y (HW)_x - x (HW)_y) term
  double error = 0;
  double total() const { return gradient_part + curvature_part; }
};
CurlIntegral sector_curl_integral(const LossField& loss, int depth, const Plane& plane,
                                  const AnnularSector& sector, double rel_tol = 1e-9);

// ---- the toy ----------------------------------------------------------------------------------

struct ToyConfig {
  double y1 = 100, y2 = 1;
  int p = 4;
  std::size_t iterations = 30000;
  double fraction = 0.9;     // run each method at this fraction of its largest stable rate
  double init_scale = 1e-3;  // depth 2: ||a|| = v = init_scale (balanced), a along e1
};

struct ToyRun {
  std::string name;
  double lr = 0;                     // the rate used
  double largest_stable = 0;         // found by bisection
  std::vector<double> dist1, dist2;  // |w_i - y_i| after t steps, t = 0 ... iterations
  double final_rate2 = 0;            // the learning rate the small coordinate sees at the end
};

struct ToyResult {
  ToyRun gd, deep;
  double gd_bound = 0;  // the closed form 4 / y1^(p-2)
};

// Throws std::invalid_argument naming the flag for an invalid config.
void validate_toy(const ToyConfig& c);
// Finds each method's largest stable rate (the run stays bounded and ends below its starting
// loss) by bisection over the full run, then runs each at c.fraction of it.
ToyResult run_toy_experiment(const ToyConfig& c);

// The first t with dist[t] <= target, or -1.
long long first_iteration_below(const std::vector<double>& dist, double target);

// `overparam theory curl|toy ...`.
int run_theory(int argc, char** argv);

}  // namespace experiments
