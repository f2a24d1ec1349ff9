#include "optim/schedule.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace optim {

void StaircaseDecay::validate() const {
  auto fail = [](const std::string& why) { throw std::invalid_argument("StaircaseDecay: " + why); };
  if (!(base_lr > 0) || !std::isfinite(base_lr))
    fail("base_lr must be a positive number, got " + std::to_string(base_lr));
  if (!(decay_rate > 0 && decay_rate <= 1))
    fail("decay_rate must be in (0, 1], got " + std::to_string(decay_rate));
  if (decay_every < 1) fail("decay_every must be at least 1");
}

double StaircaseDecay::operator()(std::size_t t) const {
  return base_lr * std::pow(decay_rate, double(t / decay_every));
}

}  // namespace optim
