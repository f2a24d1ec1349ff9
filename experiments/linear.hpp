// Training linear models on l_p regression: the engine behind `overparam linear` and the
// paper's linear-network figures.
//
// A Problem is the data (X [m,d], y [m,1]) with its optimum L*. A LinearConfig says what to
// train on it: a depth-N linear network (nn::DeepLinear) with any optimizer, or the paper's
// end-to-end rule (optim::EndToEnd) on a single matrix started from the same point. train_linear
// runs it and returns the logged loss curve, stopping early if the loss diverges.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "autodiff/tensor.hpp"
#include "experiments/explain.hpp"

namespace experiments {

struct Problem {
  ad::Tensor<double> x;  // [m,d]
  ad::Tensor<double> y;  // [m,1]
  int p = 2;
  double l_star = 0;   // min of the l_p loss over linear maps
  std::string source;  // where the data came from, for run.json
  std::string normalization;
};

// Loads the gas data (file or folder), normalizes it and computes L* for this p.
Problem load_problem(const std::string& path, int gas_class, const std::string& normalization,
                     int p);

struct LinearConfig {
  std::size_t depth = 1;
  std::size_t width = 1;
  std::string optimizer = "gd";  // gd|momentum|adagrad|adadelta|rmsprop|adam|e2e
  double lr = 1e-3;
  double weight_decay = 0;
  std::string init = "normal";  // normal|identity|balanced
  double init_std = 0.01;
  std::uint64_t seed = 0;
  std::size_t iterations = 1000;
  std::size_t log_every = 0;      // 0: about 2000 logged rows however long the run
  std::string dtype = "float64";  // float64|float32
  std::string load_init;          // a folder with W1.npy ... WN.npy, or empty
  bool progress = false;
  std::string progress_label = "train";
  std::size_t explain = 0;     // take apart the first K steps (see explain.hpp)
  bool print_explain = false;  // and print them to stdout as they happen
};

struct LinearResult {
  std::vector<std::size_t> iteration;  // logged iterations
  std::vector<double> loss;            // L at those iterations
  bool diverged = false;
  std::size_t diverged_at = 0;  // the first iteration whose loss was NaN, inf or > 1e12
  bool interrupted = false;     // stopped early by SIGINT/SIGTERM (see interrupt.hpp)
  std::size_t iterations_done = 0;
  double final_loss = 0;
  double wall_seconds = 0;
  std::vector<ad::Tensor<double>> initial_layers;  // W1 ... WN as drawn (or loaded)
  std::vector<ad::Tensor<double>> final_layers;    // W1 ... WN at the end (e2e: one matrix)
  std::vector<ExplainStep> explained;              // the first `explain` steps, taken apart
};

// Requires: a config whose values are valid (validate_config) for this problem.
LinearResult train_linear(const Problem& problem, const LinearConfig& config);

// One run per learning rate, all from the same initialization, trained together (one GEMM over
// the data per iteration for all of them); results in the order of `rates`. config.lr is ignored.
std::vector<LinearResult> train_linear_grid(const Problem& problem, const LinearConfig& config,
                                            const std::vector<double>& rates);

// Throws std::invalid_argument naming the flag for any out-of-range or contradictory setting.
void validate_config(const LinearConfig& config);

// The loss value that counts as divergence.
inline constexpr double divergence_threshold = 1e12;

// The default logging stride: about 2000 rows for any run length.
std::size_t default_log_every(std::size_t iterations);

// Writes layers as W1.npy ... WN.npy (float64, C order, shape (out, in)) into `dir`.
void save_layers(const std::string& dir, const std::vector<ad::Tensor<double>>& layers);
// Reads W1.npy ... WN.npy from `dir` and checks their shapes against a depth-N network.
std::vector<ad::Tensor<double>> load_layers(const std::string& dir, std::size_t depth,
                                            std::size_t input_dim, std::size_t width,
                                            std::size_t output_dim);

// `overparam linear`.
int run_linear(int argc, char** argv);

}  // namespace experiments
