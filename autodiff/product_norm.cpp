#include "autodiff/product_norm.hpp"

#include <stdexcept>
#include <string>

#include "autodiff/blas.hpp"
#include "autodiff/checks.hpp"
#include "autodiff/matmul.hpp"
#include "autodiff/reduce.hpp"

namespace ad {

template <typename T>
Var<T> product_sum_squares(Var<T> w1, Var<T> w2) {
  // ||W1[in,h] · W2[h,out]||² -> y[] = <A, B>, A = W1ᵀW1 [h,h], B = W2W2ᵀ [h,h]
  const char* op = "product_sum_squares";
  checks::rank(op, "W1", w1.shape(), 2);
  checks::rank(op, "W2", w2.shape(), 2);
  if (w1.shape()[1] != w2.shape()[0]) {
    throw std::invalid_argument(std::string(op) + ": W1 is " + w1.shape().str() + " but W2 is " +
                                w2.shape().str() + "; inner dimensions differ (" +
                                std::to_string(w1.shape()[1]) +
                                " != " + std::to_string(w2.shape()[0]) + ")");
  }
  const std::size_t in = w1.shape()[0], h = w1.shape()[1], out = w2.shape()[1];
  // Multiply-adds: through the Gram matrices 1.5·in·h² + 1.5·h²·out (A and B, symmetric, at
  // half a product each, then W1·B and A·W2); through the product 3·in·h·out (P, then dP·W2ᵀ
  // and W1ᵀ·dP). A wide hidden layer (h larger than in and out) makes the product the cheaper
  // one: then compose the ops.
  const double gram_cost = 1.5 * h * h * (double(in) + double(out));
  const double product_cost = 3.0 * double(in) * h * out;
  if (product_cost < gram_cost) return sum_squares(matmul(w1, w2));

  const T* W1 = w1.value().data();
  const T* W2 = w2.value().data();
  auto a = Tensor<T>::uninitialized({h, h});
  auto b = Tensor<T>::uninitialized({h, h});
  blas::gram(Transpose::yes, h, in, T{1}, W1, T{0}, a.data());  // symmetric: half a gemm
  blas::gram(Transpose::no, h, out, T{1}, W2, T{0}, b.data());
  const double value = blas::dot_double(a.size(), a.data(), b.data());

  return w1.tape().record(
      op, Tensor<T>::scalar(static_cast<T>(value)), {w1, w2},
      [w1, w2, a = std::move(a), b = std::move(b), in, h, out](const Tensor<T>& dy) {
        const T two_dy = T{2} * dy.item();
        if (w1.requires_grad()) {  // dW1 += 2·dy · W1·B
          T beta = 0;
          T* dw1 = w1.grad_accumulator(beta).data();
          blas::gemm(Transpose::no, Transpose::no, in, h, h, two_dy, w1.value().data(), b.data(),
                     beta, dw1);
        }
        if (w2.requires_grad()) {  // dW2 += 2·dy · A·W2
          T beta = 0;
          T* dw2 = w2.grad_accumulator(beta).data();
          blas::gemm(Transpose::no, Transpose::no, h, out, h, two_dy, a.data(), w2.value().data(),
                     beta, dw2);
        }
      });
}

template Var<float> product_sum_squares(Var<float>, Var<float>);
template Var<double> product_sum_squares(Var<double>, Var<double>);

}  // namespace ad
