// Training linear models on l_p regression: the engine behind `overparam linear` and the
// paper's linear-network figures.
//
// A LinearConfig says what to train on a Problem: a depth-N linear network (nn::DeepLinear)
// with one of optim's optimizers, or the paper's end-to-end rule (optim::EndToEnd) on a single
// matrix started from the same point, at one or more learning rates. train_linear trains one
// model per rate, all from the same initialization, and returns each one's logged loss curve; a
// model whose loss diverges stops there, the others go on.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "autodiff/tensor.hpp"
#include "experiments/linear/explain.hpp"
#include "experiments/linear/problem.hpp"
#include "nn/deep_linear.hpp"
#include "optim/factory.hpp"

namespace experiments {

enum class DType { float64, float32 };
const char* dtype_name(DType dtype);

// The limits the command line enforces.
inline constexpr std::size_t max_depth = nn::DeepLinear<double>::max_depth;
inline constexpr std::size_t max_width = 4096;
inline constexpr std::size_t max_iterations = 100'000'000;

struct LinearCheckpoint;

struct LinearConfig {
  std::size_t depth = 1;
  std::size_t width = 1;
  optim::OptimizerKind optimizer = optim::OptimizerKind::gd;
  std::vector<double> rates = {1e-3};  // one model per learning rate
  optim::Hyperparameters hyper;  // the optimizer's preset and set values, weight decay included
  nn::Init init = nn::Init::normal;
  double init_std = 0.01;
  std::uint64_t seed = 0;
  std::size_t iterations = 1000;
  std::size_t log_every = 0;  // 0: about 2000 logged rows however long the run
  DType dtype = DType::float64;
  // W1 ... WN to start from (--load-init); empty: drawn from `init` and `seed`.
  std::vector<ad::Tensor<double>> initial_layers;
  bool progress = false;
  std::string progress_label = "train";
  // Called after every iteration with the number of models that took it (a figure's progress
  // line across its runs); may be called from the training's thread, so it must be thread-safe.
  std::function<void(std::size_t)> on_iterations;
  std::size_t explain = 0;     // take apart the first K steps of a single rate (explain.hpp)
  bool print_explain = false;  // and print them to stdout as they happen
  // Checkpoints (--resume): when set, called with the whole state of the training at the start
  // of an iteration, every `checkpoint_seconds` of training and when a signal stops the run
  // (never with explain, whose steps a checkpoint does not hold).
  std::function<void(const LinearCheckpoint&)> save_checkpoint;
  double checkpoint_seconds = 300;
  // A checkpoint to continue from, instead of starting at iteration 0.
  std::shared_ptr<const LinearCheckpoint> resume;
};

struct LinearResult {
  std::vector<std::size_t> iteration;  // logged iterations
  std::vector<double> loss;            // L at those iterations
  bool diverged = false;
  std::size_t diverged_at = 0;  // the first iteration whose loss was NaN, inf or > 1e12
  bool interrupted = false;     // stopped early by SIGINT/SIGTERM (report/interrupt.hpp)
  std::size_t iterations_done = 0;
  double final_loss = 0;
  double wall_seconds = 0;
  std::vector<ad::Tensor<double>> initial_layers;  // W1 ... WN as drawn (or loaded)
  std::vector<ad::Tensor<double>> final_layers;    // W1 ... WN at the end (e2e: one matrix)
  std::vector<ExplainStep> explained;              // the first `explain` steps, taken apart
};

// What train_linear hands to save_checkpoint: where the training is and each model's state,
// enough to continue it as if it had never stopped.
struct LinearModelState {
  std::vector<ad::Tensor<double>> layers;  // W1 ... WN (e2e: its one matrix); exact for float32
  optim::OptimizerState<double> optimizer;
  LinearResult result;  // the rows logged so far, the flags, the initial layers
  bool done = false;    // diverged or stopped: out of the stack
};
struct LinearCheckpoint {
  std::size_t iteration = 0;             // the iteration to compute next
  double wall_seconds = 0;               // training time so far
  std::vector<LinearModelState> models;  // one per rate, in the order of the rates
};

// One run per rate of config.rates, all from the same initialization, trained together (one
// pass over the data per iteration for all of them); results in the order of the rates.
// With config.resume, continues that checkpoint's models from its iteration, and returns what an
// uninterrupted run would have (the same rows and layers, bit for bit).
// Requires: at least one rate, and explain only with a single rate and without resume; a resumed
//           checkpoint with one model per rate of the configured shapes (std::invalid_argument
//           otherwise); the values the command line accepts. Bad values that reach the
//           libraries are refused by their own contracts (optimizer, network constructors).
std::vector<LinearResult> train_linear(const Problem& problem, const LinearConfig& config);

// An upper estimate, in bytes, of what train_linear(problem, config) allocates for a problem of
// `rows` x `features` and this p, from those real shapes: per model its layers, their
// gradients, two optimizer slots and the float64 copies of the initial and final layers; the
// data cast to the dtype (twice, for the fused loss's own copy), XᵀX [d,d] for p = 2, and the
// residuals of every model.
double linear_training_bytes(const LinearConfig& config, std::size_t rows, std::size_t features,
                             int p);

// The loss value that counts as divergence.
inline constexpr double divergence_threshold = 1e12;

// The default logging stride: about 2000 rows for any run length.
std::size_t default_log_every(std::size_t iterations);

// The index of the best rate: the lowest final loss among the runs that did not diverge, or
// results.size() when every run diverged.
std::size_t best_run(const std::vector<LinearResult>& results);

}  // namespace experiments
