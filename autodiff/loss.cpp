#include "autodiff/loss.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "autodiff/checks.hpp"

namespace ad {

template <typename T>
Var<T> softmax_cross_entropy(Var<T> logits, const std::vector<int>& labels) {
  // Z[B,C], labels[B] -> y[]
  const Shape& s = logits.shape();
  checks::rank("softmax_cross_entropy", "logits", s, 2);
  checks::not_empty("softmax_cross_entropy", s);
  const std::size_t rows = s[0], classes = s[1];
  if (labels.size() != rows) {
    throw std::invalid_argument("softmax_cross_entropy: logits are " + s.str() + " but " +
                                std::to_string(labels.size()) + " labels were given; expected " +
                                std::to_string(rows));
  }
  for (std::size_t i = 0; i < rows; ++i) {
    if (labels[i] < 0 || static_cast<std::size_t>(labels[i]) >= classes) {
      throw std::invalid_argument("softmax_cross_entropy: label " + std::to_string(labels[i]) +
                                  " of row " + std::to_string(i) + " is outside [0, " +
                                  std::to_string(classes) + ")");
    }
  }

  // Row by row: p = exp(z - max) / sum, loss_i = log(sum) + max - z[label].
  const Tensor<T>& Z = logits.value();
  Tensor<T> probs = Tensor<T>::uninitialized(s);
  double total = 0;
  for (std::size_t i = 0; i < rows; ++i) {
    const T* z = Z.data() + i * classes;
    T* p = probs.data() + i * classes;
    const T zmax = *std::max_element(z, z + classes);
    T denom = 0;
    for (std::size_t j = 0; j < classes; ++j) denom += p[j] = std::exp(z[j] - zmax);
    for (std::size_t j = 0; j < classes; ++j) p[j] /= denom;
    total += std::log(denom) + zmax - z[labels[i]];
  }
  Tensor<T> loss = Tensor<T>::scalar(static_cast<T>(total / double(rows)));

  return logits.tape().record(
      "softmax_cross_entropy", std::move(loss), {logits},
      [logits, labels, probs = std::move(probs), rows, classes](const Tensor<T>& dy) {
        Tensor<T>& dz = logits.grad_accumulator();  // dZ += (p - onehot) / B · dy
        const T g = dy[0] / T(rows);
        for (std::size_t i = 0; i < rows; ++i) {
          for (std::size_t j = 0; j < classes; ++j)
            dz[i * classes + j] += g * probs[i * classes + j];
          dz[i * classes + static_cast<std::size_t>(labels[i])] -= g;
        }
      });
}

template Var<float> softmax_cross_entropy(Var<float>, const std::vector<int>&);
template Var<double> softmax_cross_entropy(Var<double>, const std::vector<int>&);

}  // namespace ad
