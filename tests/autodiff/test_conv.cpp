#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "autodiff/conv.hpp"
#include "gradcheck.hpp"

using ad::Conv2dOptions;
using ad::Padding;
using ad::Shape;
using ad::Tensor;
using testing::random_tensor;

namespace {

// TensorFlow's output size and leading padding along one axis, written out from its docs
// independently of ad::window_axis.
struct Axis {
  std::size_t out, pad;
};
Axis tf_axis(std::size_t in, std::size_t k, std::size_t s, Padding padding) {
  if (padding == Padding::valid) return {(in - k) / s + 1, 0};
  const std::size_t out = (in + s - 1) / s;
  const long total = std::max(0L, long((out - 1) * s + k) - long(in));
  return {out, std::size_t(total / 2)};
}

// The reference: a direct convolution by seven nested loops, in double, zeros outside x.
Tensor<double> naive_conv2d(const Tensor<double>& x, const Tensor<double>& w,
                            const Tensor<double>* b, Conv2dOptions opt) {
  const Shape xs = x.shape(), ws = w.shape();
  const std::size_t N = xs[0], C = xs[1], H = xs[2], W = xs[3], O = ws[0], KH = ws[2], KW = ws[3];
  const Axis rows = tf_axis(H, KH, opt.stride, opt.padding);
  const Axis cols = tf_axis(W, KW, opt.stride, opt.padding);
  Tensor<double> y({N, O, rows.out, cols.out});
  std::size_t at = 0;
  for (std::size_t n = 0; n < N; ++n)
    for (std::size_t o = 0; o < O; ++o)
      for (std::size_t i = 0; i < rows.out; ++i)
        for (std::size_t j = 0; j < cols.out; ++j, ++at) {
          double s = b ? (*b)[o] : 0.0;
          for (std::size_t c = 0; c < C; ++c)
            for (std::size_t u = 0; u < KH; ++u)
              for (std::size_t v = 0; v < KW; ++v) {
                const long r = long(i * opt.stride + u) - long(rows.pad);
                const long q = long(j * opt.stride + v) - long(cols.pad);
                if (r < 0 || q < 0 || r >= long(H) || q >= long(W)) continue;
                s += w[((o * C + c) * KH + u) * KW + v] *
                     x[((n * C + c) * H + std::size_t(r)) * W + std::size_t(q)];
              }
          y[at] = s;
        }
  return y;
}

struct Case {
  std::string name;
  Shape x, w;
  Conv2dOptions options;
  std::size_t oh, ow;  // the expected output size, worked out by hand
};

const std::vector<Case> cases = {
    {"odd sizes 7x5, 3x3 valid", {2, 3, 7, 5}, {4, 3, 3, 3}, {1, Padding::valid}, 5, 3},
    {"odd sizes 7x5, 3x3 same", {2, 3, 7, 5}, {4, 3, 3, 3}, {1, Padding::same}, 7, 5},
    {"5x5 same", {2, 2, 9, 8}, {3, 2, 5, 5}, {1, Padding::same}, 9, 8},
    {"stride 2 same, odd input", {2, 3, 7, 6}, {4, 3, 3, 3}, {2, Padding::same}, 4, 3},
    {"stride 2 same, even kernel", {1, 2, 8, 7}, {3, 2, 4, 4}, {2, Padding::same}, 4, 4},
    {"stride 2 valid", {2, 3, 7, 6}, {2, 3, 3, 3}, {2, Padding::valid}, 3, 2},
    {"1x1 kernel", {2, 5, 4, 3}, {6, 5, 1, 1}, {1, Padding::valid}, 4, 3},
    {"1x1 kernel, stride 2 same", {2, 5, 7, 7}, {3, 5, 1, 1}, {2, Padding::same}, 4, 4},
    {"non-square kernel 2x5 valid", {2, 3, 6, 7}, {4, 3, 2, 5}, {1, Padding::valid}, 5, 3},
    {"non-square kernel 2x5 same", {2, 3, 6, 7}, {4, 3, 2, 5}, {1, Padding::same}, 6, 7},
    {"non-square kernel 5x2 stride 3 same", {1, 2, 8, 9}, {2, 2, 5, 2}, {3, Padding::same}, 3, 3},
    {"kernel larger than the input, same", {1, 2, 3, 3}, {2, 2, 5, 5}, {1, Padding::same}, 3, 3},
    {"one output channel", {3, 2, 5, 5}, {1, 2, 3, 3}, {1, Padding::valid}, 3, 3},
};

}  // namespace

