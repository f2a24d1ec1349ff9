// Elementwise ops on the tape: each output element depends on the matching input elements.
//
// Shapes must match exactly; nothing is broadcast implicitly. The one broadcast the project
// needs, a bias added to every row of a batch, is its own op, add_bias, whose backward is a
// column sum. Each op's backward sits right below its forward in elementwise.cpp.
#pragma once

#include <type_traits>

#include "autodiff/tape.hpp"

namespace ad {

// A + B -> C, same shapes.                      backward: dA += dC, dB += dC
template <typename T>
Var<T> add(Var<T> a, Var<T> b);
// A - B -> C, same shapes.                      backward: dA += dC, dB -= dC
template <typename T>
Var<T> sub(Var<T> a, Var<T> b);
// A ⊙ B -> C (elementwise product).             backward: dA += dC ⊙ B, dB += dC ⊙ A
template <typename T>
Var<T> mul(Var<T> a, Var<T> b);
// s · A -> C for a constant scalar s.           backward: dA += s · dC
template <typename T>
Var<T> scale(Var<T> a, std::type_identity_t<T> s);
// X[M,N] + b[N] -> Y[M,N] (b added to every row). backward: dX += dY, db += column sums of dY
template <typename T>
Var<T> add_bias(Var<T> x, Var<T> b);
// X^p elementwise, p a non-negative integer given as a number (the l_p losses use p = 2, 4).
// Requires: p is a whole number >= 0 (throws std::invalid_argument for 2.5 or -1).
//                                               backward: dX += p · X^(p-1) ⊙ dY
template <typename T>
Var<T> pow(Var<T> x, double p);
// max(X, 0) elementwise.                        backward: dX += dY where X > 0 (0 at X = 0)
template <typename T>
Var<T> relu(Var<T> x);

template <typename T>
Var<T> operator+(Var<T> a, Var<T> b) {
  return add(a, b);
}
template <typename T>
Var<T> operator-(Var<T> a, Var<T> b) {
  return sub(a, b);
}
template <typename T>
Var<T> operator*(Var<T> a, Var<T> b) {
  return mul(a, b);
}
template <typename T>
Var<T> operator*(std::type_identity_t<T> s, Var<T> a) {
  return scale(a, s);
}
template <typename T>
Var<T> operator*(Var<T> a, std::type_identity_t<T> s) {
  return scale(a, s);
}
template <typename T>
Var<T> operator-(Var<T> a) {
  return scale(a, T{-1});
}

}  // namespace ad
