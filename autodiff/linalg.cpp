#include "autodiff/linalg.hpp"

#include <lapacke.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "autodiff/blas.hpp"
#include "autodiff/checks.hpp"

namespace ad {

namespace {

// ---- typed LAPACKE calls (row-major) ------------------------------------------------------

lapack_int syevd(lapack_int n, float* a, float* w) {
  return LAPACKE_ssyevd(LAPACK_ROW_MAJOR, 'V', 'L', n, a, n, w);
}
lapack_int syevd(lapack_int n, double* a, double* w) {
  return LAPACKE_dsyevd(LAPACK_ROW_MAJOR, 'V', 'L', n, a, n, w);
}
lapack_int gesdd(lapack_int m, lapack_int n, float* a, float* s, float* u, float* vt) {
  return LAPACKE_sgesdd(LAPACK_ROW_MAJOR, 'A', m, n, a, n, s, u, m, vt, n);
}
lapack_int gesdd(lapack_int m, lapack_int n, double* a, double* s, double* u, double* vt) {
  return LAPACKE_dgesdd(LAPACK_ROW_MAJOR, 'A', m, n, a, n, s, u, m, vt, n);
}

template <typename T>
const char* prefix() {
  return std::is_same_v<T, float> ? "s" : "d";
}

std::string number(double x) {
  std::ostringstream out;
  out << x;
  return out.str();
}

void check_info(const std::string& routine, const char* caller, lapack_int info) {
  if (info == 0) return;
  std::string why = info < 0
                        ? "argument " + std::to_string(-info) + " was invalid"
                        : "the algorithm did not converge (info = " + std::to_string(info) + ")";
  throw std::runtime_error(std::string(caller) + ": LAPACK " + routine + " failed: " + why);
}

template <typename T>
void check_finite(const char* op, const Tensor<T>& a) {
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!std::isfinite(a[i])) {
      throw std::invalid_argument(std::string(op) + ": the matrix " + a.shape().str() +
                                  " holds a non-finite value (" + number(a[i]) +
                                  ") at flat index " + std::to_string(i));
    }
  }
}

template <typename T>
void check_symmetric(const char* op, const Tensor<T>& a) {
  checks::rank(op, "A", a.shape(), 2);
  if (a.rows() != a.cols()) {
    throw std::invalid_argument(std::string(op) + ": A is " + a.shape().str() +
                                ", not square; a symmetric matrix is [n,n]");
  }
  check_finite(op, a);
  T scale = T{1};
  for (T x : a.values()) scale = std::max(scale, std::abs(x));
  const T tol = std::sqrt(std::numeric_limits<T>::epsilon()) * scale;
  const std::size_t n = a.rows();
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (std::abs(a.at(i, j) - a.at(j, i)) > tol) {
        throw std::invalid_argument(
            std::string(op) + ": A " + a.shape().str() + " is not symmetric: A(" +
            std::to_string(i) + "," + std::to_string(j) + ") = " + number(a.at(i, j)) + " but A(" +
            std::to_string(j) + "," + std::to_string(i) + ") = " + number(a.at(j, i)));
      }
    }
  }
}

template <typename T>
Tensor<T> identity(std::size_t n) {
  Tensor<T> eye({n, n}, T{0});
  for (std::size_t i = 0; i < n; ++i) eye.at(i, i) = T{1};
  return eye;
}

}  // namespace

template <typename T>
SymmetricEigen<T> symmetric_eigen(const Tensor<T>& a) {
  // A[n,n] = Q · diag(λ) · Qᵀ
  check_symmetric("symmetric_eigen", a);
  const std::size_t n = a.rows();
  SymmetricEigen<T> result{Tensor<T>({n}), a};  // ?syevd overwrites A with Q
  if (n == 0) return result;
  const lapack_int info =
      syevd(static_cast<lapack_int>(n), result.eigenvectors.data(), result.eigenvalues.data());
  check_info(std::string("LAPACKE_") + prefix<T>() + "syevd", "symmetric_eigen", info);
  return result;
}

template <typename T>
Tensor<T> symmetric_power(const Tensor<T>& a, double alpha) {
  // A[n,n]^α = Q · diag(max(λ, 0)^α) · Qᵀ
  if (!std::isfinite(alpha) || alpha < 0) {
    throw std::invalid_argument("symmetric_power: the exponent must be finite and >= 0, got " +
                                number(alpha));
  }
  auto [lambda, q] = symmetric_eigen(a);
  const std::size_t n = a.rows();
  T largest = T{0};
  for (T l : lambda.values()) largest = std::max(largest, std::abs(l));
  const T tol = T{100} * static_cast<T>(n) * std::numeric_limits<T>::epsilon() * largest;
  if (n > 0 && lambda[0] < -tol) {
    throw std::invalid_argument("symmetric_power: A " + a.shape().str() +
                                " is not positive semidefinite: its smallest eigenvalue is " +
                                number(lambda[0]) + " (the tolerance for rounding is " +
                                number(-tol) + ")");
  }
  if (alpha == 0) return identity<T>(n);  // 0^0 = 1: the identity on the null space too

  // Scale column j of Q by λ_j^α, then multiply by Qᵀ. Eigenvalues within the rounding
  // tolerance of 0, on either side, are 0: a fractional power would inflate their noise.
  Tensor<T> scaled = q;
  for (std::size_t j = 0; j < n; ++j) {
    const double l = lambda[j] <= tol ? 0.0 : static_cast<double>(lambda[j]);
    const T f = static_cast<T>(std::pow(l, alpha));
    for (std::size_t i = 0; i < n; ++i) scaled.at(i, j) *= f;
  }
  auto out = Tensor<T>::uninitialized({n, n});
  blas::gemm(Transpose::no, Transpose::yes, n, n, n, T{1}, scaled.data(), q.data(), T{0},
             out.data());
  return out;
}

template <typename T>
Svd<T> svd(const Tensor<T>& a) {
  // A[m,n] = U[m,m] · diag(s)[m,n] · Vᵀ[n,n]
  checks::rank("svd", "A", a.shape(), 2);
  check_finite("svd", a);
  const std::size_t m = a.rows();
  const std::size_t n = a.cols();
  Svd<T> result{identity<T>(m), Tensor<T>({std::min(m, n)}), identity<T>(n)};
  if (m == 0 || n == 0) return result;  // nothing to factor: U and V are identities
  Tensor<T> work = a;                   // ?gesdd destroys its input
  const lapack_int info = gesdd(static_cast<lapack_int>(m), static_cast<lapack_int>(n), work.data(),
                                result.s.data(), result.u.data(), result.vt.data());
  check_info(std::string("LAPACKE_") + prefix<T>() + "gesdd", "svd", info);
  return result;
}

template SymmetricEigen<float> symmetric_eigen(const Tensor<float>&);
template SymmetricEigen<double> symmetric_eigen(const Tensor<double>&);
template Tensor<float> symmetric_power(const Tensor<float>&, double);
template Tensor<double> symmetric_power(const Tensor<double>&, double);
template Svd<float> svd(const Tensor<float>&);
template Svd<double> svd(const Tensor<double>&);

}  // namespace ad
