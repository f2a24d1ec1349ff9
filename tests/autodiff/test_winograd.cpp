// conv2d's fast path, Winograd F(4x4, KHxKW) (autodiff/winograd.hpp), against its reference, the
// im2col path (itself checked against a direct seven-loop convolution in test_conv.cpp).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "autodiff/conv.hpp"
#include "autodiff/winograd.hpp"
#include "gradcheck.hpp"

using ad::Conv2dOptions;
using ad::ConvAlgorithm;
using ad::Padding;
using ad::Shape;
using ad::Tensor;
using testing::random_tensor;

namespace {

// Sets the library's conv algorithm for one scope.
struct AlgorithmGuard {
  ConvAlgorithm before = ad::conv_algorithm();
  explicit AlgorithmGuard(ConvAlgorithm a) { ad::set_conv_algorithm(a); }
  ~AlgorithmGuard() { ad::set_conv_algorithm(before); }
};

struct Result {
  Tensor<double> y, dx, dw, db;
};

// conv2d(x, w, b) and its gradients for the output gradient dy, by `algorithm`, in T.
template <typename T>
Result run(ConvAlgorithm algorithm, const Tensor<double>& x, const Tensor<double>& w,
           const Tensor<double>& b, const Tensor<double>& dy, Conv2dOptions options) {
  const AlgorithmGuard guard(algorithm);
  ad::Tape<T> tape;
  auto xv = tape.variable(x.cast<T>()), wv = tape.variable(w.cast<T>()),
       bv = tape.variable(b.cast<T>());
  auto y = ad::conv2d(xv, wv, bv, options);
  tape.backward(y, dy.cast<T>());
  return {y.value().template cast<double>(), xv.grad().template cast<double>(),
          wv.grad().template cast<double>(), bv.grad().template cast<double>()};
}

double max_abs(const Tensor<double>& t) {
  double m = 0;
  for (double v : t) m = std::max(m, std::abs(v));
  return m;
}

struct Case {
  std::string name;
  Shape x, w;
  Padding padding;
};
// Stride 1, every kernel side the fast path covers, both paddings; batches of one image and of
// several, odd and even (the images go in chunks); channel counts that are not a multiple of the
// vector width.
const std::vector<Case> cases = {
    {"5x5 same, as MNIST's second layer", {2, 3, 14, 14}, {4, 3, 5, 5}, Padding::same},
    {"5x5 same, one input channel, 9 images", {9, 1, 11, 10}, {3, 1, 5, 5}, Padding::same},
    {"5x5 valid", {1, 2, 9, 8}, {3, 2, 5, 5}, Padding::valid},
    {"3x3 same, odd sizes", {5, 3, 7, 5}, {4, 3, 3, 3}, Padding::same},
    {"3x3 valid", {2, 5, 6, 9}, {2, 5, 3, 3}, Padding::valid},
    {"2x2 same pads after", {3, 2, 5, 6}, {3, 2, 2, 2}, Padding::same},
    {"non-square 2x5 same", {2, 3, 6, 7}, {4, 3, 2, 5}, Padding::same},
    {"non-square 4x3 valid", {2, 2, 8, 6}, {3, 2, 4, 3}, Padding::valid},
    {"kernel larger than the input, same", {1, 2, 3, 3}, {2, 2, 5, 5}, Padding::same},
};

}  // namespace

TEST_CASE("conv2d winograd: F(m, r) tile matrices compute a 1-D correlation exactly",
          "[autodiff]") {
  for (std::size_t r = 2; r <= 5; ++r)
    for (std::size_t m : {std::size_t(2), std::size_t(3), std::size_t(4)}) {
      INFO("F(" << m << ", " << r << ")");
      const ad::winograd::TileMatrices t = ad::winograd::tile_matrices(m, r);
      REQUIRE(t.alpha == m + r - 1);
      const auto g = random_tensor({r}, unsigned(100 + r));
      const auto d = random_tensor({t.alpha}, unsigned(200 + m));
      std::vector<double> gd(t.alpha), bd(t.alpha);
      for (std::size_t j = 0; j < t.alpha; ++j) {
        for (std::size_t k = 0; k < r; ++k) gd[j] += t.g[j * r + k] * g[k];
        for (std::size_t l = 0; l < t.alpha; ++l) bd[j] += t.bt[j * t.alpha + l] * d[l];
      }
      for (std::size_t i = 0; i < m; ++i) {
        double y = 0, direct = 0;
        for (std::size_t j = 0; j < t.alpha; ++j) y += t.at[i * t.alpha + j] * gd[j] * bd[j];
        for (std::size_t k = 0; k < r; ++k) direct += g[k] * d[i + k];
        CHECK(y == Approx(direct).margin(1e-13));
      }
    }
  CHECK_THROWS_AS(ad::winograd::tile_matrices(5, 5), std::invalid_argument);  // α = 9
}

