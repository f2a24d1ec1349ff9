#include "autodiff/linalg.hpp"

#include <lapacke.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

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
lapack_int gelsd(lapack_int m, lapack_int n, lapack_int nrhs, float* a, float* b, float* s,
                 float rcond, lapack_int* rank) {
  return LAPACKE_sgelsd(LAPACK_ROW_MAJOR, m, n, nrhs, a, n, b, nrhs, s, rcond, rank);
}
lapack_int gelsd(lapack_int m, lapack_int n, lapack_int nrhs, double* a, double* b, double* s,
                 double rcond, lapack_int* rank) {
  return LAPACKE_dgelsd(LAPACK_ROW_MAJOR, m, n, nrhs, a, n, b, nrhs, s, rcond, rank);
}
lapack_int gels(lapack_int m, lapack_int n, lapack_int nrhs, float* a, float* b) {
  return LAPACKE_sgels(LAPACK_ROW_MAJOR, 'N', m, n, nrhs, a, n, b, nrhs);
}
lapack_int gels(lapack_int m, lapack_int n, lapack_int nrhs, double* a, double* b) {
  return LAPACKE_dgels(LAPACK_ROW_MAJOR, 'N', m, n, nrhs, a, n, b, nrhs);
}
lapack_int posv(lapack_int n, lapack_int nrhs, float* a, float* b) {
  return LAPACKE_sposv(LAPACK_ROW_MAJOR, 'U', n, nrhs, a, n, b, nrhs);
}
lapack_int posv(lapack_int n, lapack_int nrhs, double* a, double* b) {
  return LAPACKE_dposv(LAPACK_ROW_MAJOR, 'U', n, nrhs, a, n, b, nrhs);
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

// A[m,n] and b [m] or [m,k] of a linear system; returns k.
template <typename T>
std::size_t check_system(const char* op, const Tensor<T>& a, const Tensor<T>& b) {
  checks::rank(op, "A", a.shape(), 2);
  const bool vector = b.rank() == 1, matrix = b.rank() == 2;
  if (a.rows() == 0 || a.cols() == 0 || !(vector || matrix) || b.shape()[0] != a.rows() ||
      (matrix && b.cols() == 0)) {
    throw std::invalid_argument(std::string(op) + ": A is " + a.shape().str() + " and b is " +
                                b.shape().str() + "; expected A [m,n] and b [m] or [m,k], " +
                                "m, n, k >= 1");
  }
  check_finite(op, a);
  check_finite(op, b);
  return vector ? 1 : b.cols();
}

// b [m] or [m,k] copied into rows [0, m) of a [rows, k] buffer, zero below (the LAPACK
// least-squares routines write the solution, of n rows, over b).
template <typename T>
std::vector<T> padded_rhs(const Tensor<T>& b, std::size_t rows) {
  std::vector<T> out(rows * (b.rank() == 1 ? 1 : b.cols()), T{0});
  std::copy(b.begin(), b.end(), out.begin());
  return out;
}

// The first n rows of a [*, k] buffer, shaped like b: [n] or [n,k].
template <typename T>
Tensor<T> solution(const std::vector<T>& buffer, std::size_t n, const Tensor<T>& b) {
  const std::size_t k = b.rank() == 1 ? 1 : b.cols();
  Tensor<T> x = b.rank() == 1 ? Tensor<T>({n}) : Tensor<T>({n, k});
  std::copy(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(n * k), x.begin());
  return x;
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

template <typename T>
LeastSquares<T> least_squares(const Tensor<T>& a, const Tensor<T>& b, double rcond) {
  // min ||A[m,n] · x[n,k] - b[m,k]||₂
  const std::size_t k = check_system("least_squares", a, b);
  const std::size_t m = a.rows(), n = a.cols();
  Tensor<T> work = a;                                  // ?gelsd destroys A
  std::vector<T> rhs = padded_rhs(b, std::max(m, n));  // and writes x over b
  std::vector<T> s(std::min(m, n));
  lapack_int rank = 0;
  const lapack_int info =
      gelsd(static_cast<lapack_int>(m), static_cast<lapack_int>(n), static_cast<lapack_int>(k),
            work.data(), rhs.data(), s.data(), static_cast<T>(rcond), &rank);
  check_info(std::string("LAPACKE_") + prefix<T>() + "gelsd", "least_squares", info);
  return {solution(rhs, n, b), static_cast<std::size_t>(rank)};
}

template <typename T>
Tensor<T> least_squares_qr(const Tensor<T>& a, const Tensor<T>& b) {
  // min ||A[m,n] · x[n,k] - b[m,k]||₂, A of full rank
  const std::size_t k = check_system("least_squares_qr", a, b);
  const std::size_t m = a.rows(), n = a.cols();
  Tensor<T> work = a;
  std::vector<T> rhs = padded_rhs(b, std::max(m, n));
  const lapack_int info = gels(static_cast<lapack_int>(m), static_cast<lapack_int>(n),
                               static_cast<lapack_int>(k), work.data(), rhs.data());
  const std::string routine = std::string("LAPACKE_") + prefix<T>() + "gels";
  if (info > 0) {
    throw std::runtime_error("least_squares_qr: LAPACK " + routine + " failed: A " +
                             a.shape().str() + " is rank deficient (diagonal element " +
                             std::to_string(info) +
                             " of its triangular factor is zero); use least_squares (SVD)");
  }
  check_info(routine, "least_squares_qr", info);
  return solution(rhs, n, b);
}

template <typename T>
std::optional<Tensor<T>> solve_positive_definite(const Tensor<T>& a, const Tensor<T>& b) {
  // A[n,n] · x[n,k] = b[n,k], A = Uᵀ·U (Cholesky, upper triangle)
  const char* op = "solve_positive_definite";
  const std::size_t k = check_system(op, a, b);
  if (a.rows() != a.cols()) {
    throw std::invalid_argument(std::string(op) + ": A is " + a.shape().str() +
                                ", not square; a positive definite matrix is [n,n]");
  }
  const std::size_t n = a.rows();
  Tensor<T> factor = a;  // ?posv overwrites A with its Cholesky factor
  Tensor<T> x = b;       // and b with x
  const lapack_int info =
      posv(static_cast<lapack_int>(n), static_cast<lapack_int>(k), factor.data(), x.data());
  if (info > 0) return std::nullopt;  // the leading minor of order info is not positive
  check_info(std::string("LAPACKE_") + prefix<T>() + "posv", op, info);
  return x;
}

template SymmetricEigen<float> symmetric_eigen(const Tensor<float>&);
template SymmetricEigen<double> symmetric_eigen(const Tensor<double>&);
template Tensor<float> symmetric_power(const Tensor<float>&, double);
template Tensor<double> symmetric_power(const Tensor<double>&, double);
template Svd<float> svd(const Tensor<float>&);
template Svd<double> svd(const Tensor<double>&);
template LeastSquares<float> least_squares(const Tensor<float>&, const Tensor<float>&, double);
template LeastSquares<double> least_squares(const Tensor<double>&, const Tensor<double>&, double);
template Tensor<float> least_squares_qr(const Tensor<float>&, const Tensor<float>&);
template Tensor<double> least_squares_qr(const Tensor<double>&, const Tensor<double>&);
template std::optional<Tensor<float>> solve_positive_definite(const Tensor<float>&,
                                                              const Tensor<float>&);
template std::optional<Tensor<double>> solve_positive_definite(const Tensor<double>&,
                                                               const Tensor<double>&);

}  // namespace ad
