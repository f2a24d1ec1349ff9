// One training iteration of the paper's linear regression (l_4 loss, all 2565 ethanol rows,
// float64, gradient descent), through the tape, against a hand-written loop that does only the
// necessary work: r = X·w - y and g = Xᵀ·r³/m (two cblas_dgemv passes) and the O(m) vector work.
//
//   BM_linear_tape/DEPTH/WIDTH   nn::DeepLinear + nn::lp_loss + optim::GD on the tape
//   BM_linear_fused/DEPTH/WIDTH  what `overparam linear` records: the end-to-end product, then
//                                ad::lp_regression_losses (one fused pass over X), optim::GD
//   BM_linear_grid/K             the same for K depth-3 width-1 models stacked, as --lr-grid
//                                trains them: one pass over X for all K
//   BM_linear_hand               the hand-written depth-1 loop, the floor for any depth
//   BM_lp_blas/K, BM_lp_kernel/K the bare residual-and-gradient computation of K stacked models:
//                                two BLAS GEMMs (the tape's old path) against the fused kernel
//   BM_lp_kernel_threads/T,      one model's kernel, and one BM_linear_fused/3/1 iteration, on T
//   BM_linear_fused_threads/T    threads (wall time)
// Everything else runs on one thread (two threads slow OpenBLAS's gemv down on this machine).
// bench/run.sh runs them interleaved and prints medians and ratios.
#include <benchmark/benchmark.h>
#include <cblas.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "autodiff/lp_kernel.hpp"
#include "data_loaders/gas.hpp"
#include "nn/deep_linear.hpp"
#include "nn/losses.hpp"
#include "optim/gd.hpp"