TEST_CASE("conv2d: forward equals a direct seven-loop convolution, float and double",
          "[autodiff]") {
  unsigned seed = 1000;
  for (const Case& c : cases) {
    INFO(c.name << ": x " << c.x.str() << ", w " << c.w.str());
    const auto x = random_tensor(c.x, ++seed);
    const auto w = random_tensor(c.w, ++seed);
    const auto b = random_tensor({c.w[0]}, ++seed);
    const auto expected = naive_conv2d(x, w, &b, c.options);
    REQUIRE(expected.shape() == Shape{c.x[0], c.w[0], c.oh, c.ow});

    ad::Tape<double> tape;
    auto y = ad::conv2d(tape.input(x), tape.input(w), tape.input(b), c.options);
    REQUIRE(y.shape() == expected.shape());
    for (std::size_t i = 0; i < expected.size(); ++i)
      CHECK(y.value()[i] == Approx(expected[i]).margin(1e-12));

    ad::Tape<float> tape_f;
    const auto xf = x.cast<float>(), wf = w.cast<float>(), bf = b.cast<float>();
    auto yf = ad::conv2d(tape_f.input(xf), tape_f.input(wf), tape_f.input(bf), c.options);
    REQUIRE(yf.shape() == expected.shape());
    for (std::size_t i = 0; i < expected.size(); ++i)
      CHECK(yf.value()[i] == Approx(expected[i]).margin(1e-5));

    auto y_nobias = ad::conv2d(tape.input(x), tape.input(w), c.options);
    const auto expected_nobias = naive_conv2d(x, w, nullptr, c.options);
    for (std::size_t i = 0; i < expected.size(); ++i)
      CHECK(y_nobias.value()[i] == Approx(expected_nobias[i]).margin(1e-12));
  }
}

TEST_CASE("conv2d: a 2x2 kernel of ones by hand, and 'same' pads the odd one at the bottom-right",
          "[autodiff]") {
  ad::Tape<double> tape;
  auto x = tape.variable(Tensor<double>({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9}));
  auto w = tape.variable(Tensor<double>({1, 1, 2, 2}, {1, 1, 1, 1}));
  auto b = tape.variable(Tensor<double>({1}, {0.5}));

  auto valid = ad::conv2d(x, w, b);
  REQUIRE(valid.shape() == Shape{1, 1, 2, 2});
  const std::vector<double> expected_valid = {12.5, 16.5, 24.5, 28.5};
  for (std::size_t i = 0; i < 4; ++i) CHECK(valid.value()[i] == expected_valid[i]);

  // 3 = ceil(3/1) outputs need 1 pixel of padding: TF puts it after (pad_top = 1/2 = 0).
  auto same = ad::conv2d(x, w, b, {.stride = 1, .padding = Padding::same});
  REQUIRE(same.shape() == Shape{1, 1, 3, 3});
  const std::vector<double> expected_same = {12.5, 16.5, 9.5, 24.5, 28.5, 15.5, 15.5, 17.5, 9.5};
  for (std::size_t i = 0; i < 9; ++i) CHECK(same.value()[i] == expected_same[i]);

  // All-ones dy: dx counts the windows covering each pixel, dw sums the pixels each tap saw.
  tape.backward(same, Tensor<double>({1, 1, 3, 3}, 1.0));
  const std::vector<double> expected_dx = {1, 2, 2, 2, 4, 4, 2, 4, 4};
  for (std::size_t i = 0; i < 9; ++i) CHECK(x.grad()[i] == expected_dx[i]);
  const std::vector<double> expected_dw = {45, 33, 39, 28};  // all; no col 0; no row 0; neither
  for (std::size_t i = 0; i < 4; ++i) CHECK(w.grad()[i] == expected_dw[i]);
  CHECK(b.grad()[0] == 9);
}