TEST_CASE("conv2d winograd: which shapes take the fast path", "[autodiff]") {
  const Shape mnist1{64, 1, 28, 28}, mnist2{64, 32, 14, 14};
  const Shape k1{32, 1, 5, 5}, k2{64, 32, 5, 5};
  {
    const AlgorithmGuard guard(ConvAlgorithm::automatic);
    CHECK(ad::conv_algorithm_for(mnist2, k2, 1) == ConvAlgorithm::fast);
    CHECK(ad::conv_algorithm_for(mnist1, k1, 1) == ConvAlgorithm::im2col);  // C = 1
    CHECK(ad::conv_algorithm_for(mnist2, k2, 2) == ConvAlgorithm::im2col);  // stride 2
    CHECK(ad::conv_algorithm_for(mnist2, {8, 32, 1, 1}, 1) == ConvAlgorithm::im2col);
    CHECK(ad::conv_algorithm_for(mnist2, {8, 32, 7, 7}, 1) == ConvAlgorithm::im2col);
    CHECK(ad::conv_algorithm_for(mnist2, {8, 32, 3, 5}, 1) == ConvAlgorithm::fast);
  }
  {
    const AlgorithmGuard guard(ConvAlgorithm::fast);
    CHECK(ad::conv_algorithm() == ConvAlgorithm::fast);
    CHECK(ad::conv_algorithm_for(mnist1, k1, 1) == ConvAlgorithm::fast);
    CHECK(ad::conv_algorithm_for(mnist2, k2, 2) == ConvAlgorithm::im2col);  // not covered
  }
  {
    const AlgorithmGuard guard(ConvAlgorithm::im2col);
    CHECK(ad::conv_algorithm_for(mnist2, k2, 1) == ConvAlgorithm::im2col);
  }
  CHECK(std::string(ad::to_string(ConvAlgorithm::automatic)) == "automatic");
  CHECK(std::string(ad::to_string(ConvAlgorithm::im2col)) == "im2col");
  CHECK(std::string(ad::to_string(ConvAlgorithm::fast)) == "fast");
}

TEST_CASE("conv2d winograd: forward, dx, dw and db equal im2col's in double", "[autodiff]") {
  unsigned seed = 5000;
  for (const Case& c : cases) {
    INFO(c.name << ": x " << c.x.str() << ", w " << c.w.str());
    const Conv2dOptions options{1, c.padding};
    const auto x = random_tensor(c.x, ++seed), w = random_tensor(c.w, ++seed),
               b = random_tensor({c.w[0]}, ++seed);
    const Shape ys{c.x[0], c.w[0], ad::window_axis(c.x[2], c.w[2], 1, c.padding).out,
                   ad::window_axis(c.x[3], c.w[3], 1, c.padding).out};
    const auto dy = random_tensor(ys, ++seed);
    REQUIRE((ad::conv_algorithm_for(c.x, c.w, 1) == ConvAlgorithm::fast || c.x[1] < 4));
    const Result ref = run<double>(ConvAlgorithm::im2col, x, w, b, dy, options);
    const Result fast = run<double>(ConvAlgorithm::fast, x, w, b, dy, options);
    REQUIRE(fast.y.shape() == ys);
    for (std::size_t i = 0; i < ref.y.size(); ++i)
      CHECK(fast.y[i] == Approx(ref.y[i]).epsilon(1e-11).margin(1e-11));
    for (std::size_t i = 0; i < ref.dx.size(); ++i)
      CHECK(fast.dx[i] == Approx(ref.dx[i]).epsilon(1e-11).margin(1e-11));
    for (std::size_t i = 0; i < ref.dw.size(); ++i)
      CHECK(fast.dw[i] == Approx(ref.dw[i]).epsilon(1e-11).margin(1e-11));
    for (std::size_t i = 0; i < ref.db.size(); ++i)
      CHECK(fast.db[i] == Approx(ref.db[i]).epsilon(1e-11).margin(1e-11));
  }
}

