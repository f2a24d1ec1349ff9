#include <catch2/catch.hpp>

#include <cmath>

#include "autodiff/linalg.hpp"
#include "gradcheck.hpp"

using ad::Tensor;
using Catch::Contains;
using testing::random_tensor;

namespace {

// Naive references, independent of BLAS and LAPACK.
template <typename T>
Tensor<T> matmul(const Tensor<T>& a, const Tensor<T>& b) {
  Tensor<T> c({a.rows(), b.cols()}, T{0});
  for (std::size_t i = 0; i < a.rows(); ++i)
    for (std::size_t j = 0; j < b.cols(); ++j)
      for (std::size_t l = 0; l < a.cols(); ++l) c.at(i, j) += a.at(i, l) * b.at(l, j);
  return c;
}
template <typename T>
Tensor<T> transpose(const Tensor<T>& a) {
  Tensor<T> t({a.cols(), a.rows()});
  for (std::size_t i = 0; i < a.rows(); ++i)
    for (std::size_t j = 0; j < a.cols(); ++j) t.at(j, i) = a.at(i, j);
  return t;
}
// max |a - b| over all elements.
template <typename T>
double max_abs_diff(const Tensor<T>& a, const Tensor<T>& b) {
  REQUIRE(a.shape() == b.shape());
  double m = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    m = std::max(m, std::abs(static_cast<double>(a[i]) - static_cast<double>(b[i])));
  return m;
}
Tensor<double> identity(std::size_t n) {
  Tensor<double> eye({n, n}, 0.0);
  for (std::size_t i = 0; i < n; ++i) eye.at(i, i) = 1.0;
  return eye;
}
// B·Bᵀ + shift·I: symmetric positive semidefinite (definite for shift > 0).
Tensor<double> gram(const Tensor<double>& b, double shift = 0) {
  Tensor<double> a = matmul(b, transpose(b));
  for (std::size_t i = 0; i < a.rows(); ++i) a.at(i, i) += shift;
  return a;
}
// Q·diag(λ)·Qᵀ.
Tensor<double> reconstruct(const ad::SymmetricEigen<double>& e) {
  Tensor<double> scaled = e.eigenvectors;
  for (std::size_t i = 0; i < scaled.rows(); ++i)
    for (std::size_t j = 0; j < scaled.cols(); ++j) scaled.at(i, j) *= e.eigenvalues[j];
  return matmul(scaled, transpose(e.eigenvectors));
}

}  // namespace

// ---- symmetric_eigen ----------------------------------------------------------------------

TEST_CASE("symmetric_eigen: a 2x2 case by hand", "[autodiff][linalg]") {
  // [[2, 1], [1, 2]] has eigenvalues 1 (vector (1, -1)/√2) and 3 (vector (1, 1)/√2).
  const auto e = ad::symmetric_eigen(Tensor<double>({2, 2}, {2, 1, 1, 2}));
  CHECK(e.eigenvalues[0] == Approx(1.0));
  CHECK(e.eigenvalues[1] == Approx(3.0));
  const double r = 1 / std::sqrt(2.0);
  CHECK(std::abs(e.eigenvectors.at(0, 1)) == Approx(r));
  CHECK(e.eigenvectors.at(0, 1) * e.eigenvectors.at(1, 1) == Approx(0.5));   // (1, 1)/√2
  CHECK(e.eigenvectors.at(0, 0) * e.eigenvectors.at(1, 0) == Approx(-0.5));  // (1, -1)/√2
}

TEST_CASE("symmetric_eigen: reconstructs A with orthonormal eigenvectors, ascending values",
          "[autodiff][linalg]") {
  const Tensor<double> a = gram(random_tensor({6, 4}, 1));  // rank 4 of 6
  const auto e = ad::symmetric_eigen(a);
  REQUIRE(e.eigenvalues.shape() == ad::Shape{6});
  REQUIRE(e.eigenvectors.shape() == (ad::Shape{6, 6}));
  for (std::size_t i = 1; i < 6; ++i) CHECK(e.eigenvalues[i - 1] <= e.eigenvalues[i]);
  CHECK(max_abs_diff(reconstruct(e), a) < 1e-12);
  CHECK(max_abs_diff(matmul(transpose(e.eigenvectors), e.eigenvectors), identity(6)) < 1e-12);
}

