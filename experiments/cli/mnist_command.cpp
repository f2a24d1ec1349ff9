// `overparam mnist`: train the MNIST tutorial convnet, or its overparameterized variant.
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>

#include "autodiff/blas.hpp"
#include "experiments/cli/commands.hpp"
#include "experiments/cli/flags.hpp"
#include "experiments/cli/mnist_common.hpp"
#include "experiments/mnist/records.hpp"
#include "experiments/mnist/train.hpp"
#include "experiments/report/console.hpp"
#include "experiments/report/files.hpp"
#include "experiments/report/interrupt.hpp"
#include "experiments/report/limits.hpp"

namespace po = boost::program_options;

namespace experiments {

int run_mnist(int argc, char** argv) {
  MnistConfig c;
  std::string variant = "original", l2_on = "product";
  std::string out, mnist_dir = default_mnist_dir();
  std::size_t validation_size = 5000;
  int threads = 0;
  std::string conv = "automatic";
  bool no_plot = false, no_progress = false;

  po::options_description flags(
      "overparam mnist: train TensorFlow's MNIST tutorial convnet, or its overparameterized\n"
      "variant (each dense weight a product of two matrices), as in the paper's last figure\n\n"
      "Usage: overparam mnist [OPTIONS]\n\nOptions");
  flags.add_options()("help,h", "print this help")(
      "variant", po::value(&variant)->default_value(variant), "original|overparam")(
      "epochs", po::value(&c.epochs)->default_value(c.epochs),
      "passes over the 55,000 training images")(
      "steps", po::value(&c.steps)->default_value(0),
      "training steps (0: as many as --epochs takes; 10 epochs are 8593 steps)")(
      "batch-size", po::value(&c.batch_size)->default_value(c.batch_size), "images per step")(
      "l2-on", po::value(&l2_on)->default_value(l2_on),
      "overparam: the L2 term sees the product W1*W2 or each factor (product|factors)")(
      "eval-every", po::value(&c.eval_every)->default_value(c.eval_every),
      "validation and test error every K steps, and at the end (0: at the end only)")(
      "seed", po::value(&c.seed)->default_value(c.seed), "seed of the weights and dropout masks")(
      "conv", po::value(&conv)->default_value(conv),
      "how the convolutions compute: automatic (Winograd where it has fewer multiply-adds, "
      "im2col elsewhere), im2col or fast")("threads", po::value(&threads)->default_value(0),
                                           "threads (0: one per core)")(
      "mnist-dir", po::value(&mnist_dir)->default_value(mnist_dir),
      "folder with the four MNIST files (scripts/fetch-mnist.sh puts them in data/mnist)")(
      "validation-size", po::value(&validation_size)->default_value(validation_size),
      "training images held out for validation (the first ones, as in the tutorial)")(
      "out", po::value(&out), "output folder (default: runs/mnist-VARIANT-TIMESTAMP)")(
      "plot", po::bool_switch(), "draw batch_loss.png (the default)")(
      "no-plot", po::bool_switch(&no_plot), "do not draw batch_loss.png")(
      "progress", po::bool_switch(), "show a progress line on a terminal (the default)")(
      "no-progress", po::bool_switch(&no_progress), "no progress line");
  po::variables_map vm;
  if (const int stop = parse_flags("mnist", argc, argv, flags, vm); stop >= 0) return stop;
  c.progress = !no_progress;
  c.verbose = true;
  try {
    if (threads < 0) throw std::invalid_argument("--threads must be >= 0");
    check_path_given("--mnist-dir", mnist_dir, "a folder of MNIST files");
    c.variant = parse_mnist_variant(variant);
    c.l2_on = parse_l2_on(l2_on);
    c.conv = parse_conv(conv);
    validate_mnist_config(c);
  } catch (const std::invalid_argument& e) {
    std::cerr << "overparam mnist: " << e.what() << "\n";
    return 2;
  }
  data::Mnist mnist;
  if (!load_mnist_or_explain("mnist", mnist_dir, validation_size, mnist)) return 1;
  use_mnist_threads(threads);
  try {  // every thread's OpenBLAS buffer must fit, or OpenBLAS spins (report/limits.hpp)
    require_memory(double(ad::blas::num_threads()) * blas_thread_reserve_bytes,
                   std::to_string(ad::blas::num_threads()) + " threads (--threads)");
  } catch (const std::invalid_argument& e) {
    std::cerr << "overparam mnist: " << e.what() << "; give fewer --threads or a larger limit\n";
    return 2;
  }
  if (out.empty())
    out = new_run_dir("runs/mnist-" + variant);
  else
    claim_output_dir(out);

  const std::size_t steps = mnist_steps(c, mnist.train.count);
  say("data: %s (%zu training, %zu validation, %zu test images)\n", mnist_dir.c_str(),
      mnist.train.count, mnist.validation.count, mnist.test.count);
  say("model: %s%s, %zu steps of batch %zu (%.2f epochs), seed %llu, %d threads\n", variant.c_str(),
      c.variant == MnistVariant::overparam ? (", l2 on " + l2_on).c_str() : "", steps, c.batch_size,
      double(steps * c.batch_size) / double(mnist.train.count), (unsigned long long)c.seed,
      ad::blas::num_threads());
  c.progress_label = variant;
  const MnistResult r = train_mnist(mnist, c);
  write_mnist_run(out, c, r, mnist_dir, threads, !no_plot);
  if (r.interrupted) {
    std::cerr << "overparam mnist: interrupted after " << r.steps << " of " << steps
              << " steps; the batch losses so far are in " << out << "/\n";
    return interrupted_exit_code();
  }

  const MnistEval& last = r.evals.back();
  say("batch loss %.4f -> %.4f over %zu steps (%.1f ms per step, %.0f s training, "
      "%.0f s evaluating)\n",
      r.batch_loss.front(), r.batch_loss.back(), r.steps, 1e3 * r.seconds_per_step(),
      r.train_seconds, r.eval_seconds);
  say("validation error %.2f%%, test error %.2f%%\n", last.validation_error, last.test_error);
  say("wrote %s/ (batch_loss.csv, eval.csv, run.json%s)\n", out.c_str(),
      no_plot ? "" : ", batch_loss.png");
  if (r.diverged) {
    std::cerr << "overparam mnist: the loss diverged at step " << r.steps << "\n";
    return 3;
  }
  return 0;
}

}  // namespace experiments
