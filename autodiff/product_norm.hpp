// The squared Frobenius norm of a matrix product, ||W1·W2||², without forming the product.
//
// An L2 penalty on the end-to-end weight of a factored layer (nn::OverparamDense, the paper's
// section 8) needs ||W1·W2||² and its gradients every step. Forming P = W1·W2 costs a product,
// and its backward two more (dP·W2ᵀ and W1ᵀ·dP). Through the Gram matrices A = W1ᵀW1 and
// B = W2·W2ᵀ, both [h,h],
//   ||W1·W2||² = tr(W2ᵀ W1ᵀ W1 W2) = <A, B>,   d/dW1 = 2·W1·B,   d/dW2 = 2·A·W2,
// which for a narrow inner dimension h is much cheaper (A and B, symmetric, at half a product
// each by blas::gram). The op picks the cheaper of the two forms; both give the same value and
// gradients up to rounding.
#pragma once

#include "autodiff/tape.hpp"

namespace ad {

// W1[in,h], W2[h,out] -> y[] = ||W1·W2||² = Σ_ij (W1·W2)_ij².
// Multiply-adds: through the Gram matrices 1.5·h²·(in + out) (A and B, then W1·B and A·W2 in
// backward); through the product 3·in·h·out (P, then dP·W2ᵀ and W1ᵀ·dP). When the product is
// the cheaper one (a hidden layer wider than in and out) the op records
// sum_squares(matmul(W1, W2)) instead of one fused node.
// The Gram form's value is summed in double (blas::dot_double), whatever T is.
// Requires: W1 and W2 of rank 2 with W1's columns = W2's rows (throws std::invalid_argument
//           naming both shapes otherwise).
// Ensures:  a scalar on W1's tape; backward adds 2·dy·W1·B into W1's gradient and 2·dy·A·W2
//           into W2's, each only when that input needs one.
template <typename T>
Var<T> product_sum_squares(Var<T> w1, Var<T> w2);

}  // namespace ad
