#include "autodiff/winograd.hpp"

#include "autodiff/vector_lanes.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>

#include "autodiff/blas.hpp"
#include "autodiff/tensor.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define OVERPARAM_WINOGRAD_X86 1
#else
#define OVERPARAM_WINOGRAD_X86 0
#endif

namespace ad::winograd {

namespace {

constexpr std::size_t max_alpha = 8;
// Images per chunk: the unit of work of one thread, whose tiles go through the GEMMs together.
constexpr std::size_t chunk_images = 2;
// Runs of chunks whose kernel gradients are summed apart, then added in order.
constexpr std::size_t max_dw_runs = 8;

// ---- the tile matrices --------------------------------------------------------------------

// Solves for the inverse of a[n,n] (row-major) by Gauss-Jordan elimination with partial pivoting.
std::vector<double> inverse(std::vector<double> a, std::size_t n) {
  std::vector<double> inv(n * n, 0.0);
  for (std::size_t i = 0; i < n; ++i) inv[i * n + i] = 1.0;
  for (std::size_t col = 0; col < n; ++col) {
    std::size_t pivot = col;
    for (std::size_t r = col + 1; r < n; ++r)
      if (std::abs(a[r * n + col]) > std::abs(a[pivot * n + col])) pivot = r;
    for (std::size_t k = 0; k < n; ++k) {
      std::swap(a[col * n + k], a[pivot * n + k]);
      std::swap(inv[col * n + k], inv[pivot * n + k]);
    }
    const double p = a[col * n + col];
    for (std::size_t k = 0; k < n; ++k) a[col * n + k] /= p, inv[col * n + k] /= p;
    for (std::size_t r = 0; r < n; ++r) {
      if (r == col) continue;
      const double f = a[r * n + col];
      for (std::size_t k = 0; k < n; ++k) {
        a[r * n + k] -= f * a[col * n + k];
        inv[r * n + k] -= f * inv[col * n + k];
      }
    }
  }
  return inv;
}

}  // namespace

TileMatrices tile_matrices(std::size_t m, std::size_t r) {
  if (r < 2 || r > 5 || m < 1 || m + r - 1 > max_alpha) {
    throw std::invalid_argument("winograd::tile_matrices: F(" + std::to_string(m) + ", " +
                                std::to_string(r) +
                                ") is not covered (2 <= r <= 5, m + r - 1 <= 8)");
  }
  // Finite points in the order that keeps the coefficients small (Barabasz et al., 2020), then ∞.
  static constexpr double points[] = {0, -1, 1, 0.5, -2, -0.5, 2};
  const std::size_t alpha = m + r - 1, finite = alpha - 1;
  TileMatrices t;
  t.m = m, t.r = r, t.alpha = alpha;
  // f_j = Π_{l != j} (a_j - a_l): G takes 1/f_j, Bᵀ f_j, so that Bᵀ's entries are small integers
  // and halves.
  std::vector<double> f(alpha, 1.0);
  for (std::size_t j = 0; j < finite; ++j)
    for (std::size_t l = 0; l < finite; ++l)
      if (l != j) f[j] *= points[j] - points[l];
  // Aᵀ[i][j] = a_j^i, G[j][k] = a_j^k / f_j, the Vandermonde matrix V[j][k] = a_j^k; the point ∞
  // takes the leading coefficient: the last column of Aᵀ and the last rows of G and V are unit.
  t.at.assign(m * alpha, 0.0);
  t.g.assign(alpha * r, 0.0);
  std::vector<double> v(alpha * alpha, 0.0);
  for (std::size_t j = 0; j < finite; ++j) {
    for (std::size_t i = 0; i < m; ++i) t.at[i * alpha + j] = std::pow(points[j], double(i));
    for (std::size_t k = 0; k < r; ++k) t.g[j * r + k] = std::pow(points[j], double(k)) / f[j];
    for (std::size_t k = 0; k < alpha; ++k) v[j * alpha + k] = std::pow(points[j], double(k));
  }
  t.at[(m - 1) * alpha + finite] = 1.0;
  t.g[finite * r + r - 1] = 1.0;
  v[finite * alpha + finite] = 1.0;
  // Bᵀ = diag(f) · V⁻ᵀ, rounded to the multiples of 2⁻²⁰ its exact entries are.
  const std::vector<double> vinv = inverse(v, alpha);
  t.bt.assign(alpha * alpha, 0.0);
  for (std::size_t j = 0; j < alpha; ++j)
    for (std::size_t l = 0; l < alpha; ++l)
      t.bt[j * alpha + l] = std::round(f[j] * vinv[l * alpha + j] * 1048576.0) / 1048576.0;
  for (std::size_t i = 0; i < m; ++i) {
    double row = 0;
    for (std::size_t j = 0; j < alpha; ++j) {
      double gs = 0, bs = 0;
      for (std::size_t k = 0; k < r; ++k) gs += std::abs(t.g[j * r + k]);
      for (std::size_t l = 0; l < alpha; ++l) bs += std::abs(t.bt[j * alpha + l]);
      row += std::abs(t.at[i * alpha + j]) * gs * bs;
    }
    t.kappa = std::max(t.kappa, row);
  }
  return t;
}

bool covers(std::size_t kh, std::size_t kw, std::size_t stride) {
  return stride == 1 && kh >= 2 && kh <= 5 && kw >= 2 && kw <= 5;
}

std::size_t output_tile(std::size_t) {
  return 4;
}

namespace {

// A small matrix by its nonzero entries, row by row: the transforms apply only those.
template <typename T>
struct Sparse {
  std::size_t rows = 0, cols = 0;
  std::array<std::size_t, max_alpha> count{};
  std::array<std::array<std::size_t, max_alpha>, max_alpha> index{};
  std::array<std::array<T, max_alpha>, max_alpha> coef{};
  std::size_t nonzeros() const {
    std::size_t s = 0;
    for (std::size_t i = 0; i < rows; ++i) s += count[i];
    return s;
  }
};
// From a dense a[rows, cols], or its transpose.
template <typename T>
Sparse<T> sparse(const std::vector<double>& a, std::size_t rows, std::size_t cols, bool transpose) {
  Sparse<T> s;
  s.rows = transpose ? cols : rows;
  s.cols = transpose ? rows : cols;
  for (std::size_t i = 0; i < s.rows; ++i)
    for (std::size_t k = 0; k < s.cols; ++k) {
      const double value = transpose ? a[k * cols + i] : a[i * cols + k];
      if (value == 0.0) continue;
      s.index[i][s.count[i]] = k;
      s.coef[i][s.count[i]++] = T(value);
    }
  return s;
}

// The transforms along one axis of a tile, for a kernel side r: out = M · in for each M below.
template <typename T>
struct Axis {
  std::size_t m = 0, r = 0, alpha = 0;
  Sparse<T> at, a;  // output: Aᵀ [m,α]; its adjoint A [α,m]
  Sparse<T> bt, b;  // input: Bᵀ [α,α]; its adjoint B
  Sparse<T> g, gt;  // filter: G [α,r]; its adjoint Gᵀ [r,α]
};
template <typename T>
const Axis<T>& axis(std::size_t r) {
  static const auto table = [] {
    std::array<Axis<T>, 6> axes;
    for (std::size_t k = 2; k <= 5; ++k) {
      const TileMatrices t = tile_matrices(output_tile(k), k);
      Axis<T>& x = axes[k];
      x.m = t.m, x.r = t.r, x.alpha = t.alpha;
      x.at = sparse<T>(t.at, t.m, t.alpha, false), x.a = sparse<T>(t.at, t.m, t.alpha, true);
      x.bt = sparse<T>(t.bt, t.alpha, t.alpha, false),
      x.b = sparse<T>(t.bt, t.alpha, t.alpha, true);
      x.g = sparse<T>(t.g, t.alpha, t.r, false), x.gt = sparse<T>(t.g, t.alpha, t.r, true);
    }
    return axes;
  }();
  return table[r];
}

// ---- the vector code: one two-sided transform of a tile of vectors -------------------------

using lanes::load;
using lanes::store;
using lanes::Vec;

// dst[x, x + Q·W) (+)= Σ_t coef[t] · src[t][x, x + Q·W): Q vectors of W, each its own chain of
// multiply-adds (one chain would wait on each add's latency).
template <typename T, int W, int Q>
OVERPARAM_INLINE void combine_block(std::size_t terms, const T* const* src, const T* coef,
                                    std::size_t x, T* dst, bool add) {
  using V = Vec<T, W>;
  V acc[Q];
#pragma GCC unroll 8
  for (int q = 0; q < Q; ++q) {
    acc[q] = V{};
    if (add) load(acc[q], dst + x + q * W);
  }
  for (std::size_t t = 0; t < terms; ++t) {
    const T c = coef[t];
    const T* s = src[t] + x;
#pragma GCC unroll 8
    for (int q = 0; q < Q; ++q) {
      V v;
      load(v, s + q * W);
      acc[q] += c * v;
    }
  }
#pragma GCC unroll 8
  for (int q = 0; q < Q; ++q) store(dst + x + q * W, acc[q]);
}

// dst[0, n) (+)= Σ_t coef[t] · src[t][0, n): 4 vectors of W values at a time, then one vector,
// then one by one. Every value is summed over the terms in order, whichever part it falls in.
template <typename T, int W>
OVERPARAM_INLINE void combine(std::size_t terms, const T* const* src, const T* coef, std::size_t n,
                              T* dst, bool add) {
  std::size_t x = 0;
  for (; x + 4 * W <= n; x += 4 * W) combine_block<T, W, 4>(terms, src, coef, x, dst, add);
  for (; x + W <= n; x += W) combine_block<T, W, 1>(terms, src, coef, x, dst, add);
  for (; x < n; ++x) {
    T acc = add ? dst[x] : T{0};
    for (std::size_t t = 0; t < terms; ++t) acc += coef[t] * src[t][x];
    dst[x] = acc;
  }
}

// A tile of vectors, entry (i, j) a run of `lanes` values at base + i·row + j·col.
template <typename T>
struct Grid {
  T* base;
  std::size_t row, col;
  T* at(std::size_t i, std::size_t j) const { return base + i * row + j * col; }
};

// out(i, j) (+)= Σ_k Σ_l L[i][k] · in(k, l) · R[j][l] on vectors of `lanes` values (out = L · in ·
// Rᵀ), in two passes through tmp [max(L.rows, L.cols), max(R.rows, R.cols), lanes]. The pass over
// whole rows comes on the side where a row of entries is one contiguous run (the tile planes
// xp and yp), where it combines the run at once instead of entry by entry: rows first (tmp =
// L · in) when the input is such a plane, else columns first (tmp = in · Rᵀ).
template <typename T, int W>
OVERPARAM_INLINE void transform(const Sparse<T>& L, const Sparse<T>& R, Grid<const T> in,
                                std::size_t lanes, T* tmp, Grid<T> out, bool add) {
  const T* src[max_alpha];
  if (in.col == lanes) {
    const std::size_t row = R.cols * lanes;  // tmp(i, l) = Σ_k L[i][k] in(k, l), a row at a time
    for (std::size_t i = 0; i < L.rows; ++i) {
      for (std::size_t t = 0; t < L.count[i]; ++t) src[t] = in.at(L.index[i][t], 0);
      combine<T, W>(L.count[i], src, L.coef[i].data(), row, tmp + i * row, false);
    }
    for (std::size_t i = 0; i < L.rows; ++i)  // out(i, j) (+)= Σ_l R[j][l] tmp(i, l)
      for (std::size_t j = 0; j < R.rows; ++j) {
        for (std::size_t t = 0; t < R.count[j]; ++t) src[t] = tmp + i * row + R.index[j][t] * lanes;
        combine<T, W>(R.count[j], src, R.coef[j].data(), lanes, out.at(i, j), add);
      }
    return;
  }
  const std::size_t row = R.rows * lanes;  // tmp(k, j) = Σ_l R[j][l] in(k, l)
  for (std::size_t k = 0; k < L.cols; ++k)
    for (std::size_t j = 0; j < R.rows; ++j) {
      for (std::size_t t = 0; t < R.count[j]; ++t) src[t] = in.at(k, R.index[j][t]);
      combine<T, W>(R.count[j], src, R.coef[j].data(), lanes, tmp + k * row + j * lanes, false);
    }
  for (std::size_t i = 0; i < L.rows; ++i) {  // out(i, j) (+)= Σ_k L[i][k] tmp(k, j)
    for (std::size_t t = 0; t < L.count[i]; ++t) src[t] = tmp + L.index[i][t] * row;
    if (out.col == lanes) {
      combine<T, W>(L.count[i], src, L.coef[i].data(), row, out.at(i, 0), add);
      continue;
    }
    for (std::size_t j = 0; j < R.rows; ++j) {
      const T* shifted[max_alpha];
      for (std::size_t t = 0; t < L.count[i]; ++t) shifted[t] = src[t] + j * lanes;
      combine<T, W>(L.count[i], shifted, L.coef[i].data(), lanes, out.at(i, j), add);
    }
  }
}

// ---- the layout of one convolution --------------------------------------------------------

// Tiles cover the output in steps of m; tile (ti, tj) reads the input window whose top-left
// corner is at row ti·m - pad_top, column tj·m - pad_left, of α_h x α_w values. The input is
// copied into a zero-padded plane with channels last, xp[ph, pw, C], where that window starts at
// row ti·m, column tj·m, so that every tile reads whole rows of α·C values. Outputs go through a
// plane yp[th·m, tw·m, O] likewise. In the Winograd domain, V[ξ, P, C], M[ξ, P, O] and
// U[ξ, O, C] hold position ξ = (row, column) of the tile as one matrix, tile p of a chunk
// being tile ti·tw + tj of its image n - n0: p = (n - n0)·tiles + ti·tw + tj.
template <typename T>
struct Layout {
  const ConvShape& s;
  const Axis<T>& rows;
  const Axis<T>& cols;
  std::size_t th, tw, tiles, xi;  // tiles per column and row of the output, per image; positions
  std::size_t ph, pw;             // the padded input plane
  std::size_t yh, yw;             // the output plane, whole tiles
  std::size_t chunks;
  Layout(const ConvShape& shape) : s(shape), rows(axis<T>(shape.kh)), cols(axis<T>(shape.kw)) {
    th = (s.oh + rows.m - 1) / rows.m, tw = (s.ow + cols.m - 1) / cols.m, tiles = th * tw;
    xi = rows.alpha * cols.alpha;
    ph = th * rows.m + rows.alpha - rows.m, pw = tw * cols.m + cols.alpha - cols.m;
    yh = th * rows.m, yw = tw * cols.m;
    chunks = (s.n + chunk_images - 1) / chunk_images;
  }
  std::size_t first(std::size_t chunk) const { return chunk * chunk_images; }
  std::size_t last(std::size_t chunk) const { return std::min(s.n, (chunk + 1) * chunk_images); }
  std::size_t max_p() const { return std::min(s.n, chunk_images) * tiles; }
  std::size_t lanes() const { return std::max(s.c, s.o); }
  // The distance between two positions ξ of V, M or U, matrices of `rows` x `lanes`: a few
  // vectors more than the matrix, so that the α entries of a tile, one per matrix, do not all
  // fall into the same set of the cache (as they would at a distance of a multiple of 4 KiB).
  std::size_t stride(std::size_t rows, std::size_t lanes) const { return rows * lanes + 16; }
};

// x_n[C,H,W] into the interior of xp[ph, pw, C] (the border stays as it is: zeros).
template <typename T>
void pad_input(const Layout<T>& g, const T* x, T* xp) {
  const ConvShape& s = g.s;
  for (std::size_t c = 0; c < s.c; ++c)
    for (std::size_t h = 0; h < s.h; ++h) {
      const T* src = x + (c * s.h + h) * s.w;
      T* dst = xp + ((h + s.pad_top) * g.pw + s.pad_left) * s.c + c;
      for (std::size_t w = 0; w < s.w; ++w) dst[w * s.c] = src[w];
    }
}

// The input tiles of images [n0, n1) into V[ξ, P, C], through xp (zeroed by the caller).
template <typename T, int W>
OVERPARAM_INLINE void input_tiles(const Layout<T>& g, const T* x, std::size_t n0, std::size_t n1,
                                  T* xp, T* tmp, T* v) {
  const ConvShape& s = g.s;
  const std::size_t p_count = (n1 - n0) * g.tiles;
  for (std::size_t n = n0; n < n1; ++n) {
    pad_input(g, x + n * s.c * s.h * s.w, xp);
    for (std::size_t ti = 0; ti < g.th; ++ti)
      for (std::size_t tj = 0; tj < g.tw; ++tj) {
        const std::size_t p = (n - n0) * g.tiles + ti * g.tw + tj;
        const Grid<const T> in{xp + (ti * g.rows.m * g.pw + tj * g.cols.m) * s.c, g.pw * s.c, s.c};
        const Grid<T> out{v + p * s.c, g.cols.alpha * g.stride(p_count, s.c),
                          g.stride(p_count, s.c)};
        transform<T, W>(g.rows.bt, g.cols.bt, in, s.c, tmp, out, false);
      }
  }
}

// U[ξ, O, C] from w[O, C, KH, KW], through gbuf [KH, KW, C].
template <typename T, int W>
OVERPARAM_INLINE void filter_tiles(const Layout<T>& g, const T* w, T* gbuf, T* tmp, T* u) {
  const ConvShape& s = g.s;
  const std::size_t taps = s.kh * s.kw;
  for (std::size_t o = 0; o < s.o; ++o) {
    for (std::size_t c = 0; c < s.c; ++c)
      for (std::size_t t = 0; t < taps; ++t) gbuf[t * s.c + c] = w[(o * s.c + c) * taps + t];
    const Grid<const T> in{gbuf, s.kw * s.c, s.c};
    const Grid<T> out{u + o * s.c, g.cols.alpha * g.stride(s.o, s.c), g.stride(s.o, s.c)};
    transform<T, W>(g.rows.g, g.cols.g, in, s.c, tmp, out, false);
  }
}

// ---- forward ------------------------------------------------------------------------------

template <typename T, int W>
OVERPARAM_INLINE void forward_chunk(const Layout<T>& g, const T* x, const T* u, const T* b, T* y,
                                    std::size_t chunk, T* work) {
  const ConvShape& s = g.s;
  const std::size_t n0 = g.first(chunk), n1 = g.last(chunk), p_count = (n1 - n0) * g.tiles;
  T* xp = work;
  T* tmp = xp + g.ph * g.pw * s.c;
  T* v = tmp + g.xi * g.lanes();
  T* m = v + g.xi * g.stride(g.max_p(), s.c);
  T* yp = m + g.xi * g.stride(g.max_p(), s.o);
  std::fill_n(xp, g.ph * g.pw * s.c, T{0});
  input_tiles<T, W>(g, x, n0, n1, xp, tmp, v);
  // M_ξ[P, O] = V_ξ[P, C] · U_ξ[O, C]ᵀ
  for (std::size_t xi = 0; xi < g.xi; ++xi)
    blas::gemm(Transpose::no, Transpose::yes, p_count, s.o, s.c, T{1},
               v + xi * g.stride(p_count, s.c), u + xi * g.stride(s.o, s.c), T{0},
               m + xi * g.stride(p_count, s.o));
  for (std::size_t n = n0; n < n1; ++n) {
    for (std::size_t ti = 0; ti < g.th; ++ti)
      for (std::size_t tj = 0; tj < g.tw; ++tj) {
        const std::size_t p = (n - n0) * g.tiles + ti * g.tw + tj;
        const Grid<const T> in{m + p * s.o, g.cols.alpha * g.stride(p_count, s.o),
                               g.stride(p_count, s.o)};
        const Grid<T> out{yp + (ti * g.rows.m * g.yw + tj * g.cols.m) * s.o, g.yw * s.o, s.o};
        transform<T, W>(g.rows.at, g.cols.at, in, s.o, tmp, out, false);
      }
    // y_n[O, OH, OW] = yp's top-left OH x OW (+ b)
    T* y_n = y + n * s.o * s.oh * s.ow;
    for (std::size_t o = 0; o < s.o; ++o) {
      const T bias = b ? b[o] : T{0};
      for (std::size_t i = 0; i < s.oh; ++i) {
        const T* src = yp + i * g.yw * s.o + o;
        T* dst = y_n + (o * s.oh + i) * s.ow;
        for (std::size_t j = 0; j < s.ow; ++j) dst[j] = src[j * s.o] + bias;
      }
    }
  }
}

// ---- backward -----------------------------------------------------------------------------

// dM[ξ, P, O] from dy of images [n0, n1), through the output plane yp (its part beyond OH x OW
// zeroed by the caller).
template <typename T, int W>
OVERPARAM_INLINE void output_grad_tiles(const Layout<T>& g, const T* dy, std::size_t n0,
                                        std::size_t n1, T* yp, T* tmp, T* dm) {
  const ConvShape& s = g.s;
  const std::size_t p_count = (n1 - n0) * g.tiles;
  for (std::size_t n = n0; n < n1; ++n) {
    const T* dy_n = dy + n * s.o * s.oh * s.ow;
    for (std::size_t o = 0; o < s.o; ++o)
      for (std::size_t i = 0; i < s.oh; ++i) {
        const T* src = dy_n + (o * s.oh + i) * s.ow;
        T* dst = yp + i * g.yw * s.o + o;
        for (std::size_t j = 0; j < s.ow; ++j) dst[j * s.o] = src[j];
      }
    for (std::size_t ti = 0; ti < g.th; ++ti)
      for (std::size_t tj = 0; tj < g.tw; ++tj) {
        const std::size_t p = (n - n0) * g.tiles + ti * g.tw + tj;
        const Grid<const T> in{yp + (ti * g.rows.m * g.yw + tj * g.cols.m) * s.o, g.yw * s.o, s.o};
        const Grid<T> out{dm + p * s.o, g.cols.alpha * g.stride(p_count, s.o),
                          g.stride(p_count, s.o)};
        transform<T, W>(g.rows.a, g.cols.a, in, s.o, tmp, out, false);
      }
  }
}

// dx of images [n0, n1) += the adjoint input transform of dV[ξ, P, C], through xp.
template <typename T, int W>
OVERPARAM_INLINE void input_grad_tiles(const Layout<T>& g, const T* dv, std::size_t n0,
                                       std::size_t n1, T* xp, T* tmp, T* dx) {
  const ConvShape& s = g.s;
  const std::size_t p_count = (n1 - n0) * g.tiles;
  for (std::size_t n = n0; n < n1; ++n) {
    std::fill_n(xp, g.ph * g.pw * s.c, T{0});
    for (std::size_t ti = 0; ti < g.th; ++ti)
      for (std::size_t tj = 0; tj < g.tw; ++tj) {
        const std::size_t p = (n - n0) * g.tiles + ti * g.tw + tj;
        const Grid<const T> in{dv + p * s.c, g.cols.alpha * g.stride(p_count, s.c),
                               g.stride(p_count, s.c)};
        const Grid<T> out{xp + (ti * g.rows.m * g.pw + tj * g.cols.m) * s.c, g.pw * s.c, s.c};
        transform<T, W>(g.rows.b, g.cols.b, in, s.c, tmp, out, true);
      }
    T* dx_n = dx + n * s.c * s.h * s.w;
    for (std::size_t c = 0; c < s.c; ++c)
      for (std::size_t h = 0; h < s.h; ++h) {
        const T* src = xp + ((h + s.pad_top) * g.pw + s.pad_left) * s.c + c;
        T* dst = dx_n + (c * s.h + h) * s.w;
        for (std::size_t w = 0; w < s.w; ++w) dst[w] += src[w * s.c];
      }
  }
}

// One run of chunks [c0, c1): dU_run = Σ dM_ξᵀ · V_ξ over its chunks (when du is given), and
// dx of its images (when dx is given).
template <typename T, int W>
OVERPARAM_INLINE void backward_run(const Layout<T>& g, const T* x, const T* u, const T* dy, T* dx,
                                   T* du, std::size_t c0, std::size_t c1, T* work) {
  const ConvShape& s = g.s;
  T* xp = work;
  T* tmp = xp + g.ph * g.pw * s.c;
  T* v = tmp + g.xi * g.lanes();
  T* dm = v + g.xi * g.stride(g.max_p(), s.c);
  T* yp = dm + g.xi * g.stride(g.max_p(), s.o);
  std::fill_n(yp, g.yh * g.yw * s.o, T{0});
  for (std::size_t chunk = c0; chunk < c1; ++chunk) {
    const std::size_t n0 = g.first(chunk), n1 = g.last(chunk), p_count = (n1 - n0) * g.tiles;
    output_grad_tiles<T, W>(g, dy, n0, n1, yp, tmp, dm);
    if (du) {  // dU_ξ[O, C] (+)= dM_ξ[P, O]ᵀ · V_ξ[P, C]
      std::fill_n(xp, g.ph * g.pw * s.c, T{0});
      input_tiles<T, W>(g, x, n0, n1, xp, tmp, v);
      for (std::size_t xi = 0; xi < g.xi; ++xi)
        blas::gemm(Transpose::yes, Transpose::no, s.o, s.c, p_count, T{1},
                   dm + xi * g.stride(p_count, s.o), v + xi * g.stride(p_count, s.c),
                   chunk == c0 ? T{0} : T{1}, du + xi * g.stride(s.o, s.c));
    }
    if (dx) {  // dV_ξ[P, C] = dM_ξ[P, O] · U_ξ[O, C], then back into dx
      for (std::size_t xi = 0; xi < g.xi; ++xi)
        blas::gemm(Transpose::no, Transpose::no, p_count, s.c, s.o, T{1},
                   dm + xi * g.stride(p_count, s.o), u + xi * g.stride(s.o, s.c), T{0},
                   v + xi * g.stride(p_count, s.c));
      input_grad_tiles<T, W>(g, v, n0, n1, xp, tmp, dx);
    }
  }
}

// dw[O, C, KH, KW] = beta · dw + the adjoint filter transform of dU[ξ, O, C].
template <typename T, int W>
OVERPARAM_INLINE void filter_grad(const Layout<T>& g, const T* du, T* gbuf, T* tmp, T* dw, T beta) {
  const ConvShape& s = g.s;
  const std::size_t taps = s.kh * s.kw;
  for (std::size_t o = 0; o < s.o; ++o) {
    const Grid<const T> in{du + o * s.c, g.cols.alpha * g.stride(s.o, s.c), g.stride(s.o, s.c)};
    const Grid<T> out{gbuf, s.kw * s.c, s.c};
    transform<T, W>(g.rows.gt, g.cols.gt, in, s.c, tmp, out, false);
    for (std::size_t c = 0; c < s.c; ++c)
      for (std::size_t t = 0; t < taps; ++t) {
        T& d = dw[(o * s.c + c) * taps + t];
        d = (beta == T{0} ? T{0} : d) + gbuf[t * s.c + c];
      }
  }
}

// ---- one instruction set's entry points ---------------------------------------------------

template <typename T>
std::size_t work_size(const Layout<T>& g) {
  const ConvShape& s = g.s;
  return g.ph * g.pw * s.c + g.xi * g.lanes() +
         g.xi * (g.stride(g.max_p(), s.c) + g.stride(g.max_p(), s.o)) + g.yh * g.yw * s.o;
}

// The vector code of one instruction set, W lanes of T, behind plain function pointers (the
// threads of parallel_for call them from lambdas, which would not inherit a target attribute).
template <typename T>
struct Kernels {
  void (*filter_tiles)(const Layout<T>&, const T* w, T* gbuf, T* tmp, T* u);
  void (*filter_grad)(const Layout<T>&, const T* du, T* gbuf, T* tmp, T* dw, T beta);
  void (*forward_chunk)(const Layout<T>&, const T* x, const T* u, const T* b, T* y,
                        std::size_t chunk, T* work);
  void (*backward_run)(const Layout<T>&, const T* x, const T* u, const T* dy, T* dx, T* du,
                       std::size_t c0, std::size_t c1, T* work);
};
#define OVERPARAM_WINOGRAD_KERNELS(ATTRIBUTE, NAME, W)                                        \
  template <typename T>                                                                       \
  ATTRIBUTE void NAME##_filter_tiles(const Layout<T>& g, const T* w, T* gbuf, T* tmp, T* u) { \
    filter_tiles<T, W>(g, w, gbuf, tmp, u);                                                   \
  }                                                                                           \
  template <typename T>                                                                       \
  ATTRIBUTE void NAME##_filter_grad(const Layout<T>& g, const T* du, T* gbuf, T* tmp, T* dw,  \
                                    T beta) {                                                 \
    filter_grad<T, W>(g, du, gbuf, tmp, dw, beta);                                            \
  }                                                                                           \
  template <typename T>                                                                       \
  ATTRIBUTE void NAME##_forward_chunk(const Layout<T>& g, const T* x, const T* u, const T* b, \
                                      T* y, std::size_t chunk, T* work) {                     \
    forward_chunk<T, W>(g, x, u, b, y, chunk, work);                                          \
  }                                                                                           \
  template <typename T>                                                                       \
  ATTRIBUTE void NAME##_backward_run(const Layout<T>& g, const T* x, const T* u, const T* dy, \
                                     T* dx, T* du, std::size_t c0, std::size_t c1, T* work) { \
    backward_run<T, W>(g, x, u, dy, dx, du, c0, c1, work);                                    \
  }                                                                                           \
  template <typename T>                                                                       \
  Kernels<T> NAME##_kernels() {                                                               \
    return {NAME##_filter_tiles<T>, NAME##_filter_grad<T>, NAME##_forward_chunk<T>,           \
            NAME##_backward_run<T>};                                                          \
  }

