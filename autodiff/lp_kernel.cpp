#include "autodiff/lp_kernel.hpp"

#include "autodiff/blas.hpp"
#include "autodiff/vector_lanes.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define OVERPARAM_LP_X86 1
#else
#define OVERPARAM_LP_X86 0
#endif

namespace ad {

namespace {

// The ThreadSanitizer build compiles this file uninstrumented (autodiff/CMakeLists.txt): checked
// vector load by vector load, the kernel ran about fifty times slower. It tells TSan instead, once
// per call and per part, the ranges it reads and writes, so that a race on them between parts, or
// with the caller, is still reported: all of V, Y and the outputs; of X and of XᵀX, data read on
// every step and written by nobody once made, only the first and last rows (of the part), since a
// whole range check of them costs as much as the kernel.
#if OVERPARAM_LP_TSAN_RANGES
extern "C" void __tsan_read_range(void* address, unsigned long size);
extern "C" void __tsan_write_range(void* address, unsigned long size);
template <typename T>
void reads(const T* p, std::size_t count) {
  if (p && count) __tsan_read_range(const_cast<T*>(p), count * sizeof(T));
}
template <typename T>
void writes(T* p, std::size_t count) {
  if (p && count) __tsan_write_range(p, count * sizeof(T));
}
#else
template <typename T>
void reads(const T*, std::size_t) {}
template <typename T>
void writes(T*, std::size_t) {}
#endif
// The first and last of `rows` rows of `cols` (X, XᵀX).
template <typename T>
void reads_end_rows(const T* p, std::size_t rows, std::size_t cols) {
  reads(p, cols);
  reads(p + (rows - 1) * cols, cols);
}

using lanes::load;
using lanes::store;
using lanes::Vec;

// The tile sizes of one instruction set: W lanes per vector; the forward pass computes MR rows x
// NR models of dot products at once, the backward pass Q vectors of columns x NR models of
// gradient, with NR <= NR_MAX models per tile. The tiles' accumulators stay in registers.
template <int W_, int MR_, int Q_, int NR_MAX_>
struct Tiles {
  static constexpr int W = W_, MR = MR_, Q = Q_, NR_MAX = NR_MAX_;
};

// One part of the kernel's work: rows [0, m) of x and y, which are rows of a data set of
// m_total rows (the gradient's 1/m is 1/m_total).
template <typename T>
struct Args {
  const T* x;
  std::size_t m, d;
  const T* v;
  std::size_t n;
  const T* y;
  std::size_t k;
  int p;
  double* loss;
  T* grad;
  std::size_t m_total;
};

// Rows per block: about 32 KiB of X, so that the backward pass finds the block in L1.
std::size_t block_rows(std::size_t d, std::size_t element) {
  return std::clamp<std::size_t>(32768 / (d * element), 8, 512);
}

// ---- forward: the residuals' dot products -------------------------------------------------

// x[MR rows, d] · v[NR rows, d]ᵀ -> r[NR, MR] (transposed: model c's results at r + c·ldr).
// Each of the MR·NR sums runs over the columns in vectors of W, then adds the W lanes in order,
// then the d mod W last columns: the same order whatever MR and NR are.
template <typename T, int W, int MR, int NR>
OVERPARAM_INLINE void dots(const T* x, std::size_t d, const T* v, T* r, std::size_t ldr) {
  using V = Vec<T, W>;
  V acc[MR][NR];
#pragma GCC unroll 8
  for (int a = 0; a < MR; ++a)
#pragma GCC unroll 8
    for (int c = 0; c < NR; ++c) acc[a][c] = V{};
  std::size_t j = 0;
  for (; j + W <= d; j += W) {
    V xa[MR];
#pragma GCC unroll 8
    for (int a = 0; a < MR; ++a) load(xa[a], x + a * d + j);
#pragma GCC unroll 8
    for (int c = 0; c < NR; ++c) {
      V vc;
      load(vc, v + c * d + j);
#pragma GCC unroll 8
      for (int a = 0; a < MR; ++a) acc[a][c] += xa[a] * vc;
    }
  }
#pragma GCC unroll 8
  for (int a = 0; a < MR; ++a)
#pragma GCC unroll 8
    for (int c = 0; c < NR; ++c) {
      T s = 0;
#pragma GCC unroll 16
      for (int l = 0; l < W; ++l) s += acc[a][c][l];
      for (std::size_t t = j; t < d; ++t) s += x[a * d + t] * v[c * d + t];
      r[c * ldr + a] = s;
    }
}

// V[NR rows, d] · X_b[b,d]ᵀ -> r[NR, b] (row stride ldr): MR rows of X at a time, then one by
// one.
template <typename T, class Tl, int NR>
OVERPARAM_INLINE void forward_tile(const T* xb, std::size_t b, std::size_t d, const T* v, T* r,
                                   std::size_t ldr) {
  std::size_t i = 0;
  for (; i + Tl::MR <= b; i += Tl::MR) dots<T, Tl::W, Tl::MR, NR>(xb + i * d, d, v, r + i, ldr);
  for (; i < b; ++i) dots<T, Tl::W, 1, NR>(xb + i * d, d, v, r + i, ldr);
}

// ---- backward: the gradients --------------------------------------------------------------

// g_c[0, Q·W) += Σ_{i < rows} f[c·ldf + i] · x_i[0, Q·W) for the NR rows g_c = g + c·d (x_i = x
// + i·d). Every gradient entry adds the rows in order, whatever Q and NR are.
template <typename T, int W, int NR, int Q>
OVERPARAM_INLINE void accumulate(const T* x, std::size_t d, std::size_t rows, const T* f,
                                 std::size_t ldf, T* g) {
  using V = Vec<T, W>;
  V acc[NR][Q];
#pragma GCC unroll 8
  for (int c = 0; c < NR; ++c)
#pragma GCC unroll 8
    for (int q = 0; q < Q; ++q) load(acc[c][q], g + c * d + q * W);
  for (std::size_t i = 0; i < rows; ++i) {
    V xq[Q];
#pragma GCC unroll 8
    for (int q = 0; q < Q; ++q) load(xq[q], x + i * d + q * W);
#pragma GCC unroll 8
    for (int c = 0; c < NR; ++c) {
      const T fc = f[c * ldf + i];
#pragma GCC unroll 8
      for (int q = 0; q < Q; ++q) acc[c][q] += fc * xq[q];
    }
  }
#pragma GCC unroll 8
  for (int c = 0; c < NR; ++c)
#pragma GCC unroll 8
    for (int q = 0; q < Q; ++q) store(g + c * d + q * W, acc[c][q]);
}

// G[NR rows, d] += f[NR, b] · X_b[b,d] (f's row stride ldf): Q·W columns at a time, then W,
// then one by one.
template <typename T, class Tl, int NR>
OVERPARAM_INLINE void backward_tile(const T* xb, std::size_t b, std::size_t d, const T* f,
                                    std::size_t ldf, T* g) {
  constexpr int W = Tl::W, Q = Tl::Q;
  std::size_t j = 0;
  for (; j + Q * W <= d; j += Q * W) accumulate<T, W, NR, Q>(xb + j, d, b, f, ldf, g + j);
  for (; j + W <= d; j += W) accumulate<T, W, NR, 1>(xb + j, d, b, f, ldf, g + j);
  for (; j < d; ++j)
    for (std::size_t i = 0; i < b; ++i)
      for (int c = 0; c < NR; ++c) g[c * d + j] += f[c * ldf + i] * xb[i * d + j];
}

// Models per tile: n models in groups as even as possible of at most NR_MAX (10 -> 5 + 5).
template <class Tl>
std::size_t tile_models(std::size_t left) {
  const std::size_t groups = (left + Tl::NR_MAX - 1) / Tl::NR_MAX;
  return (left + groups - 1) / groups;
}

// Calls forward_tile (backward = false) or backward_tile with NR = nr, a run-time count turned
// into a compile-time one (nr <= NR_MAX <= 6).
template <typename T, class Tl, int NR = 1>
OVERPARAM_INLINE void tile(bool backward, std::size_t nr, const T* xb, std::size_t b, std::size_t d,
                           const T* v, T* r, std::size_t ldr, T* g) {
  if constexpr (NR <= Tl::NR_MAX) {
    if (nr == NR) {
      if (backward)
        backward_tile<T, Tl, NR>(xb, b, d, r, ldr, g);
      else
        forward_tile<T, Tl, NR>(xb, b, d, v, r, ldr);
      return;
    }
    tile<T, Tl, NR + 1>(backward, nr, xb, b, d, v, r, ldr, g);
  }
}

// One residual: r <- (r - y)^(p-1)/m, and (r - y)^p returned, the powers multiplied out in
// order as ad::pow does. P is p when known at compile time, 0 when it is given at run time.
template <typename T, int P>
OVERPARAM_INLINE T residual_power(T& r, T y, int p, T inv_m) {
  const T e = r - y;
  T power = e;
  for (int t = 2; t < (P > 0 ? P : p); ++t) power *= e;
  r = power * inv_m;
  return power * e;
}

// The elementwise middle of the kernel over one model's b residuals r[b] and targets y[b]:
// r <- (r - y)^(p-1)/m, and Σ (r - y)^p returned. With p known at compile time the loop
// vectorizes, its sum in lanes (the `omp simd` reduction).
template <typename T, int P>
OVERPARAM_INLINE double powers(T* __restrict r, const T* __restrict y, std::size_t b, int p,
                               T inv_m) {
  double sum = 0;
  if constexpr (P > 0) {
#pragma omp simd reduction(+ : sum)
    for (std::size_t i = 0; i < b; ++i) sum += double(residual_power<T, P>(r[i], y[i], p, inv_m));
  } else {
    for (std::size_t i = 0; i < b; ++i) sum += double(residual_power<T, P>(r[i], y[i], p, inv_m));
  }
  return sum;
}

// The whole kernel for one instruction set's tiles (see lp_kernel.hpp for the contract).
template <typename T, class Tl>
OVERPARAM_INLINE void run(const Args<T>& a) {
  static_assert(Tl::NR_MAX >= 1 && Tl::NR_MAX <= 6);
  const T* const x = a.x;
  const T* const v = a.v;
  const T* const y = a.y;
  const std::size_t m = a.m, d = a.d, n = a.n, k = a.k;
  const int p = a.p;
  double* const loss = a.loss;
  T* const grad = a.grad;
  const std::size_t block = block_rows(d, sizeof(T));
  std::vector<T> r(n * block);  // the block's residuals, one model after the other: [n, b]
  std::vector<T> column(k > 1 ? block : 0);  // one column of the block's targets
  std::fill(loss, loss + n, 0.0);
  if (grad) std::fill(grad, grad + n * d, T{0});
  const T inv_m = T{1} / T(a.m_total);
  for (std::size_t i0 = 0; i0 < m; i0 += block) {
    const std::size_t b = std::min(block, m - i0);
    const T* xb = x + i0 * d;
    for (std::size_t c0 = 0, nr = 0; c0 < n; c0 += nr) {  // r = V · X_bᵀ
      nr = tile_models<Tl>(n - c0);
      tile<T, Tl>(false, nr, xb, b, d, v + c0 * d, r.data() + c0 * block, block, nullptr);
    }
    for (std::size_t q = 0; q < n; ++q) {  // r <- r - y, loss += Σ r^p, r <- r^(p-1)/m
      T* rq = r.data() + q * block;
      const T* yq = y + i0;  // the targets of V's row q: column q mod k of Y
      if (k > 1) {
        for (std::size_t i = 0; i < b; ++i) column[i] = y[(i0 + i) * k + q % k];
        yq = column.data();
      }
      loss[q] += p == 2   ? powers<T, 2>(rq, yq, b, p, inv_m)
                 : p == 4 ? powers<T, 4>(rq, yq, b, p, inv_m)
                          : powers<T, 0>(rq, yq, b, p, inv_m);
    }
    if (!grad) continue;
    for (std::size_t c0 = 0, nr = 0; c0 < n; c0 += nr) {  // G += (r^(p-1)/m) · X_b
      nr = tile_models<Tl>(n - c0);
      tile<T, Tl>(true, nr, xb, b, d, nullptr, r.data() + c0 * block, block, grad + c0 * d);
    }
  }
}

// ---- p = 2 from the Gram matrix --------------------------------------------------------------

template <typename T>
struct GramArgs {
  const double* gram;
  const double* b;
  const double* s;
  std::size_t m, d;
  const T* v;
  std::size_t n, k;
  double* loss;
  T* grad;
};

// See lp_gram_kernel in lp_kernel.hpp. U = V·XᵀX one row of XᵀX at a time, for every row of V
// (u_q[j] adds the rows of XᵀX in order, whatever n is); the loops vectorize over j.
template <typename T>
OVERPARAM_INLINE void run_gram(const GramArgs<T>& a) {
  const std::size_t d = a.d, n = a.n, k = a.k;
  std::vector<double> u(n * d, 0.0), vd(n * d);
  for (std::size_t t = 0; t < n * d; ++t) vd[t] = double(a.v[t]);
  for (std::size_t i = 0; i < d; ++i) {
    const double* g = a.gram + i * d;
    for (std::size_t q = 0; q < n; ++q) {
      const double vqi = vd[q * d + i];
      double* uq = u.data() + q * d;
      for (std::size_t j = 0; j < d; ++j) uq[j] += vqi * g[j];
    }
  }
  const double inv_m = 1.0 / double(a.m);
  for (std::size_t q = 0; q < n; ++q) {
    const double* vq = vd.data() + q * d;
    const double* uq = u.data() + q * d;
    const double* bc = a.b + (q % k) * d;
    double quadratic = 0, linear = 0;
    for (std::size_t j = 0; j < d; ++j) {
      quadratic += vq[j] * uq[j];
      linear += vq[j] * bc[j];
    }
    a.loss[q] = quadratic - 2 * linear + a.s[q % k];
    if (a.grad)
      for (std::size_t j = 0; j < d; ++j) a.grad[q * d + j] = T((uq[j] - bc[j]) * inv_m);
  }
}

// One entry point per instruction set. The tile sizes keep the accumulators within the
// registers: 32 vector registers with AVX-512, 16 with AVX2 and SSE2.
template <typename T>
void run_generic(const Args<T>& a) {
  run<T, Tiles<16 / sizeof(T), 2, 2, 4>>(a);
}
template <typename T>
void run_gram_generic(const GramArgs<T>& a) {
  run_gram(a);
}
#if OVERPARAM_LP_X86
template <typename T>
__attribute__((target("avx2,fma"))) void run_avx2(const Args<T>& a) {
  run<T, Tiles<32 / sizeof(T), 2, 2, 6>>(a);
}
template <typename T>
__attribute__((target("avx2,fma"))) void run_gram_avx2(const GramArgs<T>& a) {
  run_gram(a);
}
template <typename T>
__attribute__((target("avx512f,fma"))) void run_avx512(const Args<T>& a) {
  run<T, Tiles<64 / sizeof(T), 4, 4, 6>>(a);
}
template <typename T>
__attribute__((target("avx512f,fma"))) void run_gram_avx512(const GramArgs<T>& a) {
  run_gram(a);
}
#endif

}  // namespace

const char* kernel_isa_name(KernelIsa isa) {
  switch (isa) {
    case KernelIsa::avx512:
      return "avx512";
    case KernelIsa::avx2:
      return "avx2";
    case KernelIsa::generic:
      break;
  }
  return "generic";
}

bool kernel_isa_supported(KernelIsa isa) {
#if OVERPARAM_LP_X86
  __builtin_cpu_init();
  switch (isa) {
    case KernelIsa::avx512:
      return __builtin_cpu_supports("avx512f");
    case KernelIsa::avx2:
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case KernelIsa::generic:
      break;
  }
#endif
  return isa == KernelIsa::generic;
}

KernelIsa best_kernel_isa() {
  static const KernelIsa best = kernel_isa_supported(KernelIsa::avx512) ? KernelIsa::avx512
                                : kernel_isa_supported(KernelIsa::avx2) ? KernelIsa::avx2
                                                                        : KernelIsa::generic;
  return best;
}

namespace {

// The kernel's work is cut into parts of whole blocks of rows, which parallel_for shares out
// between threads; their sums are added in the parts' order. The number of parts depends on the
// shape alone (one per 64 Ki elements of X, at most 4), never on the threads, so that results are
// the same to the bit on any number of threads; a small X stays one part, run on one thread.
constexpr std::size_t part_elements = 65536, max_parts = 4;

std::size_t kernel_parts(std::size_t m, std::size_t d, std::size_t blocks) {
  return std::clamp<std::size_t>(m * d / part_elements, 1, std::min(max_parts, blocks));
}

template <typename T>
void run_part(const Args<T>& a, KernelIsa isa) {
  reads_end_rows(a.x, a.m, a.d);
  reads(a.v, a.n * a.d);
  reads(a.y, a.m * a.k);
  writes(a.loss, a.n);
  writes(a.grad, a.n * a.d);  // none when null
  switch (isa) {
#if OVERPARAM_LP_X86
    case KernelIsa::avx512:
      return run_avx512(a);
    case KernelIsa::avx2:
      return run_avx2(a);
#endif
    default:
      return run_generic(a);
  }
}

}  // namespace

template <typename T>
void lp_regression_kernel(const T* x, std::size_t m, std::size_t d, const T* v, std::size_t n,
                          const T* y, std::size_t k, int p, double* loss, T* grad, KernelIsa isa) {
  const std::size_t block = block_rows(d, sizeof(T)), blocks = (m + block - 1) / block;
  const std::size_t parts = kernel_parts(m, d, blocks);
  if (parts == 1) return run_part(Args<T>{x, m, d, v, n, y, k, p, loss, grad, m}, isa);
  // Part q: whole blocks [q·blocks/parts, (q+1)·blocks/parts), its sums into a buffer of its own
  // (part 0's gradient into grad itself); the parts are then added in order.
  std::vector<double> losses(parts * n);
  std::vector<T> grads(grad ? (parts - 1) * n * d : 0);
  blas::parallel_for(
      parts,
      [&](std::size_t q, std::size_t) {
        const std::size_t i0 = q * blocks / parts * block;
        const std::size_t i1 = std::min(m, (q + 1) * blocks / parts * block);
        T* g = !grad ? nullptr : q == 0 ? grad : grads.data() + (q - 1) * n * d;
        run_part(
            Args<T>{x + i0 * d, i1 - i0, d, v, n, y + i0 * k, k, p, losses.data() + q * n, g, m},
            isa);
      },
      Schedule::fixed);  // each thread's rows stay in its core's cache from call to call
  reads(losses.data(), losses.size());
  reads(grads.data(), grads.size());
  writes(loss, n);
  writes(grad, n * d);
  for (std::size_t c = 0; c < n; ++c) {
    double sum = losses[c];
    for (std::size_t q = 1; q < parts; ++q) sum += losses[q * n + c];
    loss[c] = sum;
  }
  if (grad)
    for (std::size_t q = 1; q < parts; ++q) {
      const T* g = grads.data() + (q - 1) * n * d;
      for (std::size_t t = 0; t < n * d; ++t) grad[t] += g[t];
    }
}

template <typename T>
void lp_gram_kernel(const double* gram, const double* b, const double* s, std::size_t m,
                    std::size_t d, const T* v, std::size_t n, std::size_t k, double* loss, T* grad,
                    KernelIsa isa) {
  const GramArgs<T> a{gram, b, s, m, d, v, n, k, loss, grad};
  reads_end_rows(gram, d, d);
  reads(b, k * d);
  reads(s, k);
  reads(v, n * d);
  writes(loss, n);
  writes(grad, n * d);
  switch (isa) {
#if OVERPARAM_LP_X86
    case KernelIsa::avx512:
      return run_gram_avx512(a);
    case KernelIsa::avx2:
      return run_gram_avx2(a);
#endif
    default:
      return run_gram_generic(a);
  }
}

template void lp_regression_kernel(const float*, std::size_t, std::size_t, const float*,
                                   std::size_t, const float*, std::size_t, int, double*, float*,
                                   KernelIsa);
template void lp_regression_kernel(const double*, std::size_t, std::size_t, const double*,
                                   std::size_t, const double*, std::size_t, int, double*, double*,
                                   KernelIsa);

template void lp_gram_kernel(const double*, const double*, const double*, std::size_t, std::size_t,
                             const float*, std::size_t, std::size_t, double*, float*, KernelIsa);
template void lp_gram_kernel(const double*, const double*, const double*, std::size_t, std::size_t,
                             const double*, std::size_t, std::size_t, double*, double*, KernelIsa);

}  // namespace ad
