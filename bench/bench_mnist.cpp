// One training step of the MNIST tutorial convnet (experiments/mnist/model.hpp), timed step by
// step: the forward pass, the loss with its L2 term, backward and the Momentum update, exactly as
// experiments::train_mnist runs them, but with the batches prepared beforehand, so that data
// loading is not in the time. Prints the median milliseconds per step (wall time, and the CPU time
// of all threads).
//
//   bench_mnist [--variant original|overparam] [--l2-on product|factors] [--steps N]
//               [--warmup W] [--threads T] [--threading own|openblas] [--batch B] [--random]
//               [--conv automatic|im2col|fast]
//   bench_mnist --gemms [--steps N] [--threads T] [--threading own|openblas] [--batch B]
//   bench_mnist --losses N [--variant ...] [--l2-on ...] [--conv ...] [--threads T]
//
// --conv sets ad::set_conv_algorithm (conv.hpp): the convolutions by im2col, by Winograd where
// it covers them (fast), or as conv2d picks (automatic, the default). For the original model
// the line also gives the multiply-adds of one step on that path (the products, and the
// Winograd tiles' transforms) and the GFLOP/s they make at the median time. --losses N instead
// trains N steps (experiments::train_mnist, MNIST's files required) and prints each step's batch
// loss, one per line (bench/mnist_conv_curves.sh compares the paths' curves).
//
// Threads as `overparam mnist` runs them: T threads of our own (ad::blas::Threading::own),
// OpenBLAS on one; --threading openblas lets OpenBLAS thread its calls instead (the
// convolutions still share their images out). Batches are MNIST's first training images
// (data/mnist, in order as train_mnist takes them) when the files are there, random pixels in
// [-0.5, 0.5] and random labels otherwise, or with --random. --gemms instead times the bare
// gemm calls one step of the original model makes (the same shapes and the same threading,
// into preallocated buffers): the floor under any implementation of the step that computes the
// convolutions by im2col and the dense layers by GEMMs. bench/mnist_step.sh runs both and
// PyTorch's step.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <cblas.h>

#include "autodiff/autodiff.hpp"
#include "autodiff/conv.hpp"
#include "autodiff/winograd.hpp"
#include "data_loaders/mnist.hpp"
#include "experiments/mnist/model.hpp"
#include "experiments/mnist/train.hpp"
#include "optim/momentum.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// CPU time of the whole process (all its threads), in milliseconds: on a machine that other
// programs share, a steadier measure of the work than wall time.
double cpu_ms() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return double(t.tv_sec) * 1e3 + double(t.tv_nsec) * 1e-6;
}
std::vector<double> step_cpu_ms;  // time_steps' CPU milliseconds per step

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
  std::string threading = "own";  // ad::blas::Threading: own|openblas
  bool random = false;
  bool gemms = false;
  ad::ConvAlgorithm conv = ad::ConvAlgorithm::automatic;
  std::size_t losses = 0;  // --losses N: train N steps and print the batch losses
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "bench_mnist: %s\nusage: bench_mnist [--variant original|overparam] "
               "[--l2-on product|factors] [--steps N] [--warmup W] [--threads T] "
               "[--threading own|openblas] [--batch B] [--random] [--conv automatic|im2col|fast] "
               "| --gemms | --losses N\n",
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
    else if (flag == "--threading")
      o.threading = value();
    else if (flag == "--random")
      o.random = true;
    else if (flag == "--gemms")
      o.gemms = true;
    else if (flag == "--losses")
      o.losses = std::stoul(value());
    else if (flag == "--conv") {
      const std::string v = value();
      if (v == "automatic")
        o.conv = ad::ConvAlgorithm::automatic;
      else if (v == "im2col")
        o.conv = ad::ConvAlgorithm::im2col;
      else if (v == "fast")
        o.conv = ad::ConvAlgorithm::fast;
      else
        usage("--conv is automatic, im2col or fast");
    } else
      usage(("unknown flag " + flag).c_str());
  }
  if (o.steps == 0 || o.batch == 0) usage("--steps and --batch must be at least 1");
  if (o.threads < 1) usage("--threads must be at least 1");
  if (o.threading != "own" && o.threading != "openblas") usage("--threading is own or openblas");
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
    const double cpu_start = cpu_ms();
    tape.clear();
    const ad::Var<float> logits = model.forward(tape.input(batch.images));
    const ad::Var<float> loss = ad::softmax_cross_entropy(logits, batch.labels) +
                                float(mnist_weight_decay) * model.l2(tape, l2_on);
    opt.zero_grad();
    tape.backward(loss);
    opt.step();
    if (step >= o.warmup) {
      ms.push_back(ms_since(start));
      step_cpu_ms.push_back(cpu_ms() - cpu_start);
    }
  }
  return ms;
}

