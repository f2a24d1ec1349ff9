#include "autodiff/blas.hpp"

#include <cblas.h>

namespace ad::blas {

namespace {
CBLAS_TRANSPOSE flag(Transpose t) {
  return t == Transpose::yes ? CblasTrans : CblasNoTrans;
}
Transpose flip(Transpose t) {
  return t == Transpose::yes ? Transpose::no : Transpose::yes;
}
blasint as_int(std::size_t n) {
  return static_cast<blasint>(n);
}

void gemv_raw(Transpose ta, std::size_t rows, std::size_t cols, float alpha, const float* a,
              const float* x, float beta, float* y) {
  cblas_sgemv(CblasRowMajor, flag(ta), as_int(rows), as_int(cols), alpha, a, as_int(cols), x, 1,
              beta, y, 1);
}
void gemv_raw(Transpose ta, std::size_t rows, std::size_t cols, double alpha, const double* a,
              const double* x, double beta, double* y) {
  cblas_dgemv(CblasRowMajor, flag(ta), as_int(rows), as_int(cols), alpha, a, as_int(cols), x, 1,
              beta, y, 1);
}
void gemm_raw(Transpose ta, Transpose tb, std::size_t m, std::size_t n, std::size_t k, float alpha,
              const float* a, const float* b, float beta, float* c) {
  cblas_sgemm(CblasRowMajor, flag(ta), flag(tb), as_int(m), as_int(n), as_int(k), alpha, a,
              as_int(ta == Transpose::yes ? m : k), b, as_int(tb == Transpose::yes ? k : n), beta,
              c, as_int(n));
}
void gemm_raw(Transpose ta, Transpose tb, std::size_t m, std::size_t n, std::size_t k, double alpha,
              const double* a, const double* b, double beta, double* c) {
  cblas_dgemm(CblasRowMajor, flag(ta), flag(tb), as_int(m), as_int(n), as_int(k), alpha, a,
              as_int(ta == Transpose::yes ? m : k), b, as_int(tb == Transpose::yes ? k : n), beta,
              c, as_int(n));
}
void syrk_raw(Transpose ta, std::size_t n, std::size_t k, float alpha, const float* a, float beta,
              float* c) {
  cblas_ssyrk(CblasRowMajor, CblasUpper, flag(ta), as_int(n), as_int(k), alpha, a,
              as_int(ta == Transpose::yes ? n : k), beta, c, as_int(n));
}
void syrk_raw(Transpose ta, std::size_t n, std::size_t k, double alpha, const double* a,
              double beta, double* c) {
  cblas_dsyrk(CblasRowMajor, CblasUpper, flag(ta), as_int(n), as_int(k), alpha, a,
              as_int(ta == Transpose::yes ? n : k), beta, c, as_int(n));
}
}  // namespace

template <typename T>
void gram(Transpose ta, std::size_t n, std::size_t k, T alpha, const T* a, T beta, T* c) {
  if (n == 0) return;
  if (k == 0) {  // an empty inner product, as in gemm
    for (std::size_t i = 0; i < n * n; ++i) c[i] = beta == T{0} ? T{0} : beta * c[i];
    return;
  }
  syrk_raw(ta, n, k, alpha, a, beta, c);
  for (std::size_t i = 1; i < n; ++i)  // lower triangle: C[i,j] = C[j,i] for j < i
    for (std::size_t j = 0; j < i; ++j) c[i * n + j] = c[j * n + i];
}

template <typename T>
void gemm(Transpose ta, Transpose tb, std::size_t m, std::size_t n, std::size_t k, T alpha,
          const T* a, const T* b, T beta, T* c) {
  if (m == 0 || n == 0) return;
  if (k == 0) {  // an empty inner product: C = beta * C (BLAS rejects a zero leading dimension)
    for (std::size_t i = 0; i < m * n; ++i) c[i] = beta == T{0} ? T{0} : beta * c[i];
    return;
  }
  if (n == 1 && m > 1) {
    // C[M,1] = op(A)[M,K] * b[K]: b is contiguous whether stored [K,1] or (transposed) [1,K].
    if (ta == Transpose::no)
      gemv_raw(Transpose::no, m, k, alpha, a, b, beta, c);
    else
      gemv_raw(Transpose::yes, k, m, alpha, a, b, beta, c);
  } else if (m == 1 && n > 1) {
    // C[1,N] = a[K] * op(B)[K,N], i.e. C^T = op(B)^T * a^T: gemv on B with the flag flipped.
    if (tb == Transpose::no)
      gemv_raw(flip(tb), k, n, alpha, b, a, beta, c);
    else
      gemv_raw(flip(tb), n, k, alpha, b, a, beta, c);
  } else {
    gemm_raw(ta, tb, m, n, k, alpha, a, b, beta, c);
  }
}

template <typename T>
void gemv(Transpose ta, std::size_t rows, std::size_t cols, T alpha, const T* a, const T* x, T beta,
          T* y) {
  gemv_raw(ta, rows, cols, alpha, a, x, beta, y);
}

template <>
void axpy<float>(std::size_t n, float alpha, const float* x, float* y) {
  cblas_saxpy(as_int(n), alpha, x, 1, y, 1);
}
template <>
void axpy<double>(std::size_t n, double alpha, const double* x, double* y) {
  cblas_daxpy(as_int(n), alpha, x, 1, y, 1);
}
template <>
float dot<float>(std::size_t n, const float* x, const float* y) {
  return cblas_sdot(as_int(n), x, 1, y, 1);
}
template <>
double dot<double>(std::size_t n, const double* x, const double* y) {
  return cblas_ddot(as_int(n), x, 1, y, 1);
}

void set_num_threads(int threads) {
  if (threads > 0) openblas_set_num_threads(threads);
}
int num_threads() {
  return openblas_get_num_threads();
}

template void gemm<float>(Transpose, Transpose, std::size_t, std::size_t, std::size_t, float,
                          const float*, const float*, float, float*);
template void gemm<double>(Transpose, Transpose, std::size_t, std::size_t, std::size_t, double,
                           const double*, const double*, double, double*);
template void gram<float>(Transpose, std::size_t, std::size_t, float, const float*, float, float*);
template void gram<double>(Transpose, std::size_t, std::size_t, double, const double*, double,
                           double*);
template void gemv<float>(Transpose, std::size_t, std::size_t, float, const float*, const float*,
                          float, float*);
template void gemv<double>(Transpose, std::size_t, std::size_t, double, const double*,
                           const double*, double, double*);

}  // namespace ad::blas