TEST_CASE("conv2d winograd: backward matches finite differences for x, w and b",
          "[autodiff][gradcheck]") {
  const AlgorithmGuard guard(ConvAlgorithm::fast);
  struct Small {
    Shape x, w;
    Padding padding;
  };
  const std::vector<Small> smalls = {
      {{1, 2, 6, 5}, {2, 2, 5, 5}, Padding::same},
      {{5, 1, 4, 4}, {2, 1, 3, 3}, Padding::same},  // chunks of images, the last one short
      {{2, 2, 6, 5}, {2, 2, 3, 2}, Padding::valid},
      {{1, 3, 5, 7}, {2, 3, 2, 4}, Padding::same},
  };
  unsigned seed = 6000;
  for (const Small& s : smalls) {
    INFO("x " << s.x.str() << ", w " << s.w.str() << ", " << ad::to_string(s.padding));
    REQUIRE(ad::conv_algorithm_for(s.x, s.w, 1) == ConvAlgorithm::fast);
    const Conv2dOptions options{1, s.padding};
    auto build = [options](auto&, const auto& v) { return ad::conv2d(v[0], v[1], v[2], options); };
    CHECK_GRADIENTS(build, (std::vector{random_tensor(s.x, ++seed), random_tensor(s.w, ++seed),
                                        random_tensor({s.w[0]}, ++seed)}));
    auto build_nobias = [options](auto&, const auto& v) { return ad::conv2d(v[0], v[1], options); };
    CHECK_GRADIENTS(build_nobias,
                    (std::vector{random_tensor(s.x, ++seed), random_tensor(s.w, ++seed)}));
  }
  // x and w used twice: the second contributions accumulate (dw with beta = 1).
  auto twice = [](auto&, const auto& v) {
    const Conv2dOptions same{1, Padding::same};
    return ad::conv2d(v[0], v[1], v[2], same) + ad::conv2d(v[0], v[1], same) + v[0];
  };
  CHECK_GRADIENTS(twice,
                  (std::vector{random_tensor({2, 2, 4, 5}, 6100), random_tensor({2, 2, 3, 3}, 6101),
                               random_tensor({2}, 6102)}));
}

TEST_CASE("conv2d winograd: with x a plain input, dw and db match those of a differentiable x",
          "[autodiff]") {
  const AlgorithmGuard guard(ConvAlgorithm::fast);
  const auto x = random_tensor({6, 3, 7, 6}, 6200), w = random_tensor({4, 3, 5, 5}, 6201),
             b = random_tensor({4}, 6202), dy = random_tensor({6, 4, 7, 6}, 6203);
  const Conv2dOptions same{1, Padding::same};
  ad::Tape<double> full, partial;
  auto xv = full.variable(x), wv = full.variable(w), bv = full.variable(b);
  full.backward(ad::conv2d(xv, wv, bv, same), dy);
  auto wp = partial.variable(w), bp = partial.variable(b);
  partial.backward(ad::conv2d(partial.input(x), wp, bp, same), dy);
  for (std::size_t i = 0; i < w.size(); ++i) CHECK(wp.grad()[i] == Approx(wv.grad()[i]));
  for (std::size_t i = 0; i < b.size(); ++i) CHECK(bp.grad()[i] == Approx(bv.grad()[i]));
}

// The bound of winograd.hpp, for one output computed from `terms` products of entries at most
// `a` and `b` in size, through tiles of `alpha` values with amplification kappa² (one kappa per
// axis), plus the same for the im2col path: the two float results differ by at most their sum.
double float_bound(std::size_t terms, std::size_t alpha, double kappa2, std::size_t im2col_terms,
                   double a, double b) {
  const double eps = std::numeric_limits<float>::epsilon() / 2;
  return (double(terms + 4 * alpha) * kappa2 + double(im2col_terms)) * eps * a * b;
}

