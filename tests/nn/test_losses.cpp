#include <catch2/catch.hpp>

#include "autodiff/autodiff.hpp"
#include "gradcheck.hpp"
#include "nn/losses.hpp"

using ad::Tensor;
using testing::random_tensor;

TEST_CASE("lp_loss: equals ad::lp_regression_losses of one model, value and gradient", "[nn]") {
  // The composed loss against the fused op (autodiff/lp_regression.hpp, tested there against a
  // composition of its own): one model of k = 2 outputs, p = 2 and 4.
  const Tensor<double> x = random_tensor({13, 4}, 31), y = random_tensor({13, 2}, 32);
  const Tensor<double> v = random_tensor({2, 4}, 33, -0.3, 0.3);
  for (int p : {2, 4}) {
    INFO("p " << p);
    ad::Tape<double> composed_tape;
    auto vc = composed_tape.variable(v);
    auto composed =
        nn::lp_loss(ad::matmul(composed_tape.input(x), vc, ad::Transpose::no, ad::Transpose::yes),
                    composed_tape.input(y), p);
    composed_tape.backward(composed);
    ad::Tape<double> fused_tape;
    auto vf = fused_tape.variable(v);
    auto fused = ad::lp_regression_losses(fused_tape.input(x), vf, fused_tape.input(y), p);
    fused_tape.backward(ad::sum(fused));
    CHECK(composed.value().item() == Approx(fused.value()[0]).epsilon(1e-13));
    for (std::size_t i = 0; i < v.size(); ++i)
      CHECK(vc.grad()[i] == Approx(vf.grad()[i]).epsilon(1e-12));
  }
}
