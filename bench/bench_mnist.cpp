// One training step of the MNIST tutorial convnet (experiments/mnist.hpp), timed step by step:
// the forward pass, the loss with its L2 term, backward and the Momentum update, exactly as
// experiments::train_mnist runs them, but with the batches prepared beforehand, so that data
// loading is not in the time. Prints the median milliseconds per step.
//
//   bench_mnist [--variant original|overparam] [--l2-on product|factors] [--steps N]
//               [--warmup W] [--threads T] [--batch B] [--random]
//   bench_mnist --gemms [--steps N] [--threads T] [--batch B]
//
// Batches are MNIST's first training images (data/mnist, in order as train_mnist takes them)
// when the files are there, random pixels in [-0.5, 0.5] and random labels otherwise, or with
// --random. --gemms instead times the bare cblas_sgemm calls one step of the original model
// makes (the same shapes, the images of the convolutions shared out between the threads as
// ad::conv2d does, the dense layer's products on OpenBLAS's threads, into preallocated
// buffers): the floor under any implementation of the step that computes the convolutions by
// im2col and the dense layers by GEMMs. bench/mnist_step.sh runs both and PyTorch's step.
#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "autodiff/autodiff.hpp"
#include "data_loaders/mnist.hpp"
#include "experiments/mnist.hpp"
#include "optim/momentum.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

struct Options {
  std::string variant = "original";
  std::string l2_on = "product";
  std::size_t steps = 50;
  std::size_t warmup = 5;
  std::size_t batch = 64;
  int threads = 2;
  bool random = false;
  bool gemms = false;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "bench_mnist: %s\nusage: bench_mnist [--variant original|overparam] "
               "[--l2-on product|factors] [--steps N] [--warmup W] [--threads T] [--batch B] "
               "[--random] | --gemms\n",
               why);
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(("missing value after " + flag).c_str());
      return argv[++i];
    };
    if (flag == "--variant")
      o.variant = value();
    else if (flag == "--l2-on")
      o.l2_on = value();
    else if (flag == "--steps")
      o.steps = std::stoul(value());
    else if (flag == "--warmup")
      o.warmup = std::stoul(value());
    else if (flag == "--batch")
      o.batch = std::stoul(value());
    else if (flag == "--threads")
      o.threads = std::stoi(value());
    else if (flag == "--random")
      o.random = true;
    else if (flag == "--gemms")
      o.gemms = true;
    else
      usage(("unknown flag " + flag).c_str());
  }
  if (o.steps == 0 || o.batch == 0) usage("--steps and --batch must be at least 1");
  return o;
}

struct Batch {
  ad::Tensor<float> images;  // [B,1,28,28]
  std::vector<int> labels;   // [B]
};

// `count` batches of `size`: MNIST's training images in order, or random ones.
std::vector<Batch> make_batches(std::size_t count, std::size_t size, bool random) {
  std::vector<Batch> batches(count);
  data::Mnist mnist;
  if (!random) {
    try {
      mnist = data::load_mnist(std::string(OVERPARAM_SOURCE_DIR) + "/data/mnist");
    } catch (const data::DataError&) {
      std::fprintf(stderr, "bench_mnist: no MNIST files in data/mnist; random batches instead\n");
      random = true;
    }
  }
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> pixel(-0.5f, 0.5f);
  std::uniform_int_distribution<int> label(0, 9);
  const std::size_t pixels = 28 * 28;
  for (std::size_t b = 0; b < count; ++b) {
    Batch& batch = batches[b];
    batch.images = ad::Tensor<float>::uninitialized({size, 1, 28, 28});
    batch.labels.resize(size);
    if (random) {
      for (float& p : batch.images) p = pixel(rng);
      for (int& l : batch.labels) l = label(rng);
    } else {
      const std::size_t offset = (b * size) % (mnist.train.count - size);
      std::copy_n(mnist.train.images.data() + offset * pixels, size * pixels, batch.images.data());
      std::copy_n(mnist.train.labels.data() + offset, size, batch.labels.data());
    }
  }
  return batches;
}

// The training step of experiments::train_mnist, timed. Returns milliseconds per step.
std::vector<double> time_steps(const Options& o) {
  using namespace experiments;
  const auto variant = parse_mnist_variant(o.variant);
  const auto l2_on = parse_l2_on(o.l2_on);
  const std::size_t total = o.warmup + o.steps;
  const std::vector<Batch> batches =
      make_batches(std::min<std::size_t>(total, 64), o.batch, o.random);
  MnistModel model(variant, mnist_default_seed);
  model.train();
  optim::Momentum<float> opt(model.net().parameters(),
                             {.lr = mnist_base_lr, .momentum = mnist_momentum});
  ad::Tape<float> tape;
  std::vector<double> ms;
  for (std::size_t step = 0; step < total; ++step) {
    const Batch& batch = batches[step % batches.size()];
    const auto start = Clock::now();
    tape.clear();
    const ad::Var<float> logits = model.forward(tape.input(batch.images));
    const ad::Var<float> loss = ad::softmax_cross_entropy(logits, batch.labels) +
                                float(mnist_weight_decay) * model.l2(tape, l2_on);
    opt.zero_grad();
    tape.backward(loss);
    opt.step();
    if (step >= o.warmup) ms.push_back(ms_since(start));
  }
  return ms;
}

