// Numbers as text for tables, verdicts and messages, in a printf format ("%.3g": 0.0376).
#pragma once

#include <string>

namespace experiments {

std::string format_number(double value, const char* format);

}  // namespace experiments
