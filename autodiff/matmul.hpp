// Matrix product on the tape, through BLAS.
//
// matmul(A, B) records C = op(A) · op(B) where op(X) is X, or Xᵀ when its flag says so: a
// transposed operand is read in place by BLAS, never copied. Its backward is two more BLAS
// calls that add straight into the inputs' gradients (beta = 1 after the first contribution):
//   dA += dC · op(B)ᵀ      dB += op(A)ᵀ · dC      (with the flags arranged for transposed inputs)
#pragma once

#include "autodiff/blas.hpp"
#include "autodiff/tape.hpp"

namespace ad {

// op(A)[M,K] · op(B)[K,N] -> C[M,N].
// Requires: A and B of rank 2 on the same tape, with matching inner dimensions (throws
//           std::invalid_argument naming both shapes otherwise).
// Ensures:  C's value is the product; backward adds into A's and B's gradients.
template <typename T>
Var<T> matmul(Var<T> a, Var<T> b, Transpose ta = Transpose::no, Transpose tb = Transpose::no);

}  // namespace ad
