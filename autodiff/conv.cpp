#include "autodiff/conv.hpp"

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "autodiff/blas.hpp"
#include "autodiff/winograd.hpp"

namespace ad {

const char* to_string(Padding padding) {
  return padding == Padding::same ? "same" : "valid";
}

WindowAxis window_axis(std::size_t in, std::size_t kernel, std::size_t stride, Padding padding) {
  if (padding == Padding::valid) {
    if (kernel > in) return {0, 0};
    return {(in - kernel) / stride + 1, 0};
  }
  const std::size_t out = (in + stride - 1) / stride;
  const std::size_t spanned = out == 0 ? 0 : (out - 1) * stride + kernel;
  const std::size_t total_pad = spanned > in ? spanned - in : 0;
  return {out, total_pad / 2};
}

namespace {
std::atomic<ConvAlgorithm> algorithm_setting{ConvAlgorithm::automatic};
}  // namespace

void set_conv_algorithm(ConvAlgorithm algorithm) {
  algorithm_setting = algorithm;
}
ConvAlgorithm conv_algorithm() {
  return algorithm_setting;
}

const char* to_string(ConvAlgorithm algorithm) {
  switch (algorithm) {
    case ConvAlgorithm::im2col:
      return "im2col";
    case ConvAlgorithm::fast:
      return "fast";
    case ConvAlgorithm::automatic:
      break;
  }
  return "automatic";
}

ConvAlgorithm conv_algorithm_for(const Shape& x, const Shape& w, std::size_t stride) {
  const ConvAlgorithm setting = conv_algorithm();
  if (setting == ConvAlgorithm::im2col || !winograd::covers(w[2], w[3], stride))
    return ConvAlgorithm::im2col;
  if (setting == ConvAlgorithm::automatic && x[1] < conv_fast_min_channels)
    return ConvAlgorithm::im2col;
  return ConvAlgorithm::fast;
}

namespace {

// The sizes of one convolution, shared by its forward and backward.
struct Geometry {
  std::size_t n, c, h, w;  // x[N,C,H,W]
  std::size_t o, kh, kw;   // w[O,C,KH,KW]
  std::size_t oh, ow;      // y[N,O,OH,OW]
  std::size_t stride, pad_top, pad_left;
  std::size_t image() const { return c * h * w; }
  std::size_t patch() const { return c * kh * kw; }  // rows of cols: one receptive field
  std::size_t pixels() const { return oh * ow; }     // columns of cols: one per output pixel
  winograd::ConvShape winograd() const {
    return {n, c, h, w, o, kh, kw, oh, ow, pad_top, pad_left};
  }
};

Geometry geometry(const Shape& xs, const Shape& ws, const Shape* bs, Conv2dOptions options) {
  if (xs.rank() != 4) {
    throw std::invalid_argument("conv2d: x is " + xs.str() +
                                ", expected rank 4: x[N,C,H,W], a batch of images, channels first");
  }
  if (ws.rank() != 4) {
    throw std::invalid_argument("conv2d: w is " + ws.str() + ", expected rank 4: w[O,C,KH,KW]");
  }
  if (xs.size() == 0 || ws.size() == 0) {
    throw std::invalid_argument("conv2d: x is " + xs.str() + " and w is " + ws.str() +
                                "; every dimension must be at least 1");
  }
  if (xs[1] != ws[1]) {
    throw std::invalid_argument("conv2d: x is " + xs.str() + " but w is " + ws.str() +
                                "; input channels differ (" + std::to_string(xs[1]) +
                                " != " + std::to_string(ws[1]) + ")");
  }
  if (bs != nullptr && (bs->rank() != 1 || (*bs)[0] != ws[0])) {
    throw std::invalid_argument("conv2d: b is " + bs->str() + " but w is " + ws.str() +
                                "; expected b [" + std::to_string(ws[0]) +
                                "], one bias per output channel");
  }
  if (options.stride == 0) {
    throw std::invalid_argument("conv2d: stride must be at least 1, got 0");
  }
  const WindowAxis rows = window_axis(xs[2], ws[2], options.stride, options.padding);
  const WindowAxis cols = window_axis(xs[3], ws[3], options.stride, options.padding);
  if (rows.out == 0 || cols.out == 0) {
    throw std::invalid_argument(
        "conv2d: the kernel " + std::to_string(ws[2]) + "x" + std::to_string(ws[3]) + " (w " +
        ws.str() + ") is larger than the input " + std::to_string(xs[2]) + "x" +
        std::to_string(xs[3]) + " (x " + xs.str() + ") with '" + to_string(options.padding) +
        "' padding; use Padding::same or a smaller kernel");
  }
  Geometry g;
  g.n = xs[0], g.c = xs[1], g.h = xs[2], g.w = xs[3];
  g.o = ws[0], g.kh = ws[2], g.kw = ws[3];
  g.oh = rows.out, g.ow = cols.out;
  g.stride = options.stride, g.pad_top = rows.pad_before, g.pad_left = cols.pad_before;
  return g;
}

// The window positions [begin, end) along one axis whose tap at kernel offset k reads inside
// the input, 0 <= i·stride + k - pad < in; the positions outside it read padding (zeros).
struct Span {
  std::size_t begin = 0, end = 0;
  bool empty() const { return begin == end; }
};
Span inside(std::size_t k, std::size_t pad, std::size_t in, std::size_t stride, std::size_t out) {
  if (k >= in + pad) return {};  // even position 0 reads past the end
  const std::size_t begin = pad > k ? (pad - k + stride - 1) / stride : 0;
  const std::size_t end = std::min(out, (in + pad - k - 1) / stride + 1);
  return begin < end ? Span{begin, end} : Span{};
}

// The common case, stride 1 with output rows as long as input rows ('same' padding, or a kernel
// one column wide): then the entries of row (c,u,v) of cols that read the image are, in
// row-major order, one contiguous run of the plane. Output pixel p = i·OW + j reads plane entry
// p + shift, shift = (u - pad_top)·W + (v - pad_left), for p in [first, last). Inside that run,
// the pixels of columns j < js.begin and j >= js.end would read across the edge of an image row
// into the next or previous one: they read padding instead, and they sit in gaps between rows,
// [i·OW + js.end, (i+1)·OW + js.begin) for consecutive rows i, i+1 of the run.
struct Run {
  bool contiguous = false;  // the case above; otherwise im2col and col2im go pixel row by row
  std::size_t first = 0, last = 0;
  std::ptrdiff_t shift = 0;
};
Run run(const Geometry& g, std::size_t u, std::size_t v, Span is, Span js) {
  if (g.stride != 1 || g.ow != g.w || is.empty() || js.empty()) return {};
  return {true, is.begin * g.ow + js.begin, (is.end - 1) * g.ow + js.end,
          (std::ptrdiff_t(u) - std::ptrdiff_t(g.pad_top)) * std::ptrdiff_t(g.w) +
              (std::ptrdiff_t(v) - std::ptrdiff_t(g.pad_left))};
}
// Zeroes the gaps of a contiguous run (see Run) in a row of cols. A gap holds at most KW - 1
// entries: this file is compiled with -fno-tree-loop-distribute-patterns (autodiff/CMakeLists.txt)
// so that loops like this one stay inline instead of becoming a memset call per gap.
template <typename T>
void zero_gaps(const Geometry& g, Span is, Span js, T* row) {
  for (std::size_t i = is.begin; i + 1 < is.end; ++i)
    for (std::size_t p = i * g.ow + js.end; p < (i + 1) * g.ow + js.begin; ++p) row[p] = T{0};
}

// x_n[C,H,W] -> cols[C·KH·KW, OH·OW]. Row (c,u,v) of cols holds, for each output pixel (i,j),
// x_n[c, i·stride + u - pad_top, j·stride + v - pad_left], or 0 where that is padding.
// Each row is filled a run at a time: zeros, a copy of the plane (one run, or a (strided) input
// row per output row), zeros.
template <typename T>
void im2col(const Geometry& g, const T* x, T* cols) {
  const std::size_t s = g.stride, pixels = g.pixels();
  T* row = cols;
  for (std::size_t c = 0; c < g.c; ++c) {
    const T* plane = x + c * g.h * g.w;
    for (std::size_t u = 0; u < g.kh; ++u) {
      const Span is = inside(u, g.pad_top, g.h, s, g.oh);
      for (std::size_t v = 0; v < g.kw; ++v, row += pixels) {
        const Span js = inside(v, g.pad_left, g.w, s, g.ow);
        if (is.empty() || js.empty()) {
          std::fill(row, row + pixels, T{0});
          continue;
        }
        if (const Run r = run(g, u, v, is, js); r.contiguous) {
          std::fill(row, row + r.first, T{0});
          std::copy(plane + std::ptrdiff_t(r.first) + r.shift,
                    plane + std::ptrdiff_t(r.last) + r.shift, row + r.first);
          std::fill(row + r.last, row + pixels, T{0});
          zero_gaps(g, is, js, row);
          continue;
        }
        std::fill(row, row + is.begin * g.ow, T{0});
        for (std::size_t i = is.begin; i < is.end; ++i) {
          const T* src = plane + (i * s + u - g.pad_top) * g.w + (js.begin * s + v - g.pad_left);
          T* dst = row + i * g.ow;
          for (std::size_t j = 0; j < js.begin; ++j) dst[j] = T{0};
          if (s == 1) {
            for (std::size_t j = js.begin; j < js.end; ++j) dst[j] = src[j - js.begin];
          } else {
            for (std::size_t j = js.begin; j < js.end; ++j, src += s) dst[j] = *src;
          }
          for (std::size_t j = js.end; j < g.ow; ++j) dst[j] = T{0};
        }
        std::fill(row + is.end * g.ow, row + pixels, T{0});
      }
    }
  }
}

// The adjoint of im2col: adds every entry of cols[C·KH·KW, OH·OW] into the input pixel it was
// read from, dx_n[C,H,W] (an input pixel under several windows collects several entries).
// Entries that im2col set to zero (padding) are dropped. Uses cols as scratch: the gaps of
// contiguous runs are zeroed so that each run is added in one pass.
template <typename T>
void col2im_add(const Geometry& g, T* cols, T* dx) {
  const std::size_t s = g.stride;
  T* row = cols;
  for (std::size_t c = 0; c < g.c; ++c) {
    T* plane = dx + c * g.h * g.w;
    for (std::size_t u = 0; u < g.kh; ++u) {
      const Span is = inside(u, g.pad_top, g.h, s, g.oh);
      for (std::size_t v = 0; v < g.kw; ++v, row += g.pixels()) {
        const Span js = inside(v, g.pad_left, g.w, s, g.ow);
        if (is.empty() || js.empty()) continue;
        if (const Run r = run(g, u, v, is, js); r.contiguous) {
          zero_gaps(g, is, js, row);
          T* dst = plane + std::ptrdiff_t(r.first) + r.shift;
          for (std::size_t p = r.first; p < r.last; ++p) *dst++ += row[p];
          continue;
        }
        for (std::size_t i = is.begin; i < is.end; ++i) {
          T* dst = plane + (i * s + u - g.pad_top) * g.w + (js.begin * s + v - g.pad_left);
          const T* src = row + i * g.ow;
          if (s == 1) {
            for (std::size_t j = js.begin; j < js.end; ++j) dst[j - js.begin] += src[j];
          } else {
            for (std::size_t j = js.begin; j < js.end; ++j, dst += s) *dst += src[j];
          }
        }
      }
    }
  }
}

// db[o] += the sum of dy[N,O,OH,OW] over n and pixels.
template <typename T>
void add_bias_grad(const Geometry& g, const T* dy, T* db) {
  // sums[N·O] = dy[N·O, OH·OW] · 1: every channel plane of every image summed by one gemv.
  const std::size_t pixels = g.pixels();
  const Tensor<T> ones({pixels}, T{1});
  auto sums = Tensor<T>::uninitialized({g.n * g.o});
  blas::gemv(Transpose::no, g.n * g.o, pixels, T{1}, dy, ones.data(), T{0}, sums.data());
  for (std::size_t n = 0; n < g.n; ++n)
    for (std::size_t o = 0; o < g.o; ++o) db[o] += sums[n * g.o + o];
}

// The fast path: forward and backward by winograd.hpp, the bias gradient as for im2col.
template <typename T>
Var<T> conv2d_winograd(Var<T> x, Var<T> w, const Var<T>* bias, const Geometry& g) {
  // x[N,C,H,W] ⋆ w[O,C,KH,KW] + b[O] -> y[N,O,OH,OW]
  auto y = Tensor<T>::uninitialized({g.n, g.o, g.oh, g.ow});
  winograd::forward(g.winograd(), x.value().data(), w.value().data(),
                    bias ? bias->value().data() : nullptr, y.data());
  const bool has_bias = bias != nullptr;
  const Var<T> b = has_bias ? *bias : Var<T>();
  auto backward = [x, w, b, has_bias, g](const Tensor<T>& dy) {
    const bool want_dx = x.requires_grad(), want_dw = w.requires_grad();
    T beta = T{0};
    T* dw = want_dw ? w.grad_accumulator(beta).data() : nullptr;
    if (want_dx || want_dw) {
      winograd::backward(g.winograd(), x.value().data(), w.value().data(), dy.data(),
                         want_dx ? x.grad_accumulator().data() : nullptr, dw, beta);
    }
    if (has_bias && b.requires_grad()) add_bias_grad(g, dy.data(), b.grad_accumulator().data());
  };
  if (bias) return x.tape().record("conv2d", std::move(y), {x, w, b}, std::move(backward));
  return x.tape().record("conv2d", std::move(y), {x, w}, std::move(backward));
}

// The images of a batch are independent: each image n is one product W · cols_n, which is
// exactly its slice of the NCHW output, so nothing is transposed, and cols stays small enough
// for the cache (800 x 196 floats for MNIST's second layer) while each gemm is still large
// (64 x 196 x 800). Backward recomputes cols instead of keeping the whole batch's (40 MB there):
// im2col costs a tenth of the gemm it feeds. The images are shared out between threads
// (blas::parallel_for), each with its own cols buffer and single-threaded gemms: a per-image
// gemm is small (about 0.2 ms for MNIST's second layer), and OpenBLAS splitting each one
// between its threads would wait for them hundreds of times per step and leave im2col and
// col2im to one thread, where whole images shared out keep every thread busy throughout.
template <typename T>
Var<T> conv2d_impl(Var<T> x, Var<T> w, const Var<T>* bias, Conv2dOptions options) {
  // x[N,C,H,W] ⋆ w[O,C,KH,KW] + b[O] -> y[N,O,OH,OW]
  const Geometry g = geometry(x.shape(), w.shape(), bias ? &bias->shape() : nullptr, options);
  if (conv_algorithm_for(x.shape(), w.shape(), g.stride) == ConvAlgorithm::fast)
    return conv2d_winograd(x, w, bias, g);
  const std::size_t patch = g.patch(), pixels = g.pixels();
  const T* X = x.value().data();
  const T* W = w.value().data();
  const T* B = bias ? bias->value().data() : nullptr;
  auto y = Tensor<T>::uninitialized({g.n, g.o, g.oh, g.ow});
  // Image by image, each thread with a cols buffer of its own.
  auto cols = Tensor<T>::uninitialized({blas::parallel_threads(g.n), patch, pixels});
  blas::parallel_for(g.n, [&](std::size_t n, std::size_t part) {
    T* cols_part = cols.data() + part * patch * pixels;
    T* y_n = y.data() + n * g.o * pixels;
    if (B) {  // start each output channel at its bias; the gemm adds onto it (beta = 1)
      for (std::size_t o = 0; o < g.o; ++o) std::fill_n(y_n + o * pixels, pixels, B[o]);
    }
    im2col(g, X + n * g.image(), cols_part);
    // y_n[O, OH·OW] (+)= W[O, C·KH·KW] · cols[C·KH·KW, OH·OW]
    blas::gemm(Transpose::no, Transpose::no, g.o, pixels, patch, T{1}, W, cols_part,
               B ? T{1} : T{0}, y_n);
  });

  const bool has_bias = bias != nullptr;
  const Var<T> b = has_bias ? *bias : Var<T>();
  auto backward = [x, w, b, has_bias, g](const Tensor<T>& dy) {
    const std::size_t patch = g.patch(), pixels = g.pixels();
    const bool want_dx = x.requires_grad(), want_dw = w.requires_grad();
    T* dx = want_dx ? x.grad_accumulator().data() : nullptr;  // zeroed: col2im adds into it
    const T* X = x.value().data();
    const T* W = w.value().data();
    // Per thread: cols and dcols for one image. dW is summed over a fixed split of the batch
    // into `ranges` runs of images, one partial sum per run, added in order at the end: the
    // same sums in the same order whichever thread took which run, so the result does not
    // depend on the threads.
    const std::size_t ranges = std::min<std::size_t>(g.n, 8),
                      parts = blas::parallel_threads(ranges);
    auto cols = Tensor<T>::uninitialized({parts, want_dw ? patch * pixels : 0});
    auto dcols = Tensor<T>::uninitialized({parts, want_dx ? patch * pixels : 0});
    auto dw_ranges = Tensor<T>::uninitialized({ranges, want_dw ? g.o * patch : 0});
    blas::parallel_for(ranges, [&](std::size_t range, std::size_t part) {
      const std::size_t first = g.n * range / ranges, last = g.n * (range + 1) / ranges;
      T* dw_range = dw_ranges.data() + range * dw_ranges.shape()[1];
      for (std::size_t n = first; n < last; ++n) {
        const T* dy_n = dy.data() + n * g.o * pixels;
        if (want_dw) {  // dW[O, C·KH·KW] += dy_n[O, OH·OW] · cols_nᵀ
          T* cols_part = cols.data() + part * patch * pixels;
          im2col(g, X + n * g.image(), cols_part);
          blas::gemm(Transpose::no, Transpose::yes, g.o, patch, pixels, T{1}, dy_n, cols_part,
                     n == first ? T{0} : T{1}, dw_range);
        }
        if (want_dx) {  // dcols[C·KH·KW, OH·OW] = Wᵀ · dy_n, then dx_n += col2im(dcols)
          T* dcols_part = dcols.data() + part * patch * pixels;
          blas::gemm(Transpose::yes, Transpose::no, patch, pixels, g.o, T{1}, W, dy_n, T{0},
                     dcols_part);
          col2im_add(g, dcols_part, dx + n * g.image());
        }
      }
    });
    if (want_dw) {  // dw (+)= the runs' partial sums, in order
      T beta;
      T* dw = w.grad_accumulator(beta).data();
      for (std::size_t r = 0; r < ranges; ++r) {
        const T* partial = dw_ranges.data() + r * g.o * patch;
        if (beta == T{0} && r == 0)
          std::copy_n(partial, g.o * patch, dw);
        else
          blas::axpy(g.o * patch, T{1}, partial, dw);
      }
    }
    if (has_bias && b.requires_grad()) add_bias_grad(g, dy.data(), b.grad_accumulator().data());
  };
  if (bias) return x.tape().record("conv2d", std::move(y), {x, w, b}, std::move(backward));
  return x.tape().record("conv2d", std::move(y), {x, w}, std::move(backward));
}

}  // namespace

template <typename T>
Var<T> conv2d(Var<T> x, Var<T> w, Var<T> b, Conv2dOptions options) {
  return conv2d_impl(x, w, &b, options);
}

template <typename T>
Var<T> conv2d(Var<T> x, Var<T> w, Conv2dOptions options) {
  return conv2d_impl(x, w, static_cast<const Var<T>*>(nullptr), options);
}

template Var<float> conv2d(Var<float>, Var<float>, Var<float>, Conv2dOptions);
template Var<double> conv2d(Var<double>, Var<double>, Var<double>, Conv2dOptions);
template Var<float> conv2d(Var<float>, Var<float>, Conv2dOptions);
template Var<double> conv2d(Var<double>, Var<double>, Conv2dOptions);

}  // namespace ad
