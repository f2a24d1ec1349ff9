#!/usr/bin/env bash
# Every TEST_CASE name must survive CTest registration (catch_discover_tests): no ';' (a CMake
# list separator), no unbalanced '[' or ']' (CMake list quoting), no leading '-' (read as an
# option by the test program). A bad name silently merges or drops tests, so it fails here.
# A name may be written as several string literals over several lines; they are joined first.
set -euo pipefail
cd "$(dirname "$0")"
bad=0
while IFS= read -r name; do
  open=${name//[^\[]/}; close=${name//[^\]]/}
  if [[ "$name" == *";"* || "$name" == -* || ${#open} -ne ${#close} ]]; then
    echo "bad test name: \"$name\""
    bad=1
  fi
done < <(find . -name '*.cpp' -print0 | xargs -0 perl -0777 -ne '
  while (/TEST_CASE\(\s*((?:"(?:[^"\\]|\\.)*"\s*)+)/g) {
    my $literals = $1;
    my $name = join "", ($literals =~ /"((?:[^"\\]|\\.)*)"/g);
    print "$name\n";
  }')
count=$(grep -rhoE 'TEST_CASE\(' --include='*.cpp' . | wc -l)
echo "$count test names checked"
exit $bad
