// Lines for the person watching a run: printf-style text on standard output, flushed at once,
// so a log shows each line as it comes.
#pragma once

namespace experiments {

__attribute__((format(printf, 1, 2))) void say(const char* format, ...);

}  // namespace experiments