OVERPARAM_WINOGRAD_KERNELS(, generic, int(16 / sizeof(T)))
#if OVERPARAM_WINOGRAD_X86
OVERPARAM_WINOGRAD_KERNELS(__attribute__((target("avx2,fma"))), avx2, int(32 / sizeof(T)))
OVERPARAM_WINOGRAD_KERNELS(__attribute__((target("avx512f,fma"))), avx512, int(64 / sizeof(T)))
#endif
#undef OVERPARAM_WINOGRAD_KERNELS

enum class Isa { generic, avx2, avx512 };
Isa best_isa() {
#if OVERPARAM_WINOGRAD_X86
  static const Isa best = [] {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return Isa::avx512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return Isa::avx2;
    return Isa::generic;
  }();
  return best;
#else
  return Isa::generic;
#endif
}

}  // namespace

Cost forward_cost(const ConvShape& s) {
  const Layout<float> g(s);
  const double tiles = double(s.n) * double(g.tiles);
  auto applied = [](const Sparse<float>& l, const Sparse<float>& r) {  // per vector entry
    return double(l.nonzeros()) * double(r.cols) + double(l.rows) * double(r.nonzeros());
  };
  Cost cost;
  cost.gemm = double(g.xi) * tiles * double(s.o) * double(s.c);
  cost.transforms = tiles * (applied(g.rows.bt, g.cols.bt) * double(s.c) +
                             applied(g.rows.at, g.cols.at) * double(s.o)) +
                    double(s.o) * applied(g.rows.g, g.cols.g) * double(s.c);
  return cost;
}

