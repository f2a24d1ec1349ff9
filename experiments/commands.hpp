// The subcommands of the `overparam` program.
//
// Each command takes the arguments after its name (argv[0] is the command's name) and returns
// the process exit code. Commands parse their own flags with Boost.Program_options, print
// `--help`, and report a user's mistake as one line on stderr with a nonzero exit code.
#pragma once

#include <boost/program_options.hpp>
#include <string>
#include <vector>

namespace experiments {

struct Command {
  const char* name;
  const char* summary;
  int (*run)(int argc, char** argv);
};

// Parses a command's flags into `vm`. Prints the help for --help (`flags` only: `hidden` holds
// positional arguments) or one line naming a bad flag. Returns the exit code when the command
// should stop now (0 after --help, 2 after a bad flag), or -1 to go on.
int parse_flags(const std::string& command, int argc, char** argv,
                const boost::program_options::options_description& flags,
                boost::program_options::variables_map& vm,
                const boost::program_options::options_description* hidden = nullptr,
                const boost::program_options::positional_options_description* positional = nullptr);

// Every command, in the order `overparam --help` lists them.
const std::vector<Command>& commands();

// `overparam lsq`: least squares by plain gradient descent on a synthetic problem, on the tape.
int run_lsq(int argc, char** argv);

}  // namespace experiments
