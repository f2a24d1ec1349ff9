// MPI, when this process is one rank of `mpirun -np N` or `srun`: the few calls the runner
// makes, and nothing else of MPI seen outside runner/.
//
// A program started by hand is not a rank: start() sees no launcher in its environment and
// MPI is never initialized, so the same binary runs locally with no MPI library in the way.
// Under a launcher, rank 0 runs the command and every other rank serves jobs (runner.hpp).
// Only the thread that called start() calls MPI (MPI_THREAD_FUNNELED).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace experiments::mpi {

// True when this build has MPI (CMake found it).
bool built_with_mpi();

// The number of ranks the launcher's environment announces (OpenMPI's OMPI_COMM_WORLD_SIZE,
// PMI_SIZE, or Slurm's SLURM_NTASKS under srun), 1 when there is none.
int launched_ranks();

// Initializes MPI when launched_ranks() > 1. Returns false, with the message for the user in
// `why`, when the launcher started several ranks but this build has no MPI.
bool start(int& argc, char**& argv, std::string& why);

// MPI is running with more than one rank.
bool active();
int rank();
int size();

// Ends MPI (after rank 0 told every worker to stop: runner.hpp's stop_workers). Idempotent.
void finish();

// Messages between ranks: a tag and bytes.
enum Tag : int { job = 1, result = 2, progress = 3, stop = 4 };
void send(int to, Tag tag, const std::vector<std::uint8_t>& bytes);
// A message waiting for this rank, without blocking: its source and tag.
bool poll(int& from, int& tag);
std::vector<std::uint8_t> receive(int from, int tag);

}  // namespace experiments::mpi
