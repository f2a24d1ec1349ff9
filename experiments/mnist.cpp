#include "experiments/mnist.hpp"

#include <algorithm>
#include <boost/program_options.hpp>
#include <chrono>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <stdexcept>
#include <thread>

#include "autodiff/autodiff.hpp"
#include "experiments/commands.hpp"
#include "experiments/interrupt.hpp"
#include "experiments/limits.hpp"
#include "experiments/output.hpp"
#include "experiments/progress.hpp"
#include "optim/momentum.hpp"
#include "optim/schedule.hpp"

namespace po = boost::program_options;

namespace experiments {

namespace {

// printf-style output to std::cout (not stdout), flushed, so a log shows each line as it comes.
__attribute__((format(printf, 1, 2))) void say(const char* format, ...) {
  char buf[4096];
  va_list args;
  va_start(args, format);
  std::vsnprintf(buf, sizeof buf, format, args);
  va_end(args);
  std::cout << buf << std::flush;
}

}  // namespace

MnistVariant parse_mnist_variant(const std::string& name) {
  if (name == "original") return MnistVariant::original;
  if (name == "overparam") return MnistVariant::overparam;
  throw std::invalid_argument("--variant must be original or overparam, not '" + name + "'");
}

L2On parse_l2_on(const std::string& name) {
  if (name == "product") return L2On::product;
  if (name == "factors") return L2On::factors;
  throw std::invalid_argument("--l2-on must be product or factors, not '" + name + "'");
}

const char* to_string(MnistVariant variant) {
  return variant == MnistVariant::original ? "original" : "overparam";
}

const char* to_string(L2On l2_on) {
  return l2_on == L2On::product ? "product" : "factors";
}

// ---- the model --------------------------------------------------------------------------------

MnistModel::MnistModel(MnistVariant variant, std::uint64_t seed) : variant_(variant) {
  using nn::derive_seed;
  net_.emplace<nn::Conv2D<float>>("conv1", nn::Conv2DOptions{.in_channels = 1,
                                                             .out_channels = 32,
                                                             .kernel = 5,
                                                             .bias_init = 0.0,
                                                             .seed = derive_seed(seed, 1)});
  // Pooling before the ReLU: max and ReLU commute (both are monotone), so the function and its
  // gradient are the tutorial's, and the ReLU runs on a quarter of the values.
  net_.emplace<nn::MaxPool2D<float>>("pool1");
  net_.emplace<nn::ReLU<float>>("relu1");
  net_.emplace<nn::Conv2D<float>>("conv2", nn::Conv2DOptions{.in_channels = 32,
                                                             .out_channels = 64,
                                                             .kernel = 5,
                                                             .bias_init = 0.1,
                                                             .seed = derive_seed(seed, 2)});
  net_.emplace<nn::MaxPool2D<float>>("pool2");
  net_.emplace<nn::ReLU<float>>("relu2");
  net_.emplace<nn::Flatten<float>>("flatten");
  const std::size_t features = 64 * 7 * 7;
  if (variant == MnistVariant::original) {
    dense_.push_back(&net_.emplace<nn::Dense<float>>(
        "fc1", nn::DenseOptions{.in = features, .out = 512, .seed = derive_seed(seed, 3)}));
  } else {
    overparam_.push_back(&net_.emplace<nn::OverparamDense<float>>(
        "fc1", nn::OverparamDenseOptions{
                   .in = features, .hidden = 512, .out = 512, .seed = derive_seed(seed, 3)}));
  }
  net_.emplace<nn::ReLU<float>>("relu3");
  net_.emplace<nn::Dropout<float>>("dropout", 0.5, derive_seed(seed, 5));
  if (variant == MnistVariant::original) {
    dense_.push_back(&net_.emplace<nn::Dense<float>>(
        "fc2", nn::DenseOptions{.in = 512, .out = 10, .seed = derive_seed(seed, 4)}));
  } else {
    overparam_.push_back(&net_.emplace<nn::OverparamDense<float>>(
        "fc2", nn::OverparamDenseOptions{
                   .in = 512, .hidden = 10, .out = 10, .seed = derive_seed(seed, 4)}));
  }
}

ad::Var<float> MnistModel::l2(ad::Tape<float>& tape, L2On l2_on) {
  // sum of ||x||² over the terms, halved once at the end: l2(x) = sum(x²)/2.
  std::vector<ad::Var<float>> terms;
  for (auto* d : dense_) {
    terms.push_back(ad::sum_squares(tape.param(d->weight())));
    terms.push_back(ad::sum_squares(tape.param(d->bias())));
  }
  for (auto* d : overparam_) {
    if (l2_on == L2On::product) {
      terms.push_back(d->product_sum_squares(tape));
    } else {
      terms.push_back(ad::sum_squares(tape.param(d->weight1())));
      terms.push_back(ad::sum_squares(tape.param(d->weight2())));
    }
    terms.push_back(ad::sum_squares(tape.param(d->bias())));
  }
  ad::Var<float> total = terms.front();
  for (std::size_t i = 1; i < terms.size(); ++i) total = total + terms[i];
  return 0.5f * total;
}

// ---- training ---------------------------------------------------------------------------------

void validate_mnist_config(const MnistConfig& c) {
  auto fail = [](const std::string& why) { throw std::invalid_argument(why); };
  parse_mnist_variant(c.variant);
  parse_l2_on(c.l2_on);
  if (c.batch_size < 1 || c.batch_size > 60000)
    fail("--batch-size must be between 1 and 60000, got " + std::to_string(c.batch_size));
  // A training step keeps every activation of the batch, with its gradient, on the tape: per
  // image, conv1's patches [784,25] and outputs [784,32] (convolution, bias, ReLU), the pooled
  // [196,32], conv2's patches [196,800] and outputs [196,64] (three times), the pooled [49,64],
  // and the dense layers' few hundred values; twice that with the gradients, in float32.
  const double floats_per_image =
      2.0 * (784 + 784 * 25 + 3 * 784 * 32 + 196 * 32 + 196 * 800 + 3 * 196 * 64 + 49 * 64 + 2048);
  require_memory(double(c.batch_size) * floats_per_image * 4,
                 "--batch-size " + std::to_string(c.batch_size));
  if (c.steps == 0 && c.epochs == 0) fail("--epochs must be at least 1 (or give --steps)");
  if (c.epochs > 10000) fail("--epochs must be at most 10000, got " + std::to_string(c.epochs));
  if (c.steps > 100'000'000)  // a negative count wraps around: too big
    fail("--steps must be between 0 and 100000000 (0: as many as --epochs takes)");
  if (c.eval_batch < 1) fail("the evaluation batch must hold at least one image");
}

std::size_t mnist_steps(const MnistConfig& c, std::size_t train_images) {
  return c.steps ? c.steps : c.epochs * train_images / c.batch_size;
}

namespace {

// Copies images [first, first + count) of a split into x[count,1,rows,cols].
void copy_images(const data::MnistSplit& split, std::size_t first, std::size_t count,
                 ad::Tensor<float>& x) {
  const std::size_t pixels = split.rows * split.cols;
  if (x.shape() != ad::Shape{count, 1, split.rows, split.cols})
    x = ad::Tensor<float>::uninitialized({count, 1, split.rows, split.cols});
  std::copy_n(split.images.data() + first * pixels, count * pixels, x.data());
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

double mnist_error(MnistModel& model, const data::MnistSplit& split, std::size_t batch) {
  if (split.count == 0) return std::nan("");
  model.eval();
  ad::NoGradGuard no_grad;
  ad::Tape<float> tape;
  ad::Tensor<float> x;
  std::size_t wrong = 0;
  for (std::size_t first = 0; first < split.count; first += batch) {
    const std::size_t count = std::min(batch, split.count - first);
    copy_images(split, first, count, x);
    tape.clear();
    const ad::Tensor<float>& logits = model.forward(tape.input(x)).value();
    const std::size_t classes = logits.cols();
    for (std::size_t i = 0; i < count; ++i) {
      const float* row = logits.data() + i * classes;
      const auto predicted = std::size_t(std::max_element(row, row + classes) - row);
      if (int(predicted) != split.labels[first + i]) ++wrong;
    }
  }
  return 100.0 * double(wrong) / double(split.count);
}

MnistResult train_mnist(const data::Mnist& mnist, const MnistConfig& c) {
  validate_mnist_config(c);
  const data::MnistSplit& train = mnist.train;
  if (train.count <= c.batch_size) {
    throw std::invalid_argument("--batch-size " + std::to_string(c.batch_size) +
                                " needs more training images than that; there are " +
                                std::to_string(train.count));
  }
  const MnistVariant variant = parse_mnist_variant(c.variant);
  const L2On l2_on = parse_l2_on(c.l2_on);
  const std::size_t steps = mnist_steps(c, train.count);

  MnistModel model(variant, c.seed);
  model.train();
  optim::Momentum<float> opt(model.net().parameters(),
                             {.lr = mnist_base_lr, .momentum = mnist_momentum});
  // lr = 0.01 · 0.95^floor(examples seen / training images): once per epoch, staircase.
  const optim::StaircaseDecay schedule{mnist_base_lr, mnist_lr_decay, train.count};

  MnistResult result;
  result.num_parameters = model.net().num_parameters();
  result.batch_loss.reserve(steps);
  result.lr.reserve(steps);
  Progress progress(c.progress_label, steps, c.progress);
  auto evaluate = [&](std::size_t step) {
    const auto start = std::chrono::steady_clock::now();
    MnistEval e{step, mnist_error(model, mnist.validation, c.eval_batch),
                mnist_error(model, mnist.test, c.eval_batch)};
    model.train();
    result.evals.push_back(e);
    result.eval_seconds += seconds_since(start);
  };

  ad::Tape<float> tape;
  ad::Tensor<float> x;
  std::vector<int> labels(c.batch_size);
  for (std::size_t step = 0; step < steps; ++step) {
    if (interrupted()) {  // Ctrl-C or SIGTERM: keep the steps done, skip the final evaluation
      result.interrupted = true;
      break;
    }
    const auto start = std::chrono::steady_clock::now();
    // The tutorial's batches: in order, wrapping around before the last partial batch.
    const std::size_t offset = (step * c.batch_size) % (train.count - c.batch_size);
    copy_images(train, offset, c.batch_size, x);
    std::copy_n(train.labels.begin() + std::ptrdiff_t(offset), c.batch_size, labels.begin());
    const double lr = schedule(step * c.batch_size);

    tape.clear();
    const ad::Var<float> logits = model.forward(tape.input(x));
    const ad::Var<float> loss = ad::softmax_cross_entropy(logits, labels) +
                                float(mnist_weight_decay) * model.l2(tape, l2_on);
    const double value = loss.value().item();
    result.batch_loss.push_back(value);
    result.lr.push_back(lr);
    if (!std::isfinite(value)) {
      result.diverged = true;
      result.steps = step;
      break;
    }
    opt.set_lr(lr);
    opt.zero_grad();
    tape.backward(loss);
    opt.step();
    result.steps = step + 1;
    result.train_seconds += seconds_since(start);
    progress.update(step + 1, value);

    if (c.eval_every && (step + 1) % c.eval_every == 0 && step + 1 < steps) {
      progress.finish();
      evaluate(step + 1);
      const MnistEval& e = result.evals.back();
      if (c.verbose)
        say("step %zu: batch loss %.4f, validation error %.2f%%, test error %.2f%%\n", e.step,
            value, e.validation_error, e.test_error);
    }
  }
  progress.finish();
  tape.clear();
  if (!result.interrupted) evaluate(result.steps);
  return result;
}

// ---- the commands -----------------------------------------------------------------------------

namespace {

std::string fmt(double v, const char* format = "%.4g") {
  char buf[48];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string default_mnist_dir() {
  return std::string(OVERPARAM_DATA_DIR) + "/mnist";
}

std::string batch_loss_csv(const MnistResult& r) {
  std::string csv = "step,batch_loss,lr\n";
  char line[96];
  for (std::size_t i = 0; i < r.batch_loss.size(); ++i) {
    std::snprintf(line, sizeof line, "%zu,%.9g,%.9g\n", i, r.batch_loss[i], r.lr[i]);
    csv += line;
  }
  return csv;
}

std::string eval_csv(const MnistResult& r) {
  std::string csv = "step,validation_error_percent,test_error_percent\n";
  char line[96];
  for (const auto& e : r.evals) {
    std::snprintf(line, sizeof line, "%zu,%.4f,%.4f\n", e.step, e.validation_error, e.test_error);
    csv += line;
  }
  return csv;
}

Series loss_series(const std::string& label, const MnistResult& r) {
  Series s{label, {}, {}};
  for (std::size_t i = 0; i < r.batch_loss.size(); ++i) {
    s.x.push_back(double(i));
    s.y.push_back(r.batch_loss[i]);
  }
  return s;
}

// The mean batch loss over steps [first, last) (clamped to the run).
double mean_loss(const MnistResult& r, std::size_t first, std::size_t last) {
  last = std::min(last, r.batch_loss.size());
  if (first >= last) return std::nan("");
  double total = 0;
  for (std::size_t i = first; i < last; ++i) total += r.batch_loss[i];
  return total / double(last - first);
}

JsonObject result_json(const MnistConfig& c, const MnistResult& r, const std::string& mnist_dir,
                       int threads) {
  JsonObject settings;
  settings.add("variant", c.variant)
      .add("epochs", c.epochs)
      .add("steps", c.steps)
      .add("batch_size", c.batch_size)
      .add("l2_on", c.l2_on)
      .add("eval_every", c.eval_every)
      .add("seed", (long long)c.seed)
      .add("threads", threads)
      .add("mnist_dir", mnist_dir)
      .add("weight_decay", mnist_weight_decay)
      .add("momentum", mnist_momentum)
      .add("base_lr", mnist_base_lr)
      .add("lr_decay_per_epoch", mnist_lr_decay);
  std::vector<JsonObject> evals;
  for (const auto& e : r.evals)
    evals.push_back(JsonObject()
                        .add("step", e.step)
                        .add("validation_error_percent", e.validation_error)
                        .add("test_error_percent", e.test_error));
  JsonObject json;
  json.add("settings", settings)
      .add("num_parameters", r.num_parameters)
      .add("steps_done", r.steps)
      .add("diverged", r.diverged)
      .add("interrupted", r.interrupted)
      .add("first_batch_loss", r.batch_loss.empty() ? std::nan("") : r.batch_loss.front())
      .add("final_batch_loss", r.batch_loss.empty() ? std::nan("") : r.batch_loss.back())
      .add("final_validation_error_percent",
           r.evals.empty() ? std::nan("") : r.evals.back().validation_error)
      .add("final_test_error_percent", r.evals.empty() ? std::nan("") : r.evals.back().test_error)
      .add("train_seconds", r.train_seconds)
      .add("eval_seconds", r.eval_seconds)
      .add("seconds_per_step", r.seconds_per_step())
      .add("evals", evals);
  return json;
}

// Writes batch_loss.csv, eval.csv, run.json (and batch_loss.png) into `out`.
void write_run(const std::string& out, const MnistConfig& c, const MnistResult& r,
               const std::string& mnist_dir, int threads, bool plot) {
  make_output_dir(out);
  write_file_atomic(out + "/batch_loss.csv", batch_loss_csv(r));
  write_file_atomic(out + "/eval.csv", eval_csv(r));
  JsonObject json;
  json.add("version", OVERPARAM_VERSION)
      .add("command", "mnist")
      .add("run", result_json(c, r, mnist_dir, threads));
  write_file_atomic(out + "/run.json", json.str() + "\n");
  if (plot) {
    PlotOptions o;
    o.title = std::string("MNIST convnet (") + c.variant +
              (c.variant == "overparam" ? ", l2 on " + c.l2_on : std::string()) + ")";
    o.xlabel = "step";
    o.ylabel = "batch loss";
    plot_png(out + "/batch_loss.png", {loss_series(c.variant, r)}, o);
  }
}

// `threads` threads (0: one per core) of our own for the products and the convolutions, with
// OpenBLAS on one thread: its own threads, spinning between calls, would take a core from the
// convolutions' (ad::blas::Threading, docs/PERFORMANCE.md).
void use_threads(int threads) {
  if (threads <= 0) threads = int(std::max(1u, std::thread::hardware_concurrency()));
  ad::blas::set_num_threads(threads, ad::blas::Threading::own);
}

// Loads MNIST or explains, on stderr, how to get it.
bool load(const char* command, const std::string& dir, std::size_t validation_size,
          data::Mnist& mnist) {
  try {
    mnist = data::load_mnist(dir, validation_size);
    return true;
  } catch (const data::DataError& e) {
    std::cerr << "overparam " << command << ": " << e.what() << "\n";
    return false;
  }
}

}  // namespace

int run_mnist(int argc, char** argv) {
  MnistConfig c;
  std::string out, mnist_dir = default_mnist_dir();
  std::size_t validation_size = 5000;
  int threads = 0;
  bool no_plot = false, no_progress = false;

  po::options_description flags(
      "overparam mnist: train TensorFlow's MNIST tutorial convnet, or its overparameterized\n"
      "variant (each dense weight a product of two matrices), as in the paper's last figure\n\n"
      "Usage: overparam mnist [OPTIONS]\n\nOptions");
  flags.add_options()("help,h", "print this help")(
      "variant", po::value(&c.variant)->default_value(c.variant), "original|overparam")(
      "epochs", po::value(&c.epochs)->default_value(c.epochs),
      "passes over the 55,000 training images")(
      "steps", po::value(&c.steps)->default_value(0),
      "training steps (0: as many as --epochs takes; 10 epochs are 8593 steps)")(
      "batch-size", po::value(&c.batch_size)->default_value(c.batch_size), "images per step")(
      "l2-on", po::value(&c.l2_on)->default_value(c.l2_on),
      "overparam: the L2 term sees the product W1*W2 or each factor (product|factors)")(
      "eval-every", po::value(&c.eval_every)->default_value(c.eval_every),
      "validation and test error every K steps, and at the end (0: at the end only)")(
      "seed", po::value(&c.seed)->default_value(c.seed), "seed of the weights and dropout masks")(
      "threads", po::value(&threads)->default_value(0), "threads (0: one per core)")(
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
    validate_mnist_config(c);
  } catch (const std::invalid_argument& e) {
    std::cerr << "overparam mnist: " << e.what() << "\n";
    return 2;
  }
  data::Mnist mnist;
  if (!load("mnist", mnist_dir, validation_size, mnist)) return 1;
  use_threads(threads);
  if (out.empty()) out = "runs/mnist-" + c.variant + "-" + timestamp();
  make_output_dir(out);

  const std::size_t steps = mnist_steps(c, mnist.train.count);
  say("data: %s (%zu training, %zu validation, %zu test images)\n", mnist_dir.c_str(),
      mnist.train.count, mnist.validation.count, mnist.test.count);
  say("model: %s%s, %zu steps of batch %zu (%.2f epochs), seed %llu, %d threads\n",
      c.variant.c_str(), c.variant == "overparam" ? (", l2 on " + c.l2_on).c_str() : "", steps,
      c.batch_size, double(steps * c.batch_size) / double(mnist.train.count),
      (unsigned long long)c.seed, ad::blas::num_threads());
  c.progress_label = c.variant;
  const MnistResult r = train_mnist(mnist, c);
  write_run(out, c, r, mnist_dir, threads, !no_plot);
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

// ---- the figure -------------------------------------------------------------------------------

namespace {

// The first step from which the overparameterized run's loss, averaged over a window, stays
// below the original's for the rest of the run; SIZE_MAX when it never does.
std::size_t crossing_step(const MnistResult& original, const MnistResult& overparam,
                          std::size_t window = 50) {
  const std::size_t n = std::min(original.batch_loss.size(), overparam.batch_loss.size());
  std::size_t crossing = SIZE_MAX;
  for (std::size_t s = 0; s + window <= n; ++s) {
    const bool below = mean_loss(overparam, s, s + window) < mean_loss(original, s, s + window);
    if (!below)
      crossing = SIZE_MAX;
    else if (crossing == SIZE_MAX)
      crossing = s + window / 2;
  }
  return crossing;
}

}  // namespace

std::string mnist_verdicts(const MnistResult& original, const MnistResult& overparam) {
  constexpr std::size_t full = 8593;  // 10 epochs of 55000 images at batch 64
  const std::size_t n = std::min(original.batch_loss.size(), overparam.batch_loss.size());
  const std::size_t cross = crossing_step(original, overparam);
  const std::string stopped = "this run stopped at " + std::to_string(n) + " steps";
  std::string out;
  auto say = [&out](const char* verdict, const std::string& claim, const std::string& numbers) {
    out += std::string("- ") + verdict + ": " + claim + ". This run: " + numbers + ".\n";
  };

  const std::string crossing_claim =
      "the overparameterized convnet's batch loss falls below the original's for good near step "
      "500 (paper; here within a factor of 2, on 50-step means)";
  if (cross != SIZE_MAX)
    say(cross >= 250 && cross <= 1000 ? "holds" : "does not hold", crossing_claim,
        "from step " + std::to_string(cross));
  else if (n >= 1000)
    say("does not hold", crossing_claim, "it never stays below in " + std::to_string(n) + " steps");
  else
    say("not judged", crossing_claim, "no crossing yet; " + stopped);

  const std::string end_claim =
      "after 10 epochs the overparameterized convnet's batch loss is at least 10x below the "
      "original's (paper: about 0.05 against 1.6)";
  const std::string error_claim =
      "after 10 epochs the original convnet's test error is below 1% (the tutorial's)";
  if (n < full) {
    say("not judged", end_claim, stopped);
    say("not judged", error_claim, stopped);
    return out;
  }
  const std::size_t tail = 100;
  const double end_original = mean_loss(original, n - tail, n);
  const double end_overparam = mean_loss(overparam, n - tail, n);
  say(10 * end_overparam <= end_original ? "holds" : "does not hold", end_claim,
      fmt(end_overparam) + " against " + fmt(end_original) + " (means of the last 100 steps)");
  if (original.evals.empty()) {
    say("not judged", error_claim, "no evaluation at the end");
  } else {
    const double error = original.evals.back().test_error;
    say(error < 1 ? "holds" : "does not hold", error_claim, fmt(error, "%.2f") + "%");
  }
  return out;
}

int run_mnist_figure(int argc, char** argv) {
  std::string out, mnist_dir = default_mnist_dir(), l2_on = "product";
  bool quick = false, no_plot = false, no_progress = false;
  int threads = 0;
  std::size_t steps = 0, validation_size = 5000;
  po::options_description flags(
      "overparam mnist-figure: the paper's last figure. Trains the MNIST tutorial convnet and\n"
      "its overparameterized variant from the same seed, plots both batch losses on one log\n"
      "scale, and sets the paper's numbers beside this run's.\n\n"
      "Usage: overparam mnist-figure [OPTIONS]\n\nOptions");
  flags.add_options()("help,h", "print this help")(
      "quick", po::bool_switch(&quick),
      "600 steps per variant (a minute or two): the start and the crossing, not the end")(
      "steps", po::value(&steps)->default_value(0), "steps per variant (0: 10 epochs, 8593)")(
      "l2-on", po::value(&l2_on)->default_value(l2_on), "product|factors (see 'overparam mnist')")(
      "threads", po::value(&threads)->default_value(0), "threads (0: one per core)")(
      "mnist-dir", po::value(&mnist_dir)->default_value(mnist_dir),
      "folder with the four MNIST files (scripts/fetch-mnist.sh)")(
      "validation-size", po::value(&validation_size)->default_value(validation_size),
      "training images held out for validation (the first ones, as in the tutorial)")(
      "out", po::value(&out), "output folder (default: runs/figure-mnist[-quick])")(
      "plot", po::bool_switch(), "draw mnist.png (the default)")(
      "no-plot", po::bool_switch(&no_plot), "do not draw mnist.png")(
      "progress", po::bool_switch(), "show a progress line on a terminal (the default)")(
      "no-progress", po::bool_switch(&no_progress), "no progress line");
  po::variables_map vm;
  if (const int stop = parse_flags("mnist-figure", argc, argv, flags, vm); stop >= 0) return stop;
  MnistConfig base;
  base.l2_on = l2_on;
  base.steps = steps ? steps : quick ? 600 : 0;
  base.eval_every = 0;
  base.progress = !no_progress;
  try {
    if (threads < 0) throw std::invalid_argument("--threads must be >= 0");
    validate_mnist_config(base);
  } catch (const std::invalid_argument& e) {
    std::cerr << "overparam mnist-figure: " << e.what() << "\n";
    return 2;
  }
  data::Mnist mnist;
  if (!load("mnist-figure", mnist_dir, validation_size, mnist)) return 1;
  use_threads(threads);
  if (out.empty()) out = quick ? "runs/figure-mnist-quick" : "runs/figure-mnist";
  make_output_dir(out);

  std::vector<MnistResult> results;
  std::vector<MnistConfig> configs;
  for (const char* variant : {"original", "overparam"}) {
    MnistConfig c = base;
    c.variant = variant;
    c.progress_label = variant;
    results.push_back(train_mnist(mnist, c));
    configs.push_back(c);
    write_run(out + "/" + variant, c, results.back(), mnist_dir, threads, false);
    if (interrupted()) throw Interrupted{};  // this variant's files are written; stop here
    const MnistResult& r = results.back();
    say("%-9s batch loss %.4f -> %.4f over %zu steps, test error %.2f%% (%.1f ms/step)\n", variant,
        r.batch_loss.front(), r.batch_loss.back(), r.steps, r.evals.back().test_error,
        1e3 * r.seconds_per_step());
  }
  const MnistResult& orig = results[0];
  const MnistResult& over = results[1];
  const std::size_t n = orig.batch_loss.size();
  const std::size_t cross = crossing_step(orig, over);
  const std::size_t tail = std::min<std::size_t>(100, n);

  // The paper's numbers, read off its figure: batch loss at the start and after 8600 steps,
  // and where the overparameterized curve crosses the original one.
  std::string table =
      "| quantity | paper | this run |\n"
      "|---|---|---|\n"
      "| original: batch loss at step 0 | ~3.5 | " +
      fmt(orig.batch_loss.front()) +
      " |\n"
      "| original: batch loss at the end (mean of the last " +
      std::to_string(tail) + " steps) | ~1.6 | " + fmt(mean_loss(orig, n - tail, n)) +
      " |\n"
      "| overparam: batch loss at step 0 | ~15 | " +
      fmt(over.batch_loss.front()) +
      " |\n"
      "| overparam: batch loss at the end (mean of the last " +
      std::to_string(tail) + " steps) | ~0.05 | " +
      fmt(mean_loss(over, over.batch_loss.size() - std::min(tail, over.batch_loss.size()),
                    over.batch_loss.size())) +
      " |\n"
      "| step where overparam falls below original for good (50-step means) | ~500 | " +
      (cross == SIZE_MAX ? std::string("never") : std::to_string(cross)) +
      " |\n"
      "| test error at the end, original / overparam | - | " +
      fmt(orig.evals.back().test_error, "%.2f") + "% / " +
      fmt(over.evals.back().test_error, "%.2f") +
      "% |\n"
      "| ms per step, original / overparam | - | " +
      fmt(1e3 * orig.seconds_per_step(), "%.1f") + " / " +
      fmt(1e3 * over.seconds_per_step(), "%.1f") + " |\n";
  if (n < 8593) {
    table += "\n(This run stopped at " + std::to_string(n) +
             " steps; the paper's end values are at about 8600.)\n";
  }
  table += "\nOn this run:\n\n" + mnist_verdicts(orig, over);
  const std::string md =
      "# MNIST convnet: original vs overparameterized (the paper's last figure)\n\n"
      "The paper: replacing each dense layer's weight of TensorFlow's MNIST tutorial convnet by "
      "a product of two matrices adds about 15% parameters and no expressiveness, yet the "
      "batch loss falls far faster.\n\n" +
      std::to_string(n) + " steps per variant, batch 64, seed " + std::to_string(base.seed) +
      ", L2 on the " + l2_on + (l2_on == "product" ? " W1*W2" : " W1 and W2") + ".\n\n" + table;
  write_file_atomic(out + "/mnist.md", md);
  JsonObject json;
  json.add("version", OVERPARAM_VERSION)
      .add("figure", "mnist")
      .add("quick", quick)
      .add("crossing_step", cross == SIZE_MAX ? -1LL : (long long)cross)
      .add("original", result_json(configs[0], orig, mnist_dir, threads))
      .add("overparam", result_json(configs[1], over, mnist_dir, threads));
  write_file_atomic(out + "/mnist.json", json.str() + "\n");
  if (!no_plot) {
    PlotOptions o;
    o.title = "MNIST convnet: batch loss, original vs overparameterized (l2 on " + l2_on + ")";
    o.xlabel = "step";
    o.ylabel = "batch loss";
    plot_png(out + "/mnist.png",
             {loss_series("original", orig), loss_series("overparameterized", over)}, o);
  }
  std::cout << "\n"
            << table << "\nwrote " << out << "/ (mnist.md, mnist.json"
            << (no_plot ? "" : ", mnist.png") << ", original/, overparam/)\n";
  return 0;
}

}  // namespace experiments
