// Typed BLAS calls on row-major data: one name for float and double.
//
// gemm computes C = alpha * op(A) * op(B) + beta * C, where op(X) is X or its transpose,
// chosen by a flag: a transposed operand is read in place, never copied. With beta = 1 the
// product is added into C, which is how backward accumulates gradients for free.
// When C is a single row or column, gemm calls gemv instead (the linear models of this project
// live on [1,d] and [d,1] shapes, where gemv is the faster kernel).
#pragma once

#include <cstddef>
#include <functional>

#include "autodiff/thread_pool.hpp"

namespace ad {

enum class Transpose { no, yes };

namespace blas {

// C[M,N] = alpha * op(A)[M,K] * op(B)[K,N] + beta * C[M,N], all row-major and contiguous.
// A is stored [M,K] (or [K,M] when transposed), B is stored [K,N] (or [N,K] when transposed).
template <typename T>
void gemm(Transpose ta, Transpose tb, std::size_t m, std::size_t n, std::size_t k, T alpha,
          const T* a, const T* b, T beta, T* c);

// The Gram matrix C[N,N] = alpha * op(A) * op(A)ᵀ + beta * C, where op(A) is [N,K]: A stored
// [N,K], or [K,N] when transposed (then C = alpha * Aᵀ * A). C is symmetric, so this costs half a
// gemm; the whole of C is written (the upper triangle computed, the lower one mirrored from it).
template <typename T>
void gram(Transpose ta, std::size_t n, std::size_t k, T alpha, const T* a, T beta, T* c);

// y[M] = alpha * op(A) * x + beta * y, A stored row-major [rows, cols].
template <typename T>
void gemv(Transpose ta, std::size_t rows, std::size_t cols, T alpha, const T* a, const T* x, T beta,
          T* y);

// y += alpha * x, n elements.
template <typename T>
void axpy(std::size_t n, T alpha, const T* x, T* y);

// <x, y>, n elements.
template <typename T>
T dot(std::size_t n, const T* x, const T* y);
// <x, y>, n elements, summed in double (float vectors too: cblas_dsdot).
template <typename T>
double dot_double(std::size_t n, const T* x, const T* y);

// ---- threads ----
//
// Two ways to run on several threads. Threading::openblas (the default) lets OpenBLAS split
// each call between its own threads. Threading::own keeps OpenBLAS on one thread and shares the
// work out on threads of our own: gemm and gram split a large product (16M multiply-adds or
// more) into blocks of rows or columns of C (gram, when K >= N, into parts of the sum over K),
// conv2d shares out the images of a batch. Between two calls, OpenBLAS's threads wait spinning
// for the next one, for up to a tenth of a second: in a training step that alternates its calls
// with loops of our own (im2col, pooling, the convolution's own threads) they take a core from
// those loops, which made the MNIST convnet's step a quarter slower (docs/PERFORMANCE.md); with
// Threading::own no thread of OpenBLAS ever runs. A product split into blocks or parts may
// differ from the whole in the last bits (OpenBLAS may sum an element near a block's edge in
// another order, and parts of a sum are added in another order); for a given number of threads
// the blocks, and so the results, are always the same.
enum class Threading { openblas, own };

// Threads the products may use (1 for a single-threaded run); 0 leaves OpenBLAS's default
// (Threading::openblas) and changes nothing.
void set_num_threads(int threads, Threading how = Threading::openblas);
int num_threads();
Threading threading();

// The threads of a scope, and back to what was there at its end:
//   const ad::blas::ScopedThreads one(1);  // these products on this thread, the same bits always
class ScopedThreads {
 public:
  explicit ScopedThreads(int threads, Threading how = Threading::own)
      : threads_(num_threads()), how_(threading()) {
    set_num_threads(threads, how);
  }
  ~ScopedThreads() { set_num_threads(threads_, how_); }
  ScopedThreads(const ScopedThreads&) = delete;
  ScopedThreads& operator=(const ScopedThreads&) = delete;

 private:
  int threads_;
  Threading how_;
};

// Runs body(range, thread) for range = 0 .. ranges - 1 on min(num_threads(), ranges) threads,
// `thread` naming the thread that runs it (0 is the calling one), with OpenBLAS kept to one
// thread meanwhile. Each thread takes the next range not yet taken, so a thread slowed down
// (by another program on its core) takes fewer, instead of the others waiting for it; with
// Schedule::fixed, thread t takes ranges t, t + threads, ... on every call instead. BLAS
// calls inside `body` run on the calling thread only. The threads are the pool's of
// autodiff/thread_pool.hpp, started once; an exception thrown by `body` is rethrown here.
void parallel_for(std::size_t ranges,
                  const std::function<void(std::size_t range, std::size_t thread)>& body,
                  Schedule schedule = Schedule::dynamic);
// The number of threads parallel_for(ranges, ...) would use (buffers per thread).
std::size_t parallel_threads(std::size_t ranges);

}  // namespace blas
}  // namespace ad
