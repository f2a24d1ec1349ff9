// Max pooling on the tape: each output is the largest input of its window.
//
// x[N,C,H,W] -> y[N,C,OH,OW]: every channel of every image is pooled on its own, with a
// kernel×kernel window moved `stride` pixels at a time. Window positions and padding follow
// TensorFlow, by the same rule as conv2d (Padding and window_axis, in conv.hpp): with `same`,
// a window that hangs over the edge takes the max of its real inputs only (padding never wins,
// as if it were -inf), and every window holds at least one real input.
//
// Backward routes each output's gradient to the one input that won its window, remembered by
// the forward (the arg-max); the other inputs of the window get nothing. An input that wins
// several overlapping windows (stride < kernel) collects all their gradients.
// Ties: the FIRST maximum in row-major window order (top row first, each row left to right)
// wins the window and alone gets its gradient. At a tie max is not differentiable; any one
// choice is a valid subgradient, and this one is reproducible.
#pragma once

#include <cstddef>

#include "autodiff/conv.hpp"
#include "autodiff/tape.hpp"

namespace ad {

struct Pool2dOptions {
  std::size_t kernel = 2;  // a kernel×kernel window
  std::size_t stride = 2;
  Padding padding = Padding::valid;
};

// x[N,C,H,W] -> y[N,C,OH,OW], y[n,c,i,j] = the max of x[n,c,·,·] over window (i,j).
// Requires: x of rank 4 with no zero dimension; kernel, stride >= 1; with `valid` padding,
//           kernel <= H and kernel <= W. Otherwise throws std::invalid_argument naming
//           max_pool2d and the shapes.
// Ensures:  backward adds dy[n,c,i,j] into dx at the arg-max of window (i,j) (ties: see above).
template <typename T>
Var<T> max_pool2d(Var<T> x, Pool2dOptions options = {});

}  // namespace ad
