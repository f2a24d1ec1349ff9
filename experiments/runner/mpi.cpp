#include "experiments/runner/mpi.hpp"

#include <cstdlib>
#include <stdexcept>

#ifdef OVERPARAM_HAVE_MPI
#include <mpi.h>
#endif

namespace experiments::mpi {

namespace {
bool started = false;
bool finished = false;
int my_rank = 0, ranks = 1;

int env_int(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr) return 0;
  char* end = nullptr;
  const long n = std::strtol(v, &end, 10);
  return end != v && n > 0 && n < 1'000'000 ? int(n) : 0;
}
}  // namespace

bool built_with_mpi() {
#ifdef OVERPARAM_HAVE_MPI
  return true;
#else
  return false;
#endif
}

int launched_ranks() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE", "SLURM_NTASKS"})
    if (const int n = env_int(name); n > 0) return n;
  return 1;
}

bool start(int& argc, char**& argv, std::string& why) {
  // srun inside a one-task allocation, or mpirun -np 1: nothing to distribute.
  if (launched_ranks() <= 1 || started) return true;
  // SLURM_NTASKS alone is also set in a batch script's own shell, which is not a rank: only an
  // srun step (SLURM_STEP_ID) or an MPI launcher makes this process one of the ranks.
  if (std::getenv("OMPI_COMM_WORLD_SIZE") == nullptr && std::getenv("PMI_SIZE") == nullptr &&
      std::getenv("PMIX_SIZE") == nullptr && std::getenv("SLURM_STEP_ID") == nullptr)
    return true;
#ifdef OVERPARAM_HAVE_MPI
  (void)why;
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  MPI_Comm_rank(MPI_COMM_WORLD, &my_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  started = true;
  return true;
#else
  (void)argc;
  (void)argv;
  why = "started as one of " + std::to_string(launched_ranks()) +
        " ranks, but this build of overparam has no MPI, so every rank would run the whole "
        "command alone; install OpenMPI (scripts/install-deps.sh installs libopenmpi-dev and "
        "openmpi-bin) and rebuild (scripts/build.sh), or run without mpirun";
  return false;
#endif
}

bool active() {
  return started && !finished && ranks > 1;
}
int rank() {
  return my_rank;
}
int size() {
  return ranks;
}

void finish() {
#ifdef OVERPARAM_HAVE_MPI
  if (started && !finished) MPI_Finalize();
#endif
  finished = true;
}

#ifdef OVERPARAM_HAVE_MPI
void send(int to, Tag tag, const std::vector<std::uint8_t>& bytes) {
  MPI_Send(bytes.data(), int(bytes.size()), MPI_BYTE, to, int(tag), MPI_COMM_WORLD);
}

bool poll(int& from, int& tag) {
  int flag = 0;
  MPI_Status status;
  MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &status);
  if (!flag) return false;
  from = status.MPI_SOURCE;
  tag = status.MPI_TAG;
  return true;
}

std::vector<std::uint8_t> receive(int from, int tag) {
  MPI_Status status;
  MPI_Probe(from, tag, MPI_COMM_WORLD, &status);
  int count = 0;
  MPI_Get_count(&status, MPI_BYTE, &count);
  std::vector<std::uint8_t> bytes(std::size_t(count > 0 ? count : 0));
  MPI_Recv(bytes.data(), count, MPI_BYTE, from, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return bytes;
}
#else
void send(int, Tag, const std::vector<std::uint8_t>&) {
  throw std::logic_error("mpi::send without MPI");
}
bool poll(int&, int&) {
  return false;
}
std::vector<std::uint8_t> receive(int, int) {
  throw std::logic_error("mpi::receive without MPI");
}
#endif

}  // namespace experiments::mpi
