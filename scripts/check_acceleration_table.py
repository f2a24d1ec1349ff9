#!/usr/bin/env python3
"""Checks that the acceleration table in docs/REPRODUCTION.md says what the study's verdicts say.

    scripts/check_acceleration_table.py [STUDY.md]

STUDY.md defaults to docs/reproduction/acceleration/acceleration.md, the run the report quotes.
Each verdict of its "## Verdicts" list ("- l_2, momentum: depth accelerates it in every seed:
depth 8 (identity), speed-up 1.94x over depth 1 at distance 0.01 (1.92x to 1.95x over 5
seeds)") must be one row of the table in REPRODUCTION.md's section "## Does depth accelerate
...", in the same order: "| l_2 | Momentum | **accelerated** | depth 8 (identity), 1.94x at
0.01 (1.92x to 1.95x) |". Exits 1, naming the first row that differs, when they do not match.
"""
import pathlib
import re
import sys

root = pathlib.Path(__file__).resolve().parent.parent
study = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else \
    root / "docs/reproduction/acceleration/acceleration.md"
names = {"gd": "GD", "momentum": "Momentum", "adagrad": "AdaGrad", "rmsprop": "RMSProp",
         "adam": "Adam"}
best = re.compile(r"(depth \d+(?: \(identity\))?), speed-up (\S+) over depth 1 at distance (\S+) "
                  r"\((\S+ to \S+) over \d+ seeds\)$")


def expected_row(verdict):
    """The report's row for one verdict line of the study, or None if it is not one."""
    m = re.match(r"- (l_\d), (\w+): (.*)$", verdict)
    if not m:
        return None
    loss, optimizer, text = m.groups()
    if text.startswith("not judged"):
        return f"| {loss} | {names[optimizer]} | not judged | no distance reached by every run |"
    found = best.search(text)
    if not found:
        sys.exit(f"check_acceleration_table: cannot read the verdict '{verdict}' of {study}")
    depth, speedup, distance, spread = found.groups()
    word = "**accelerated**" if text.startswith("depth accelerates") else "not accelerated"
    return f"| {loss} | {names[optimizer]} | {word} | {depth}, {speedup} at {distance} ({spread}) |"


lines = study.read_text(encoding="utf-8").splitlines()
verdicts = lines[lines.index("## Verdicts") + 1:] if "## Verdicts" in lines else []
wanted = [row for row in map(expected_row, verdicts) if row]
section, inside = [], False
for line in (root / "docs/REPRODUCTION.md").read_text(encoding="utf-8").splitlines():
    if line.startswith("## "):
        inside = line.startswith("## Does depth accelerate")
    elif inside and line.startswith("| l_"):
        section.append(line)

if not wanted:
    sys.exit(f"check_acceleration_table: {study} has no verdicts")
if not section:
    sys.exit("check_acceleration_table: docs/REPRODUCTION.md has no '## Does depth accelerate' "
             "table")
for k, (want, have) in enumerate(zip(wanted, section)):
    if want != have:
        sys.exit(f"check_acceleration_table: row {k + 1} of docs/REPRODUCTION.md's acceleration "
                 f"table differs from {study}'s verdict:\n  report: {have}\n  study:  {want}")
if len(wanted) != len(section):
    sys.exit(f"check_acceleration_table: docs/REPRODUCTION.md's acceleration table has "
             f"{len(section)} rows, {study} {len(wanted)} verdicts")
print(f"check_acceleration_table: the {len(wanted)} rows match {study}")