TEST_CASE("conv2d: backward matches finite differences for x, w and b", "[autodiff][gradcheck]") {
  struct Small {
    Shape x, w;
    Conv2dOptions options;
  };
  const std::vector<Small> smalls = {
      {{2, 2, 4, 3}, {3, 2, 3, 3}, {1, Padding::valid}},
      {{2, 2, 4, 3}, {3, 2, 3, 3}, {1, Padding::same}},
      {{1, 2, 6, 5}, {2, 2, 5, 5}, {1, Padding::same}},  // gaps of two columns, as in MNIST
      {{1, 2, 5, 4}, {2, 2, 3, 2}, {2, Padding::same}},
      {{2, 1, 5, 5}, {2, 1, 2, 3}, {2, Padding::valid}},
      {{1, 3, 3, 3}, {2, 3, 1, 1}, {1, Padding::valid}},
  };
  unsigned seed = 2000;
  for (const Small& s : smalls) {
    INFO("x " << s.x.str() << ", w " << s.w.str() << ", stride " << s.options.stride << ", "
              << ad::to_string(s.options.padding));
    const Conv2dOptions options = s.options;
    auto build = [options](auto&, const auto& v) { return ad::conv2d(v[0], v[1], v[2], options); };
    CHECK_GRADIENTS(build, (std::vector{random_tensor(s.x, ++seed), random_tensor(s.w, ++seed),
                                        random_tensor({s.w[0]}, ++seed)}));
    auto build_nobias = [options](auto&, const auto& v) { return ad::conv2d(v[0], v[1], options); };
    CHECK_GRADIENTS(build_nobias,
                    (std::vector{random_tensor(s.x, ++seed), random_tensor(s.w, ++seed)}));
  }
}

TEST_CASE("conv2d: gradients accumulate into x and w used twice", "[autodiff][gradcheck]") {
  // y = conv(x) + conv(x) + x: a second contribution to dw (beta = 1 after the first) and
  // contributions to dx from add as well as from col2im.
  auto build = [](auto&, const auto& v) {
    const Conv2dOptions same{1, Padding::same};
    return ad::conv2d(v[0], v[1], v[2], same) + ad::conv2d(v[0], v[1], same) + v[0];
  };
  CHECK_GRADIENTS(build,
                  (std::vector{random_tensor({2, 2, 3, 4}, 3000), random_tensor({2, 2, 3, 3}, 3001),
                               random_tensor({2}, 3002)}));
}

TEST_CASE("conv2d: with x a plain input, dw and db match those of a differentiable x",
          "[autodiff]") {
  const auto x = random_tensor({2, 3, 6, 5}, 4000);
  const auto w = random_tensor({4, 3, 3, 3}, 4001);
  const auto b = random_tensor({4}, 4002);
  const auto dy = random_tensor({2, 4, 3, 3}, 4003);
  const Conv2dOptions options{2, Padding::same};

  ad::Tape<double> full, partial;
  auto xv = full.variable(x), wv = full.variable(w), bv = full.variable(b);
  full.backward(ad::conv2d(xv, wv, bv, options), dy);
  auto wp = partial.variable(w), bp = partial.variable(b);
  partial.backward(ad::conv2d(partial.input(x), wp, bp, options), dy);
  for (std::size_t i = 0; i < w.size(); ++i) CHECK(wp.grad()[i] == Approx(wv.grad()[i]));
  for (std::size_t i = 0; i < b.size(); ++i) CHECK(bp.grad()[i] == Approx(bv.grad()[i]));
}

