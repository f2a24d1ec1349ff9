// The tutorial's scalar example, recorded by `overparam tape --example scalar`: its nodes,
// values and gradients are the ones docs/TUTORIAL.md's section 1 computes by hand.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "experiments/tape/examples.hpp"

using experiments::record_tape_example;

TEST_CASE("tape example scalar: the tutorial's nodes, values and gradients", "[experiments]") {
  const auto ex = record_tape_example("scalar");
  CHECK(ex.loss == 0.31298828125);  // exact in binary: the tutorial's table
  const auto& g = ex.graph;
  REQUIRE(g.nodes.size() == 10);
  CHECK(g.edges.size() == 9);
  const std::vector<std::string> ops = {"input",  "input", "param", "param", "matmul",
                                        "matmul", "sub",   "pow",   "sum",   "scale"};
  for (std::size_t i = 0; i < ops.size(); ++i) CHECK(g.nodes[i].op == ops[i]);
  CHECK(g.nodes[4].inputs == std::vector<int>{0, 2});  // h = x·W1ᵀ
  CHECK(g.nodes[5].inputs == std::vector<int>{4, 3});  // yhat = h·W2ᵀ
  CHECK(g.nodes[5].value == "[0.75, 1.5]");
  CHECK(g.nodes[6].value == "[-1.25, 0.5]");
  CHECK(g.nodes[5].grad == "[-0.9766, 0.0625]");
  CHECK(g.nodes[4].grad == "[-1.465, 0.09375]");
  REQUIRE(ex.gradients.size() == 2);
  CHECK(ex.gradients[0].name == "W1");
  CHECK(ex.gradients[0].norm == 1.27734375);
  CHECK(ex.gradients[1].norm == 0.42578125);
  // The names it lists include the tutorial's.
  CHECK_THROWS_WITH(record_tape_example("rnn"), Catch::Contains("or scalar"));
}