TEST_CASE("symmetric_eigen: float instantiation", "[autodiff][linalg]") {
  const Tensor<double> a = gram(random_tensor({4, 4}, 2), 0.5);
  const auto e = ad::symmetric_eigen(a.cast<float>());
  const auto ed = ad::symmetric_eigen(a);
  for (std::size_t i = 0; i < 4; ++i)
    CHECK(e.eigenvalues[i] == Approx(ed.eigenvalues[i]).epsilon(1e-4));
}

TEST_CASE("symmetric_eigen: an empty matrix has no eigenvalues", "[autodiff][linalg]") {
  const auto e = ad::symmetric_eigen(Tensor<double>({0, 0}));
  CHECK(e.eigenvalues.size() == 0);
  CHECK(e.eigenvectors.shape() == (ad::Shape{0, 0}));
}

// ---- symmetric_power ----------------------------------------------------------------------

TEST_CASE("symmetric_power: the square root squared is A", "[autodiff][linalg]") {
  const Tensor<double> a = gram(random_tensor({5, 5}, 3), 0.1);
  const Tensor<double> root = ad::symmetric_power(a, 0.5);
  CHECK(max_abs_diff(matmul(root, root), a) < 1e-12);
  CHECK(max_abs_diff(root, transpose(root)) < 1e-12);
}

TEST_CASE("symmetric_power: powers 1 and 1/3 agree with A", "[autodiff][linalg]") {
  const Tensor<double> a = gram(random_tensor({4, 4}, 4), 0.1);
  CHECK(max_abs_diff(ad::symmetric_power(a, 1.0), a) < 1e-12);
  const Tensor<double> cube_root = ad::symmetric_power(a, 1.0 / 3);
  CHECK(max_abs_diff(matmul(matmul(cube_root, cube_root), cube_root), a) < 1e-12);
}

TEST_CASE("symmetric_power: power 0 is exactly the identity, also for singular A",
          "[autodiff][linalg]") {
  // 0^0 = 1: A^0 = I on the null space too, not the projector onto A's range.
  for (const Tensor<double>& a : {gram(random_tensor({4, 4}, 5), 0.1),  // definite
                                  gram(random_tensor({4, 1}, 6)),       // rank 1
                                  Tensor<double>({4, 4}, 0.0)}) {       // zero
    const Tensor<double> p = ad::symmetric_power(a, 0.0);
    for (std::size_t i = 0; i < 4; ++i)
      for (std::size_t j = 0; j < 4; ++j) CHECK(p.at(i, j) == (i == j ? 1.0 : 0.0));
  }
}

TEST_CASE("symmetric_power: a rank-one A, rounding below zero clamped", "[autodiff][linalg]") {
  // A = v·vᵀ: A^(1/2) = v·vᵀ/||v||. Its three zero eigenvalues come out of ?syevd as ±1e-16
  // noise; taken literally, the positive ones would add square roots of ~1e-8. They are 0.
  const Tensor<double> v = random_tensor({4, 1}, 7);
  const Tensor<double> a = gram(v);
  double norm_v = 0;
  for (double x : v.values()) norm_v += x * x;
  norm_v = std::sqrt(norm_v);
  Tensor<double> expected = a;
  for (double& x : expected) x /= norm_v;
  const Tensor<double> root = ad::symmetric_power(a, 0.5);
  CHECK(max_abs_diff(root, expected) < 1e-12);
  for (double x : root.values()) CHECK(std::isfinite(x));
}

TEST_CASE("symmetric_power: float instantiation", "[autodiff][linalg]") {
  const Tensor<float> a = gram(random_tensor({3, 3}, 8), 0.5).cast<float>();
  const Tensor<float> root = ad::symmetric_power(a, 0.5);
  CHECK(max_abs_diff(matmul(root, root), a) < 1e-5);
}

// ---- svd ----------------------------------------------------------------------------------