TEST_CASE("conv2d: images shared out between threads give exactly what one thread gives",
          "[autodiff]") {
  // conv2d runs the images of a batch on as many threads as OpenBLAS may use; values, dx, dw
  // and db must not depend on it, to the last bit (the same sums in the same order). Batches of
  // 3 (fewer images than 4 threads) and 10 (dW summed over 8 uneven runs of images).
  for (const std::size_t batch : {3, 10}) {
    INFO("batch " << batch);
    const auto x = random_tensor({batch, 2, 6, 5}, 4100);
    const auto w = random_tensor({4, 2, 3, 3}, 4101);
    const auto b = random_tensor({4}, 4102);
    const auto dy = random_tensor({batch, 4, 6, 5}, 4103);
    const Conv2dOptions same{1, Padding::same};
    struct Result {
      Tensor<double> y, dx, dw, db;
    };
    auto run = [&](int threads) {
      const int before = ad::blas::num_threads();
      ad::blas::set_num_threads(threads);
      ad::Tape<double> tape;
      auto xv = tape.variable(x), wv = tape.variable(w), bv = tape.variable(b);
      auto y = ad::conv2d(xv, wv, bv, same);
      tape.backward(y, dy);
      CHECK(ad::blas::num_threads() == threads);  // restored after the parallel parts
      ad::blas::set_num_threads(before);
      return Result{y.value(), xv.grad(), wv.grad(), bv.grad()};
    };
    const Result one = run(1);
    for (int threads : {2, 4}) {
      INFO(threads << " threads");
      const Result many = run(threads);
      for (std::size_t i = 0; i < one.y.size(); ++i) CHECK(many.y[i] == one.y[i]);
      for (std::size_t i = 0; i < one.dx.size(); ++i) CHECK(many.dx[i] == one.dx[i]);
      for (std::size_t i = 0; i < one.dw.size(); ++i) CHECK(many.dw[i] == one.dw[i]);
      for (std::size_t i = 0; i < one.db.size(); ++i) CHECK(many.db[i] == one.db[i]);
    }
  }
}

TEST_CASE("conv2d: bad shapes and options name conv2d and the shapes", "[autodiff][errors]") {
  ad::Tape<double> tape;
  auto x = tape.variable(Tensor<double>({2, 3, 7, 5}));
  auto w = tape.variable(Tensor<double>({4, 3, 3, 3}));
  auto b = tape.variable(Tensor<double>({4}));

  auto w2 = tape.variable(Tensor<double>({4, 2, 3, 3}));
  CHECK_THROWS_AS(ad::conv2d(x, w2, b), std::invalid_argument);
  CHECK_THROWS_WITH(ad::conv2d(x, w2, b),
                    Catch::Contains("conv2d: x is [2,3,7,5] but w is [4,2,3,3]") &&
                        Catch::Contains("input channels differ (3 != 2)"));

  auto b5 = tape.variable(Tensor<double>({5}));
  CHECK_THROWS_WITH(ad::conv2d(x, w, b5), Catch::Contains("conv2d: b is [5] but w is [4,3,3,3]") &&
                                              Catch::Contains("expected b [4]"));

  auto big = tape.variable(Tensor<double>({4, 3, 8, 3}));
  CHECK_THROWS_AS(ad::conv2d(x, big, b), std::invalid_argument);
  CHECK_THROWS_WITH(ad::conv2d(x, big, b),
                    Catch::Contains("conv2d: the kernel 8x3 (w [4,3,8,3]) is larger than the "
                                    "input 7x5 (x [2,3,7,5]) with 'valid' padding"));
  CHECK_NOTHROW(ad::conv2d(x, big, b, {1, Padding::same}));

  CHECK_THROWS_WITH(ad::conv2d(x, w, b, {0, Padding::valid}),
                    Catch::Contains("conv2d: stride must be at least 1, got 0"));

  auto flat = tape.variable(Tensor<double>({2, 105}));
  CHECK_THROWS_WITH(ad::conv2d(flat, w, b),
                    Catch::Contains("conv2d: x is [2,105], expected rank 4"));
  CHECK_THROWS_WITH(ad::conv2d(x, b, b), Catch::Contains("conv2d: w is [4], expected rank 4"));
}

TEST_CASE("window_axis: TensorFlow's output sizes and padding", "[autodiff]") {
  // MNIST's layers: 28 -> 28 with 2 pixels on each side; 7 -> 4 with stride 2.
  CHECK(ad::window_axis(28, 5, 1, Padding::same).out == 28);
  CHECK(ad::window_axis(28, 5, 1, Padding::same).pad_before == 2);
  CHECK(ad::window_axis(7, 2, 2, Padding::same).out == 4);
  CHECK(ad::window_axis(7, 2, 2, Padding::same).pad_before == 0);  // total 1, after
  CHECK(ad::window_axis(8, 4, 2, Padding::same).pad_before == 1);  // total 2
  CHECK(ad::window_axis(7, 3, 2, Padding::valid).out == 3);
  CHECK(ad::window_axis(2, 3, 1, Padding::valid).out == 0);
}
