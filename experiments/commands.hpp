// The subcommands of the `overparam` program.
//
// Each command takes the arguments after its name (argv[0] is the command's name) and returns
// the process exit code. Commands parse their own flags with Boost.Program_options, print
// `--help`, and report a user's mistake as one line on stderr with a nonzero exit code.
#pragma once

#include <string>
#include <vector>

namespace experiments {

struct Command {
  const char* name;
  const char* summary;
  int (*run)(int argc, char** argv);
};

// Every command, in the order `overparam --help` lists them.
const std::vector<Command>& commands();

// `overparam lsq`: least squares by plain gradient descent on a synthetic problem, on the tape.
int run_lsq(int argc, char** argv);

}  // namespace experiments
