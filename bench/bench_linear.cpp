// One training iteration of the paper's linear regression (l_4 loss, all 2565 ethanol rows,
// float64, gradient descent), through the tape, against a hand-written loop that does only the
// necessary work: r = X·w - y and g = Xᵀ·r³/m (two cblas_dgemv passes) and the O(m) vector work.
//
//   BM_linear_tape/DEPTH/WIDTH   nn::DeepLinear + nn::lp_loss + optim::GD on the tape
//   BM_linear_hand               the hand-written depth-1 loop, the floor for any depth
// OpenBLAS runs single-threaded here (two threads slow gemv down on this machine).
// bench/run.sh runs them interleaved and prints medians and ratios.
#include <benchmark/benchmark.h>
#include <cblas.h>

#include <memory>

#include "autodiff/autodiff.hpp"
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

}  // namespace

BENCHMARK_MAIN();