Cost backward_cost(const ConvShape& s, bool dx, bool dw) {
  const Layout<float> g(s);
  const double tiles = double(s.n) * double(g.tiles);
  auto applied = [](const Sparse<float>& l, const Sparse<float>& r) {
    return double(l.nonzeros()) * double(r.cols) + double(l.rows) * double(r.nonzeros());
  };
  const double product = double(g.xi) * tiles * double(s.o) * double(s.c);
  Cost cost;
  cost.transforms = tiles * applied(g.rows.a, g.cols.a) * double(s.o);
  if (dx) {
    cost.gemm += product;
    cost.transforms += tiles * applied(g.rows.b, g.cols.b) * double(s.c) +
                       double(s.o) * applied(g.rows.g, g.cols.g) * double(s.c);
  }
  if (dw) {
    cost.gemm += product;
    cost.transforms += tiles * applied(g.rows.bt, g.cols.bt) * double(s.c) +
                       double(s.o) * applied(g.rows.gt, g.cols.gt) * double(s.c);
  }
  return cost;
}

namespace {

template <typename T>
const Kernels<T>& kernels() {
  static const Kernels<T> k = [] {
    switch (best_isa()) {
#if OVERPARAM_WINOGRAD_X86
      case Isa::avx512:
        return avx512_kernels<T>();
      case Isa::avx2:
        return avx2_kernels<T>();
#endif
      default:
        return generic_kernels<T>();
    }
  }();
  return k;
}

}  // namespace

