#include "experiments/linear/problem.hpp"

#include "experiments/linear/optimum.hpp"

namespace experiments {

Problem load_problem(const std::string& path, int gas_class, data::Normalization normalization,
                     int p) {
  data::Dataset ds = data::load_gas(path, gas_class);
  data::normalize(ds, normalization);
  Problem problem;
  problem.x = ad::Tensor<double>({ds.rows, ds.features}, ds.x);
  problem.y = ad::Tensor<double>({ds.rows, 1}, ds.y);
  problem.p = p;
  problem.l_star = lp_optimum(ds.x, ds.y, ds.rows, ds.features, p).loss;
  problem.source = ds.source;
  problem.normalization = normalization;
  return problem;
}

}  // namespace experiments
