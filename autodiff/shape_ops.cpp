#include "autodiff/shape_ops.hpp"

#include <stdexcept>

#include "autodiff/checks.hpp"

namespace ad {

template <typename T>
Var<T> reshape(Var<T> x, Shape shape) {
  // X[...] -> Y[shape], same elements
  Tensor<T> y = x.value().reshaped(shape);

  return x.tape().record("reshape", std::move(y), {x}, [x](const Tensor<T>& dy) {
    Tensor<T>& dx = x.grad_accumulator();
    for (std::size_t i = 0; i < dx.size(); ++i) dx[i] += dy[i];
  });
}

template <typename T>
Var<T> flatten(Var<T> x) {
  // X[N, d1, ...] -> Y[N, d1*...]
  const Shape& s = x.shape();
  if (s.rank() < 1) {
    throw std::invalid_argument("flatten: X is a scalar " + s.str() + "; expected rank >= 1");
  }
  std::size_t rest = 1;
  for (int axis = 1; axis < s.rank(); ++axis) rest *= s[axis];
  return reshape(x, Shape{s[0], rest});
}

template <typename T>
Var<T> transpose(Var<T> x) {
  // X[M,N] -> Y[N,M]
  checks::rank("transpose", "X", x.shape(), 2);
  const std::size_t m = x.shape()[0], n = x.shape()[1];
  auto y = Tensor<T>::uninitialized({n, m});
  const T* X = x.value().data();
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j) y[j * m + i] = X[i * n + j];

  return x.tape().record("transpose", std::move(y), {x}, [x, m, n](const Tensor<T>& dy) {
    Tensor<T>& dx = x.grad_accumulator();  // dX[i,j] += dY[j,i]
    for (std::size_t i = 0; i < m; ++i)
      for (std::size_t j = 0; j < n; ++j) dx[i * n + j] += dy[j * m + i];
  });
}

template Var<float> reshape(Var<float>, Shape);
template Var<double> reshape(Var<double>, Shape);
template Var<float> flatten(Var<float>);
template Var<double> flatten(Var<double>);
template Var<float> transpose(Var<float>);
template Var<double> transpose(Var<double>);

}  // namespace ad