// ---- --gemms: the bare GEMMs of one original step ----------------------------------------------

struct Conv {
  std::size_t o, patch, pixels;  // per image: y[O, pixels] = W[O, patch] · cols[patch, pixels]
  bool want_dx;                  // the first layer's input needs no gradient
};

// The products of one original step through ad::blas, threaded as the step's own: each
// convolution's per-image gemms shared out by blas::parallel_for (dW summed over 8 runs of
// images), the dense layer's products split by blas::gemm itself.
std::vector<double> time_gemms(const Options& o) {
  using ad::Transpose;
  namespace blas = ad::blas;
  const std::size_t n = o.batch, threads = blas::parallel_threads(n);
  const Conv convs[] = {{32, 25, 784, false}, {64, 800, 196, true}};
  // Per thread a cols buffer (also dcols); a dW per run of images; the batch's outputs; the
  // dense layer's operands.
  const std::size_t buffer = 800 * 784;
  std::vector<float> w(64 * 800), cols(threads * buffer), y(n * 32 * 784), dw(8 * 64 * 800),
      x(n * 3136), fc(3136 * 512), h(n * 512);
  std::mt19937 rng(2);
  std::uniform_real_distribution<float> u(-0.5f, 0.5f);
  for (auto* v : {&w, &cols, &y, &x, &fc})
    std::generate(v->begin(), v->end(), [&] { return u(rng); });
  std::vector<double> ms;
  for (std::size_t step = 0; step < o.warmup + o.steps; ++step) {
    const auto start = Clock::now();
    for (const Conv& c : convs) {  // forward: y_i = W · cols_i
      blas::parallel_for(n, [&](std::size_t i, std::size_t thread) {
        blas::gemm(Transpose::no, Transpose::no, c.o, c.pixels, c.patch, 1.0f, w.data(),
                   cols.data() + thread * buffer, 0.0f, y.data() + i * c.o * c.pixels);
      });
    }
    // fc1: h[N,512] = x[N,3136] · W[3136,512]; dW = xᵀ · dh; dx = dh · Wᵀ
    blas::gemm(Transpose::no, Transpose::no, n, 512, 3136, 1.0f, x.data(), fc.data(), 0.0f,
               h.data());
    blas::gemm(Transpose::yes, Transpose::no, 3136, 512, n, 1.0f, x.data(), h.data(), 0.0f,
               fc.data());
    blas::gemm(Transpose::no, Transpose::yes, n, 3136, 512, 1.0f, h.data(), fc.data(), 0.0f,
               x.data());
    for (const Conv& c : convs) {  // backward: dW += dy_i · cols_iᵀ, dcols = Wᵀ · dy_i
      const std::size_t runs = std::min<std::size_t>(n, 8);
      blas::parallel_for(runs, [&](std::size_t run, std::size_t thread) {
        float* buf = cols.data() + thread * buffer;
        for (std::size_t i = n * run / runs; i < n * (run + 1) / runs; ++i) {
          const float* dy = y.data() + i * c.o * c.pixels;
          blas::gemm(Transpose::no, Transpose::yes, c.o, c.patch, c.pixels, 1.0f, dy, buf,
                     i > n * run / runs ? 1.0f : 0.0f, dw.data() + run * 64 * 800);
          if (c.want_dx)
            blas::gemm(Transpose::yes, Transpose::no, c.patch, c.pixels, c.o, 1.0f, w.data(), dy,
                       0.0f, buf);
        }
      });
    }
    if (step >= o.warmup) ms.push_back(ms_since(start));
  }
  return ms;
}

