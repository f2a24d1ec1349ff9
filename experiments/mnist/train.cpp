#include "experiments/mnist/train.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <stdexcept>
#include <thread>

#include "autodiff/autodiff.hpp"
#include "autodiff/blas.hpp"
#include "experiments/report/console.hpp"
#include "experiments/report/interrupt.hpp"
#include "experiments/report/limits.hpp"
#include "experiments/report/progress.hpp"
#include "optim/momentum.hpp"
#include "optim/schedule.hpp"

namespace experiments {

void validate_mnist_config(const MnistConfig& c) {
  auto fail = [](const std::string& why) { throw std::invalid_argument(why); };
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
  const MnistVariant variant = c.variant;
  const L2On l2_on = c.l2_on;
  const std::size_t steps = mnist_steps(c, train.count);

  ad::set_conv_algorithm(c.conv);  // read by every conv2d recorded below
  MnistModel model(variant, c.seed);
  model.train();
  optim::Momentum<float> opt(model.net().parameters(),
                             {.lr = mnist_base_lr, .momentum = mnist_momentum});
  // lr = 0.01 · 0.95^floor(examples seen / training images): once per epoch, staircase.
  const optim::StaircaseDecay schedule{mnist_base_lr, mnist_lr_decay, train.count};

  MnistResult result;
  std::size_t first = 0;
  if (c.resume) {
    const MnistCheckpoint& saved = *c.resume;
    if (saved.step > steps)
      throw std::invalid_argument("train_mnist: the checkpoint is at step " +
                                  std::to_string(saved.step) + " of a " + std::to_string(steps) +
                                  "-step run");
    std::vector<ad::Parameter<float>*> params = model.net().parameters();
    if (saved.parameters.size() != params.size())
      throw std::invalid_argument("train_mnist: the checkpoint holds " +
                                  std::to_string(saved.parameters.size()) + " parameters for a " +
                                  std::string(to_string(variant)) + " model's " +
                                  std::to_string(params.size()));
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (saved.parameters[i].shape() != params[i]->value().shape())
        throw std::invalid_argument("train_mnist: the checkpoint's parameter " +
                                    std::to_string(i + 1) + " has another shape than the model's");
      params[i]->value() = saved.parameters[i];
    }
    opt.load_state(saved.optimizer);
    model.dropout().set_calls(saved.dropout_calls);
    result = saved.result;
    first = saved.step;
  }
  result.num_parameters = model.net().num_parameters();
  result.batch_loss.reserve(steps);
  result.lr.reserve(steps);
  Progress progress(c.progress_label, steps, c.progress, first);
  auto last_checkpoint = std::chrono::steady_clock::now();
  auto save_checkpoint = [&](std::size_t done) {
    MnistCheckpoint checkpoint;
    checkpoint.step = done;
    checkpoint.optimizer = opt.state();
    checkpoint.dropout_calls = model.dropout().calls();
    checkpoint.result = result;
    for (ad::Parameter<float>* p : model.net().parameters())
      checkpoint.parameters.push_back(p->value());
    c.save_checkpoint(checkpoint);
    last_checkpoint = std::chrono::steady_clock::now();
  };
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
  for (std::size_t step = first; step < steps; ++step) {
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
    if (c.on_step) c.on_step(1);

    if (c.eval_every && (step + 1) % c.eval_every == 0 && step + 1 < steps) {
      progress.finish();
      evaluate(step + 1);
      const MnistEval& e = result.evals.back();
      if (c.verbose)
        say("step %zu: batch loss %.4f, validation error %.2f%%, test error %.2f%%\n", e.step,
            value, e.validation_error, e.test_error);
    }
    // Ctrl-C or SIGTERM: keep the steps done (at least this one, so that a signal that came
    // during the set-up still leaves a step to look at) and skip the final evaluation.
    const bool stop = interrupted() && step + 1 < steps;
    if (c.save_checkpoint && step + 1 < steps &&
        (stop || seconds_since(last_checkpoint) >= c.checkpoint_seconds))
      save_checkpoint(step + 1);
    if (stop) {
      result.interrupted = true;
      break;
    }
  }
  progress.finish();
  tape.clear();
  if (!result.interrupted) evaluate(result.steps);
  return result;
}

std::string default_mnist_dir() {
  return std::string(OVERPARAM_DATA_DIR) + "/mnist";
}

// `threads` threads (0: one per core) of our own for the products and the convolutions, with
// OpenBLAS on one thread: its own threads, spinning between calls, would take a core from the
// convolutions' (ad::blas::Threading, docs/PERFORMANCE.md).
void use_mnist_threads(int threads) {
  if (threads <= 0) threads = int(std::max(1u, std::thread::hardware_concurrency()));
  ad::blas::set_num_threads(threads, ad::blas::Threading::own);
}

}  // namespace experiments
