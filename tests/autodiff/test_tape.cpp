#include <catch2/catch.hpp>

#include "autodiff/autodiff.hpp"
#include "gradcheck.hpp"

using ad::Parameter;
using ad::Shape;
using ad::Tensor;
using testing::random_away_from_zero;
using testing::random_tensor;

TEST_CASE("tape: backward from a scalar fills parameter gradients (y = sum(w * w))", "[autodiff]") {
  Parameter<double> w(Tensor<double>({3}, {1, -2, 3}), "w");
  ad::Tape<double> tape;
  auto x = tape.param(w);
  tape.backward(ad::sum(x * x));
  REQUIRE(w.has_grad());
  CHECK(w.grad()[0] == 2);
  CHECK(w.grad()[1] == -4);
  CHECK(w.grad()[2] == 6);
}

TEST_CASE("tape: parameter gradients accumulate across passes until zero_grad", "[autodiff]") {
  Parameter<double> w(Tensor<double>({2}, {1, 2}), "w");
  ad::Tape<double> tape;
  for (int pass = 0; pass < 2; ++pass) {
    tape.clear();
    tape.backward(ad::sum(3.0 * tape.param(w)));
  }
  CHECK(w.grad()[0] == 6);
  CHECK(w.grad()[1] == 6);
  w.zero_grad();
  CHECK_FALSE(w.has_grad());
  CHECK_THROWS_AS(w.grad(), std::logic_error);
  tape.clear();
  tape.backward(ad::sum(tape.param(w)));
  CHECK(w.grad()[0] == 1);  // zero_grad restarted the accumulation
}

TEST_CASE("tape: a node used by several consumers sums their gradients", "[autodiff]") {
  ad::Tape<double> tape;
  auto x = tape.variable(Tensor<double>::scalar(3));
  auto y = x * x + 2.0 * x + x;  // dy/dx = 2x + 3 = 9
  tape.backward(y);
  CHECK(x.grad().item() == 9);
}

TEST_CASE("tape: inputs and constants get no gradient, and no backward is recorded", "[autodiff]") {
  const Tensor<double> data({2}, {1, 2});
  ad::Tape<double> tape;
  auto x = tape.input(data);
  auto c = tape.constant(Tensor<double>({2}, {3, 4}));
  auto y = x * c;
  CHECK_FALSE(y.requires_grad());
  CHECK(&x.value() == &data);  // borrowed, not copied
  CHECK_THROWS_WITH(tape.backward(ad::sum(y)), Catch::Contains("nothing to differentiate"));
}

TEST_CASE("NoGradGuard: ops compute values but record no backward", "[autodiff]") {
  Parameter<double> w(Tensor<double>({2}, {1, 2}));
  ad::Tape<double> tape;
  {
    ad::NoGradGuard no_grad;
    CHECK_FALSE(ad::NoGradGuard::grad_enabled());
    auto y = ad::sum(tape.param(w) * tape.param(w));
    CHECK(y.value().item() == 5);
    CHECK_FALSE(y.requires_grad());
  }
  CHECK(ad::NoGradGuard::grad_enabled());
  CHECK(ad::sum(tape.param(w)).requires_grad());
}

TEST_CASE("tape: backward from a non-scalar needs a seed, and says so", "[autodiff][errors]") {
  ad::Tape<double> tape;
  auto x = tape.variable(Tensor<double>({2, 2}));
  auto y = ad::relu(x);
  CHECK_THROWS_AS(tape.backward(y), std::logic_error);
  CHECK_THROWS_WITH(tape.backward(y), Catch::Contains("[2,2]") && Catch::Contains("not a scalar") &&
                                          Catch::Contains("seed"));
  CHECK_THROWS_WITH(tape.backward(y, Tensor<double>({4})),
                    Catch::Contains("seed has shape [4] but the output has shape [2,2]"));
}

TEST_CASE("tape: reading a gradient that was never computed says why", "[autodiff][errors]") {
  ad::Tape<double> tape;
  auto x = tape.variable(Tensor<double>({2}, {1, 2}), "x");
  auto unused = tape.variable(Tensor<double>({2}), "unused");
  auto data = tape.constant(Tensor<double>({2}), "data");
  CHECK_THROWS_AS(x.grad(), std::logic_error);
  CHECK_THROWS_WITH(
      x.grad(), Catch::Contains("'x'") && Catch::Contains("forget") && Catch::Contains("backward"));
  tape.backward(ad::sum(x));
  CHECK(x.grad()[0] == 1);
  CHECK_THROWS_WITH(unused.grad(), Catch::Contains("does not depend on it"));
  CHECK_THROWS_WITH(data.grad(), Catch::Contains("does not track gradients"));
}

