#include "experiments/commands.hpp"

namespace experiments {

const std::vector<Command>& commands() {
  static const std::vector<Command> all = {
      {"lsq", "least squares by gradient descent on a synthetic problem (a first look at the tape)",
       run_lsq},
  };
  return all;
}

}  // namespace experiments
