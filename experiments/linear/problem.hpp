// The l_p regression problem of the paper's linear experiments: the ethanol rows of the UCI
// gas sensor data (features X [m,d], target y [m,1]), normalized, with the loss exponent p and
// the loss's optimum L*, so that every curve can be shown as its distance L - L* from it.
#pragma once

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

// Loads the gas data (a file or a folder), keeps class `gas_class`, normalizes it and computes
// L* for this p. Requires: p even and >= 2. Throws data::DataError for bad data.
Problem load_problem(const std::string& path, int gas_class, data::Normalization normalization,
                     int p);

}  // namespace experiments
