// Refusing, before any allocation, a run whose flags ask for more memory than the machine has
// (`--width 4096 --depth 16 --lr-grid` of many rates, `--batch-size 60000`), instead of letting
// it die later in the middle of an allocation, or swap the machine to a halt.
#pragma once

#include <string>

namespace experiments {

// The machine's physical memory in bytes (0 when the system does not say).
double physical_memory_bytes();

// What is left of this process's address-space limit (`ulimit -v`, RLIMIT_AS) beyond what it
// maps already, in bytes; infinity when there is no limit.
double address_space_headroom_bytes();

// Throws std::invalid_argument when `bytes` (an estimate of the run's peak memory, from the
// real shapes) exceeds the physical memory, "`what` needs about X GB of memory, more than this
// machine's Y GB", or what is left under the address-space limit (ulimit -v).
void require_memory(double bytes, const std::string& what);

// The address space a thread that calls OpenBLAS needs beyond the data: its stack and the work
// buffer OpenBLAS maps on the thread's first level-3 call. OpenBLAS's blas_memory_alloc
// (driver/others/memory.c) retries that mapping in a loop that never ends when mmap keeps
// failing, as it does under `ulimit -v`: a run that cannot map it spins for ever instead of
// failing. So commands reserve this much per thread up front (an upper bound, not a measurement
// of the buffer, whose size depends on how OpenBLAS was built).
inline constexpr double blas_thread_reserve_bytes = 256.0 * (1 << 20);

}  // namespace experiments
