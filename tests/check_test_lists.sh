#!/usr/bin/env bash
# Every tests/**/test_*.cpp must be listed in tests/CMakeLists.txt: a file left out would never
# be compiled, and its tests would silently not run.
set -euo pipefail
cd "$(dirname "$0")"
missing=0
while IFS= read -r file; do
  file=${file#./}
  if ! grep -qE "^\s*${file//./\\.}(\s|\)|$)" CMakeLists.txt; then
    echo "not in tests/CMakeLists.txt: $file"
    missing=1
  fi
done < <(find . -name 'test_*.cpp' -not -path './fuzz/*' | sort)
echo "$(find . -name 'test_*.cpp' -not -path './fuzz/*' | wc -l) test files checked"
exit $missing
