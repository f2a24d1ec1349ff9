// Losses on the tape.
//
// softmax_cross_entropy fuses log-softmax and the negative log-likelihood of the true class,
// because the fused form is both stable and simple: with p = softmax(z),
//   loss = mean over rows of ( logsumexp(z) - z[label] )   and   dz = (p - onehot(label)) / B.
// logsumexp subtracts each row's maximum first, so large logits never overflow exp().
#pragma once

#include <vector>

#include "autodiff/tape.hpp"

namespace ad {

// logits Z[B,C], labels[B] in 0..C-1 -> mean cross-entropy y[].
// Requires: Z of rank 2 with B, C >= 1; labels.size() == B; every label in [0, C)
//           (throws std::invalid_argument naming the offending row otherwise).
// Ensures:  backward adds (softmax(Z) - onehot) / B · dy into dZ.
template <typename T>
Var<T> softmax_cross_entropy(Var<T> logits, const std::vector<int>& labels);

}  // namespace ad
