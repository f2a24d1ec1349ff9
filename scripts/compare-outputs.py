#!/usr/bin/env python3
"""Compares two output folders of overparam (e.g. two `overparam reproduce --quick --out DIR`
runs): every CSV and .npy file must be equal byte for byte, every JSON file equal once parsed,
up to the keys that measure time or name the version. Prints one line per difference and exits
1 if there is any, 0 otherwise.

    scripts/compare-outputs.py runs/before runs/after
"""
import json
import pathlib
import sys

TIMING_KEYS = {"wall_seconds", "train_seconds", "eval_seconds", "seconds_per_step", "version"}


def strip(value):
    if isinstance(value, dict):
        return {k: strip(v) for k, v in value.items() if k not in TIMING_KEYS}
    if isinstance(value, list):
        return [strip(v) for v in value]
    return value


def main(a, b):
    a, b = pathlib.Path(a), pathlib.Path(b)
    files = lambda root: {p.relative_to(root) for p in root.rglob("*")
                          if p.is_file() and p.suffix in (".csv", ".json", ".npy")}
    left, right = files(a), files(b)
    problems = [f"only in {a}: {p}" for p in sorted(left - right)]
    problems += [f"only in {b}: {p}" for p in sorted(right - left)]
    compared = 0
    for p in sorted(left & right):
        compared += 1
        if p.suffix == ".json":
            if strip(json.loads((a / p).read_text())) != strip(json.loads((b / p).read_text())):
                problems.append(f"differs: {p}")
        elif (a / p).read_bytes() != (b / p).read_bytes():
            problems.append(f"differs: {p}")
    for line in problems:
        print(line)
    print(f"{compared} files compared, {len(problems)} differences")
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
