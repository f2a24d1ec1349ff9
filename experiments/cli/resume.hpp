// `overparam COMMAND --resume DIR`, for the commands that write checkpoints (linear, mnist): the
// run's own arguments, kept in DIR/checkpoint.cbor, take the place of the command line's.
#pragma once

#include <boost/program_options.hpp>
#include <string>
#include <vector>

#include "experiments/report/json.hpp"

namespace experiments {

// Declares --checkpoint-every SECONDS (default `every`'s value) and --resume DIR, storing into
// `every` and `dir`: the two flags of a command that checkpoints.
void add_resume_flags(boost::program_options::options_description& flags, double& every,
                      std::string& dir);

// --checkpoint-every SECONDS as the trainers take it: infinity for 0 (only when stopped). Says
// on stderr ("overparam COMMAND: ...") and returns false for a negative or non-finite value.
bool checkpoint_interval(const std::string& command, double every, double& seconds);

// The arguments as typed after `overparam COMMAND`, for the checkpoint to keep.
std::vector<std::string> typed_arguments(int argc, char** argv);

// Checks a `--resume DIR` command line: only the flags of `allowed` beside it, and a DIR that
// holds a checkpoint. Says why not on stderr ("overparam COMMAND: ...") and returns 2, or reads
// the checkpoint into `checkpoint` and returns -1. A checkpoint it cannot use throws
// data::DataError naming the file.
int open_resume(const std::string& command, const boost::program_options::variables_map& vm,
                const std::vector<std::string>& allowed, const std::string& dir, Json& checkpoint);

// Parses the arguments the checkpoint keeps with `flags`, declared as the command declares its
// own, into `vm`. Throws data::DataError naming the file when they are missing or no longer parse.
void parse_saved_arguments(const std::string& command, const std::string& dir,
                           const Json& checkpoint,
                           const boost::program_options::options_description& flags,
                           boost::program_options::variables_map& vm);

// Throws data::DataError naming the checkpoint when `now`, the settings this program reads from
// the saved arguments, differs from those the checkpoint keeps (under "settings"), but for the
// keys of `ignored` (how the run goes on, not what it computes).
void require_saved_settings(const std::string& dir, const Json& checkpoint, Json now,
                            const std::vector<std::string>& ignored);

}  // namespace experiments
