// 2-D convolution on the tape, as matrix products: im2col + one BLAS gemm per image, or, for
// stride 1 and small kernels, Winograd's minimal filtering (autodiff/winograd.hpp), which needs
// several times fewer multiply-adds (ConvAlgorithm below).
//
// Images are NCHW: x[N,C,H,W] holds N images of C channels, each an H×W plane, row-major.
// Kernels are OIHW: w[O,C,KH,KW] holds one C×KH×KW filter per output channel. Like every deep
// learning framework (and TensorFlow's conv2d), this is cross-correlation: the kernel is not
// flipped. Output pixel (o, i, j) of image n is
//   y[n,o,i,j] = b[o] + sum over c, u, v of w[o,c,u,v] · x[n, c, i·stride + u - pad_top,
//                                                             j·stride + v - pad_left]
// where reads outside the image are zeros.
//
// im2col turns the convolution into one matrix product per image: every output pixel's
// receptive field (C·KH·KW input values) becomes one column of cols[C·KH·KW, OH·OW], so
//   y_n[O, OH·OW] = W[O, C·KH·KW] · cols_n
// and y_n is already image n's slice of the NCHW output. Backward is two more products:
//   dW += dy_n · cols_nᵀ      dcols = Wᵀ · dy_n, which col2im adds back into dx_n.
// The images are shared out between blas::num_threads() threads (blas::parallel_for), each
// running single-threaded gemms. Values and gradients are the same, to the bit, on any number of
// threads.
//
// The fast path, Winograd F(4x4, KHxKW) (winograd.hpp), computes the same convolution with fewer
// multiply-adds, forward and both gradients, as one GEMM over channels per tile position: for a
// 5x5 kernel 6.25x fewer in the products where the tiles fit the image, 4.8x on 14x14 images
// (4x4 tiles of 4x4 outputs overhang by two rows and columns), plus the tiles' transforms. Its
// results differ from im2col's by rounding only, within the bound stated in winograd.hpp.
//
// Padding follows TensorFlow (tf.nn.conv2d, and max_pool2d in pool.hpp):
//   valid  no padding: OH = floor((H - KH) / stride) + 1; requires KH <= H.
//   same   OH = ceil(H / stride), padding the input with zeros as needed: the total padding is
//          max((OH - 1)·stride + KH - H, 0), pad_top = total / 2, and the odd one (if any) goes
//          to the bottom. Columns likewise.
#pragma once

#include <cstddef>

#include "autodiff/shape.hpp"
#include "autodiff/tape.hpp"

namespace ad {

enum class Padding { valid, same };

// "valid" or "same", for messages.
const char* to_string(Padding padding);

// Where a sliding window goes along one axis: `out` window positions, the first starting at
// input index -pad_before (so the window at position i covers inputs from i·stride - pad_before
// through i·stride - pad_before + kernel - 1).
struct WindowAxis {
  std::size_t out = 0;
  std::size_t pad_before = 0;
};
// TensorFlow's rule (see above). `valid` with kernel > in gives out = 0; callers reject that.
// Requires: stride >= 1.
WindowAxis window_axis(std::size_t in, std::size_t kernel, std::size_t stride, Padding padding);

// Which algorithm conv2d uses; one setting for the whole library, read when a conv2d is recorded
// (its backward uses the same).
//   automatic  the default: Winograd where it covers the shape (stride 1, 2 <= KH, KW <= 5) and
//              x has at least conv_fast_min_channels input channels; im2col elsewhere. A layer
//              of few input channels (MNIST's first, C = 1) makes products of inner size C,
//              where the transforms cost more than they save: im2col is faster there
//              (docs/PERFORMANCE.md).
//   im2col     im2col everywhere: the reference.
//   fast       Winograd wherever it covers the shape, whatever C; im2col elsewhere.
enum class ConvAlgorithm { automatic, im2col, fast };
inline constexpr std::size_t conv_fast_min_channels = 4;
// Sets the algorithm of the conv2d calls recorded from now on (on any thread); not meant to be
// changed while another thread records a conv2d.
void set_conv_algorithm(ConvAlgorithm algorithm);
ConvAlgorithm conv_algorithm();
// "automatic", "im2col" or "fast".
const char* to_string(ConvAlgorithm algorithm);
// The algorithm conv2d would use, under the current setting, for x[N,C,H,W] ⋆ w[O,C,KH,KW] with
// this stride: im2col or fast, never automatic. Requires shapes conv2d accepts.
ConvAlgorithm conv_algorithm_for(const Shape& x, const Shape& w, std::size_t stride);

struct Conv2dOptions {
  std::size_t stride = 1;  // the same along rows and columns
  Padding padding = Padding::valid;
};

// x[N,C,H,W] ⋆ w[O,C,KH,KW] + b[O] -> y[N,O,OH,OW], OH and OW as in the header comment.
// Requires: x and w of rank 4 with no zero dimension, the same C in both; b of shape [O];
//           stride >= 1; with `valid` padding, KH <= H and KW <= W. Otherwise throws
//           std::invalid_argument naming conv2d and the shapes.
// Ensures:  backward adds into dx, dw and db (db[o] += the sum of dy over n and pixels).
template <typename T>
Var<T> conv2d(Var<T> x, Var<T> w, Var<T> b, Conv2dOptions options = {});

// The same without a bias: x[N,C,H,W] ⋆ w[O,C,KH,KW] -> y[N,O,OH,OW].
template <typename T>
Var<T> conv2d(Var<T> x, Var<T> w, Conv2dOptions options = {});

}  // namespace ad
