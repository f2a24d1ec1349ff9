// What the libFuzzer targets in tests/fuzz/ share.
//
// A libFuzzer target is a function LLVMFuzzerTestOneInput(data, size) that libFuzzer calls
// millions of times with inputs it mutates, keeping those that reach new code. A target fails
// by crashing: a sanitizer report (AddressSanitizer, UndefinedBehaviorSanitizer), an uncaught
// exception, or a broken invariant reported by invariant_failed(). Everything else, including
// the DataError a loader throws for a bad file, is a pass. scripts/fuzz.sh builds and runs them.
#pragma once

#include <string>
#include <string_view>

namespace fuzz {

// Ensures: true when `bytes` starts with gzip's magic bytes 1f 8b.
bool is_gzip(std::string_view bytes);

// Ensures: a directory of this process's own under the system temp directory, created on the
//          first call and removed with its contents when the process exits normally.
const std::string& scratch_dir();

// Ensures: the file scratch_dir()/`name` holds `bytes`; returns its path. Aborts (a finding of
//          the harness, not of the code under test) when it cannot be written.
std::string write_scratch_file(const std::string& name, std::string_view bytes);

// Ensures: prints "fuzz_TARGET: invariant broken: WHAT" on stderr and aborts, which libFuzzer
//          reports as a crash and saves the input that caused it.
[[noreturn]] void invariant_failed(const char* target, const std::string& what);

}  // namespace fuzz
