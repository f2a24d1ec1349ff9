#include <catch2/catch.hpp>

#include "autodiff/autodiff.hpp"
#include "gradcheck.hpp"

using ad::Shape;
using ad::Tensor;
using ad::Transpose;
using testing::random_tensor;

namespace {

// The reference: op(A)[M,K] · op(B)[K,N] by three loops, in double.
Tensor<double> naive_matmul(const Tensor<double>& a, const Tensor<double>& b, Transpose ta,
                            Transpose tb) {
  const bool at = ta == Transpose::yes, bt = tb == Transpose::yes;
  const std::size_t m = at ? a.cols() : a.rows(), k = at ? a.rows() : a.cols();
  const std::size_t n = bt ? b.rows() : b.cols();
  Tensor<double> c({m, n});
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      double s = 0;
      for (std::size_t p = 0; p < k; ++p)
        s += (at ? a.at(p, i) : a.at(i, p)) * (bt ? b.at(j, p) : b.at(p, j));
      c.at(i, j) = s;
    }
  return c;
}

Shape stored(std::size_t rows, std::size_t cols, Transpose t) {
  return t == Transpose::yes ? Shape{cols, rows} : Shape{rows, cols};
}

// Every (M, K, N) the linear models and convnets meet: square, non-square, one row, one column.
const std::vector<std::array<std::size_t, 3>> sizes = {{3, 4, 5}, {4, 4, 4}, {1, 6, 3}, {5, 6, 1},
                                                       {1, 7, 1}, {6, 1, 4}, {1, 1, 1}, {2, 9, 7}};
const Transpose flags[] = {Transpose::no, Transpose::yes};

}  // namespace

TEST_CASE("matmul: forward equals a naive triple loop, every transpose combination",
          "[autodiff][blas]") {
  unsigned seed = 100;
  for (auto [m, k, n] : sizes)
    for (Transpose ta : flags)
      for (Transpose tb : flags) {
        INFO("M=" << m << " K=" << k << " N=" << n << " ta=" << (ta == Transpose::yes)
                  << " tb=" << (tb == Transpose::yes));
        const auto a = random_tensor(stored(m, k, ta), ++seed);
        const auto b = random_tensor(stored(k, n, tb), ++seed);
        const auto expected = naive_matmul(a, b, ta, tb);

        ad::Tape<double> tape;
        auto c = ad::matmul(tape.input(a), tape.input(b), ta, tb);
        REQUIRE(c.shape() == Shape{m, n});
        for (std::size_t i = 0; i < expected.size(); ++i)
          CHECK(c.value()[i] == Approx(expected[i]).epsilon(1e-12).margin(1e-12));

        ad::Tape<float> tape_f;
        const auto af = a.cast<float>(), bf = b.cast<float>();
        auto cf = ad::matmul(tape_f.input(af), tape_f.input(bf), ta, tb);
        for (std::size_t i = 0; i < expected.size(); ++i)
          CHECK(cf.value()[i] == Approx(expected[i]).epsilon(1e-5).margin(1e-5));
      }
}

TEST_CASE("matmul: backward matches finite differences, every transpose combination",
          "[autodiff][gradcheck]") {
  unsigned seed = 200;
  for (auto [m, k, n] : sizes)
    for (Transpose ta : flags)
      for (Transpose tb : flags) {
        INFO("M=" << m << " K=" << k << " N=" << n << " ta=" << (ta == Transpose::yes)
                  << " tb=" << (tb == Transpose::yes));
        auto build = [ta, tb](auto&, const auto& x) { return ad::matmul(x[0], x[1], ta, tb); };
        CHECK_GRADIENTS(build, (std::vector{random_tensor(stored(m, k, ta), ++seed),
                                            random_tensor(stored(k, n, tb), ++seed)}));
      }
}

TEST_CASE("matmul: backward accumulates into both inputs when A is used twice (A·Aᵀ)",
          "[autodiff][gradcheck]") {
  auto build = [](auto&, const auto& x) {
    return ad::matmul(x[0], x[0], Transpose::no, Transpose::yes);
  };
  CHECK_GRADIENTS(build, std::vector{random_tensor({3, 5}, 300)});
}

