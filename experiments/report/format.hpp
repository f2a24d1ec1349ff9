// Numbers and labels as text: for tables, verdicts, messages and file names.
#pragma once

#include <string>

namespace experiments {

// `value` in a printf format ("%.3g": 0.0376).
std::string format_number(double value, const char* format);

// A label as a file name: lower-case letters and digits, each other run of characters one '-'
// ("depth 3, width 100" -> "depth-3-width-100").
std::string slug(const std::string& label);

}  // namespace experiments
