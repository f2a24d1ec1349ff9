// Dense linear algebra on Tensor values (not on the tape): eigendecomposition, matrix powers, SVD,
// least squares and positive definite solves.
//
// A symmetric matrix A[n,n] factors as A = Q · diag(λ) · Qᵀ with Q orthogonal: its columns are
// the eigenvectors, λ the (real) eigenvalues. When A is positive semidefinite (λ >= 0, as for
// any Gram matrix W·Wᵀ) that gives its powers directly: A^α = Q · diag(λ^α) · Qᵀ, so A^(1/2) is
// the matrix whose square is A. Any matrix W[m,n] factors as W = U · diag(σ) · Vᵀ (the singular
// value decomposition), which is the eigendecomposition of both Gram matrices at once:
// W·Wᵀ = U diag(σ²) Uᵀ and Wᵀ·W = V diag(σ²) Vᵀ. The optimizer of Arora et al. (optim/e2e.hpp)
// is built on these powers. The optimum of the l_p regression problems (experiments/optimum.hpp)
// is a least-squares solve followed by Newton steps, each a positive definite solve.
// Everything here calls LAPACK (through LAPACKE) in row-major layout;
// nothing is recorded on a tape and nothing is differentiable.
#pragma once

#include <cstddef>
#include <optional>

#include "autodiff/tensor.hpp"

namespace ad {

template <typename T>
struct SymmetricEigen {
  Tensor<T> eigenvalues;   // [n], ascending
  Tensor<T> eigenvectors;  // [n,n]; column j (elements at(i, j)) belongs to eigenvalues[j]
};

// A[n,n] = Q · diag(λ) · Qᵀ, through LAPACK's divide-and-conquer ?syevd.
// Requires: A square of rank 2, finite, symmetric up to rounding (|A_ij - A_ji| <= sqrt(eps) ·
//           max(1, max|A|)); throws std::invalid_argument naming the shape or entry otherwise.
// Ensures:  eigenvalues ascending; eigenvectors orthonormal. A LAPACK failure (info != 0) throws
//           std::runtime_error naming the routine.
template <typename T>
SymmetricEigen<T> symmetric_eigen(const Tensor<T>& a);

// A^α for a symmetric positive semidefinite A[n,n] and a real α >= 0: Q · diag(λ^α) · Qᵀ.
// Eigenvalues within rounding of zero (|λ| <= 100·n·eps·max|λ|, either sign) are taken as 0,
// so a singular A gives the power of its exact rank, not powers of rounding noise.
// α = 0 gives the identity exactly, whatever the rank of A (0^0 = 1): A^0 is I, not the
// projector onto the range of A.
// Requires: the conditions of symmetric_eigen; α finite and >= 0; A positive semidefinite up to
//           that rounding (throws std::invalid_argument otherwise).
template <typename T>
Tensor<T> symmetric_power(const Tensor<T>& a, double alpha);

template <typename T>
struct Svd {
  Tensor<T> u;   // [m,m], orthogonal: the left singular vectors are its columns
  Tensor<T> s;   // [min(m,n)], descending, >= 0
  Tensor<T> vt;  // [n,n], orthogonal: the right singular vectors are its rows
};

// The full SVD A[m,n] = U · diag(s) · Vᵀ (diag(s) is [m,n], zero beyond min(m,n)), through
// LAPACK's divide-and-conquer ?gesdd. U and V are square: their trailing columns span the null
// spaces of Aᵀ and A, which the matrix powers of Wᵀ·W need (its power 0 is I on them too).
// Requires: A of rank 2, finite (throws std::invalid_argument otherwise).
// Ensures:  a LAPACK failure (info != 0) throws std::runtime_error naming the routine.
template <typename T>
Svd<T> svd(const Tensor<T>& a);

// ---- linear systems and least squares -----------------------------------------------------
//
// The right-hand side b is a vector [m] or a matrix [m,k] (k systems with the same A, one per
// column); the solution has the same rank, [n] or [n,k].

// min_x ||A·x - b||₂ for A[m,n], through LAPACK's SVD-based ?gelsd: robust to collinear columns
// (a rank-deficient A), where it returns the minimum-norm solution. Singular values at most
// rcond·σ_max count as zero; rcond < 0 means machine precision.
// Requires: A of rank 2 with m, n >= 1; b [m] or [m,k] with k >= 1; A and b finite (throws
//           std::invalid_argument naming the shapes or the entry otherwise).
// Ensures:  x [n] or [n,k]; rank is the effective rank of A; a LAPACK failure (the SVD did not
//           converge) throws std::runtime_error naming the routine.
template <typename T>
struct LeastSquares {
  Tensor<T> x;       // [n] or [n,k]
  std::size_t rank;  // the effective rank of A
};
template <typename T>
LeastSquares<T> least_squares(const Tensor<T>& a, const Tensor<T>& b, double rcond = -1);

// The same by QR (LAPACK's ?gels, no pivoting): faster, but only for A of full rank min(m,n).
// For m >= n the least-squares solution, for m < n the minimum-norm solution of A·x = b.
// Requires: as least_squares.
// Ensures:  x [n] or [n,k]; an A of lower rank (a zero on the diagonal of R) throws
//           std::runtime_error naming the routine, with the hint to use least_squares.
template <typename T>
Tensor<T> least_squares_qr(const Tensor<T>& a, const Tensor<T>& b);

// x solving A·x = b for a symmetric positive definite A[n,n], by Cholesky (LAPACK's ?posv).
// Only the upper triangle of A (A(i,j), j >= i) is read.
// Requires: A [n,n] with n >= 1; b [n] or [n,k] with k >= 1; A and b finite (throws
//           std::invalid_argument otherwise).
// Ensures:  x [n] or [n,k]; std::nullopt when A is not positive definite to working precision
//           (the Cholesky factorization met a pivot <= 0), so the caller can regularize and retry.
template <typename T>
std::optional<Tensor<T>> solve_positive_definite(const Tensor<T>& a, const Tensor<T>& b);

}  // namespace ad
