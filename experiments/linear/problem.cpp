#include "experiments/linear/problem.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "autodiff/blas.hpp"
#include "autodiff/linalg.hpp"

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
  // The covariance XᵀX/m [d,d], and its eigenvectors Q (columns), eigenvalues ascending.
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

Problem load_problem(const std::string& path, int gas_class, data::Normalization normalization,
                     int p, LossScale loss_scale, bool whiten) {
  data::Dataset ds = data::load_gas(path, gas_class);
  data::normalize(ds, normalization);
  if (whiten) ds.features = whiten_features(ds.x, ds.rows, ds.features);
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
  problem.whitened = whiten;
  return problem;
}

}  // namespace experiments
