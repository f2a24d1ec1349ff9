#include "autodiff/blas.hpp"

#include <cblas.h>

#include <algorithm>
#include <vector>

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
// C = alpha * op(A) * op(B) + beta * C with explicit leading dimensions (row strides), so that a
// block of rows or columns of a product can be computed in place.
void gemm_ld(Transpose ta, Transpose tb, std::size_t m, std::size_t n, std::size_t k, float alpha,
             const float* a, std::size_t lda, const float* b, std::size_t ldb, float beta, float* c,
             std::size_t ldc) {
  cblas_sgemm(CblasRowMajor, flag(ta), flag(tb), as_int(m), as_int(n), as_int(k), alpha, a,
              as_int(lda), b, as_int(ldb), beta, c, as_int(ldc));
}
void gemm_ld(Transpose ta, Transpose tb, std::size_t m, std::size_t n, std::size_t k, double alpha,
             const double* a, std::size_t lda, const double* b, std::size_t ldb, double beta,
             double* c, std::size_t ldc) {
  cblas_dgemm(CblasRowMajor, flag(ta), flag(tb), as_int(m), as_int(n), as_int(k), alpha, a,
              as_int(lda), b, as_int(ldb), beta, c, as_int(ldc));
}
void syrk_ld(Transpose ta, std::size_t n, std::size_t k, float alpha, const float* a,
             std::size_t lda, float beta, float* c, std::size_t ldc) {
  cblas_ssyrk(CblasRowMajor, CblasUpper, flag(ta), as_int(n), as_int(k), alpha, a, as_int(lda),
              beta, c, as_int(ldc));
}
void syrk_ld(Transpose ta, std::size_t n, std::size_t k, double alpha, const double* a,
             std::size_t lda, double beta, double* c, std::size_t ldc) {
  cblas_dsyrk(CblasRowMajor, CblasUpper, flag(ta), as_int(n), as_int(k), alpha, a, as_int(lda),
              beta, c, as_int(ldc));
}

// ---- threads ----

int own_threads = 0;                    // Threading::own: its thread count; 0: Threading::openblas
thread_local bool in_parallel = false;  // inside parallel_for: BLAS calls stay on this thread
constexpr double split_work = 16e6;  // multiply-adds from which gemm and gram share out a product

// Whether a product of `work` multiply-adds is shared out on our own threads.
bool split(double work) {
  return own_threads > 1 && !in_parallel && work >= split_work;
}
// How many blocks of rows or columns to share out: several per thread, for balance, each at
// least 32 wide.
std::size_t blocks(std::size_t extent) {
  return std::clamp<std::size_t>(extent / 32, 1, 4 * std::size_t(own_threads));
}
}  // namespace

void set_num_threads(int threads, Threading how) {
  if (threads <= 0) return;
  if (how == Threading::own) {
    own_threads = threads;
    openblas_set_num_threads(1);
  } else {
    own_threads = 0;
    openblas_set_num_threads(threads);
  }
}
int num_threads() {
  return own_threads > 0 ? own_threads : openblas_get_num_threads();
}
Threading threading() {
  return own_threads > 0 ? Threading::own : Threading::openblas;
}

std::size_t parallel_threads(std::size_t ranges) {
  if (in_parallel) return 1;
  return std::clamp<std::size_t>(std::size_t(std::max(num_threads(), 1)), 1, ranges);
}

void parallel_for(std::size_t ranges,
                  const std::function<void(std::size_t range, std::size_t thread)>& body,
                  Schedule schedule) {
  const std::size_t threads = parallel_threads(ranges);
  auto work = [&](std::size_t range, std::size_t thread) {
    struct Inside {  // BLAS calls in the body stay on its thread, even when the body throws
      bool outer = in_parallel;
      Inside() { in_parallel = true; }
      ~Inside() { in_parallel = outer; }
    } inside;
    body(range, thread);
  };
  if (threads <= 1) {
    for (std::size_t range = 0; range < ranges; ++range) work(range, 0);
    return;
  }
  const int openblas_threads = openblas_get_num_threads();
  if (openblas_threads > 1) openblas_set_num_threads(1);
  run_on_threads(ranges, threads, work, schedule);
  if (openblas_threads > 1) openblas_set_num_threads(openblas_threads);
}