TEST_CASE("tape: a second backward on the same pass is refused", "[autodiff][errors]") {
  ad::Tape<double> tape;
  auto y = ad::sum(tape.variable(Tensor<double>({2})));
  tape.backward(y);
  CHECK_THROWS_WITH(tape.backward(y), Catch::Contains("already ran") && Catch::Contains("clear"));
}

TEST_CASE("tape: Vars of a cleared pass or of another tape are refused", "[autodiff][errors]") {
  ad::Tape<double> tape, other;
  auto x = tape.variable(Tensor<double>({2}));
  auto z = other.variable(Tensor<double>({2}));
  CHECK_THROWS_WITH(x + z, Catch::Contains("another tape"));
  tape.clear();
  CHECK_THROWS_WITH(x.value(), Catch::Contains("stale"));
  ad::Var<double> empty;
  CHECK_THROWS_WITH(empty.value(), Catch::Contains("empty Var"));
  CHECK_THROWS_AS(empty.grad(), std::logic_error);
  CHECK_THROWS_AS(ad::relu(empty), std::logic_error);
}

TEST_CASE("tape: a two-layer network checked end to end", "[autodiff][gradcheck]") {
  // X[5,4] -> relu(X W1ᵀ + b1)[5,3] -> (. W2ᵀ + b2)[5,2] -> cross-entropy.
  const std::vector<int> labels = {0, 1, 1, 0, 1};
  auto build = [&](auto& tape, const auto& p) {
    auto x = tape.constant(random_tensor({5, 4}, 51)
                               .template cast<typename std::decay_t<decltype(p[0].value()[0])>>());
    auto h =
        ad::relu(ad::add_bias(ad::matmul(x, p[0], ad::Transpose::no, ad::Transpose::yes), p[1]));
    auto logits = ad::add_bias(ad::matmul(h, p[2], ad::Transpose::no, ad::Transpose::yes), p[3]);
    return ad::softmax_cross_entropy(logits, labels) + 0.01 * ad::sum_squares(p[0]);
  };
  CHECK_GRADIENTS(build,
                  (std::vector{random_tensor({3, 4}, 52), random_away_from_zero({3}, 53, 0.3),
                               random_tensor({2, 3}, 54), random_tensor({2}, 55)}));
}

TEST_CASE("to_dot: one node per op with its shape, one edge per input", "[autodiff]") {
  Parameter<double> w(Tensor<double>({2, 3}), "W");
  const Tensor<double> data({4, 3});
  ad::Tape<double> tape;
  auto x = tape.input(data, "X");  // leaves in separate statements: nodes n0, n1 in this order
  auto weight = tape.param(w);
  ad::sum(ad::relu(ad::matmul(x, weight, ad::Transpose::no, ad::Transpose::yes)));
  const std::string dot = tape.to_dot();
  CHECK(dot.rfind("digraph tape {", 0) == 0);
  CHECK(dot.find("n0 [label=\"X (input)\\n[4,3]\"") != std::string::npos);
  CHECK(dot.find("n1 [label=\"W (param)\\n[2,3]\"") != std::string::npos);
  CHECK(dot.find("n2 [label=\"matmul\\n[4,2]\"]") != std::string::npos);
  CHECK(dot.find("n3 [label=\"relu\\n[4,2]\"]") != std::string::npos);
  CHECK(dot.find("n4 [label=\"sum\\n[]\"]") != std::string::npos);
  for (const char* edge : {"n0 -> n2;", "n1 -> n2;", "n2 -> n3;", "n3 -> n4;"})
    CHECK(dot.find(edge) != std::string::npos);
  CHECK(std::count(dot.begin(), dot.end(), '>') == 4);  // exactly four edges
}

