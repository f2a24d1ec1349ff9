#!/usr/bin/env bash
# Every TEST_CASE name must survive CTest registration (catch_discover_tests): no ';' (a CMake
# list separator), no unbalanced '[' or ']' (CMake list quoting), no leading '-' (read as an
# option by the test program). A bad name silently merges or drops tests, so it fails here.
set -euo pipefail
cd "$(dirname "$0")"
bad=0
while IFS= read -r name; do
  open=${name//[^\[]/}; close=${name//[^\]]/}
  if [[ "$name" == *";"* || "$name" == -* || ${#open} -ne ${#close} ]]; then
    echo "bad test name: \"$name\""
    bad=1
  fi
done < <(grep -rhoE 'TEST_CASE\("([^"\\]|\\.)*"' --include='*.cpp' . | sed -E 's/^TEST_CASE\("//; s/"$//')
count=$(grep -rhoE 'TEST_CASE\(' --include='*.cpp' . | wc -l)
echo "$count test names checked"
exit $bad