TEST_CASE(
    "conv2d winograd: float32 outputs and gradients within the tile's rounding bound of "
    "im2col's",
    "[autodiff]") {
  // MNIST's two layers (fewer images): the tolerance is winograd.hpp's first-order bound,
  // (terms + 4α)·ε·κ²·max|a|·max|b|, plus im2col's own, terms·ε·max|a|·max|b|.
  struct Layer {
    std::string name;
    Shape x, w;
  };
  for (const Layer& l : {Layer{"conv2, 32 -> 64 channels, 14x14", {5, 32, 14, 14}, {64, 32, 5, 5}},
                         Layer{"conv1, 1 -> 32 channels, 28x28", {3, 1, 28, 28}, {32, 1, 5, 5}}}) {
    INFO(l.name);
    const std::size_t n = l.x[0], c = l.x[1], h = l.x[2], o = l.w[0], k = l.w[2];
    const auto x = random_tensor(l.x, 7000), w = random_tensor(l.w, 7001),
               b = random_tensor({o}, 7002), dy = random_tensor({n, o, h, h}, 7003);
    const Conv2dOptions same{1, Padding::same};
    const Result ref = run<float>(ConvAlgorithm::im2col, x, w, b, dy, same);
    const Result fast = run<float>(ConvAlgorithm::fast, x, w, b, dy, same);
    const Result exact = run<double>(ConvAlgorithm::im2col, x, w, b, dy, same);
    const auto t = ad::winograd::tile_matrices(ad::winograd::output_tile(k), k);
    const double kappa2 = t.kappa * t.kappa;
    const std::size_t tiles = n * ((h + t.m - 1) / t.m) * ((h + t.m - 1) / t.m);
    const double tol_y = float_bound(c, t.alpha, kappa2, c * k * k, max_abs(w), max_abs(x));
    const double tol_dx = float_bound(o, t.alpha, kappa2, o * k * k, max_abs(w), max_abs(dy));
    const double tol_dw = float_bound(tiles, t.alpha, kappa2, n * h * h, max_abs(x), max_abs(dy));
    auto worst = [](const Tensor<double>& a, const Tensor<double>& b) {
      double m = 0;
      for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(a[i] - b[i]));
      return m;
    };
    INFO("kappa " << t.kappa << "; worst |fast - im2col|: y " << worst(fast.y, ref.y) << " (bound "
                  << tol_y << "), dx " << worst(fast.dx, ref.dx) << " (" << tol_dx << "), dw "
                  << worst(fast.dw, ref.dw) << " (" << tol_dw << "); |fast - exact|: y "
                  << worst(fast.y, exact.y) << ", dx " << worst(fast.dx, exact.dx) << ", dw "
                  << worst(fast.dw, exact.dw));
    CHECK(worst(fast.y, ref.y) <= tol_y);
    CHECK(worst(fast.dx, ref.dx) <= tol_dx);
    CHECK(worst(fast.dw, ref.dw) <= tol_dw);
    CHECK(worst(fast.db, ref.db) == 0);  // the same code sums db
  }
}

TEST_CASE("conv2d winograd: threads give exactly what one thread gives", "[autodiff]") {
  // Batches of 3 and 10 (chunks of images in several runs, dw summed over them).
  for (const std::size_t batch : {3, 10}) {
    INFO("batch " << batch);
    const auto x = random_tensor({batch, 6, 9, 7}, 7100), w = random_tensor({5, 6, 5, 5}, 7101),
               b = random_tensor({5}, 7102), dy = random_tensor({batch, 5, 9, 7}, 7103);
    const Conv2dOptions same{1, Padding::same};
    auto with_threads = [&](int threads, auto scalar) {
      using T = decltype(scalar);
      const int before = ad::blas::num_threads();
      ad::blas::set_num_threads(threads);
      Result r = run<T>(ConvAlgorithm::fast, x, w, b, dy, same);
      ad::blas::set_num_threads(before);
      return r;
    };
    for (int threads : {2, 4}) {
      INFO(threads << " threads");
      const Result one_f = with_threads(1, 0.0f), many_f = with_threads(threads, 0.0f);
      const Result one_d = with_threads(1, 0.0), many_d = with_threads(threads, 0.0);
      for (auto [one, many] : {std::pair{&one_f, &many_f}, std::pair{&one_d, &many_d}}) {
        for (std::size_t i = 0; i < one->y.size(); ++i) CHECK(many->y[i] == one->y[i]);
        for (std::size_t i = 0; i < one->dx.size(); ++i) CHECK(many->dx[i] == one->dx[i]);
        for (std::size_t i = 0; i < one->dw.size(); ++i) CHECK(many->dw[i] == one->dw[i]);
        for (std::size_t i = 0; i < one->db.size(); ++i) CHECK(many->db[i] == one->db[i]);
      }
    }
  }
}
