// `overparam theory curl|toy ...`: the paper's theory made visible. Reads the flags into the
// settings of experiments/theory/curl.hpp and toy.hpp, runs them, and prints or writes what they
// return. Returns the process exit code (2 for a bad flag).
#pragma once

namespace experiments {

int run_theory(int argc, char** argv);

}  // namespace experiments
