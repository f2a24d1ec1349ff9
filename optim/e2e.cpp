#include "optim/e2e.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "autodiff/blas.hpp"
#include "autodiff/linalg.hpp"

namespace optim {

namespace {

template <typename T>
void check_arguments(const char* op, const ad::Tensor<T>& w, const ad::Tensor<T>& g, int depth) {
  if (w.rank() != 2) {
    throw std::invalid_argument(std::string(op) + ": W is " + w.shape().str() +
                                ", expected a matrix [k,d] (reshape a vector to [1,d])");
  }
  if (g.shape() != w.shape()) {
    throw std::invalid_argument(std::string(op) + ": W is " + w.shape().str() + " but G is " +
                                g.shape().str() + "; the gradient must have W's shape");
  }
  if (depth < 1) {
    throw std::invalid_argument(std::string(op) + ": depth must be >= 1, got " +
                                std::to_string(depth));
  }
}

template <typename T>
bool all_finite(const ad::Tensor<T>& t) {
  for (T x : t.values())
    if (!std::isfinite(x)) return false;
  return true;
}

// powers[p·N + i] = σ_p^(2i/N) for i = 0..N-1, with σ_p = 0 beyond the singular values given
// and 0^0 = 1 (so the power 0 is the identity on the null space too). Singular values at the
// rounding level (<= `zero`) count as 0: a rank-deficient W comes out of the SVD with ~1e-16
// instead of 0, and small fractional powers would inflate that noise (1e-16^(2/5) ~ 4e-7).
template <typename T>
std::vector<double> singular_value_powers(const ad::Tensor<T>& s, std::size_t count, int depth,
                                          double zero) {
  const auto n = static_cast<std::size_t>(depth);
  std::vector<double> powers(count * n);
  for (std::size_t p = 0; p < count; ++p) {
    const double sigma = p < s.size() && s[p] > zero ? static_cast<double>(s[p]) : 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      powers[p * n + i] = i == 0 ? 1.0 : std::pow(sigma, 2.0 * static_cast<double>(i) / depth);
    }
  }
  return powers;
}

}  // namespace

template <typename T>
ad::Tensor<T> e2e_update_general(const ad::Tensor<T>& w, const ad::Tensor<T>& g, int depth) {
  // W[k,d], G[k,d] -> Σ_j [W Wᵀ]^((j-1)/N) · G · [Wᵀ W]^((N-j)/N)  [k,d]
  check_arguments("e2e_update_general", w, g, depth);
  if (depth == 1) return g;  // both powers are 0: the identity
  const std::size_t k = w.rows();
  const std::size_t d = w.cols();
  if (!all_finite(w) || !all_finite(g)) {
    return ad::Tensor<T>(w.shape(), std::numeric_limits<T>::quiet_NaN());
  }
  // W = U·Σ·Vᵀ with U [k,k] and V [d,d] orthogonal, so [W Wᵀ]^a = U·diag(σ_p^(2a))·Uᵀ and
  // [Wᵀ W]^b = V·diag(σ_q^(2b))·Vᵀ, σ padded with zeros to k and d entries. In those bases the
  // sum is elementwise: with H = Uᵀ·G·V,
  //   result = U · (H ⊙ K) · Vᵀ,   K_pq = Σ_{j=1..N} σ_p^(2(j-1)/N) · σ_q^(2(N-j)/N).
  const ad::Svd<T> f = ad::svd(w);
  const std::size_t n = static_cast<std::size_t>(depth);
  // Rank cut-off as in numpy's matrix_rank: max(k,d)·eps·σ_max.
  const double zero = static_cast<double>(std::max(k, d)) * std::numeric_limits<T>::epsilon() *
                      (f.s.empty() ? 0.0 : static_cast<double>(f.s[0]));
  const std::vector<double> left = singular_value_powers(f.s, k, depth, zero);
  const std::vector<double> right = singular_value_powers(f.s, d, depth, zero);

  auto tmp = ad::Tensor<T>::uninitialized({k, d});
  auto h = ad::Tensor<T>::uninitialized({k, d});
  using ad::Transpose;
  ad::blas::gemm(Transpose::yes, Transpose::no, k, d, k, T{1}, f.u.data(), g.data(), T{0},
                 tmp.data());  // Uᵀ·G
  ad::blas::gemm(Transpose::no, Transpose::yes, k, d, d, T{1}, tmp.data(), f.vt.data(), T{0},
                 h.data());  // H = Uᵀ·G·V
  for (std::size_t p = 0; p < k; ++p) {
    for (std::size_t q = 0; q < d; ++q) {
      double kpq = 0;
      for (std::size_t j = 1; j <= n; ++j) kpq += left[p * n + (j - 1)] * right[q * n + (n - j)];
      h.at(p, q) = static_cast<T>(kpq * static_cast<double>(h.at(p, q)));
    }
  }
  auto out = ad::Tensor<T>::uninitialized({k, d});
  ad::blas::gemm(Transpose::no, Transpose::no, k, d, k, T{1}, f.u.data(), h.data(), T{0},
                 tmp.data());  // U·(H ⊙ K)
  ad::blas::gemm(Transpose::no, Transpose::no, k, d, d, T{1}, tmp.data(), f.vt.data(), T{0},
                 out.data());  // U·(H ⊙ K)·Vᵀ
  return out;
}