TEST_CASE("svd: reconstructs wide and tall matrices with orthogonal U and V",
          "[autodiff][linalg]") {
  for (const ad::Shape shape : {ad::Shape{3, 5}, ad::Shape{5, 3}, ad::Shape{1, 7}}) {
    INFO(shape.str());
    const Tensor<double> a = random_tensor(shape, 9);
    const std::size_t m = shape[0];
    const std::size_t n = shape[1];
    const ad::Svd<double> f = ad::svd(a);
    REQUIRE(f.u.shape() == (ad::Shape{m, m}));
    REQUIRE(f.s.shape() == ad::Shape{std::min(m, n)});
    REQUIRE(f.vt.shape() == (ad::Shape{n, n}));
    for (std::size_t i = 1; i < f.s.size(); ++i) CHECK(f.s[i - 1] >= f.s[i]);
    Tensor<double> sigma({m, n}, 0.0);
    for (std::size_t i = 0; i < f.s.size(); ++i) sigma.at(i, i) = f.s[i];
    CHECK(max_abs_diff(matmul(matmul(f.u, sigma), f.vt), a) < 1e-12);
    CHECK(max_abs_diff(matmul(transpose(f.u), f.u), identity(m)) < 1e-12);
    CHECK(max_abs_diff(matmul(f.vt, transpose(f.vt)), identity(n)) < 1e-12);
  }
}

TEST_CASE("svd: singular values are the square roots of the eigenvalues of A·Aᵀ",
          "[autodiff][linalg]") {
  const Tensor<double> a = random_tensor({3, 6}, 10);
  const ad::Svd<double> f = ad::svd(a);
  const auto e = ad::symmetric_eigen(gram(a));  // ascending
  for (std::size_t i = 0; i < 3; ++i)
    CHECK(f.s[i] == Approx(std::sqrt(e.eigenvalues[2 - i])).epsilon(1e-12));
}

TEST_CASE("svd: the zero matrix and the float instantiation", "[autodiff][linalg]") {
  const ad::Svd<double> z = ad::svd(Tensor<double>({2, 4}, 0.0));
  for (double s : z.s.values()) CHECK(s == 0.0);
  const ad::Svd<float> f = ad::svd(random_tensor({2, 3}, 11).cast<float>());
  const ad::Svd<double> d = ad::svd(random_tensor({2, 3}, 11));
  for (std::size_t i = 0; i < 2; ++i) CHECK(f.s[i] == Approx(d.s[i]).epsilon(1e-5));
}

// ---- errors -------------------------------------------------------------------------------

TEST_CASE("linalg: errors name the function and the problem", "[autodiff][linalg][errors]") {
  CHECK_THROWS_WITH(ad::symmetric_eigen(Tensor<double>({2, 3})),
                    "symmetric_eigen: A is [2,3], not square; a symmetric matrix is [n,n]");
  CHECK_THROWS_WITH(ad::symmetric_eigen(Tensor<double>({4})),
                    Contains("symmetric_eigen") && Contains("[4]") && Contains("rank 2"));
  CHECK_THROWS_WITH(ad::symmetric_eigen(Tensor<double>({2, 2}, {1, 2, 3, 4})),
                    Contains("not symmetric") && Contains("A(1,0) = 3"));
  CHECK_THROWS_WITH(ad::symmetric_eigen(Tensor<double>({2, 2}, {1, NAN, NAN, 1})),
                    Contains("symmetric_eigen") && Contains("non-finite"));
  CHECK_THROWS_WITH(
      ad::symmetric_power(Tensor<double>({2, 2}, {1, 0, 0, -1}), 0.5),
      Contains("symmetric_power") && Contains("not positive semidefinite") && Contains("-1"));
  CHECK_THROWS_WITH(ad::symmetric_power(identity(2), -0.5),
                    "symmetric_power: the exponent must be finite and >= 0, got -0.5");
  CHECK_THROWS_WITH(ad::svd(Tensor<double>({2, 2}, {1, INFINITY, 0, 1})),
                    Contains("svd") && Contains("non-finite") && Contains("inf"));
  CHECK_THROWS_WITH(ad::svd(Tensor<double>({2, 2, 2})), Contains("svd") && Contains("rank 2"));
}

// ---- least squares and positive definite solves --------------------------------------------

