#include "autodiff/elementwise.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "autodiff/checks.hpp"

namespace ad {

template <typename T>
Var<T> add(Var<T> a, Var<T> b) {
  // A[...] + B[...] -> C[...]
  checks::same_shape("add", a.shape(), b.shape());
  Tensor<T> c = a.value();
  const T* B = b.value().data();
  for (std::size_t i = 0; i < c.size(); ++i) c[i] += B[i];

  return a.tape().record("add", std::move(c), {a, b}, [a, b](const Tensor<T>& dc) {
    for (Var<T> x : {a, b}) {
      if (!x.requires_grad()) continue;
      Tensor<T>& dx = x.grad_accumulator();
      for (std::size_t i = 0; i < dx.size(); ++i) dx[i] += dc[i];
    }
  });
}

template <typename T>
Var<T> sub(Var<T> a, Var<T> b) {
  // A[...] - B[...] -> C[...]
  checks::same_shape("sub", a.shape(), b.shape());
  Tensor<T> c = a.value();
  const T* B = b.value().data();
  for (std::size_t i = 0; i < c.size(); ++i) c[i] -= B[i];

  return a.tape().record("sub", std::move(c), {a, b}, [a, b](const Tensor<T>& dc) {
    if (a.requires_grad()) {
      Tensor<T>& da = a.grad_accumulator();
      for (std::size_t i = 0; i < da.size(); ++i) da[i] += dc[i];
    }
    if (b.requires_grad()) {
      Tensor<T>& db = b.grad_accumulator();
      for (std::size_t i = 0; i < db.size(); ++i) db[i] -= dc[i];
    }
  });
}

template <typename T>
Var<T> mul(Var<T> a, Var<T> b) {
  // A[...] ⊙ B[...] -> C[...]
  checks::same_shape("mul", a.shape(), b.shape());
  Tensor<T> c = a.value();
  const T* B = b.value().data();
  for (std::size_t i = 0; i < c.size(); ++i) c[i] *= B[i];

  return a.tape().record("mul", std::move(c), {a, b}, [a, b](const Tensor<T>& dc) {
    if (a.requires_grad()) {  // dA += dC ⊙ B
      Tensor<T>& da = a.grad_accumulator();
      const T* B = b.value().data();
      for (std::size_t i = 0; i < da.size(); ++i) da[i] += dc[i] * B[i];
    }
    if (b.requires_grad()) {  // dB += dC ⊙ A
      Tensor<T>& db = b.grad_accumulator();
      const T* A = a.value().data();
      for (std::size_t i = 0; i < db.size(); ++i) db[i] += dc[i] * A[i];
    }
  });
}

template <typename T>
Var<T> scale(Var<T> a, std::type_identity_t<T> s) {
  // s · A[...] -> C[...]
  Tensor<T> c = a.value();
  for (T& v : c) v *= s;

  return a.tape().record("scale", std::move(c), {a}, [a, s](const Tensor<T>& dc) {
    Tensor<T>& da = a.grad_accumulator();
    for (std::size_t i = 0; i < da.size(); ++i) da[i] += s * dc[i];
  });
}

template <typename T>
Var<T> add_bias(Var<T> x, Var<T> b) {
  // X[M,N] + b[N] -> Y[M,N]
  const Shape& xs = x.shape();
  const Shape& bs = b.shape();
  if (xs.rank() != 2 || bs.rank() != 1 || bs[0] != xs[1]) {
    throw std::invalid_argument("add_bias: X is " + xs.str() + " but b is " + bs.str() +
                                "; expected X [M,N] and b [N]");
  }
  const std::size_t m = xs[0], n = xs[1];
  Tensor<T> y = x.value();
  const T* B = b.value().data();
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j) y[i * n + j] += B[j];

  return x.tape().record("add_bias", std::move(y), {x, b}, [x, b, m, n](const Tensor<T>& dy) {
    if (x.requires_grad()) {  // dX += dY
      Tensor<T>& dx = x.grad_accumulator();
      for (std::size_t i = 0; i < dx.size(); ++i) dx[i] += dy[i];
    }
    if (b.requires_grad()) {  // db[j] += sum_i dY[i,j]
      Tensor<T>& db = b.grad_accumulator();
      for (std::size_t i = 0; i < m; ++i)
        for (std::size_t j = 0; j < n; ++j) db[j] += dy[i * n + j];
    }
  });
}

namespace {
// out[i] = x[i]^p for a whole p >= 1, by p - 1 passes of multiplication: each pass is a plain
// loop over the elements, which the compiler vectorizes (p is small: 2 and 4 in the l_p losses).
template <typename T>
void power(const T* x, T* out, std::size_t n, long p) {
  std::copy(x, x + n, out);
  for (long k = 1; k < p; ++k)
    for (std::size_t i = 0; i < n; ++i) out[i] *= x[i];
}
}  // namespace

template <typename T>
Var<T> pow(Var<T> x, double p) {
  // X[...]^p -> Y[...]
  if (!std::isfinite(p) || p != std::floor(p) || p < 0 || p > 64) {
    throw std::invalid_argument("pow: the power must be a whole number from 0 to 64, got " +
                                std::to_string(p));
  }
  const long n = static_cast<long>(p);
  const Tensor<T>& X = x.value();
  auto y = Tensor<T>::uninitialized(X.shape());
  if (n == 0)
    y.fill(T{1});
  else
    power(X.data(), y.data(), X.size(), n);

  return x.tape().record("pow", std::move(y), {x}, [x, n](const Tensor<T>& dy) {
    if (n == 0) return;                    // x^0 = 1 is constant
    Tensor<T>& dx = x.grad_accumulator();  // dX += p · X^(p-1) ⊙ dY
    const Tensor<T>& X = x.value();
    auto slope = Tensor<T>::uninitialized(X.shape());
    if (n == 1)
      slope.fill(T{1});
    else
      power(X.data(), slope.data(), X.size(), n - 1);
    const std::size_t size = dx.size();
    for (std::size_t i = 0; i < size; ++i) dx[i] += T(n) * slope[i] * dy[i];
  });
}

template <typename T>
Var<T> relu(Var<T> x) {
  // max(X[...], 0) -> Y[...]
  const Tensor<T>& X = x.value();
  auto y = Tensor<T>::uninitialized(X.shape());
  const std::size_t size = X.size();
  const T* in = X.data();
  T* out = y.data();
  for (std::size_t i = 0; i < size; ++i) out[i] = in[i] > T{0} ? in[i] : T{0};

  return x.tape().record("relu", std::move(y), {x}, [x, size](const Tensor<T>& dy) {
    T* dx = x.grad_accumulator().data();  // dX += dY where X > 0
    const T* X = x.value().data();
    const T* g = dy.data();
    for (std::size_t i = 0; i < size; ++i) {
      const T gi = g[i];  // read unconditionally, so that the loop vectorizes
      dx[i] += X[i] > T{0} ? gi : T{0};
    }
  });
}

#define OVERPARAM_INSTANTIATE(T)                          \
  template Var<T> add(Var<T>, Var<T>);                    \
  template Var<T> sub(Var<T>, Var<T>);                    \
  template Var<T> mul(Var<T>, Var<T>);                    \
  template Var<T> scale(Var<T>, std::type_identity_t<T>); \
  template Var<T> add_bias(Var<T>, Var<T>);               \
  template Var<T> pow(Var<T>, double);                    \
  template Var<T> relu(Var<T>);
OVERPARAM_INSTANTIATE(float)
OVERPARAM_INSTANTIATE(double)
#undef OVERPARAM_INSTANTIATE

}  // namespace ad
