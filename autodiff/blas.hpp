// Typed BLAS calls on row-major data: one name for float and double.
//
// gemm computes C = alpha * op(A) * op(B) + beta * C, where op(X) is X or its transpose,
// chosen by a flag: a transposed operand is read in place, never copied. With beta = 1 the
// product is added into C, which is how backward accumulates gradients for free.
// When C is a single row or column, gemm calls gemv instead (the linear models of this project
// live on [1,d] and [d,1] shapes, where gemv is the faster kernel).
#pragma once

#include <cstddef>

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

// Threads OpenBLAS may use (1 for a single-threaded run); 0 leaves OpenBLAS's default.
void set_num_threads(int threads);
int num_threads();

}  // namespace blas
}  // namespace ad
