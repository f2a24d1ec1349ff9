#include "experiments/linear/problem.hpp"

#include <string>

#include "experiments/linear/optimum.hpp"
#include "experiments/report/limits.hpp"

namespace experiments {

const char* loss_scale_name(LossScale scale) {
  return scale == LossScale::mean ? "mean" : "mean-over-p";
}

double loss_factor(LossScale scale, int p) {
  return scale == LossScale::mean ? double(p) : 1.0;
}

Problem load_problem(const std::string& path, int gas_class, data::Normalization normalization,
                     int p, LossScale loss_scale) {
  data::Dataset ds = data::load_gas(path, gas_class);
  data::normalize(ds, normalization);
  Problem problem;
  problem.x = ad::Tensor<double>({ds.rows, ds.features}, ds.x);
  problem.y = ad::Tensor<double>({ds.rows, 1}, ds.y);
  problem.p = p;
  // The optimum's Newton solve holds the data three times (the least-squares start, the scaled
  // rows) and its dense Hessian [d,d] twice (and LAPACK's factor): from the file's real shape,
  // checked before any of it is allocated, so a small file of 20,000 features is refused.
  const double m = double(ds.rows), d = double(ds.features);
  require_memory((3 * m * d + 3 * d * d + 4 * m + 8 * d) * sizeof(double),
                 ds.source + " (" + std::to_string(ds.rows) + " rows, " +
                     std::to_string(ds.features) + " features): its optimum L*");
  problem.loss_scale = loss_scale;
  problem.l_star =
      loss_factor(loss_scale, p) * lp_optimum(ds.x, ds.y, ds.rows, ds.features, p).loss;
  problem.source = ds.source;
  problem.normalization = normalization;
  return problem;
}

}  // namespace experiments
