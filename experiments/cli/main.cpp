// overparam: the command-line laboratory. `overparam --help` lists the commands;
// `overparam COMMAND --help` lists a command's flags with their defaults.
#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>
#include <new>
#include <string>

#include "experiments/cli/commands.hpp"
#include "experiments/report/interrupt.hpp"
#include "experiments/runner/mpi.hpp"
#include "experiments/runner/runner.hpp"

namespace {
void print_usage(std::ostream& os) {
  os << "overparam " << OVERPARAM_VERSION
     << ": implicit acceleration by overparameterization, on a reverse-mode tape\n\n"
        "Usage: overparam COMMAND [OPTIONS]\n\nCommands:\n";
  for (const auto& c : experiments::commands()) {
    os << "  " << c.name << std::string(14 - std::min<std::size_t>(13, std::strlen(c.name)), ' ')
       << c.summary << "\n";
  }
  os << "\nRun 'overparam COMMAND --help' for a command's options.\n";
}
}  // namespace

// Rank 0 runs the command; when it ends, however it ends, the other ranks stop serving jobs.
struct Ranks {
  ~Ranks() {
    experiments::stop_workers();
    experiments::mpi::finish();
  }
};

int main(int argc, char** argv) {
  namespace mpi = experiments::mpi;
  std::string why;
  if (!mpi::start(argc, argv, why)) {
    const char* rank = std::getenv("OMPI_COMM_WORLD_RANK");
    if (rank == nullptr || std::string(rank) == "0") std::cerr << "overparam: " << why << "\n";
    return 2;
  }
  if (mpi::active() && mpi::rank() != 0) {
    experiments::install_interrupt_handlers();
    int code = 1;
    try {
      code = experiments::serve_jobs();
    } catch (const std::exception& e) {
      std::cerr << "overparam (rank " << mpi::rank() << "): error: " << e.what() << "\n";
    }
    mpi::finish();
    return code;
  }
  const Ranks ranks;
  if (argc < 2) {
    print_usage(std::cerr);
    return 2;
  }
  const std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    print_usage(std::cout);
    return 0;
  }
  if (name == "--version") {
    std::cout << "overparam " << OVERPARAM_VERSION << "\n";
    return 0;
  }
  experiments::install_interrupt_handlers();
  for (const auto& c : experiments::commands()) {
    if (name == c.name) {
      try {
        const int code = c.run(argc - 1, argv + 1);
        // A run stopped by Ctrl-C or SIGTERM has written what it had; say so in the exit code.
        return experiments::interrupted() ? experiments::interrupted_exit_code() : code;
      } catch (const experiments::Interrupted&) {
        std::cerr << "overparam " << name << ": interrupted; the runs finished so far are kept\n";
        return experiments::interrupted_exit_code();
      } catch (const std::bad_alloc&) {
        // The sizes a flag or a file sets are checked before their allocations
        // (report/limits.hpp); this is the allocation that failed anyway, e.g. under ulimit -v.
        std::cerr << "overparam " << name
                  << ": error: out of memory: the system refused an allocation of this run; "
                     "try smaller sizes or raise the memory limit (ulimit -v)\n";
        return 1;
      } catch (const std::exception& e) {
        std::cerr << "overparam " << name << ": error: " << e.what() << "\n";
        return 1;
      }
    }
  }
  std::cerr << "overparam: unknown command '" << name << "'\n\n";
  print_usage(std::cerr);
  return 2;
}