TEST_CASE("matmul: with the identity, exact values and gradients", "[autodiff]") {
  ad::Tape<double> tape;
  auto a = tape.variable(Tensor<double>({2, 3}, {1, 2, 3, 4, 5, 6}));
  auto eye = tape.variable(Tensor<double>({3, 3}, {1, 0, 0, 0, 1, 0, 0, 0, 1}));
  auto c = ad::matmul(a, eye);
  for (std::size_t i = 0; i < 6; ++i) CHECK(c.value()[i] == a.value()[i]);
  tape.backward(c, Tensor<double>({2, 3}, {1, 1, 1, 1, 1, 1}));
  // dA = dC · Iᵀ = all ones; dI = Aᵀ · dC: row p holds sum_i A[i,p].
  for (std::size_t i = 0; i < 6; ++i) CHECK(a.grad()[i] == 1);
  CHECK(eye.grad().at(0, 0) == 5);  // 1 + 4
  CHECK(eye.grad().at(1, 2) == 7);  // 2 + 5
  CHECK(eye.grad().at(2, 1) == 9);  // 3 + 6
}

TEST_CASE("matmul: mismatched inner dimensions name both shapes", "[autodiff][errors]") {
  ad::Tape<double> tape;
  auto a = tape.variable(Tensor<double>({3, 4}));
  auto b = tape.variable(Tensor<double>({5, 2}));
  CHECK_THROWS_AS(ad::matmul(a, b), std::invalid_argument);
  CHECK_THROWS_WITH(ad::matmul(a, b),
                    Catch::Contains("matmul: A is [3,4] but B is [5,2]; inner dimensions differ "
                                    "(4 != 5)"));
  CHECK_THROWS_WITH(ad::matmul(a, b, Transpose::yes),
                    Catch::Contains("[3,4] transposed") && Catch::Contains("3 != 5"));
  auto v = tape.variable(Tensor<double>({4}));
  CHECK_THROWS_WITH(ad::matmul(a, v), Catch::Contains("matmul: B is [4], expected rank 2"));
}

TEST_CASE("blas::gemm with beta = 0 ignores what C held, NaN included", "[autodiff][blas]") {
  // Ops write products into uninitialized buffers with beta = 0; BLAS must not read them
  // (0 * NaN would be NaN). Checks the gemm path and both gemv paths.
  const std::vector<double> a = {1, 2, 3, 4, 5, 6};  // [2,3]
  for (auto [m, n, k] : {std::array<std::size_t, 3>{2, 2, 3}, {2, 1, 3}, {1, 2, 3}}) {
    std::vector<double> b(k * n, 1.0), c(m * n, std::nan(""));
    ad::blas::gemm(Transpose::no, Transpose::no, m, n, k, 1.0, a.data(), b.data(), 0.0, c.data());
    for (double v : c) CHECK(std::isfinite(v));
  }
}

TEST_CASE("blas::gram equals op(A)·op(A)ᵀ by three loops, both triangles, beta 0 and 1",
          "[autodiff][blas]") {
  unsigned seed = 700;
  for (Transpose t : flags) {
    for (auto [n, k] : {std::array<std::size_t, 2>{5, 3}, {4, 7}, {1, 4}, {3, 1}}) {
      INFO("n " << n << ", k " << k << (t == Transpose::yes ? ", transposed" : ""));
      const Tensor<double> a = random_tensor(stored(n, k, t), ++seed);
      const Tensor<double> expected =
          naive_matmul(a, a, t, t == Transpose::yes ? Transpose::no : Transpose::yes);
      Tensor<double> c({n, n}, std::nan(""));  // beta = 0 must not read C
      ad::blas::gram(t, n, k, 2.0, a.data(), 0.0, c.data());
      for (std::size_t i = 0; i < c.size(); ++i) CHECK(c[i] == Approx(2 * expected[i]));
      ad::blas::gram(t, n, k, 1.0, a.data(), 1.0, c.data());  // beta = 1 adds onto C
      for (std::size_t i = 0; i < c.size(); ++i) CHECK(c[i] == Approx(3 * expected[i]));
    }
  }
}

