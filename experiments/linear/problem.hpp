// The l_p regression problem of the paper's linear experiments: the ethanol rows of the UCI
// gas sensor data (features X [m,d], target y [m,1]), normalized, with the loss exponent p and
// the loss's optimum L*, so that every curve can be shown as its distance L - L* from it.
#pragma once

#include <cstddef>
#include <string>

#include "autodiff/tensor.hpp"
#include "data_loaders/gas.hpp"

namespace experiments {

struct Problem {
  ad::Tensor<double> x;  // [m,d]
  ad::Tensor<double> y;  // [m,1]
  int p = 2;
  double l_star = 0;   // min of the l_p loss over linear maps (optimum.hpp)
  std::string source;  // where the data came from, for run.json
  data::Normalization normalization = data::Normalization::zscore;
};

// The most features the optimum L* is computed for: its Newton solve factors a dense Hessian
// [d,d] at every step (134 MB and about 10^10 flops at this size). The gas data have 128.
inline constexpr std::size_t max_features = 4096;

// Throws data::DataError, naming the file and its shape, when the optimum of `ds` needs more
// memory than the machine has (the data three times, its dense Hessian [d,d] twice and LAPACK's
// factor) or `ds` has more than max_features features. From the real shape, before any of it
// is allocated: a small file of 20,000 features is refused at once.
void require_optimum_fits(const data::Dataset& ds);

// Loads the gas data (a file or a folder), keeps class `gas_class` and normalizes it.
// Throws data::DataError for bad data.
data::Dataset load_problem_data(const std::string& path, int gas_class,
                                data::Normalization normalization);

// The problem of `ds` (normalized by `normalization`) for this p, with its L*.
// Requires: p even and >= 2. Throws data::DataError when require_optimum_fits refuses `ds`.
Problem make_problem(data::Dataset ds, int p, data::Normalization normalization);

// load_problem_data, then make_problem.
Problem load_problem(const std::string& path, int gas_class, data::Normalization normalization,
                     int p);

}  // namespace experiments
