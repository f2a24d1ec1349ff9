// Argument checks shared by the ops: each throws std::invalid_argument naming the op and the
// shapes involved, so a user's mistake is reported where it is made.
#pragma once

#include <stdexcept>
#include <string>

#include "autodiff/shape.hpp"

namespace ad::checks {

inline void same_shape(const char* op, const Shape& a, const Shape& b) {
  if (a != b) {
    throw std::invalid_argument(std::string(op) + ": A is " + a.str() + " but B is " + b.str() +
                                "; shapes must be equal (there is no implicit broadcasting; "
                                "for a row-wise bias use add_bias)");
  }
}

inline void rank(const char* op, const char* what, const Shape& s, int expected) {
  if (s.rank() != expected) {
    throw std::invalid_argument(std::string(op) + ": " + what + " is " + s.str() +
                                ", expected rank " + std::to_string(expected));
  }
}

inline void not_empty(const char* op, const Shape& s) {
  if (s.size() == 0) {
    throw std::invalid_argument(std::string(op) + ": input " + s.str() +
                                " has no elements, and this op needs at least one");
  }
}

}  // namespace ad::checks
