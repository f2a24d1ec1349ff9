#include "nn/losses.hpp"

#include <stdexcept>
#include <string>

#include "autodiff/elementwise.hpp"
#include "autodiff/reduce.hpp"

namespace nn {

namespace {
void check_p(const char* op, int p) {
  if (p < 2 || p % 2 != 0) {
    throw std::invalid_argument(std::string(op) + ": p must be an even integer >= 2, got " +
                                std::to_string(p));
  }
}
}  // namespace

template <typename T>
ad::Var<T> lp_loss(ad::Var<T> yhat, ad::Var<T> y, int p) {
  check_p("lp_loss", p);
  const ad::Shape& s = yhat.shape();
  if (s.rank() != 2 || s[0] == 0) {
    throw std::invalid_argument("lp_loss: predictions are " + s.str() + ", expected [m,k], m >= 1");
  }
  const T scale = T{1} / (T(p) * T(s[0]));
  return ad::scale(ad::sum(ad::pow(ad::sub(yhat, y), p)), scale);
}

template ad::Var<float> lp_loss(ad::Var<float>, ad::Var<float>, int);
template ad::Var<double> lp_loss(ad::Var<double>, ad::Var<double>, int);

}  // namespace nn