template <typename T>
ad::Tensor<T> e2e_update_single_output(const ad::Tensor<T>& w, const ad::Tensor<T>& g, int depth) {
  // W[1,d], G[1,d] -> ||W||^(2-2/N) · (G + (N-1)·<G,u>·u),  u = W/||W||
  check_arguments("e2e_update_single_output", w, g, depth);
  if (w.rows() != 1) {
    throw std::invalid_argument("e2e_update_single_output: W is " + w.shape().str() +
                                ", expected a single output [1,d]; use e2e_update_general");
  }
  if (depth == 1) return g;
  const std::size_t d = w.cols();
  const T norm = std::sqrt(ad::blas::dot(d, w.data(), w.data()));
  if (norm == T{0}) return ad::Tensor<T>(w.shape(), T{0});      // ||W||^(2-2/N) = 0 for N >= 2
  const T along = ad::blas::dot(d, g.data(), w.data()) / norm;  // <G, u>
  const T scale = std::pow(norm, T{2} - T{2} / static_cast<T>(depth));
  const T n_minus_1 = static_cast<T>(depth - 1);
  auto out = ad::Tensor<T>::uninitialized(w.shape());
  for (std::size_t i = 0; i < d; ++i) out[i] = scale * (g[i] + n_minus_1 * along * w[i] / norm);
  return out;
}

template <typename T>
EndToEnd<T>::EndToEnd(std::vector<ad::Parameter<T>*> params, EndToEndOptions options)
    : Optimizer<T>(std::move(params)), depth_(options.depth), weight_decay_(options.weight_decay) {
  if (this->params_.size() != 1) {
    throw std::invalid_argument(
        "EndToEnd: expects exactly one parameter, the end-to-end matrix W [k,d], got " +
        std::to_string(this->params_.size()));
  }
  if (this->params_[0]->value().rank() != 2) {
    throw std::invalid_argument("EndToEnd: the parameter '" + this->params_[0]->name() + "' is " +
                                this->params_[0]->shape().str() +
                                ", expected a matrix [k,d] (k outputs, d inputs)");
  }
  this->set_lr(options.lr);
  if (options.depth < 1) {
    throw std::invalid_argument("EndToEnd: depth must be >= 1, got " +
                                std::to_string(options.depth));
  }
  require_non_negative(name(), "weight_decay", options.weight_decay);
}

template <typename T>
void EndToEnd<T>::step() {
  ad::Parameter<T>& p = *this->params_[0];
  if (!p.has_grad()) return;
  this->check_state(0, p.value());
  ad::Tensor<T>& w = p.value();
  const ad::Tensor<T> direction = w.rows() == 1 ? e2e_update_single_output(w, p.grad(), depth_)
                                                : e2e_update_general(w, p.grad(), depth_);
  const T lr = static_cast<T>(this->lr());
  const T shrink = static_cast<T>(1 - this->lr() * weight_decay_ * depth_);  // 1 - lr·λ·N
  for (std::size_t k = 0; k < w.size(); ++k) w[k] = shrink * w[k] - lr * direction[k];
}

template ad::Tensor<float> e2e_update_general(const ad::Tensor<float>&, const ad::Tensor<float>&,
                                              int);
template ad::Tensor<double> e2e_update_general(const ad::Tensor<double>&, const ad::Tensor<double>&,
                                               int);
template ad::Tensor<float> e2e_update_single_output(const ad::Tensor<float>&,
                                                    const ad::Tensor<float>&, int);
template ad::Tensor<double> e2e_update_single_output(const ad::Tensor<double>&,
                                                     const ad::Tensor<double>&, int);
template class EndToEnd<float>;
template class EndToEnd<double>;

}  // namespace optim
