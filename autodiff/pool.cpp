#include "autodiff/pool.hpp"

#include <algorithm>
#include <cassert>
#include <stdexcept>
#include <string>
#include <vector>

namespace ad {

template <typename T>
Var<T> max_pool2d(Var<T> x, Pool2dOptions options) {
  // x[N,C,H,W] -> y[N,C,OH,OW]
  const Shape& xs = x.shape();
  if (xs.rank() != 4 || xs.size() == 0) {
    throw std::invalid_argument("max_pool2d: x is " + xs.str() +
                                ", expected x[N,C,H,W] (rank 4, no zero dimension)");
  }
  if (options.kernel == 0 || options.stride == 0) {
    throw std::invalid_argument("max_pool2d: kernel and stride must be at least 1, got kernel " +
                                std::to_string(options.kernel) + " and stride " +
                                std::to_string(options.stride));
  }
  const std::size_t planes = xs[0] * xs[1], h = xs[2], w = xs[3];
  const std::size_t k = options.kernel, s = options.stride;
  const WindowAxis rows = window_axis(h, k, s, options.padding);
  const WindowAxis cols = window_axis(w, k, s, options.padding);
  if (rows.out == 0 || cols.out == 0) {
    throw std::invalid_argument("max_pool2d: the window " + std::to_string(k) + "x" +
                                std::to_string(k) + " is larger than the input " +
                                std::to_string(h) + "x" + std::to_string(w) + " (x " + xs.str() +
                                ") with 'valid' padding; use Padding::same or a smaller kernel");
  }
  const std::size_t oh = rows.out, ow = cols.out, pt = rows.pad_before, pl = cols.pad_before;

  // The arg-maxes are kept only if backward will run.
  const bool keep_argmax = x.requires_grad() && NoGradGuard::grad_enabled();
  std::vector<std::size_t> argmax(keep_argmax ? planes * oh * ow : 0);  // flat indices into x
  auto y = Tensor<T>::uninitialized({xs[0], xs[1], oh, ow});
  const T* X = x.value().data();
  T* Y = y.data();
  if (k == 2 && s == 2 && pt == 0 && pl == 0 && 2 * oh <= h && 2 * ow <= w) {
    // The common case (the tutorial's pooling): 2x2 windows side by side, all inside the image,
    // inputs a b / c d. The same first-maximum rule as the loop below, computed without branches:
    // on real data each comparison goes either way, and mispredicted branches cost ten times
    // the arithmetic here.
    std::size_t out = 0;
    for (std::size_t plane = 0; plane < planes; ++plane) {
      for (std::size_t i = 0; i < oh; ++i) {
        const std::size_t row = plane * h * w + 2 * i * w;  // the windows' top row in x
        for (std::size_t j = 0; j < ow; ++j, ++out) {
          const std::size_t a = row + 2 * j, c = a + w;
          // The larger of a and b (a on a tie), of c and d, then of those two.
          const std::size_t ab = a + std::size_t(X[a + 1] > X[a]);
          const std::size_t cd = c + std::size_t(X[c + 1] > X[c]);
          const std::size_t best = X[cd] > X[ab] ? cd : ab;
          Y[out] = X[best];
          if (keep_argmax) argmax[out] = best;
        }
      }
    }
  } else {
    std::size_t out = 0;
    for (std::size_t plane = 0; plane < planes; ++plane) {
      const std::size_t base = plane * h * w;
      for (std::size_t i = 0; i < oh; ++i) {
        // The window's rows inside the image: [i·s - pt, i·s - pt + k) ∩ [0, h).
        const std::size_t r0 = std::max(i * s, pt) - pt, r1 = std::min(i * s + k, h + pt) - pt;
        for (std::size_t j = 0; j < ow; ++j, ++out) {
          const std::size_t c0 = std::max(j * s, pl) - pl, c1 = std::min(j * s + k, w + pl) - pl;
          assert(r0 < r1 && c0 < c1);  // window_axis never pads a window out of the image
          std::size_t best = base + r0 * w + c0;
          for (std::size_t r = r0; r < r1; ++r)
            for (std::size_t c = c0; c < c1; ++c) {
              const std::size_t at = base + r * w + c;
              if (X[at] > X[best]) best = at;  // strict: the first maximum keeps a tie
            }
          Y[out] = X[best];
          if (keep_argmax) argmax[out] = best;
        }
      }
    }
  }

  return x.tape().record("max_pool2d", std::move(y), {x},
                         [x, argmax = std::move(argmax)](const Tensor<T>& dy) {
                           T* dx = x.grad_accumulator().data();  // dx[argmax[i]] += dy[i]
                           const T* g = dy.data();
                           for (std::size_t i = 0; i < argmax.size(); ++i) dx[argmax[i]] += g[i];
                         });
}

template Var<float> max_pool2d(Var<float>, Pool2dOptions);
template Var<double> max_pool2d(Var<double>, Pool2dOptions);

}  // namespace ad
