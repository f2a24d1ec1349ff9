// The l_p regression kernel: residual, loss and gradient of several linear models in one pass
// over the data.
//
// Training a linear model y ≈ X·vᵀ on the l_p loss needs, every step, the residual r = X·vᵀ - y
// and the gradient (1/m)·Σ_i r_i^(p-1)·x_i: two passes over X as a GEMV each way, or, for K
// models trained together (a learning-rate grid), two narrow GEMMs. The data matrix is the big
// operand (here 2565 x 128), and a BLAS GEMM with only a handful of columns on the other side
// spends its time copying (packing) it. This kernel reads each block of rows of X once: it
// computes the block's residuals for every model, raises them to the powers p - 1 and p, and
// adds the block's contribution to every model's gradient while the block is still in the L1
// cache. Vectorized with the compiler's vector extensions; on x86-64 the widest of AVX-512,
// AVX2 + FMA and plain SSE2 that the processor has is picked at run time.
//
// The arithmetic does not depend on how many models are stacked, nor on where a model sits in
// the stack: a model computed alone or inside a grid gets bit-identical results. A large X
// (from 128 Ki elements) is cut into up to four parts of whole blocks of rows, shared out by
// ad::blas::parallel_for between the threads ad::blas::set_num_threads allows (one inside a
// parallel_for body): the parts depend on X's shape alone, so the results are the same to the
// bit on any number of threads.
#pragma once

#include <cstddef>

namespace ad {

// The instruction sets the kernel has code for. Results differ between them by rounding only.
enum class KernelIsa { generic, avx2, avx512 };
const char* kernel_isa_name(KernelIsa isa);  // "generic", "avx2", "avx512"
bool kernel_isa_supported(KernelIsa isa);    // this processor runs it (generic: always)
KernelIsa best_kernel_isa();                 // the widest supported one

// Shapes: X[m,d], V[n,d] (n rows: the models' end-to-end matrices stacked, row a·k + c being
// model a's output c), Y[m,k], all row-major and contiguous; n is a multiple of k.
// For every row q of V, with c = q mod k and r_iq = X_i·V_q - Y[i,c]:
//   loss[q] = Σ_i r_iq^p                          (accumulated in double; not divided by p·m)
//   grad[q] = (1/m)·Σ_i r_iq^(p-1)·X_i   [d]      (only when grad is not null)
// Requires: m, d, k >= 1; n a positive multiple of k; p even and >= 2; loss has n entries and
// grad, when given, n·d; isa supported. Checked by the caller (the tape op in
// autodiff/lp_regression.hpp), not here.
template <typename T>
void lp_regression_kernel(const T* x, std::size_t m, std::size_t d, const T* v, std::size_t n,
                          const T* y, std::size_t k, int p, double* loss, T* grad,
                          KernelIsa isa = best_kernel_isa());

// The same for p = 2 without reading X: from the Gram matrix XᵀX [d,d], XᵀY stored transposed
// as B [k,d] (row c = X's columns against Y's column c) and s[k] = Σ_i Y[i,c]², all in double
// and computed once for all steps. For every row q of V, with c = q mod k and u = V_q·XᵀX:
//   loss[q] = V_q·u - 2·V_q·B_c + s[c]       (= Σ_i r_iq², not divided by 2m)
//   grad[q] = (u - B_c) / m                   (only when grad is not null)
// n·d² multiply-adds instead of 2·n·m·d. The loss loses about one digit to cancellation (the
// terms are of the size of s[c], the result may be much smaller); the gradient does not.
// Requires: as lp_regression_kernel, with gram, b and s of the sizes above.
template <typename T>
void lp_gram_kernel(const double* gram, const double* b, const double* s, std::size_t m,
                    std::size_t d, const T* v, std::size_t n, std::size_t k, double* loss, T* grad,
                    KernelIsa isa = best_kernel_isa());

}  // namespace ad
