// Inverted dropout on the tape (Srivastava et al., JMLR 2014, with the scaling moved to
// training time, as TensorFlow's tf.nn.dropout does).
//
// In training, each element is kept with probability keep_prob and then divided by keep_prob,
// or else set to 0; in expectation the output equals the input, so evaluation needs no
// rescaling and is the identity. Backward lets the gradient through the same mask:
//   y = mask ⊙ x / keep_prob      dx += mask ⊙ dy / keep_prob
//
// The mask is a pure function of (seed, element index): element i is kept when the i-th draw
// of a SplitMix64 stream started from `seed` (Steele, Lea & Flood, OOPSLA 2014), read as a
// 53-bit fraction in [0, 1), is below keep_prob. That is a few integer operations written out
// here, so the mask is the same on every platform and standard library (the standard's
// distributions, unlike its engines, are implementation-defined), and reproducing a run needs
// nothing but the seed. Use a new seed for every training step (e.g. derived from the run's
// seed and the step number): the same seed gives the same mask.
#pragma once

#include <cstdint>
#include <type_traits>

#include "autodiff/tape.hpp"

namespace ad {

// x[...] -> y[...], same shape.
// Requires: 0 < keep_prob <= 1 (throws std::invalid_argument otherwise, also when not training).
// Ensures:  training: y[i] = x[i] / keep_prob where element i is kept, 0 elsewhere, the kept
//           elements chosen by `seed` alone (see above); backward adds mask ⊙ dy / keep_prob.
//           Not training, or keep_prob == 1: returns x itself (no node is recorded).
template <typename T>
Var<T> dropout(Var<T> x, std::type_identity_t<T> keep_prob, std::uint64_t seed, bool training);

}  // namespace ad