namespace {

struct GasData {
  ad::Tensor<double> x, y;
};

const GasData& gas() {
  static const GasData data = [] {
    data::Dataset ds =
        data::load_gas(std::string(OVERPARAM_SOURCE_DIR) + "/data/gas/ethanol.dat.gz");
    data::normalize(ds, data::Normalization::zscore);
    return GasData{ad::Tensor<double>({ds.rows, ds.features}, ds.x),
                   ad::Tensor<double>({ds.rows, 1}, ds.y)};
  }();
  return data;
}

void BM_linear_tape(benchmark::State& state) {
  ad::blas::set_num_threads(1);
  const GasData& data = gas();
  nn::DeepLinearOptions o;
  o.input_dim = data.x.cols();
  o.depth = static_cast<std::size_t>(state.range(0));
  o.width = static_cast<std::size_t>(state.range(1));
  nn::DeepLinear<double> net(o);
  optim::GD<double> gd(net.parameters(), {.lr = 1e-5});
  ad::Tape<double> tape;
  for (auto _ : state) {
    tape.clear();
    auto loss = nn::lp_loss(net.forward(tape.input(data.x)), tape.input(data.y), 4);
    gd.zero_grad();
    tape.backward(loss);
    gd.step();
    benchmark::DoNotOptimize(loss.value().item());
  }
}
BENCHMARK(BM_linear_tape)
    ->Args({1, 1})
    ->Args({3, 1})
    ->Args({3, 100})
    ->Unit(benchmark::kMicrosecond);

// K networks of depth DEPTH, width WIDTH, trained together as experiments/linear/trainer.cpp does.
void linear_fused(benchmark::State& state, std::size_t models, std::size_t depth, std::size_t width,
                  int threads = 1) {
  ad::blas::set_num_threads(threads);
  const GasData& data = gas();
  nn::DeepLinearOptions o;
  o.input_dim = data.x.cols();
  o.depth = depth;
  o.width = width;
  std::vector<std::unique_ptr<nn::DeepLinear<double>>> nets;
  std::vector<std::unique_ptr<optim::GD<double>>> opts;
  for (std::size_t i = 0; i < models; ++i) {
    nets.push_back(std::make_unique<nn::DeepLinear<double>>(o));
    opts.push_back(std::make_unique<optim::GD<double>>(nets.back()->parameters(),
                                                       optim::GDOptions{.lr = 1e-5}));
  }
  ad::Tape<double> tape;
  for (auto _ : state) {
    tape.clear();
    std::vector<ad::Var<double>> rows;
    for (auto& net : nets) rows.push_back(net->record_end_to_end(tape));
    auto v = rows.size() == 1 ? rows[0] : ad::stack_rows(rows);
    auto losses = ad::lp_regression_losses(tape.input(data.x), v, tape.input(data.y), 4);
    for (auto& opt : opts) opt->zero_grad();
    tape.backward(ad::sum(losses));
    for (auto& opt : opts) opt->step();
    benchmark::DoNotOptimize(losses.value()[0]);
  }
}

void BM_linear_fused(benchmark::State& state) {
  linear_fused(state, 1, static_cast<std::size_t>(state.range(0)),
               static_cast<std::size_t>(state.range(1)));
}
BENCHMARK(BM_linear_fused)->Args({1, 1})->Args({3, 1})->Unit(benchmark::kMicrosecond);

void BM_linear_grid(benchmark::State& state) {
  linear_fused(state, static_cast<std::size_t>(state.range(0)), 3, 1);
}
BENCHMARK(BM_linear_grid)->Arg(5)->Arg(10)->Unit(benchmark::kMicrosecond);

void BM_linear_hand(benchmark::State& state) {
  ad::blas::set_num_threads(1);
  const GasData& data = gas();
  const int m = static_cast<int>(data.x.rows()), d = static_cast<int>(data.x.cols());
  std::vector<double> w(static_cast<std::size_t>(d), 0.01), r(static_cast<std::size_t>(m)),
      g(static_cast<std::size_t>(d));
  for (auto _ : state) {
    std::copy(data.y.begin(), data.y.end(), r.begin());  // r = X·w - y
    cblas_dgemv(CblasRowMajor, CblasNoTrans, m, d, 1.0, data.x.data(), d, w.data(), 1, -1.0,
                r.data(), 1);
    double loss = 0;
    for (double& v : r) {  // loss = Σ r⁴ / (4m); r <- r³
      const double v2 = v * v;
      loss += v2 * v2;
      v *= v2;
    }
    cblas_dgemv(CblasRowMajor, CblasTrans, m, d, 1.0 / m, data.x.data(), d, r.data(), 1, 0.0,
                g.data(), 1);
    for (int j = 0; j < d; ++j)
      w[static_cast<std::size_t>(j)] -= 1e-5 * g[static_cast<std::size_t>(j)];
    benchmark::DoNotOptimize(loss / (4.0 * m));
  }
}
BENCHMARK(BM_linear_hand)->Unit(benchmark::kMicrosecond);

// The bare computation under a grid iteration, K stacked models, l4, no tape: residuals,
// powers and gradients, the way the tape did it before ad::lp_regression_losses (two BLAS
// GEMMs around an elementwise pass; dgemv for K = 1) against the fused kernel.
struct Stack {
  std::size_t m, d, models;
  std::vector<double> v, r, g, loss;
  explicit Stack(std::size_t models_)
      : m(gas().x.rows()),
        d(gas().x.cols()),
        models(models_),
        v(models * d, 0.01),
        r(m * models),
        g(models * d),
        loss(models) {}
};

void BM_lp_blas(benchmark::State& state) {
  ad::blas::set_num_threads(1);
  const GasData& data = gas();
  Stack s(static_cast<std::size_t>(state.range(0)));
  const std::size_t m = s.m, d = s.d, n = s.models;
  for (auto _ : state) {
    // R[m,K] = X·Vᵀ; R <- R - y; loss = Σ R⁴; R <- R³/m; G[K,d] = Rᵀ·X
    ad::blas::gemm(ad::Transpose::no, ad::Transpose::yes, m, n, d, 1.0, data.x.data(), s.v.data(),
                   0.0, s.r.data());
    std::fill(s.loss.begin(), s.loss.end(), 0.0);
    for (std::size_t i = 0; i < m; ++i)
      for (std::size_t c = 0; c < n; ++c) {
        const double e = s.r[i * n + c] - data.y[i], e3 = e * e * e;
        s.loss[c] += e3 * e;
        s.r[i * n + c] = e3 / double(m);
      }
    ad::blas::gemm(ad::Transpose::yes, ad::Transpose::no, n, d, m, 1.0, s.r.data(), data.x.data(),
                   0.0, s.g.data());
    benchmark::DoNotOptimize(s.g.data());
  }
}
BENCHMARK(BM_lp_blas)->Arg(1)->Arg(5)->Arg(10)->Unit(benchmark::kMicrosecond);

void BM_lp_kernel(benchmark::State& state) {
  ad::blas::set_num_threads(1);
  const GasData& data = gas();
  Stack s(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    ad::lp_regression_kernel(data.x.data(), s.m, s.d, s.v.data(), s.models, data.y.data(), 1, 4,
                             s.loss.data(), s.g.data());
    benchmark::DoNotOptimize(s.g.data());
  }
  state.SetLabel(ad::kernel_isa_name(ad::best_kernel_isa()));
}
BENCHMARK(BM_lp_kernel)->Arg(1)->Arg(5)->Arg(10)->Unit(benchmark::kMicrosecond);

// One model's kernel (K = 1) and one depth-3 width-1 iteration on THREADS threads (the kernel
// shares X's rows out between them): wall time, since CPU time counts both threads.
void BM_lp_kernel_threads(benchmark::State& state) {
  ad::blas::set_num_threads(int(state.range(0)));
  const GasData& data = gas();
  Stack s(1);
  for (auto _ : state) {
    ad::lp_regression_kernel(data.x.data(), s.m, s.d, s.v.data(), s.models, data.y.data(), 1, 4,
                             s.loss.data(), s.g.data());
    benchmark::DoNotOptimize(s.g.data());
  }
}
BENCHMARK(BM_lp_kernel_threads)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMicrosecond);

void BM_linear_fused_threads(benchmark::State& state) {
  const int threads = int(state.range(0));
  linear_fused(state, 1, 3, 1, threads);
}
BENCHMARK(BM_linear_fused_threads)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
