#include <catch2/catch.hpp>

#include <algorithm>
#include <limits>
#include <numeric>
#include <random>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "autodiff/pool.hpp"
#include "gradcheck.hpp"

using ad::Padding;
using ad::Pool2dOptions;
using ad::Shape;
using ad::Tensor;

namespace {

// Distinct values by construction: a shuffled 0, 1, ..., n-1, scaled into [-1, 1). Neighbouring
// values are 2/n apart, far more than gradcheck's eps, so no window is ever near a tie.
Tensor<double> distinct_values(Shape shape, unsigned seed) {
  std::vector<double> values(shape.size());
  std::iota(values.begin(), values.end(), 0.0);
  std::shuffle(values.begin(), values.end(), std::mt19937(seed));
  for (double& v : values) v = 2 * v / double(values.size()) - 1;
  return Tensor<double>(shape, values);
}

// The reference: each window's max over its real pixels (padding is -inf), by direct loops.
Tensor<double> naive_max_pool(const Tensor<double>& x, std::size_t k, std::size_t s,
                              std::size_t pad_top, std::size_t pad_left, std::size_t oh,
                              std::size_t ow) {
  const std::size_t planes = x.shape()[0] * x.shape()[1], h = x.shape()[2], w = x.shape()[3];
  Tensor<double> y({x.shape()[0], x.shape()[1], oh, ow});
  std::size_t at = 0;
  for (std::size_t p = 0; p < planes; ++p)
    for (std::size_t i = 0; i < oh; ++i)
      for (std::size_t j = 0; j < ow; ++j, ++at) {
        double best = -std::numeric_limits<double>::infinity();
        for (std::size_t u = 0; u < k; ++u)
          for (std::size_t v = 0; v < k; ++v) {
            const long r = long(i * s + u) - long(pad_top), c = long(j * s + v) - long(pad_left);
            if (r >= 0 && c >= 0 && r < long(h) && c < long(w))
              best = std::max(best, x[(p * h + std::size_t(r)) * w + std::size_t(c)]);
          }
        y[at] = best;
      }
  return y;
}

}  // namespace

TEST_CASE("max_pool2d: a 4x4 example by hand, values and gradient", "[autodiff]") {
  ad::Tape<double> tape;
  auto x = tape.variable(Tensor<double>({1, 1, 4, 4}, {1, 5, 2, 0,  //
                                                       3, 4, 8, 1,  //
                                                       9, 2, 0, 6,  //
                                                       1, 7, 3, 5}));
  auto y = ad::max_pool2d(x);  // 2x2 windows, stride 2
  REQUIRE(y.shape() == Shape{1, 1, 2, 2});
  CHECK(y.value()[0] == 5);
  CHECK(y.value()[1] == 8);
  CHECK(y.value()[2] == 9);
  CHECK(y.value()[3] == 6);

  tape.backward(y, Tensor<double>({1, 1, 2, 2}, {10, 20, 30, 40}));
  const std::vector<double> expected = {0,  10, 0,  0,   //
                                        0,  0,  20, 0,   //
                                        30, 0,  0,  40,  //
                                        0,  0,  0,  0};
  for (std::size_t i = 0; i < 16; ++i) CHECK(x.grad()[i] == expected[i]);
}

TEST_CASE("max_pool2d: backward matches finite differences on inputs without ties",
          "[autodiff][gradcheck]") {
  const std::vector<std::pair<Shape, Pool2dOptions>> cases = {
      {{2, 2, 4, 4}, {2, 2, Padding::valid}},
      {{1, 2, 5, 5}, {2, 2, Padding::valid}},  // the last row and column in no window
      {{1, 2, 5, 5}, {2, 2, Padding::same}},   // 3x3 outputs, the last row/column half padding
      {{1, 2, 5, 4}, {3, 1, Padding::same}},   // overlapping windows
      {{2, 1, 7, 6}, {3, 2, Padding::valid}},  // overlapping, stride 2
  };
  unsigned seed = 10;
  for (const auto& [shape, options] : cases) {
    INFO("x " << shape.str() << ", kernel " << options.kernel << ", stride " << options.stride
              << ", " << ad::to_string(options.padding));
    auto build = [options](auto&, const auto& v) { return ad::max_pool2d(v[0], options); };
    CHECK_GRADIENTS(build, std::vector{distinct_values(shape, ++seed)});
  }
}

TEST_CASE("max_pool2d: gradients accumulate into x pooled twice", "[autodiff][gradcheck]") {
  // The second contribution adds into dx (the first writes it), for 2x2 / stride 2 and a
  // general window.
  for (const Pool2dOptions options :
       {Pool2dOptions{2, 2, Padding::valid}, Pool2dOptions{3, 2, Padding::same}}) {
    auto build = [options](auto&, const auto& v) {
      return ad::max_pool2d(v[0], options) + ad::max_pool2d(v[0], options);
    };
    CHECK_GRADIENTS(build, std::vector{distinct_values({1, 2, 4, 6}, 77)});
  }
}

