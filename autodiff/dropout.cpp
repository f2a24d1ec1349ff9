#include "autodiff/dropout.hpp"

#include <stdexcept>
#include <string>
#include <vector>

namespace ad {

namespace {
// SplitMix64's output function: a bijective mix of 64 bits (Steele, Lea & Flood 2014).
std::uint64_t mix(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
constexpr std::uint64_t golden_gamma = 0x9e3779b97f4a7c15ULL;  // SplitMix64's state increment

// Uniform in [0, 1): the i-th draw of a SplitMix64 stream whose state starts at mix(seed)
// (mixing the seed first keeps the streams of nearby seeds such as 1, 2, 3 unrelated).
double uniform(std::uint64_t start, std::uint64_t i) {
  return static_cast<double>(mix(start + (i + 1) * golden_gamma) >> 11) * 0x1.0p-53;
}
}  // namespace

template <typename T>
Var<T> dropout(Var<T> x, std::type_identity_t<T> keep_prob, std::uint64_t seed, bool training) {
  // x[...] -> y[...]
  if (!(keep_prob > T{0} && keep_prob <= T{1})) {  // also refuses NaN
    throw std::invalid_argument("dropout: keep_prob must be in (0, 1], got " +
                                std::to_string(keep_prob) +
                                " (it is the probability to KEEP an element, not to drop it)");
  }
  if (!training || keep_prob == T{1}) return x;

  const T scale = T{1} / keep_prob;
  const std::uint64_t start = mix(seed);
  const std::size_t size = x.value().size();
  std::vector<std::uint8_t> kept(size);  // 1 where element i is kept
  Tensor<T> y = x.value();
  for (std::size_t i = 0; i < size; ++i) {
    kept[i] = uniform(start, i) < static_cast<double>(keep_prob) ? 1 : 0;
    y[i] = kept[i] ? y[i] * scale : T{0};
  }

  return x.tape().record("dropout", std::move(y), {x},
                         [x, scale, kept = std::move(kept)](const Tensor<T>& dy) {
                           Tensor<T>& dx = x.grad_accumulator();  // dx += mask ⊙ dy / keep_prob
                           for (std::size_t i = 0; i < kept.size(); ++i)
                             if (kept[i]) dx[i] += dy[i] * scale;
                         });
}

template Var<float> dropout(Var<float>, float, std::uint64_t, bool);
template Var<double> dropout(Var<double>, double, std::uint64_t, bool);

}  // namespace ad