TEST_CASE("Tensor: construction, deep copy, reshape and errors", "[autodiff]") {
  Tensor<float> a({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor<float> b = a;
  b[0] = 42;
  CHECK(a[0] == 1);  // deep copy
  CHECK(a.at(1, 2) == 6);
  CHECK(a.reshaped({3, 2}).at(2, 0) == 5);
  CHECK(Tensor<double>().empty());
  CHECK(Tensor<double>::scalar(2.5).item() == 2.5);
  CHECK_THROWS_WITH(Tensor<float>({2, 2}, {1, 2, 3}),
                    Catch::Contains("[2,2] holds 4 elements but 3 were given"));
  CHECK_THROWS_AS(a.item(), std::logic_error);
  CHECK_THROWS_AS(Shape({1, 2, 3, 4, 5}), std::invalid_argument);
}

TEST_CASE("Tape::node: a read-only view of each node, before and after backward", "[autodiff]") {
  Parameter<double> w(Tensor<double>({2, 3}, 0.5), "W");
  const Tensor<double> data({4, 3}, 1.0);
  ad::Tape<double> tape;
  auto x = tape.input(data, "X");
  auto weight = tape.param(w);
  auto c = tape.constant(Tensor<double>({4, 2}, 1.0));  // named like its kind
  auto v = tape.variable(Tensor<double>({4, 2}, 2.0), "V");
  auto y =
      ad::sum(ad::mul(ad::add(ad::matmul(x, weight, ad::Transpose::no, ad::Transpose::yes), c), v));
  REQUIRE(tape.size() == 8);

  const auto n0 = tape.node(0);
  CHECK(n0.index == 0);
  CHECK(n0.op == "input");
  CHECK(n0.name == "X");
  CHECK(n0.leaf == ad::LeafKind::input);
  CHECK(n0.is_leaf());
  CHECK_FALSE(n0.parameter);
  CHECK_FALSE(n0.requires_grad);
  CHECK(n0.value == &data);  // borrowed, not copied
  CHECK(n0.inputs.empty());

  const auto n1 = tape.node(1);
  CHECK(n1.op == "param");
  CHECK(n1.name == "W");
  CHECK(n1.leaf == ad::LeafKind::param);
  CHECK(n1.parameter);
  CHECK(n1.requires_grad);
  CHECK(n1.value == &w.value());
  CHECK(n1.grad == nullptr);

  CHECK(tape.node(2).leaf == ad::LeafKind::constant);
  CHECK(tape.node(2).name == "constant");
  CHECK(tape.node(3).leaf == ad::LeafKind::variable);
  CHECK(tape.node(3).name == "V");

  const auto n4 = tape.node(4);
  CHECK(n4.op == "matmul");
  CHECK(n4.name == "matmul");
  CHECK(n4.leaf == ad::LeafKind::none);
  CHECK_FALSE(n4.is_leaf());
  CHECK(n4.shape() == ad::Shape{4, 2});
  CHECK(n4.inputs == std::vector<std::size_t>{0, 1});
  CHECK(tape.node(6).inputs == std::vector<std::size_t>{5, 3});
  CHECK(tape.node(7).shape() == ad::Shape{});
  CHECK(tape.node(7).value->item() == y.value().item());
  CHECK(tape.node(7).grad == nullptr);

  tape.backward(y);
  REQUIRE(tape.node(1).grad != nullptr);
  CHECK(tape.node(1).grad == &w.grad());  // a parameter's gradient lives in the Parameter
  REQUIRE(tape.node(3).grad != nullptr);
  CHECK(tape.node(3).grad == &v.grad());
  CHECK(tape.node(0).grad == nullptr);  // data gets none
  CHECK(tape.node(7).grad->item() == 1.0);
  CHECK_THROWS_AS(tape.node(8), std::out_of_range);
}

TEST_CASE("Tape::node: an op with more than three inputs lists all of them", "[autodiff]") {
  ad::Tape<double> tape;
  std::vector<ad::Var<double>> rows;
  for (int i = 0; i < 5; ++i) rows.push_back(tape.variable(Tensor<double>({1, 2}, double(i))));
  ad::stack_rows(rows);
  CHECK(tape.node(5).inputs == std::vector<std::size_t>{0, 1, 2, 3, 4});
}

TEST_CASE("tape: to_dot(true) shows each node's value and, after backward, its gradient",
          "[autodiff]") {
  ad::Tape<double> tape;
  ad::Parameter<double> w(ad::Tensor<double>({2}, {3.0, -4.0}), "w");
  auto y = ad::sum_squares(tape.param(w));  // 25, gradient 2w = [6, -8]
  CHECK(ad::summarize(y.value()) == "25");
  CHECK(ad::summarize(ad::Tensor<double>({6}, {3, 4, 0, 0, 0, 0})) == "|| || = 5");
  const std::string before = tape.to_dot(true);
  CHECK(before.find("value [3, -4]") != std::string::npos);
  CHECK(before.find("grad") == std::string::npos);
  tape.backward(y);
  const std::string after = tape.to_dot(true);
  CHECK(after.find("value 25") != std::string::npos);
  CHECK(after.find("grad [6, -8]") != std::string::npos);
  CHECK(tape.to_dot().find("value") == std::string::npos);  // the plain picture is unchanged
}
