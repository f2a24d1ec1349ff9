// Ops that move elements around without changing them: reshape, flatten, transpose.
//
// reshape and flatten keep the row-major order of the elements, so their backward is the
// incoming gradient read under the input's shape. transpose swaps the axes of a matrix and its
// backward transposes the gradient back. (matmul reads transposed operands in place through a
// flag; use transpose only where a transposed copy is really needed.)
#pragma once

#include <vector>

#include "autodiff/tape.hpp"

namespace ad {

// X -> Y with the same elements in the same order under `shape`.
// Requires: shape.size() == X's element count.
template <typename T>
Var<T> reshape(Var<T> x, Shape shape);
// X[N, d1, d2, ...] -> Y[N, d1*d2*...]: one row per sample (a convnet's feature maps to a
// dense layer's input). Requires: rank >= 1; a rank-1 X[N] becomes [N,1].
template <typename T>
Var<T> flatten(Var<T> x);
// X[M,N] -> Y[N,M].  Requires: rank 2.
template <typename T>
Var<T> transpose(Var<T> x);
// A_1[m_1,n], ..., A_K[m_K,n] -> Y[m_1+...+m_K, n]: the matrices one below the other.
// Its backward hands each input its block of rows of dY. (Used to train several models in one
// GEMM: their weight rows stacked.) Requires: K >= 1, all rank 2 with the same column count.
template <typename T>
Var<T> stack_rows(const std::vector<Var<T>>& rows);

}  // namespace ad