namespace {
// Aᵀ·(A·x - b) for a vector b: zero at a least-squares solution (the normal equations).
Tensor<double> normal_residual(const Tensor<double>& a, const Tensor<double>& x,
                               const Tensor<double>& b) {
  Tensor<double> r = matmul(a, x.reshaped({x.size(), 1}));
  for (std::size_t i = 0; i < r.size(); ++i) r[i] -= b[i];
  return matmul(transpose(a), r);
}
double max_abs(const Tensor<double>& a) {
  double m = 0;
  for (double v : a) m = std::max(m, std::abs(v));
  return m;
}
}  // namespace

TEST_CASE("least_squares: a 3x2 case by hand, SVD and QR", "[autodiff][linalg]") {
  // AᵀA = [[2,1],[1,2]], Aᵀb = [5,6]: x = (1/3)·[[2,-1],[-1,2]]·[5,6] = [4/3, 7/3].
  const Tensor<double> a({3, 2}, {1, 0, 0, 1, 1, 1}), b({3}, {1, 2, 4});
  const auto svd_solution = ad::least_squares(a, b);
  REQUIRE(svd_solution.x.shape() == ad::Shape{2});
  CHECK(svd_solution.rank == 2);
  CHECK(svd_solution.x[0] == Approx(4.0 / 3));
  CHECK(svd_solution.x[1] == Approx(7.0 / 3));
  const Tensor<double> qr = ad::least_squares_qr(a, b);
  REQUIRE(qr.shape() == ad::Shape{2});
  CHECK(qr[0] == Approx(4.0 / 3));
  CHECK(qr[1] == Approx(7.0 / 3));
}

TEST_CASE("least_squares: random tall systems satisfy the normal equations", "[autodiff][linalg]") {
  const Tensor<double> a = random_tensor({20, 4}, 71), b = random_tensor({20}, 72);
  const auto svd_solution = ad::least_squares(a, b);
  const Tensor<double> qr = ad::least_squares_qr(a, b);
  CHECK(max_abs(normal_residual(a, svd_solution.x, b)) < 1e-12);
  CHECK(max_abs(normal_residual(a, qr, b)) < 1e-12);
  CHECK(max_abs_diff(svd_solution.x, qr) < 1e-12);
}

TEST_CASE("least_squares: collinear columns give the minimum-norm solution and the rank",
          "[autodiff][linalg]") {
  // Column 2 is twice column 1: A·[u,v] = (u + 2v)·[1,2,3] = b needs u + 2v = 1, and the
  // shortest such [u,v] is parallel to [1,2]: [1/5, 2/5].
  const Tensor<double> a({3, 2}, {1, 2, 2, 4, 3, 6}), b({3}, {1, 2, 3});
  const auto solution = ad::least_squares(a, b);
  CHECK(solution.rank == 1);
  CHECK(solution.x[0] == Approx(0.2));
  CHECK(solution.x[1] == Approx(0.4));
  // QR cannot: a zero column makes R singular, and the message points to the SVD.
  const Tensor<double> zero_column({3, 2}, {1, 0, 2, 0, 3, 0});
  CHECK_THROWS_WITH(ad::least_squares_qr(zero_column, b),
                    Contains("rank deficient") && Contains("use least_squares"));
}

TEST_CASE("least_squares: a wide system gets the minimum-norm solution, SVD and QR",
          "[autodiff][linalg]") {
  const Tensor<double> a({1, 2}, {1, 1}), b({1}, {2});  // u + v = 2: shortest [1, 1]
  const auto svd_solution = ad::least_squares(a, b);
  const Tensor<double> qr = ad::least_squares_qr(a, b);
  for (std::size_t i = 0; i < 2; ++i) {
    CHECK(svd_solution.x[i] == Approx(1.0));
    CHECK(qr[i] == Approx(1.0));
  }
}

TEST_CASE("least_squares: a matrix right-hand side solves column by column", "[autodiff][linalg]") {
  const Tensor<double> a = random_tensor({9, 3}, 73), b = random_tensor({9, 2}, 74);
  const auto both = ad::least_squares(a, b);
  const Tensor<double> both_qr = ad::least_squares_qr(a, b);
  REQUIRE(both.x.shape() == ad::Shape{3, 2});
  REQUIRE(both_qr.shape() == ad::Shape{3, 2});
  for (std::size_t c = 0; c < 2; ++c) {
    Tensor<double> column({9});
    for (std::size_t i = 0; i < 9; ++i) column[i] = b.at(i, c);
    const Tensor<double> alone = ad::least_squares(a, column).x;
    for (std::size_t j = 0; j < 3; ++j) {
      CHECK(both.x.at(j, c) == Approx(alone[j]).epsilon(1e-12));
      CHECK(both_qr.at(j, c) == Approx(alone[j]).epsilon(1e-12));
    }
  }
}