namespace {
// Runs f with products on `threads` threads of our own (Threading::own), then restores
// OpenBLAS's threading as it was.
template <typename F>
void with_own_threads(int threads, F f) {
  const int before = ad::blas::num_threads();
  const auto how = ad::blas::threading();
  ad::blas::set_num_threads(threads, ad::blas::Threading::own);
  f();
  ad::blas::set_num_threads(before, how);
}
}  // namespace

TEST_CASE("blas::gemm and gram shared out on threads of our own give what one thread gives",
          "[autodiff][blas]") {
  // Products of 16M multiply-adds and more are split into blocks of rows (M >= N) or columns
  // of C. Equal up to rounding: OpenBLAS may sum an element near the edge of a block in
  // another order than in the middle of the whole.
  unsigned seed = 800;
  for (auto [m, n, k] : {std::array<std::size_t, 3>{300, 200, 280}, {100, 600, 300}}) {
    for (Transpose ta : flags) {
      for (Transpose tb : flags) {
        INFO(m << "x" << n << "x" << k << (ta == Transpose::yes ? " Aᵀ" : "")
               << (tb == Transpose::yes ? " Bᵀ" : ""));
        const Tensor<double> a = random_tensor(stored(m, k, ta), ++seed);
        const Tensor<double> b = random_tensor(stored(k, n, tb), ++seed);
        const Tensor<double> c0 = random_tensor({m, n}, ++seed);
        Tensor<double> one = c0, many = c0;
        ad::blas::set_num_threads(1);
        ad::blas::gemm(ta, tb, m, n, k, 0.5, a.data(), b.data(), 1.0, one.data());
        with_own_threads(
            3, [&] { ad::blas::gemm(ta, tb, m, n, k, 0.5, a.data(), b.data(), 1.0, many.data()); });
        bool near = true;
        for (std::size_t i = 0; i < one.size(); ++i) near = near && many[i] == Approx(one[i]);
        CHECK(near);
      }
    }
  }
  // gram: K >= N splits the sum over K (part 0 takes beta·C), K < N splits rows of C.
  for (auto [n, k] : {std::array<std::size_t, 2>{300, 400}, {400, 300}}) {  // 18M, 24M
    for (Transpose t : flags) {
      INFO("gram " << n << "x" << k << (t == Transpose::yes ? " Aᵀ·A" : " A·Aᵀ"));
      const Tensor<double> a = random_tensor(stored(n, k, t), ++seed);
      Tensor<double> c0 = random_tensor({n, n}, ++seed);
      for (std::size_t i = 0; i < n; ++i)  // a symmetric C to add onto
        for (std::size_t j = 0; j < i; ++j) c0[i * n + j] = c0[j * n + i];
      Tensor<double> one = c0, many = c0;
      ad::blas::gram(t, n, k, 1.0, a.data(), 0.5, one.data());
      with_own_threads(2, [&] { ad::blas::gram(t, n, k, 1.0, a.data(), 0.5, many.data()); });
      const Tensor<double> aat =
          naive_matmul(a, a, t, t == Transpose::yes ? Transpose::no : Transpose::yes);
      bool near = true;
      for (std::size_t i = 0; i < one.size(); ++i) {
        near = near && many[i] == Approx(one[i]) && many[i] == Approx(aat[i] + 0.5 * c0[i]);
      }
      CHECK(near);
    }
  }
}

TEST_CASE("blas::parallel_for runs every range once, and nested calls on the calling thread",
          "[autodiff][blas]") {
  with_own_threads(3, [] {
    CHECK(ad::blas::parallel_threads(10) == 3);
    CHECK(ad::blas::parallel_threads(2) == 2);
    std::vector<int> runs(50, 0);
    std::vector<std::size_t> nested_threads(50, 0), ran_on(50, 99);
    ad::blas::parallel_for(50, [&](std::size_t range, std::size_t thread) {
      ran_on[range] = thread;  // Catch's assertions are not thread-safe: checked after
      ++runs[range];           // each range belongs to one thread
      nested_threads[range] = ad::blas::parallel_threads(10);
    });
    for (std::size_t t : ran_on) CHECK(t < 3);
    for (int r : runs) CHECK(r == 1);
    for (std::size_t t : nested_threads) CHECK(t == 1);
  });
}