template <typename T>
void forward(const ConvShape& s, const T* x, const T* w, const T* b, T* y) {
  const Kernels<T>& k = kernels<T>();
  const Layout<T> g(s);
  const std::size_t filter = g.xi * g.stride(s.o, s.c), taps = s.kh * s.kw * s.c;
  auto u = Tensor<T>::uninitialized({filter + taps + g.xi * s.c});
  k.filter_tiles(g, w, u.data() + filter, u.data() + filter + taps, u.data());
  const std::size_t size = work_size(g);
  auto work = Tensor<T>::uninitialized({blas::parallel_threads(g.chunks), size});
  blas::parallel_for(g.chunks, [&](std::size_t chunk, std::size_t thread) {
    k.forward_chunk(g, x, u.data(), b, y, chunk, work.data() + thread * size);
  });
}

template <typename T>
void backward(const ConvShape& s, const T* x, const T* w, const T* dy, T* dx, T* dw, T dw_beta) {
  const Kernels<T>& k = kernels<T>();
  const Layout<T> g(s);
  const std::size_t filter = g.xi * g.stride(s.o, s.c), taps = s.kh * s.kw * s.c;
  auto u = Tensor<T>::uninitialized({dx ? filter : 0});
  auto scratch = Tensor<T>::uninitialized({taps + g.xi * s.c});  // a filter and its tmp
  if (dx) k.filter_tiles(g, w, scratch.data(), scratch.data() + taps, u.data());
  const std::size_t runs = std::min(g.chunks, max_dw_runs);
  auto du = Tensor<T>::uninitialized({dw ? runs : 0, filter});
  const std::size_t size = work_size(g);
  auto work = Tensor<T>::uninitialized({blas::parallel_threads(runs), size});
  blas::parallel_for(runs, [&](std::size_t run, std::size_t thread) {
    k.backward_run(g, x, u.data(), dy, dx, dw ? du.data() + run * filter : nullptr,
                   g.chunks * run / runs, g.chunks * (run + 1) / runs, work.data() + thread * size);
  });
  if (!dw) return;
  // dU = the runs' partial sums, in order
  for (std::size_t r = 1; r < runs; ++r)
    blas::axpy(filter, T{1}, du.data() + r * filter, du.data());
  k.filter_grad(g, du.data(), scratch.data(), scratch.data() + taps, dw, dw_beta);
}

template void forward(const ConvShape&, const float*, const float*, const float*, float*);
template void forward(const ConvShape&, const double*, const double*, const double*, double*);
template void backward(const ConvShape&, const float*, const float*, const float*, float*, float*,
                       float);
template void backward(const ConvShape&, const double*, const double*, const double*, double*,
                       double*, double);

}  // namespace ad::winograd