// ---- --gemms: the bare GEMMs of one original step ----------------------------------------------

// C[M,N] = A[M,K] · B[K,N] with the transposes given, row-major, like ad::blas::gemm.
void sgemm(bool ta, bool tb, int m, int n, int k, const float* a, const float* b, float* c,
           float beta = 0) {
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n,
              k, 1.0f, a, ta ? m : k, b, tb ? k : n, beta, c, n);
}

struct Conv {
  int o, patch, pixels;  // per image: y[O, pixels] = W[O, patch] · cols[patch, pixels]
  bool want_dx;          // the first layer's input needs no gradient
};

// Runs body(first, last, part) on `parts` contiguous ranges of [0, n), each on its own thread,
// with OpenBLAS single-threaded meanwhile: how ad::conv2d shares out the images of a batch.
template <typename Body>
void split(int n, int parts, const Body& body) {
  openblas_set_num_threads(1);
  std::vector<std::thread> workers;
  for (int p = 1; p < parts; ++p) workers.emplace_back(body, n * p / parts, n * (p + 1) / parts, p);
  body(0, n / parts, 0);
  for (auto& t : workers) t.join();
  openblas_set_num_threads(parts);
}

std::vector<double> time_gemms(const Options& o) {
  const int n = int(o.batch), parts = std::max(o.threads, 1);
  const Conv convs[] = {{32, 25, 784, false}, {64, 800, 196, true}};
  // Per thread: a cols buffer (also dcols) and a dW; the batch's outputs; the dense layer's.
  std::vector<float> w(64 * 800), cols(parts * 800 * 784), y(n * 32 * 784), dw(parts * 64 * 800),
      big_a(n * 3136), big_b(3136 * 512), big_c(n * 512);
  std::mt19937 rng(2);
  std::uniform_real_distribution<float> u(-0.5f, 0.5f);
  for (auto* v : {&w, &cols, &y, &big_a, &big_b})
    std::generate(v->begin(), v->end(), [&] { return u(rng); });
  std::vector<double> ms;
  for (std::size_t step = 0; step < o.warmup + o.steps; ++step) {
    const auto start = Clock::now();
    for (const Conv& c : convs) {  // forward: y_i = W · cols_i
      split(n, parts, [&](int first, int last, int part) {
        for (int i = first; i < last; ++i)
          sgemm(false, false, c.o, c.pixels, c.patch, w.data(), cols.data() + part * 800 * 784,
                y.data() + std::size_t(i) * c.o * c.pixels);
      });
    }
    // fc1: y[N,512] = x[N,3136] · W[3136,512]; dW = xᵀ · dy; dx = dy · Wᵀ
    sgemm(false, false, n, 512, 3136, big_a.data(), big_b.data(), big_c.data());
    sgemm(true, false, 3136, 512, n, big_a.data(), big_c.data(), big_b.data());
    sgemm(false, true, n, 3136, 512, big_c.data(), big_b.data(), big_a.data());
    for (const Conv& c : convs) {  // backward: dW += dy_i · cols_iᵀ, dcols = Wᵀ · dy_i
      split(n, parts, [&](int first, int last, int part) {
        float* buffer = cols.data() + part * 800 * 784;
        for (int i = first; i < last; ++i) {
          const float* dy = y.data() + std::size_t(i) * c.o * c.pixels;
          sgemm(false, true, c.o, c.patch, c.pixels, dy, buffer, dw.data() + part * 64 * 800,
                i > first ? 1.0f : 0.0f);
          if (c.want_dx) sgemm(true, false, c.patch, c.pixels, c.o, w.data(), dy, buffer);
        }
      });
    }
    if (step >= o.warmup) ms.push_back(ms_since(start));
  }
  return ms;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  openblas_set_num_threads(o.threads);
  const std::vector<double> ms = o.gemms ? time_gemms(o) : time_steps(o);
  // Multiply-adds of the GEMMs of one original step at batch B: conv1 forward and dW
  // (2 · 32·25·784 per image), conv2 forward, dW and dx (3 · 64·800·196), fc1's three products
  // (3 · 3136·512 per row); fc2 is negligible.
  const double macs =
      double(o.batch) * (2.0 * 32 * 25 * 784 + 3.0 * 64 * 800 * 196 + 3.0 * 3136 * 512);
  const double m = median(ms);
  std::printf("%s: median %.2f ms per step over %zu steps (min %.2f, max %.2f), %d threads",
              o.gemms
                  ? "bare sgemm calls of one original step"
                  : (o.variant + (o.variant == "overparam" ? ", l2 on " + o.l2_on : "")).c_str(),
              m, ms.size(), *std::min_element(ms.begin(), ms.end()),
              *std::max_element(ms.begin(), ms.end()), o.threads);
  if (o.gemms) std::printf(", %.1f GFLOP/s", 2 * macs / (m * 1e6));
  std::printf("\n");
  return 0;
}
