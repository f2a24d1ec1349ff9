// Dense linear algebra on Tensor values (not on the tape): eigendecomposition, matrix powers, SVD.
//
// A symmetric matrix A[n,n] factors as A = Q · diag(λ) · Qᵀ with Q orthogonal: its columns are
// the eigenvectors, λ the (real) eigenvalues. When A is positive semidefinite (λ >= 0, as for
// any Gram matrix W·Wᵀ) that gives its powers directly: A^α = Q · diag(λ^α) · Qᵀ, so A^(1/2) is
// the matrix whose square is A. Any matrix W[m,n] factors as W = U · diag(σ) · Vᵀ (the singular
// value decomposition), which is the eigendecomposition of both Gram matrices at once:
// W·Wᵀ = U diag(σ²) Uᵀ and Wᵀ·W = V diag(σ²) Vᵀ. The optimizer of Arora et al. (optim/e2e.hpp)
// is built on these powers. Everything here calls LAPACK (through LAPACKE) in row-major layout;
// nothing is recorded on a tape and nothing is differentiable.
#pragma once

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

}  // namespace ad