// ---- multiply-adds of one original step ---------------------------------------------------

struct Macs {
  double products = 0, transforms = 0;
};

// One convolution's forward and backward (dx when asked) on the path conv2d takes for it.
Macs conv_macs(std::size_t batch, std::size_t c, std::size_t hw, std::size_t o, bool dx) {
  const ad::Shape xs{batch, c, hw, hw}, ws{o, c, 5, 5};
  if (ad::conv_algorithm_for(xs, ws, 1) == ad::ConvAlgorithm::im2col)
    return {double(batch) * double(o * c * 25 * hw * hw) * (dx ? 3 : 2), 0};
  const ad::winograd::ConvShape s{batch, c, hw, hw, o, 5, 5, hw, hw, 2, 2};
  const ad::winograd::Cost f = ad::winograd::forward_cost(s),
                           b = ad::winograd::backward_cost(s, dx, true);
  return {f.gemm + b.gemm, f.transforms + b.transforms};
}

// The original model's step at batch B: conv1 forward and dW, conv2 forward, dW and dx, on
// their paths; fc1's and fc2's three products each.
Macs step_macs(std::size_t batch) {
  const Macs c1 = conv_macs(batch, 1, 28, 32, false), c2 = conv_macs(batch, 32, 14, 64, true);
  return {c1.products + c2.products + 3.0 * double(batch) * (3136 * 512 + 512 * 10),
          c1.transforms + c2.transforms};
}

// --losses: N steps of experiments::train_mnist, each step's batch loss on a line.
int print_losses(const Options& o) {
  experiments::MnistConfig config;
  config.variant = experiments::parse_mnist_variant(o.variant);
  config.l2_on = experiments::parse_l2_on(o.l2_on);
  config.conv = o.conv;
  config.steps = o.losses;
  config.batch_size = o.batch;
  config.eval_every = 0;
  const data::Mnist mnist = data::load_mnist(std::string(OVERPARAM_SOURCE_DIR) + "/data/mnist");
  const experiments::MnistResult r = experiments::train_mnist(mnist, config);
  for (double loss : r.batch_loss) std::printf("%.9g\n", loss);
  return r.diverged ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  ad::blas::set_num_threads(
      o.threads, o.threading == "own" ? ad::blas::Threading::own : ad::blas::Threading::openblas);
  ad::set_conv_algorithm(o.conv);
  if (o.losses > 0) return print_losses(o);
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
  if (!step_cpu_ms.empty()) std::printf(", CPU %.2f ms per step", median(step_cpu_ms));
  if (o.gemms)
    std::printf(", %.2f G multiply-adds, %.1f GFLOP/s", macs / 1e9, 2 * macs / (m * 1e6));
  if (!o.gemms && o.variant == "original") {
    const Macs step = step_macs(o.batch);
    std::printf(
        ", conv %s: %.2f G multiply-adds (%.2f G in products, %.2f G in transforms), "
        "%.1f GFLOP/s",
        ad::to_string(o.conv), (step.products + step.transforms) / 1e9, step.products / 1e9,
        step.transforms / 1e9, 2 * (step.products + step.transforms) / (m * 1e6));
  }
  // OPENBLAS_CORETYPE, when set, overrides OpenBLAS's own choice of kernels for this CPU.
  std::printf(", OpenBLAS %s kernels\n", openblas_get_corename());
  return 0;
}