TEST_CASE("least_squares: float instantiation", "[autodiff][linalg]") {
  const Tensor<double> a = random_tensor({12, 3}, 75), b = random_tensor({12}, 76);
  const Tensor<double> reference = ad::least_squares(a, b).x;
  const auto af = a.cast<float>();
  const auto bf = b.cast<float>();
  CHECK(max_abs_diff(ad::least_squares(af, bf).x.cast<double>(), reference) < 1e-4);
  CHECK(max_abs_diff(ad::least_squares_qr(af, bf).cast<double>(), reference) < 1e-4);
}

TEST_CASE("solve_positive_definite: a 2x2 case by hand, reading the upper triangle only",
          "[autodiff][linalg]") {
  // A = [[4,2],[2,3]], det 8: x = (1/8)·[[3,-2],[-2,4]]·[2,1] = [1/2, 0].
  Tensor<double> a({2, 2}, {4, 2, 2, 3});
  const Tensor<double> b({2}, {2, 1});
  auto x = ad::solve_positive_definite(a, b);
  REQUIRE(x.has_value());
  CHECK(x->shape() == ad::Shape{2});
  CHECK((*x)[0] == Approx(0.5));
  CHECK((*x)[1] == Approx(0.0).margin(1e-15));
  a.at(1, 0) = -100;  // below the diagonal: not read
  const auto same = ad::solve_positive_definite(a, b);
  REQUIRE(same.has_value());
  CHECK(max_abs_diff(*same, *x) == 0);
}

TEST_CASE("solve_positive_definite: random systems against the naive product",
          "[autodiff][linalg]") {
  const Tensor<double> a = gram(random_tensor({6, 6}, 77), 0.5), b = random_tensor({6, 3}, 78);
  const auto x = ad::solve_positive_definite(a, b);
  REQUIRE(x.has_value());
  REQUIRE(x->shape() == ad::Shape{6, 3});
  CHECK(max_abs_diff(matmul(a, *x), b) < 1e-12);
  const auto xf = ad::solve_positive_definite(a.cast<float>(), b.cast<float>());
  REQUIRE(xf.has_value());
  CHECK(max_abs_diff(xf->cast<double>(), *x) < 1e-3);
}

TEST_CASE("solve_positive_definite: an indefinite or singular A gives no solution",
          "[autodiff][linalg]") {
  const Tensor<double> b({2}, {1, 1});
  CHECK_FALSE(ad::solve_positive_definite(Tensor<double>({2, 2}, {1, 2, 2, 1}), b).has_value());
  CHECK_FALSE(ad::solve_positive_definite(Tensor<double>({2, 2}, {1, 1, 1, 1}), b).has_value());
}

TEST_CASE("least squares and solves: errors name the function and the shapes",
          "[autodiff][linalg][errors]") {
  const Tensor<double> a({3, 2}), b({2});
  CHECK_THROWS_WITH(ad::least_squares(a, b), Contains("least_squares: A is [3,2] and b is [2]"));
  CHECK_THROWS_WITH(ad::least_squares_qr(a, Tensor<double>({3, 0})),
                    Contains("least_squares_qr: A is [3,2] and b is [3,0]"));
  CHECK_THROWS_WITH(ad::solve_positive_definite(a, Tensor<double>({3})),
                    Contains("solve_positive_definite: A is [3,2], not square"));
  CHECK_THROWS_AS(ad::least_squares(Tensor<double>({0, 2}), Tensor<double>({0})),
                  std::invalid_argument);
  Tensor<double> bad({3}, {1, NAN, 2});
  CHECK_THROWS_WITH(ad::least_squares(Tensor<double>({3, 2}, 1.0), bad), Contains("non-finite"));
}
