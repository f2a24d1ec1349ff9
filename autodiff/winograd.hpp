// Stride-1 convolutions by Winograd's minimal filtering (Lavin & Gray, "Fast Algorithms for
// Convolutional Neural Networks", CVPR 2016): conv2d's fast path (conv.hpp picks it).
//
// In one dimension, F(m, r) computes m outputs of a correlation with an r-tap filter g from a
// tile d of α = m + r - 1 inputs with α multiplications instead of m·r:
//   y[m] = Aᵀ[m,α] · ((G[α,r] · g) ⊙ (Bᵀ[α,α] · d))
// (the transpose of the Toom-Cook algorithm that multiplies two polynomials by evaluating them
// at α points, here 0, -1, 1, 1/2, -2, -1/2, 2 as needed and ∞). Nesting it gives F(m×m, r×r) on
// α×α tiles, overlapping by r - 1 inputs: for each tile of each image and each output channel o,
//   Y = Aᵀ · [ Σ_c (G g_oc Gᵀ) ⊙ (Bᵀ d_c B) ] · A
// The sum over channels at one of the α² positions ξ of the tile is a matrix product over all
// tiles of all images at once, one GEMM per position:
//   M_ξ[P, O] = V_ξ[P, C] · U_ξ[O, C]ᵀ    V: the transformed input tiles, U: the transformed
//   filters,
// where P counts tiles (of a chunk of images). Backward is the same algorithm's adjoint: the output
// gradient dY goes through A · dY · Aᵀ to dM, then
//   dV_ξ = dM_ξ · U_ξ   (dx: each tile's B · dV · Bᵀ added back where the tile was read)
//   dU_ξ += dM_ξᵀ · V_ξ  (dw: G ᵀ· dU · G, summed over all tiles)
// For a 5x5 kernel with m = 4 (8x8 tiles) that is 64 multiply-adds per 16 outputs and channel
// pair instead of 400: 6.25x fewer on whole tiles (14x14 images take 4x4 tiles of 4x4 outputs).
//
// Numerics: the transforms are exact in real arithmetic (the double path agrees with im2col to
// rounding). In floating point each output carries the rounding of its transforms, amplified by
// their coefficients: with ε the unit roundoff and κ = max_i Σ_j |Aᵀ[i,j]| · (Σ_k |G[j,k]|) ·
// (Σ_l |Bᵀ[j,l]|) for one axis (so κ² for a tile),
//   |y_winograd - y| <= (C + 4α) · ε · κ_rows · κ_cols · max|w| · max|x|   (to first order)
// for a forward output (C terms in the GEMM's sum, about 4α roundings in the transforms); dx the
// same with O for C and max|dy| for max|x|; dw with the tiles summed over (N · tiles) for C.
// im2col's bound is C·KH·KW · ε · max|w| · max|x|. For F(4,5), κ ≈ 86.8, so Winograd's bound is
// hundreds of times im2col's: a worst case, where in practice the signs cancel; the differences
// measured on MNIST's layers are in docs/PERFORMANCE.md, and tests/autodiff/test_winograd.cpp
// checks the bound in float32.
//
// Results do not depend on the thread count: the images are split into fixed chunks, each
// chunk's products run on one thread, and dw sums fixed runs of chunks in order.
#pragma once

#include <cstddef>
#include <vector>

namespace ad::winograd {

// One stride-1 convolution, x[N,C,H,W] ⋆ w[O,C,KH,KW] -> y[N,O,OH,OW]: output (i, j) reads the
// window of x whose top-left corner is at row i - pad_top, column j - pad_left (zeros outside x).
struct ConvShape {
  std::size_t n, c, h, w;
  std::size_t o, kh, kw;
  std::size_t oh, ow;
  std::size_t pad_top, pad_left;
};

// Whether this file computes a convolution with these kernel sides and stride: stride 1 and
// 2 <= KH, KW <= 5 (any padding).
bool covers(std::size_t kh, std::size_t kw, std::size_t stride);

// The outputs per tile side m for a kernel side r (4 for 2..5: tiles of α = m + r - 1 <= 8).
std::size_t output_tile(std::size_t r);

// F(m, r)'s matrices in double, row-major: at [m,α], g [α,r], bt [α,α]; and κ as above.
struct TileMatrices {
  std::size_t m = 0, r = 0, alpha = 0;
  std::vector<double> at, g, bt;
  double kappa = 0;
};
// Requires 2 <= r <= 5 and 1 <= m, m + r - 1 <= 8.
TileMatrices tile_matrices(std::size_t m, std::size_t r);

// Multiply-adds of one of the three products (forward, dx, or dw) of a convolution: in the GEMMs
// over channels (α² per tile, channel pair and image), and in the tile transforms it makes
// (nonzero coefficients applied, per value).
struct Cost {
  double gemm = 0, transforms = 0;
};
Cost forward_cost(const ConvShape& s);
Cost backward_cost(const ConvShape& s, bool dx, bool dw);

// y = x ⋆ w (+ b[o] on channel o when b is given). Requires covers(kh, kw, 1).
template <typename T>
void forward(const ConvShape& s, const T* x, const T* w, const T* b, T* y);

// The adjoint of forward for an output gradient dy[N,O,OH,OW]: when dx is given, dx += the input
// gradient; when dw is given, dw = dw_beta · dw + the kernel gradient (dw_beta 0 or 1).
template <typename T>
void backward(const ConvShape& s, const T* x, const T* w, const T* dy, T* dx, T* dw, T dw_beta);

}  // namespace ad::winograd
