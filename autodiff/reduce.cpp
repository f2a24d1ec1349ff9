#include "autodiff/reduce.hpp"

#include "autodiff/blas.hpp"
#include "autodiff/checks.hpp"

namespace ad {

template <typename T>
Var<T> sum(Var<T> x) {
  // X[...] -> y[]
  T total = 0;
  for (T v : x.value()) total += v;

  return x.tape().record("sum", Tensor<T>::scalar(total), {x}, [x](const Tensor<T>& dy) {
    Tensor<T>& dx = x.grad_accumulator();
    for (T& g : dx) g += dy[0];
  });
}

template <typename T>
Var<T> mean(Var<T> x) {
  // X[...] -> y[]
  checks::not_empty("mean", x.shape());
  const std::size_t n = x.value().size();
  T total = 0;
  for (T v : x.value()) total += v;

  return x.tape().record("mean", Tensor<T>::scalar(total / T(n)), {x}, [x, n](const Tensor<T>& dy) {
    Tensor<T>& dx = x.grad_accumulator();
    const T share = dy[0] / T(n);
    for (T& g : dx) g += share;
  });
}

template <typename T>
Var<T> sum_squares(Var<T> x) {
  // X[...] -> y[]
  const std::size_t size = x.value().size();
  const T* X = x.value().data();
  const T total = blas::dot(size, X, X);  // vectorized; a plain loop would add one at a time

  return x.tape().record("sum_squares", Tensor<T>::scalar(total), {x},
                         [x, size](const Tensor<T>& dy) {  // dX += 2·dy·X
                           const T scale = T{2} * dy[0];
                           const T* X = x.value().data();
                           T beta;  // 0: the first contribution, written without a zero-fill
                           T* dx = x.grad_accumulator(beta).data();
                           if (beta == T{0}) {
                             for (std::size_t i = 0; i < size; ++i) dx[i] = scale * X[i];
                           } else {
                             blas::axpy(size, scale, X, dx);
                           }
                         });
}

template Var<float> sum(Var<float>);
template Var<double> sum(Var<double>);
template Var<float> mean(Var<float>);
template Var<double> mean(Var<double>);
template Var<float> sum_squares(Var<float>);
template Var<double> sum_squares(Var<double>);

}  // namespace ad
