// What the tape costs: per-op overhead on tiny tensors, and a large matmul through the tape
// against the same three sgemm calls made by hand.
//
//   BM_tape_add_chain / BM_tape_mixed_chain   record K ops on [1]-element tensors, run backward,
//                                             clear: the "ns_per_op" counter is the overhead of
//                                             one recorded op plus its backward.
//   BM_matmul_tape / BM_matmul_cblas          C = A·B, dA = dC·Bᵀ, dB = Aᵀ·dC at 1024x1024 float32:
//                                             through the tape, and as three raw cblas_sgemm calls.
//                                             OpenBLAS single-threaded, CPU time: on a shared
//                                             machine that is what stays comparable.
// bench/run.sh runs them interleaved with repetitions and prints medians and ratios.
#include <benchmark/benchmark.h>
#include <cblas.h>

#include <random>

#include "autodiff/autodiff.hpp"

namespace {

constexpr int chain = 64;

void BM_tape_add_chain(benchmark::State& state) {
  ad::Parameter<float> w(ad::Tensor<float>({1}, {0.5f}));
  ad::Tape<float> tape;
  for (auto _ : state) {
    tape.clear();
    w.zero_grad();
    auto x = tape.param(w);
    auto b = tape.param(w);
    for (int i = 0; i < chain; ++i) x = ad::add(x, b);
    tape.backward(x);
    benchmark::DoNotOptimize(w.grad()[0]);
  }
  state.counters["ns_per_op"] = benchmark::Counter(
      chain * 1e-9, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_tape_add_chain);

void BM_tape_mixed_chain(benchmark::State& state) {
  // mul, add, relu, scale in turn: four different backward closures.
  ad::Parameter<float> w(ad::Tensor<float>({1}, {0.9f}));
  ad::Tape<float> tape;
  for (auto _ : state) {
    tape.clear();
    w.zero_grad();
    auto p = tape.param(w);
    auto x = p;
    for (int i = 0; i < chain / 4; ++i) x = ad::scale(ad::relu(ad::add(ad::mul(x, p), p)), 0.5f);
    tape.backward(x);
    benchmark::DoNotOptimize(w.grad()[0]);
  }
  state.counters["ns_per_op"] = benchmark::Counter(
      chain * 1e-9, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_tape_mixed_chain);

ad::Tensor<float> random_matrix(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1, 1);
  ad::Tensor<float> t({n, n});
  for (float& v : t) v = dist(rng);
  return t;
}

constexpr std::size_t n = 1024;

void BM_matmul_tape(benchmark::State& state) {
  ad::blas::set_num_threads(1);
  ad::Parameter<float> a(random_matrix(n, 1)), b(random_matrix(n, 2));
  const ad::Tensor<float> seed = random_matrix(n, 3);
  ad::Tape<float> tape;
  for (auto _ : state) {
    tape.clear();
    a.zero_grad();
    b.zero_grad();
    auto c = ad::matmul(tape.param(a), tape.param(b));
    tape.backward(c, seed);
    benchmark::DoNotOptimize(a.grad().data());
    benchmark::DoNotOptimize(b.grad().data());
  }
  state.counters["GFLOPS"] =
      benchmark::Counter(3 * 2.0 * n * n * n * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_matmul_tape)->Unit(benchmark::kMillisecond);

void BM_matmul_cblas(benchmark::State& state) {
  ad::blas::set_num_threads(1);
  const ad::Tensor<float> a = random_matrix(n, 1), b = random_matrix(n, 2),
                          dc = random_matrix(n, 3);
  ad::Tensor<float> c({n, n}), da({n, n}), db({n, n});
  const int N = static_cast<int>(n);
  for (auto _ : state) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, N, N, N, 1, a.data(), N, b.data(), N, 0,
                c.data(), N);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, N, N, N, 1, dc.data(), N, b.data(), N, 0,
                da.data(), N);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, N, N, N, 1, a.data(), N, dc.data(), N, 0,
                db.data(), N);
    benchmark::DoNotOptimize(c.data());
    benchmark::DoNotOptimize(da.data());
    benchmark::DoNotOptimize(db.data());
  }
  state.counters["GFLOPS"] =
      benchmark::Counter(3 * 2.0 * n * n * n * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_matmul_cblas)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
