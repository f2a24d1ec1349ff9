// The l_p regression problem of the paper's linear experiments: the ethanol rows of the UCI
// gas sensor data (features X [m,d], target y [m,1]), normalized, with the loss exponent p, the
// loss's scale and its optimum L*, so that every curve can be shown as its distance L - L*.
//
// The loss of a linear map W is L(W) = c · Σ_i (x_i·Wᵀ - y_i)^p with c = 1/m (LossScale::mean,
// the paper's: its l_4 curves start at the distance (1/m) Σ y⁴ - L* = 5.34 of z-scored data) or
// c = 1/(p·m) (LossScale::mean_over_p, whose gradient is (1/m) Σ r^(p-1) x without a factor p).
// Gradient descent at rate η on the first is gradient descent at p·η on the second.
#pragma once

#include <cstddef>
#include <string>

#include "autodiff/tensor.hpp"
#include "data_loaders/gas.hpp"

namespace experiments {

enum class LossScale { mean, mean_over_p };
// "mean", "mean-over-p".
const char* loss_scale_name(LossScale scale);
// The factor from the mean-over-p loss to this one: p for mean, 1 for mean-over-p.
double loss_factor(LossScale scale, int p);

struct Problem {
  ad::Tensor<double> x;  // [m,d]
  ad::Tensor<double> y;  // [m,1]
  int p = 2;
  LossScale loss_scale = LossScale::mean;
  double l_star = 0;   // min of the loss over linear maps (optimum.hpp), in this loss's scale
  std::string source;  // where the data came from, for run.json
  data::Normalization normalization = data::Normalization::zscore;
  bool whitened = false;  // the features PCA-whitened after the normalization (whiten_features)
};

// PCA whitening of the features X [m,d]: centred, rotated onto the principal axes of XᵀX/m and
// each axis divided by the square root of its variance, X ← (X - mean)·Q_k·diag(λ_k)^(-1/2),
// so that the result's XᵀX/m is the identity. Axes whose variance is below 1e-12 of the largest
// carry rounding only and are dropped, so X may keep fewer than d columns. Returns the number
// kept. Requires: x of size m·d (throws std::invalid_argument).
std::size_t whiten_features(std::vector<double>& x, std::size_t m, std::size_t d);

// The most features the optimum L* is computed for: its Newton solve factors a dense Hessian
// [d,d] at every step (134 MB and about 10^10 flops at this size). The gas data have 128.
inline constexpr std::size_t max_features = 4096;

// Throws data::DataError, naming the file and its shape, when the optimum of `ds` needs more
// memory than the machine has (the data three times, its dense Hessian [d,d] twice and LAPACK's
// factor) or `ds` has more than max_features features. From the real shape, before any of it
// is allocated: a small file of 20,000 features is refused at once.
void require_optimum_fits(const data::Dataset& ds);

// How the target is rescaled when the features are rescaled by `features`: z-scored for every
// choice but none (raw data stay raw). The paper's starting distances fix a z-scored target
// (5.34 on l_4, 0.90 on l_2, with its loss), whatever it did to the features, so the other
// choices of --normalize change the features alone and keep distances in the paper's units.
data::Normalization target_normalization(data::Normalization features);

// Loads the gas data (a file or a folder), keeps class `gas_class`, normalizes its features as
// `normalization` says and its target as target_normalization says and, with `whiten`,
// PCA-whitens its features (the target stays as normalized). Throws data::DataError for bad
// data.
data::Dataset load_problem_data(const std::string& path, int gas_class,
                                data::Normalization normalization, bool whiten = false);

// The problem of `ds` (normalized by `normalization`) for this p and loss scale, with its L* in
// that scale. Requires: p even and >= 2. Throws data::DataError when require_optimum_fits
// refuses `ds`.
Problem make_problem(data::Dataset ds, int p, data::Normalization normalization,
                     LossScale loss_scale, bool whitened = false);

// load_problem_data, then make_problem.
Problem load_problem(const std::string& path, int gas_class, data::Normalization normalization,
                     int p, LossScale loss_scale, bool whiten = false);

// What builds a problem, as a value a job carries to another process: load_problem(spec) there
// gives the same problem bit for bit.
struct ProblemSpec {
  std::string data;  // a file or folder of the gas data
  int gas = 1;
  data::Normalization normalization = data::Normalization::zscore;
  bool whiten = false;
  int p = 2;
  LossScale loss_scale = LossScale::mean;
  bool operator==(const ProblemSpec&) const = default;
};
Problem load_problem(const ProblemSpec& spec);

}  // namespace experiments