template <typename T>
void gram(Transpose ta, std::size_t n, std::size_t k, T alpha, const T* a, T beta, T* c) {
  if (n == 0) return;
  if (k == 0) {  // an empty inner product, as in gemm
    for (std::size_t i = 0; i < n * n; ++i) c[i] = beta == T{0} ? T{0} : beta * c[i];
    return;
  }
  const std::size_t lda = ta == Transpose::yes ? n : k;
  // Rows [r0, r1) of op(A): for A stored [K,N] (transposed), columns r0.. of it.
  auto rows = [&](std::size_t r0) { return ta == Transpose::yes ? a + r0 : a + r0 * k; };
  if (!split(0.5 * double(n) * double(n) * double(k))) {
    syrk_ld(ta, n, k, alpha, a, lda, beta, c, n);
  } else if (k >= n) {
    // A long sum (MNIST's 512x512 Gram matrix of a 3136x512 weight): split K instead. Part p
    // sums over its share of K into a C of its own (part 0 into C itself, with beta), each a
    // whole syrk on one thread, and the parts are added in order. (Row blocks would each pack the
    // rest of op(A) again; they were slower on MNIST's W1.)
    const std::size_t parts = parallel_threads(std::size_t(own_threads));
    std::vector<T> partial((parts - 1) * n * n);
    // Columns [k0, k1) of op(A): rows of A when it is stored [K,N] (transposed).
    auto columns = [&](std::size_t k0) { return ta == Transpose::yes ? a + k0 * n : a + k0; };
    parallel_for(parts, [&](std::size_t p, std::size_t) {
      const std::size_t k0 = k * p / parts, k1 = k * (p + 1) / parts;
      T* out = p == 0 ? c : partial.data() + (p - 1) * n * n;
      syrk_ld(ta, n, k1 - k0, alpha, columns(k0), lda, p == 0 ? beta : T{0}, out, n);
    });
    for (std::size_t p = 1; p < parts; ++p) {  // upper triangle: C += part p
      const T* part = partial.data() + (p - 1) * n * n;
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = i; j < n; ++j) c[i * n + j] += part[i * n + j];
    }
  } else {
    // Block b of rows [r0, r1) of the upper triangle: its diagonal block by syrk, the rest of
    // its rows, C[r0:r1, r1:n] = op(A)[r0:r1] · op(A)[r1:n]ᵀ, by gemm.
    const std::size_t count = blocks(n);
    parallel_for(count, [&](std::size_t b, std::size_t) {
      const std::size_t r0 = n * b / count, r1 = n * (b + 1) / count;
      syrk_ld(ta, r1 - r0, k, alpha, rows(r0), lda, beta, c + r0 * n + r0, n);
      if (r1 < n) {
        gemm_ld(ta, flip(ta), r1 - r0, n - r1, k, alpha, rows(r0), lda, rows(r1), lda, beta,
                c + r0 * n + r1, n);
      }
    });
  }
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
    return;
  }
  if (m == 1 && n > 1) {
    // C[1,N] = a[K] * op(B)[K,N], i.e. C^T = op(B)^T * a^T: gemv on B with the flag flipped.
    if (tb == Transpose::no)
      gemv_raw(flip(tb), k, n, alpha, b, a, beta, c);
    else
      gemv_raw(flip(tb), n, k, alpha, b, a, beta, c);
    return;
  }
  const std::size_t lda = ta == Transpose::yes ? m : k, ldb = tb == Transpose::yes ? k : n;
  if (!split(double(m) * double(n) * double(k))) {
    gemm_ld(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, n);
  } else if (m >= n) {  // blocks of rows of C: rows of op(A), all of op(B)
    const std::size_t count = blocks(m);
    parallel_for(count, [&](std::size_t block, std::size_t) {
      const std::size_t r0 = m * block / count, r1 = m * (block + 1) / count;
      const T* a_rows = ta == Transpose::yes ? a + r0 : a + r0 * k;
      gemm_ld(ta, tb, r1 - r0, n, k, alpha, a_rows, lda, b, ldb, beta, c + r0 * n, n);
    });
  } else {  // blocks of columns of C: all of op(A), columns of op(B)
    const std::size_t count = blocks(n);
    parallel_for(count, [&](std::size_t block, std::size_t) {
      const std::size_t c0 = n * block / count, c1 = n * (block + 1) / count;
      const T* b_cols = tb == Transpose::yes ? b + c0 * k : b + c0;
      gemm_ld(ta, tb, m, c1 - c0, k, alpha, a, lda, b_cols, ldb, beta, c + c0, n);
    });
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
template <>
double dot_double<float>(std::size_t n, const float* x, const float* y) {
  return cblas_dsdot(as_int(n), x, 1, y, 1);
}
template <>
double dot_double<double>(std::size_t n, const double* x, const double* y) {
  return dot(n, x, y);
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
