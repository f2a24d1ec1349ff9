// Learning-rate schedules: the step size as a function of training progress.
//
// A schedule is a plain value you ask for the rate at a point of the run and hand to
// Optimizer::set_lr() before each step; it keeps no state, so resuming a run at step s asks for
// the rate at s and gets the same number it would have had.
//
// StaircaseDecay is TensorFlow's tf.train.exponential_decay with staircase=True:
//   lr(t) = base_lr · decay_rate ^ floor(t / decay_every)
// where t counts whatever the caller counts. The MNIST tutorial counts examples seen
// (t = step · batch size) and decays once per epoch (decay_every = the training set's size), so
// that lr = 0.01 · 0.95^epoch.
#pragma once

#include <cstddef>

namespace optim {

struct StaircaseDecay {
  double base_lr = 0.01;
  double decay_rate = 0.95;
  std::size_t decay_every = 1;

  // Requires: base_lr > 0 and finite, decay_rate in (0, 1], decay_every >= 1 (throws
  //           std::invalid_argument naming StaircaseDecay and the field).
  void validate() const;
  // base_lr · decay_rate^floor(t / decay_every).
  double operator()(std::size_t t) const;
};

}  // namespace optim
