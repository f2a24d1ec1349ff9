// The small examples of `overparam tape`: a recorded pass a student can look at.
//
// A student who has read tape.hpp should be able to *see* a recorded pass: which nodes the
// forward created, in what order, with what shapes, and which inputs feed which op. This
// command records one of four small examples, runs backward through it, prints the nodes as a
// table and writes the graph as Graphviz DOT (Tape::to_dot), optionally rendered to PNG by
// Graphviz's `dot` program.
//
//   mlp     a two-layer ReLU network, x[5,4] -> 8 hidden -> 3 classes, softmax cross-entropy
//   linear  the paper's model: a depth-3 linear network (nn::DeepLinear, width 3) with the
//           l_4 loss (nn::lp_loss), x[6,4] -> y[6,1]
//   conv    a tiny convnet: conv2d 3x3 (2 filters) -> relu -> max_pool2d 2x2 -> flatten -> dense
//           -> softmax cross-entropy, on two 6x6 one-channel images
//   scalar  docs/TUTORIAL.md's section 1: a depth-2 network of two scalars, w2·w1·x, with the
//           l_4 loss on two examples, whose every value and gradient the tutorial computes
//
// The node listing is read from the tape's own view of its nodes (Tape::node), the same view
// Tape::to_dot draws from: what the student sees in the table is exactly what the picture shows.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace experiments {

// The graph of a tape, read through Tape::node: what Tape::to_dot draws.
struct TapeGraph {
  struct Node {
    int index = 0;      // creation order on the tape (n0, n1, ...)
    std::string name;   // the op ("matmul"), or a leaf's name ("W1")
    std::string op;     // the op; for leaves "param", "input", "variable" or "constant"
    std::string shape;  // "[5,4]"
    bool leaf = false;
    bool parameter = false;  // a param() leaf: backward adds into its gradient
    std::vector<int> inputs;
    std::string value, grad;  // ad::summarize() of the value and the gradient ("" when none)
  };
  std::vector<Node> nodes;                 // by index
  std::vector<std::pair<int, int>> edges;  // (input, consumer)
};

// One recorded example after forward and backward.
struct TapeExample {
  std::string name;         // "mlp", "linear", "conv" or "scalar"
  std::string description;  // one line for the student
  double loss = 0;
  std::string dot;         // Tape::to_dot() after backward
  std::string dot_values;  // Tape::to_dot(true): with each node's value and gradient
  TapeGraph graph;         // the same nodes, read through Tape::node()
  // name, shape and Frobenius norm of each parameter's gradient
  struct Gradient {
    std::string name, shape;
    double norm = 0;
  };
  std::vector<Gradient> gradients;
};

// The example names, in the order --help lists them.
const std::vector<std::string>& tape_example_names();

// Records `name` on a fresh tape (double precision, fixed seed), runs backward from the loss.
// Throws std::invalid_argument listing the valid names for an unknown one.
TapeExample record_tape_example(const std::string& name);

}  // namespace experiments
