// Vectors of W lanes for the hand-vectorized kernels (lp_kernel.cpp, winograd.cpp): GCC's and
// Clang's vector extension, where arithmetic is lane-wise and a scalar operand is broadcast to
// every lane. The kernels instantiate these for each instruction set they are compiled for.
#pragma once

#include <cstring>

#define OVERPARAM_INLINE inline __attribute__((always_inline))

namespace ad::lanes {

template <typename T, int W>
struct Lanes {
  typedef T type __attribute__((vector_size(W * sizeof(T))));
};
template <typename T, int W>
using Vec = typename Lanes<T, W>::type;

// Unaligned loads and stores. Vectors pass by reference, never by value: a 32- or 64-byte
// vector argument would have a different ABI with and without AVX.
template <typename V, typename T>
OVERPARAM_INLINE void load(V& v, const T* p) {
  std::memcpy(&v, p, sizeof v);
}
template <typename V, typename T>
OVERPARAM_INLINE void store(T* p, const V& v) {
  std::memcpy(p, &v, sizeof v);
}

}  // namespace ad::lanes
