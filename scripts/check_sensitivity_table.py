#!/usr/bin/env python3
"""Checks that the sensitivity table in docs/REPRODUCTION.md is the one the study wrote.

    scripts/check_sensitivity_table.py [STUDY.md]

STUDY.md defaults to docs/reproduction/sensitivity/sensitivity.md, the copy of the run the
report quotes (scripts/check-docs.sh --sensitivity reruns the study and passes its new file).
Every table row of STUDY.md must appear, in order, among the rows of REPRODUCTION.md's section
"## Sensitivity: ...", and that section must hold no other row. Exits 1, naming the first row
that differs, when they do not match.
"""
import pathlib
import sys

root = pathlib.Path(__file__).resolve().parent.parent
study = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else \
    root / "docs/reproduction/sensitivity/sensitivity.md"


def table_rows(lines):
    return [line for line in lines if line.startswith("|")]


study_rows = table_rows(study.read_text(encoding="utf-8").splitlines())
report = (root / "docs/REPRODUCTION.md").read_text(encoding="utf-8").splitlines()
section, inside = [], False
for line in report:
    if line.startswith("## "):
        inside = line.startswith("## Sensitivity")
    elif inside:
        section.append(line)
report_rows = table_rows(section)

if not study_rows:
    sys.exit(f"check_sensitivity_table: {study} holds no table")
if not report_rows:
    sys.exit("check_sensitivity_table: docs/REPRODUCTION.md has no '## Sensitivity' table")
for k, (want, have) in enumerate(zip(study_rows, report_rows)):
    if want != have:
        sys.exit(f"check_sensitivity_table: row {k + 1} of docs/REPRODUCTION.md's sensitivity "
                 f"table differs from {study}:\n  report: {have[:200]}\n  study:  {want[:200]}")
if len(study_rows) != len(report_rows):
    sys.exit(f"check_sensitivity_table: docs/REPRODUCTION.md's sensitivity table has "
             f"{len(report_rows)} rows, {study} {len(study_rows)}")
print(f"check_sensitivity_table: the {len(study_rows)} rows match {study}")
