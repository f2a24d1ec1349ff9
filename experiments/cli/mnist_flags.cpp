#include "experiments/cli/mnist_flags.hpp"

#include <stdexcept>

#include "experiments/cli/flags.hpp"
#include "experiments/cli/resume.hpp"

namespace po = boost::program_options;

namespace experiments {

void add_mnist_flags(po::options_description& flags, MnistFlags& f, bool resumable) {
  MnistConfig& c = f.c;
  flags.add_options()("help,h", "print this help")(
      "variant", po::value(&f.variant)->default_value(f.variant), "original|overparam")(
      "epochs", po::value(&c.epochs)->default_value(c.epochs),
      "passes over the 55,000 training images")(
      "steps", po::value(&c.steps)->default_value(0),
      "training steps (0: as many as --epochs takes; 10 epochs are 8593 steps)")(
      "batch-size", po::value(&c.batch_size)->default_value(c.batch_size), "images per step")(
      "l2-on", po::value(&f.l2_on)->default_value(f.l2_on),
      "overparam: the L2 term sees the product W1*W2 or each factor (product|factors)")(
      "eval-every", po::value(&c.eval_every)->default_value(c.eval_every),
      "validation and test error every K steps, and at the end (0: at the end only)")(
      "seed", po::value(&c.seed)->default_value(c.seed), "seed of the weights and dropout masks")(
      "conv", po::value(&f.conv)->default_value(f.conv),
      "how the convolutions compute: automatic (Winograd where it has fewer multiply-adds, "
      "im2col elsewhere), im2col or fast")("threads", po::value(&f.threads)->default_value(0),
                                           "threads (0: one per core)")(
      "mnist-dir", po::value(&f.mnist_dir)->default_value(f.mnist_dir),
      "folder with the four MNIST files (scripts/fetch-mnist.sh puts them in data/mnist)")(
      "validation-size", po::value(&f.validation_size)->default_value(f.validation_size),
      "training images held out for validation (the first ones, as in the tutorial)")(
      "out", po::value(&f.out), "output folder (default: runs/mnist-VARIANT-TIMESTAMP)")(
      "plot", po::bool_switch(), "draw batch_loss.png (the default)")(
      "no-plot", po::bool_switch(&f.no_plot), "do not draw batch_loss.png")(
      "progress", po::bool_switch(), "show a progress line on a terminal (the default)")(
      "no-progress", po::bool_switch(&f.no_progress), "no progress line");
  if (resumable) add_resume_flags(flags, f.checkpoint_every, f.resume);
}

void check_mnist_flags(MnistFlags& f) {
  if (f.threads < 0) throw std::invalid_argument("--threads must be >= 0");
  check_path_given("--mnist-dir", f.mnist_dir, "a folder of MNIST files");
  f.c.variant = parse_mnist_variant(f.variant);
  f.c.l2_on = parse_l2_on(f.l2_on);
  f.c.conv = parse_conv(f.conv);
  validate_mnist_config(f.c);
}

}  // namespace experiments
