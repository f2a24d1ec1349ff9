// 2-D convolution on the tape, as a matrix product (im2col + one BLAS gemm per image).
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
// Padding follows TensorFlow (tf.nn.conv2d, and max_pool2d in pool.hpp):
//   valid  no padding: OH = floor((H - KH) / stride) + 1; requires KH <= H.
//   same   OH = ceil(H / stride), padding the input with zeros as needed: the total padding is
//          max((OH - 1)·stride + KH - H, 0), pad_top = total / 2, and the odd one (if any) goes
//          to the bottom. Columns likewise.
#pragma once

#include <cstddef>

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
