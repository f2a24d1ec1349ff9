#include "nn/losses.hpp"

#include <stdexcept>
#include <string>
#include <vector>

#include "autodiff/checks.hpp"
#include "autodiff/elementwise.hpp"
#include "autodiff/reduce.hpp"
#include "nn/lp_kernel.hpp"

namespace nn {

namespace {
void check_p(const char* op, int p) {
  if (p < 2 || p % 2 != 0) {
    throw std::invalid_argument(std::string(op) + ": p must be an even integer >= 2, got " +
                                std::to_string(p));
  }
}
}  // namespace

template <typename T>
ad::Var<T> lp_loss(ad::Var<T> yhat, ad::Var<T> y, int p) {
  check_p("lp_loss", p);
  const ad::Shape& s = yhat.shape();
  if (s.rank() != 2 || s[0] == 0) {
    throw std::invalid_argument("lp_loss: predictions are " + s.str() + ", expected [m,k], m >= 1");
  }
  const T scale = T{1} / (T(p) * T(s[0]));
  return ad::scale(ad::sum(ad::pow(ad::sub(yhat, y), p)), scale);
}

template <typename T>
ad::Var<T> lp_regression_losses(ad::Var<T> x, ad::Var<T> v, ad::Var<T> y, int p) {
  // X[m,d], V[K·k,d], Y[m,k] -> L[K]
  const char* op = "lp_regression_losses";
  check_p(op, p);
  const ad::Tensor<T>& X = x.value();
  const ad::Tensor<T>& V = v.value();
  const ad::Tensor<T>& Y = y.value();
  ad::checks::rank(op, "X", X.shape(), 2);
  ad::checks::rank(op, "V", V.shape(), 2);
  ad::checks::rank(op, "Y", Y.shape(), 2);
  const std::size_t m = X.rows(), d = X.cols(), n = V.rows(), k = Y.cols();
  if (m == 0 || k == 0 || V.cols() != d || Y.rows() != m || n == 0 || n % k != 0) {
    throw std::invalid_argument(std::string(op) + ": X is " + X.shape().str() + ", V is " +
                                V.shape().str() + " and Y is " + Y.shape().str() +
                                "; expected X [m,d], V [K·k,d] and Y [m,k] with m, K, k >= 1");
  }
  if (x.requires_grad() || y.requires_grad()) {
    throw std::invalid_argument(std::string(op) + ": " + (x.requires_grad() ? "X" : "Y") +
                                " needs a gradient, which this op does not compute; pass the "
                                "data with tape.input(), or compose matmul, sub, pow and sum");
  }
  const std::size_t models = n / k;

  // The gradient is computed now, in the same pass over X as the loss, when backward will ask.
  const bool grad = v.requires_grad() && ad::NoGradGuard::grad_enabled();
  auto unit = grad ? ad::Tensor<T>::uninitialized({n, d}) : ad::Tensor<T>();  // dL[a]/dV_q
  std::vector<double> sums(n);  // Σ_i r^p of each row of V
  lp_regression_kernel(X.data(), m, d, V.data(), n, Y.data(), k, p, sums.data(),
                       grad ? unit.data() : nullptr);
  auto L = ad::Tensor<T>::uninitialized({models});
  for (std::size_t a = 0; a < models; ++a) {
    double total = 0;
    for (std::size_t c = 0; c < k; ++c) total += sums[a * k + c];
    L[a] = T(total / (double(p) * double(m)));
  }

  return x.tape().record(op, std::move(L), {x, v, y},
                         [v, k, d, unit = std::move(unit)](const ad::Tensor<T>& dL) {
                           T beta;  // dV_q += dL[q / k] · unit_q
                           ad::Tensor<T>& dV = v.grad_accumulator(beta);
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

template ad::Var<float> lp_loss(ad::Var<float>, ad::Var<float>, int);
template ad::Var<double> lp_loss(ad::Var<double>, ad::Var<double>, int);
template ad::Var<float> lp_regression_losses(ad::Var<float>, ad::Var<float>, ad::Var<float>, int);
template ad::Var<double> lp_regression_losses(ad::Var<double>, ad::Var<double>, ad::Var<double>,
                                              int);

}  // namespace nn
