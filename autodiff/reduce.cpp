#include "autodiff/reduce.hpp"

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
  T total = 0;
  for (T v : x.value()) total += v * v;

  return x.tape().record("sum_squares", Tensor<T>::scalar(total), {x}, [x](const Tensor<T>& dy) {
    Tensor<T>& dx = x.grad_accumulator();
    const T* X = x.value().data();
    for (std::size_t i = 0; i < dx.size(); ++i) dx[i] += T{2} * X[i] * dy[0];
  });
}

template Var<float> sum(Var<float>);
template Var<double> sum(Var<double>);
template Var<float> mean(Var<float>);
template Var<double> mean(Var<double>);
template Var<float> sum_squares(Var<float>);
template Var<double> sum_squares(Var<double>);

}  // namespace ad
