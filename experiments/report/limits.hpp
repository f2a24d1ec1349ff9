// Refusing, before any allocation, a run whose flags ask for more memory than the machine has
// (`--width 4096 --depth 16 --lr-grid` of many rates, `--batch-size 60000`), instead of letting
// it die later in the middle of an allocation, or swap the machine to a halt.
#pragma once

#include <string>

namespace experiments {

// The machine's physical memory in bytes (0 when the system does not say).
double physical_memory_bytes();

// Throws std::invalid_argument when `bytes` (an estimate of the run's peak memory) exceeds the
// physical memory: "`what` needs about X GB ..., more than this machine's Y GB of memory".
void require_memory(double bytes, const std::string& what);

}  // namespace experiments
