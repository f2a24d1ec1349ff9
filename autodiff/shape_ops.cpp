#include "autodiff/shape_ops.hpp"

#include <algorithm>
#include <stdexcept>

#include "autodiff/checks.hpp"

namespace ad {

template <typename T>
Var<T> reshape(Var<T> x, Shape shape) {
  // X[...] -> Y[shape], same elements
  Tensor<T> y = x.value().reshaped(shape);

  return x.tape().record("reshape", std::move(y), {x}, [x](const Tensor<T>& dy) {
    T* dx = x.grad_accumulator().data();  // dX += dY, element by element
    const T* g = dy.data();
    for (std::size_t i = 0, size = dy.size(); i < size; ++i) dx[i] += g[i];
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

template <typename T>
Var<T> stack_rows(const std::vector<Var<T>>& rows) {
  // A_1[m_1,n], ..., A_K[m_K,n] -> Y[Σ m_k, n]
  if (rows.empty()) throw std::invalid_argument("stack_rows: no matrices to stack");
  const std::size_t n = rows[0].shape().rank() == 2 ? rows[0].shape()[1] : 0;
  std::size_t total = 0;
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const Shape& s = rows[k].shape();
    if (s.rank() != 2 || s[1] != n) {
      throw std::invalid_argument("stack_rows: matrix 0 is " + rows[0].shape().str() +
                                  " but matrix " + std::to_string(k) + " is " + s.str() +
                                  "; expected rank 2 with equal column counts");
    }
    total += s[0];
  }
  auto y = Tensor<T>::uninitialized({total, n});
  T* out = y.data();
  for (const Var<T>& a : rows) out = std::copy(a.value().begin(), a.value().end(), out);

  return rows[0].tape().record(
      "stack_rows", std::move(y), std::span<const Var<T>>(rows), [rows](const Tensor<T>& dy) {
        const T* block = dy.data();  // dA_k += rows m_1+...+m_{k-1} .. of dY
        for (const Var<T>& a : rows) {
          const std::size_t size = a.value().size();
          if (a.requires_grad()) {
            Tensor<T>& da = a.grad_accumulator();
            for (std::size_t i = 0; i < size; ++i) da[i] += block[i];
          }
          block += size;
        }
      });
}

template Var<float> stack_rows(const std::vector<Var<float>>&);
template Var<double> stack_rows(const std::vector<Var<double>>&);
template Var<float> reshape(Var<float>, Shape);
template Var<double> reshape(Var<double>, Shape);
template Var<float> flatten(Var<float>);
template Var<double> flatten(Var<double>);
template Var<float> transpose(Var<float>);
template Var<double> transpose(Var<double>);

}  // namespace ad
