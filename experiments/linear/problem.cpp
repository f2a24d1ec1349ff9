#include "experiments/linear/problem.hpp"

#include <cstdio>
#include <stdexcept>
#include <string>

#include "data_loaders/read_file.hpp"
#include "experiments/linear/optimum.hpp"
#include "experiments/report/limits.hpp"

namespace experiments {

void require_optimum_fits(const data::Dataset& ds) {
  const std::string what = ds.source + " (" + std::to_string(ds.rows) + " rows, " +
                           std::to_string(ds.features) + " features): its optimum L*";
  // The Newton solve holds the data three times (the least-squares start, the scaled rows) and
  // its dense Hessian [d,d] twice (and LAPACK's factor).
  const double m = double(ds.rows), d = double(ds.features);
  try {
    require_memory((3 * m * d + 3 * d * d + 4 * m + 8 * d) * sizeof(double), what);
  } catch (const std::invalid_argument& e) {
    throw data::DataError(e.what());
  }
  if (ds.features > max_features) {
    char hessian[64];
    std::snprintf(hessian, sizeof hessian, "%.2f GB", d * d * sizeof(double) / 1e9);
    throw data::DataError(what + " supports at most " + std::to_string(max_features) +
                          " features, whose dense Hessian [d,d] it factors at every step (at " +
                          std::to_string(ds.features) + " features that matrix alone is " +
                          hessian + "); --data expects the UCI gas data, with 128 features");
  }
}

data::Dataset load_problem_data(const std::string& path, int gas_class,
                                data::Normalization normalization) {
  data::Dataset ds = data::load_gas(path, gas_class);
  data::normalize(ds, normalization);
  return ds;
}

Problem make_problem(data::Dataset ds, int p, data::Normalization normalization) {
  require_optimum_fits(ds);  // before anything of the optimum's size is allocated
  Problem problem;
  problem.l_star = lp_optimum(ds.x, ds.y, ds.rows, ds.features, p).loss;
  problem.x = ad::Tensor<double>({ds.rows, ds.features}, ds.x);
  problem.y = ad::Tensor<double>({ds.rows, 1}, ds.y);
  problem.p = p;
  problem.source = ds.source;
  problem.normalization = normalization;
  return problem;
}

Problem load_problem(const std::string& path, int gas_class, data::Normalization normalization,
                     int p) {
  return make_problem(load_problem_data(path, gas_class, normalization), p, normalization);
}

}  // namespace experiments
