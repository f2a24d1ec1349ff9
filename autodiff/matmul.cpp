#include "autodiff/matmul.hpp"

#include <stdexcept>
#include <string>

#include "autodiff/checks.hpp"

namespace ad {

namespace {
std::string describe(const char* name, const Shape& s, Transpose t) {
  if (t == Transpose::no) return std::string(name) + " is " + s.str();
  return std::string(name) + "ᵀ is [" + std::to_string(s[1]) + "," + std::to_string(s[0]) + "] (" +
         name + " " + s.str() + " transposed)";
}
Transpose flip(Transpose t) {
  return t == Transpose::yes ? Transpose::no : Transpose::yes;
}
}  // namespace

template <typename T>
Var<T> matmul(Var<T> a, Var<T> b, Transpose ta, Transpose tb) {
  // op(A)[M,K] · op(B)[K,N] -> C[M,N]
  const Tensor<T>& A = a.value();
  const Tensor<T>& B = b.value();
  checks::rank("matmul", "A", A.shape(), 2);
  checks::rank("matmul", "B", B.shape(), 2);
  const std::size_t m = ta == Transpose::no ? A.rows() : A.cols();
  const std::size_t k = ta == Transpose::no ? A.cols() : A.rows();
  const std::size_t kb = tb == Transpose::no ? B.rows() : B.cols();
  const std::size_t n = tb == Transpose::no ? B.cols() : B.rows();
  if (k != kb) {
    throw std::invalid_argument("matmul: " + describe("A", A.shape(), ta) + " but " +
                                describe("B", B.shape(), tb) + "; inner dimensions differ (" +
                                std::to_string(k) + " != " + std::to_string(kb) + ")");
  }
  auto C = Tensor<T>::uninitialized({m, n});
  blas::gemm(ta, tb, m, n, k, T{1}, A.data(), B.data(), T{0}, C.data());

  return a.tape().record("matmul", std::move(C), {a, b}, [=](const Tensor<T>& dC) {
    T beta;
    if (a.requires_grad()) {
      Tensor<T>& dA = a.grad_accumulator(beta);
      if (ta == Transpose::no) {  // dA[M,K] += dC[M,N] · op(B)ᵀ
        blas::gemm(Transpose::no, flip(tb), m, k, n, T{1}, dC.data(), b.value().data(), beta,
                   dA.data());
      } else {  // A stored [K,M]: dA += op(B)[K,N] · dCᵀ
        blas::gemm(tb, Transpose::yes, k, m, n, T{1}, b.value().data(), dC.data(), beta, dA.data());
      }
    }
    if (b.requires_grad()) {
      Tensor<T>& dB = b.grad_accumulator(beta);
      if (tb == Transpose::no) {  // dB[K,N] += op(A)ᵀ · dC[M,N]
        blas::gemm(flip(ta), Transpose::no, k, n, m, T{1}, a.value().data(), dC.data(), beta,
                   dB.data());
      } else {  // B stored [N,K]: dB += dCᵀ · op(A)[M,K]
        blas::gemm(Transpose::yes, ta, n, k, m, T{1}, dC.data(), a.value().data(), beta, dB.data());
      }
    }
  });
}

template Var<float> matmul(Var<float>, Var<float>, Transpose, Transpose);
template Var<double> matmul(Var<double>, Var<double>, Transpose, Transpose);

}  // namespace ad
