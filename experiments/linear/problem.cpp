#include "experiments/linear/problem.hpp"

#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "autodiff/blas.hpp"
#include "autodiff/linalg.hpp"
#include "data_loaders/read_file.hpp"
#include "experiments/linear/optimum.hpp"
#include "experiments/report/limits.hpp"

namespace experiments {

const char* loss_scale_name(LossScale scale) {
  return scale == LossScale::mean ? "mean" : "mean-over-p";
}

double loss_factor(LossScale scale, int p) {
  return scale == LossScale::mean ? double(p) : 1.0;
}

std::size_t whiten_features(std::vector<double>& x, std::size_t m, std::size_t d) {
  if (x.size() != m * d || m == 0 || d == 0)
    throw std::invalid_argument("whiten_features: x holds " + std::to_string(x.size()) +
                                " values, not " + std::to_string(m) + " x " + std::to_string(d));
  std::vector<double> mean(d, 0.0);
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < d; ++j) mean[j] += x[i * d + j];
  for (double& v : mean) v /= double(m);
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < d; ++j) x[i * d + j] -= mean[j];
  // The covariance XᵀX/m [d,d], and its eigenvectors Q (columns), eigenvalues ascending. On one
  // thread, so that the whitened data has the same bits whatever threads the caller set.
  const ad::blas::ScopedThreads one(1);
  ad::Tensor<double> cov({d, d});  // gram writes both triangles, exactly symmetric
  ad::blas::gram(ad::Transpose::yes, d, m, 1.0 / double(m), x.data(), 0.0, cov.data());
  const ad::SymmetricEigen<double> eig = ad::symmetric_eigen(cov);
  const double largest = eig.eigenvalues[d - 1];
  std::vector<std::size_t> kept;  // largest variance first
  for (std::size_t j = d; j-- > 0;)
    if (largest > 0 && eig.eigenvalues[j] > 1e-12 * largest) kept.push_back(j);
  const std::size_t k = kept.size();
  if (k == 0)
    throw std::invalid_argument("whiten_features: the features do not vary; nothing to whiten");
  ad::Tensor<double> projection({d, k});  // Q_k·diag(λ_k)^(-1/2)
  for (std::size_t c = 0; c < k; ++c) {
    const double s = 1.0 / std::sqrt(eig.eigenvalues[kept[c]]);
    for (std::size_t r = 0; r < d; ++r) projection.at(r, c) = eig.eigenvectors.at(r, kept[c]) * s;
  }
  std::vector<double> white(m * k);
  ad::blas::gemm(ad::Transpose::no, ad::Transpose::no, m, k, d, 1.0, x.data(), projection.data(),
                 0.0, white.data());
  x = std::move(white);
  return k;
}

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

data::Normalization target_normalization(data::Normalization features) {
  return features == data::Normalization::none ? data::Normalization::none
                                               : data::Normalization::zscore;
}

data::Dataset load_problem_data(const std::string& path, int gas_class,
                                data::Normalization normalization, bool whiten) {
  data::Dataset ds = data::load_gas(path, gas_class);
  data::normalize(ds, normalization, target_normalization(normalization));
  if (whiten) ds.features = whiten_features(ds.x, ds.rows, ds.features);
  return ds;
}

Problem make_problem(data::Dataset ds, int p, data::Normalization normalization,
                     LossScale loss_scale, bool whitened) {
  require_optimum_fits(ds);  // before anything of the optimum's size is allocated
  Problem problem;
  problem.loss_scale = loss_scale;
  {
    const ad::blas::ScopedThreads one(1);  // the same L* whatever threads the caller set
    problem.l_star =
        loss_factor(loss_scale, p) * lp_optimum(ds.x, ds.y, ds.rows, ds.features, p).loss;
  }
  problem.x = ad::Tensor<double>({ds.rows, ds.features}, ds.x);
  problem.y = ad::Tensor<double>({ds.rows, 1}, ds.y);
  problem.p = p;
  problem.source = ds.source;
  problem.normalization = normalization;
  problem.whitened = whitened;
  return problem;
}

Problem load_problem(const std::string& path, int gas_class, data::Normalization normalization,
                     int p, LossScale loss_scale, bool whiten) {
  return make_problem(load_problem_data(path, gas_class, normalization, whiten), p, normalization,
                      loss_scale, whiten);
}

Problem load_problem(const ProblemSpec& s) {
  return load_problem(s.data, s.gas, s.normalization, s.p, s.loss_scale, s.whiten);
}

}  // namespace experiments