TEST_CASE("max_pool2d: at a tie the first maximum in row-major window order gets the gradient",
          "[autodiff]") {
  ad::Tape<double> tape;
  // Window 0 is all equal; in window 1 the two 7s are at (0,3) and (1,2): (0,3) comes first.
  auto x = tape.variable(Tensor<double>({1, 1, 2, 4}, {3, 3, 1, 7,  //
                                                       3, 3, 7, 2}));
  auto y = ad::max_pool2d(x);
  CHECK(y.value()[0] == 3);
  CHECK(y.value()[1] == 7);
  tape.backward(y, Tensor<double>({1, 1, 1, 2}, {1, 1}));
  const std::vector<double> expected = {1, 0, 0, 1,  //
                                        0, 0, 0, 0};
  for (std::size_t i = 0; i < 8; ++i) CHECK(x.grad()[i] == expected[i]);
}

TEST_CASE("max_pool2d: an input winning overlapping windows collects all their gradients",
          "[autodiff]") {
  ad::Tape<double> tape;
  auto x = tape.variable(Tensor<double>({1, 1, 3, 3}, {1, 2, 3, 4, 9, 5, 6, 7, 8}));
  auto y = ad::max_pool2d(x, {.kernel = 2, .stride = 1});
  REQUIRE(y.shape() == Shape{1, 1, 2, 2});
  for (std::size_t i = 0; i < 4; ++i) CHECK(y.value()[i] == 9);
  tape.backward(y, Tensor<double>({1, 1, 2, 2}, {1, 2, 3, 4}));
  CHECK(x.grad()[4] == 10);
  CHECK(std::accumulate(x.grad().begin(), x.grad().end(), 0.0) == 10);
}

TEST_CASE("max_pool2d: 'same' padding on odd sizes as TensorFlow's SAME (7x7 -> 4x4)",
          "[autodiff]") {
  // All values negative, so padding treated as 0 instead of -inf would show up at the edges.
  auto x = distinct_values({2, 3, 7, 7}, 99);
  for (double& v : x) v -= 2;
  ad::Tape<double> tape;
  auto y = ad::max_pool2d(tape.input(x), {2, 2, Padding::same});
  REQUIRE(y.shape() == Shape{2, 3, 4, 4});
  // 7 -> 4 windows of 2 need 1 pixel of padding, all of it after: windows start at 0, 2, 4, 6.
  const auto expected = naive_max_pool(x, 2, 2, 0, 0, 4, 4);
  for (std::size_t i = 0; i < expected.size(); ++i) CHECK(y.value()[i] == expected[i]);
  for (std::size_t i = 0; i < expected.size(); ++i) CHECK(y.value()[i] < -1);

  // A 3x3 window, stride 2 on 8x5: 4x3 outputs; rows padded by 1 (after), columns by 2 (one
  // on each side).
  const auto x2 = distinct_values({1, 2, 8, 5}, 100);
  auto y2 = ad::max_pool2d(tape.input(x2), {3, 2, Padding::same});
  REQUIRE(y2.shape() == Shape{1, 2, 4, 3});
  const auto expected2 = naive_max_pool(x2, 3, 2, 0, 1, 4, 3);
  for (std::size_t i = 0; i < expected2.size(); ++i) CHECK(y2.value()[i] == expected2[i]);

  ad::Tape<float> tape_f;
  const auto xf = x2.cast<float>();
  auto yf = ad::max_pool2d(tape_f.input(xf), {3, 2, Padding::same});
  for (std::size_t i = 0; i < expected2.size(); ++i) CHECK(yf.value()[i] == float(expected2[i]));
}

TEST_CASE("max_pool2d: 2x2 windows with stride 2 equal the direct max, odd and even sizes",
          "[autodiff]") {
  // The unrolled path for 2x2 / stride 2 against the reference, including an odd size whose
  // last row and column no valid window reaches, and 'same' on even sizes (no padding).
  struct Case {
    Shape x;
    Padding padding;
    std::size_t oh, ow;
  };
  for (const Case& c :
       {Case{{2, 3, 7, 5}, Padding::valid, 3, 2}, Case{{2, 3, 8, 6}, Padding::same, 4, 3}}) {
    const auto x = distinct_values(c.x, 101);
    ad::Tape<double> tape;
    auto y = ad::max_pool2d(tape.input(x), {2, 2, c.padding});
    REQUIRE(y.shape() == Shape{c.x[0], c.x[1], c.oh, c.ow});
    const auto expected = naive_max_pool(x, 2, 2, 0, 0, c.oh, c.ow);
    for (std::size_t i = 0; i < expected.size(); ++i) CHECK(y.value()[i] == expected[i]);
  }
}

TEST_CASE("max_pool2d: bad shapes and options name max_pool2d and the shape",
          "[autodiff][errors]") {
  ad::Tape<double> tape;
  auto x = tape.variable(Tensor<double>({1, 2, 3, 5}));
  CHECK_THROWS_AS(ad::max_pool2d(x, {4, 1, Padding::valid}), std::invalid_argument);
  CHECK_THROWS_WITH(ad::max_pool2d(x, {4, 1, Padding::valid}),
                    Catch::Contains("max_pool2d: the window 4x4 is larger than the input 3x5 "
                                    "(x [1,2,3,5])"));
  CHECK_NOTHROW(ad::max_pool2d(x, {4, 1, Padding::same}));
  CHECK_THROWS_WITH(ad::max_pool2d(x, {2, 0, Padding::valid}),
                    Catch::Contains("max_pool2d: kernel and stride must be at least 1"));
  auto flat = tape.variable(Tensor<double>({2, 15}));
  CHECK_THROWS_WITH(ad::max_pool2d(flat), Catch::Contains("max_pool2d: x is [2,15], expected"));
}
