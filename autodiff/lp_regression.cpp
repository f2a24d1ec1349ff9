#include "autodiff/lp_regression.hpp"

#include <stdexcept>
#include <string>
#include <vector>

#include "autodiff/blas.hpp"
#include "autodiff/checks.hpp"
#include "autodiff/lp_kernel.hpp"

namespace ad {

namespace {

void check_p(const char* op, int p) {
  if (p < 2 || p % 2 != 0) {
    throw std::invalid_argument(std::string(op) + ": p must be an even integer >= 2, got " +
                                std::to_string(p));
  }
}

// X[m,d], V[n,d], Y[m,k] with n a positive multiple of k.
void check_shapes(const char* op, const Shape& x, const Shape& v, const Shape& y) {
  checks::rank(op, "X", x, 2);
  checks::rank(op, "V", v, 2);
  checks::rank(op, "Y", y, 2);
  if (x[0] == 0 || y[1] == 0 || v[1] != x[1] || y[0] != x[0] || v[0] == 0 || v[0] % y[1] != 0) {
    throw std::invalid_argument(std::string(op) + ": X is " + x.str() + ", V is " + v.str() +
                                " and Y is " + y.str() +
                                "; expected X [m,d], V [K·k,d] and Y [m,k] with m, K, k >= 1");
  }
}

// The node of both forms: L[a] = Σ_c sums[a·k + c] / (p·m) for the K = n/k models, recorded on
// v's tape with `inputs`; unit [n,d] holds dL[q/k]/dV_q (empty when no backward will run).
template <typename T>
Var<T> record_losses(const char* op, std::initializer_list<Var<T>> inputs, Var<T> v,
                     const std::vector<double>& sums, std::size_t k, int p, std::size_t m,
                     Tensor<T> unit) {
  const std::size_t models = sums.size() / k, d = v.shape()[1];
  auto L = Tensor<T>::uninitialized({models});
  for (std::size_t a = 0; a < models; ++a) {
    double total = 0;
    for (std::size_t c = 0; c < k; ++c) total += sums[a * k + c];
    L[a] = T(total / (double(p) * double(m)));
  }
  return v.tape().record(op, std::move(L), inputs,
                         [v, k, d, unit = std::move(unit)](const Tensor<T>& dL) {
                           T beta;  // dV_q += dL[q / k] · unit_q
                           Tensor<T>& dV = v.grad_accumulator(beta);
                           for (std::size_t q = 0; q < dV.rows(); ++q) {
                             const T s = dL[q / k];
                             T* out = dV.data() + q * d;
                             const T* in = unit.data() + q * d;
                             if (beta == T{0})
                               for (std::size_t j = 0; j < d; ++j) out[j] = s * in[j];
                             else
                               for (std::size_t j = 0; j < d; ++j) out[j] += s * in[j];
                           }
                         });
}

// The gradient is computed in the forward pass, when backward will ask for it.
template <typename T>
Tensor<T> unit_gradient(Var<T> v) {
  const bool grad = v.requires_grad() && NoGradGuard::grad_enabled();
  return grad ? Tensor<T>::uninitialized(v.shape()) : Tensor<T>();
}

}  // namespace

template <typename T>
Var<T> lp_regression_losses(Var<T> x, Var<T> v, Var<T> y, int p) {
  // X[m,d], V[K·k,d], Y[m,k] -> L[K]
  const char* op = "lp_regression_losses";
  check_p(op, p);
  const Tensor<T>& X = x.value();
  const Tensor<T>& V = v.value();
  const Tensor<T>& Y = y.value();
  check_shapes(op, X.shape(), V.shape(), Y.shape());
  if (x.requires_grad() || y.requires_grad()) {
    throw std::invalid_argument(std::string(op) + ": " + (x.requires_grad() ? "X" : "Y") +
                                " needs a gradient, which this op does not compute; pass the "
                                "data with tape.input(), or compose matmul, sub, pow and sum");
  }
  const std::size_t m = X.rows(), d = X.cols(), n = V.rows(), k = Y.cols();
  Tensor<T> unit = unit_gradient(v);
  std::vector<double> sums(n);  // Σ_i r^p of each row of V
  lp_regression_kernel(X.data(), m, d, V.data(), n, Y.data(), k, p, sums.data(),
                       unit.size() ? unit.data() : nullptr);
  return record_losses(op, {x, v, y}, v, sums, k, p, m, std::move(unit));
}

template <typename T>
LpRegression<T>::LpRegression(Tensor<T> x, Tensor<T> y, int p)
    : x_(std::move(x)), y_(std::move(y)), p_(p) {
  const char* op = "LpRegression";
  check_p(op, p);
  checks::rank(op, "X", x_.shape(), 2);
  checks::rank(op, "Y", y_.shape(), 2);
  if (x_.rows() == 0 || y_.rows() != x_.rows() || y_.cols() == 0) {
    throw std::invalid_argument(std::string(op) + ": X is " + x_.shape().str() + " and Y is " +
                                y_.shape().str() + "; expected X [m,d] and Y [m,k], m, k >= 1");
  }
  if (p != 2) return;
  // XᵀX, (XᵀY)ᵀ and Σ y², in double whatever T is.
  const std::size_t m = x_.rows(), d = x_.cols(), k = y_.cols();
  const Tensor<double> X = x_.template cast<double>(), Y = y_.template cast<double>();
  gram_.resize(d * d);
  xty_.resize(k * d);
  yty_.assign(k, 0.0);
  blas::gemm(Transpose::yes, Transpose::no, d, d, m, 1.0, X.data(), X.data(), 0.0, gram_.data());
  blas::gemm(Transpose::yes, Transpose::no, k, d, m, 1.0, Y.data(), X.data(), 0.0, xty_.data());
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t c = 0; c < k; ++c) yty_[c] += Y[i * k + c] * Y[i * k + c];
}

template <typename T>
Var<T> LpRegression<T>::losses(Var<T> v) const {
  // V[K·k,d] -> L[K], X and Y held here
  const char* op = "lp_regression_losses";
  const Tensor<T>& V = v.value();
  check_shapes(op, x_.shape(), V.shape(), y_.shape());
  const std::size_t m = x_.rows(), d = x_.cols(), n = V.rows(), k = y_.cols();
  Tensor<T> unit = unit_gradient(v);
  std::vector<double> sums(n);  // Σ_i r^p of each row of V
  T* grad = unit.size() ? unit.data() : nullptr;
  if (p_ == 2)
    lp_gram_kernel(gram_.data(), xty_.data(), yty_.data(), m, d, V.data(), n, k, sums.data(), grad);
  else
    lp_regression_kernel(x_.data(), m, d, V.data(), n, y_.data(), k, p_, sums.data(), grad);
  return record_losses(op, {v}, v, sums, k, p_, m, std::move(unit));
}

template Var<float> lp_regression_losses(Var<float>, Var<float>, Var<float>, int);
template Var<double> lp_regression_losses(Var<double>, Var<double>, Var<double>, int);
template class LpRegression<float>;
template class LpRegression<double>;

}  // namespace ad
