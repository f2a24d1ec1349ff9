// The subcommands of the `overparam` program: one table (name, one line of help, function) and
// one file per command in this folder.
//
// Each command takes the arguments after its name (argv[0] is the command's name) and returns
// the process exit code. A command parses its flags (flags.hpp), calls its domain room
// (linear/, figures/, mnist/, theory/, tape/) and hands the values to the report toolkit
// (report/). A user's mistake is one line on stderr and a nonzero exit code.
#pragma once

#include <vector>

namespace experiments {

struct Command {
  const char* name;
  const char* summary;
  int (*run)(int argc, char** argv);
};

// Every command, in the order `overparam --help` lists them.
const std::vector<Command>& commands();

int run_linear(int argc, char** argv);
int run_figure_command(int argc, char** argv);
int run_reproduce(int argc, char** argv);
int run_lsq(int argc, char** argv);
int run_mnist(int argc, char** argv);
int run_mnist_figure(int argc, char** argv);
int run_tape(int argc, char** argv);
int run_theory(int argc, char** argv);
int run_plot(int argc, char** argv);
int run_sweep(int argc, char** argv);

}  // namespace experiments
