#!/usr/bin/env python3
"""Reruns the commands of docs/TUTORIAL.md and compares their output with the text.

Python 3 standard library only. Usage, from anywhere:

    scripts/check_tutorial.py                  every checked block
    scripts/check_tutorial.py --fast           all but the blocks marked slow (./test.sh runs this)
    scripts/check_tutorial.py --update         rewrite the doc's output blocks with what ran
    scripts/check_tutorial.py --vary OPENBLAS_NUM_THREADS=1
                                               run every block again with that variable set;
                                               both runs must match the doc
    scripts/check_tutorial.py --only 212       only the block whose output fence opens at line 212

Markers, each an HTML comment on the line just before a fence (invisible on GitHub):

    <!-- check -->          this fence is the expected output of the nearest `sh` fence above
    <!-- check slow -->     ... and the command is slow (figure runs): skipped with --fast
    <!-- check needs dot --> ... and needs the program `dot`: skipped, with a notice, without it
    <!-- check needs python:pandas -->
                            ... and needs `python3` able to import pandas: skipped likewise
    <!-- check restore=docs/a.png,docs/b.dot -->
                            ... and the command writes these files: they are put back afterwards
    <!-- check exit=2 -->   ... and the command is expected to exit with 2 (default 0)
    <!-- check timeout=900 --> seconds before the command is killed (default 1200)
    <!-- save PATH -->      this fence is a file the commands below need: written to PATH
                            (relative to the repository root) before the next command runs

Options combine: `<!-- check slow needs dot -->`.

How an expected block matches the output (stdout; stderr is shown when the exit code is wrong):
  - numbers agree to the digits shown: a documented 0.0101 needs an output that rounds to
    0.0101 (0.01012 does, 0.01 does not); 1.6e-4 accepts 1.633e-04;
  - timings are exempt: a number followed by s, ms, us, min or it/s matches any number;
  - absolute paths are exempt: /any/absolute/path matches any other;
  - `…` in a line matches any text within that line;
  - a line `...` matches any number of lines (0 included);
  - runs of spaces count as one space; trailing spaces and trailing blank lines are ignored.

Commands run from the repository root with bash (errexit, pipefail), with the build folder at
the front of PATH; `build/` in a command is replaced by --build-dir when that differs.
--update writes the actual output, keeping the lines that still match (so the doc's `...` and
`…` survive) and printing the repository root as `…`.

Exit code 0 when every block run matches, 1 when one differs, 2 on a usage error.
"""

import argparse
import difflib
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ELLIPSIS = "\u2026"  # … : any text within a line
SKIP_LINES = "..."  # a whole line: any number of lines

NUMBER = r"[+-]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?"
# A timing: a number and a unit of time. It matches any number.
TIMING = re.compile(r"(" + NUMBER + r")(\s*)(it/s|ms|us|µs|min|s)(?!\w)")
# An absolute path: "/" at the start of a word, then at least one more character of a path.
PATH = re.compile(r"(?:^|(?<=[\s(\[=:'\"`]))/[\w.+\-/@~]+")
TOKEN = re.compile(
    "(?P<ellipsis>" + ELLIPSIS + ")"
    "|(?P<timing>" + TIMING.pattern + ")"
    "|(?P<path>" + PATH.pattern + ")"
    "|(?P<number>(?<![\\w.])" + NUMBER + ")"
    "|(?P<space>\\s+)"
)


# ---- matching one line -------------------------------------------------------------------------


@dataclass
class Number:
    """A number as the doc shows it: its value, and half a unit of its last digit."""

    value: float
    tolerance: float


def shown_number(text):
    """The value of a number written in the doc, and the tolerance its digits imply."""
    mantissa, _, exponent = text.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    exp = int(exponent) if exponent else 0
    quantum = 10.0 ** (exp - decimals)
    return Number(float(text), quantum / 2 * (1 + 1e-9))


def number_matches(expected, actual_text):
    """True when `actual_text`, rounded to the digits of `expected`, equals it."""
    try:
        actual = float(actual_text)
    except ValueError:
        return False
    return abs(actual - expected.value) <= expected.tolerance + 1e-300


def compile_line(doc_line):
    """A regular expression for the doc line, and the numbers its groups must agree with."""
    pattern, numbers, pos = [], [], 0
    for m in TOKEN.finditer(doc_line):
        pattern.append(re.escape(doc_line[pos : m.start()]))
        pos = m.end()
        kind = m.lastgroup
        if kind == "ellipsis":
            pattern.append(".*?")
        elif kind == "timing":
            unit = TIMING.fullmatch(m.group())
            pattern.append(NUMBER + r"\s*" + re.escape(unit.group(3)))
        elif kind == "path":
            pattern.append(r"/[\w.+\-/@~]*")
        elif kind == "number":
            pattern.append("(" + NUMBER + ")")
            numbers.append(shown_number(m.group()))
        else:
            pattern.append(r"\s+")
    pattern.append(re.escape(doc_line[pos:]))
    return re.compile("".join(pattern)), numbers


_compiled = {}


def line_matches(doc_line, actual_line):
    """True when an output line matches a documented one (the rules in the module's help)."""
    doc_line, actual_line = doc_line.rstrip(), actual_line.rstrip()
    if doc_line == actual_line:
        return True
    if doc_line not in _compiled:
        _compiled[doc_line] = compile_line(doc_line)
    regex, numbers = _compiled[doc_line]
    m = regex.fullmatch(actual_line)
    if not m:
        return False
    return all(number_matches(n, g) for n, g in zip(numbers, m.groups()))


# ---- matching a block --------------------------------------------------------------------------


def trim(lines):
    lines = [line.rstrip() for line in lines]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def align(doc, actual, same=line_matches):
    """Matches the doc's lines to the actual ones, `...` lines absorbing any number of lines.

    Returns, for every doc line, the slice of actual lines it covers (one line, or any number
    for `...`), or None when the block does not match.
    """
    doc, actual = trim(doc), trim(actual)
    memo = {}

    def solve(i, j):
        if (i, j) in memo:
            return memo[(i, j)]
        result = None
        if i == len(doc):
            result = [] if j == len(actual) else None
        elif doc[i].strip() == SKIP_LINES:
            for k in range(j, len(actual) + 1):
                rest = solve(i + 1, k)
                if rest is not None:
                    result = [(j, k)] + rest
                    break
        elif j < len(actual) and same(doc[i], actual[j]):
            rest = solve(i + 1, j + 1)
            if rest is not None:
                result = [(j, j + 1)] + rest
        memo[(i, j)] = result
        return result

    sys.setrecursionlimit(max(10000, 4 * (len(doc) + len(actual))))
    return solve(0, 0)


def block_matches(doc, actual):
    return align(doc, actual) is not None


def shape(line):
    """A line with its numbers, timings and paths blanked: what --update aligns by."""
    return TOKEN.sub(lambda m: " " if m.lastgroup == "space" else "#", line.rstrip())


def same_shape(doc_line, actual_line):
    if ELLIPSIS in doc_line:
        return line_matches(doc_line, actual_line) or bool(
            re.fullmatch(
                ".*?".join(re.escape(shape(p)) for p in doc_line.split(ELLIPSIS)),
                shape(actual_line),
            )
        )
    return shape(doc_line) == shape(actual_line)


def similar(doc_line, actual_line):
    """A changed line still recognisable as the same line: most of its shape is unchanged."""
    if same_shape(doc_line, actual_line):
        return True
    a, b = shape(doc_line), shape(actual_line)
    return bool(a) and difflib.SequenceMatcher(None, a, b).ratio() >= 0.75


def align_loosely(doc, actual):
    """align(), trying ever looser notions of "the same line": equal, the same shape, similar."""
    for same in (line_matches, same_shape, similar):
        spans = align(doc, actual, same)
        if spans is not None:
            return spans
    return None


def updated_block(doc, actual):
    """The doc block rewritten to the actual output, keeping its `...` trims and the lines that
    still match. Returns (lines, kept_trims)."""
    doc, actual = trim(doc), trim(actual)
    spans = align_loosely(doc, actual)
    if spans is None:
        return actual, not any(line.strip() == SKIP_LINES for line in doc)
    out = []
    for line, (a, b) in zip(doc, spans):
        if line.strip() == SKIP_LINES:
            out.append(line)
        elif line_matches(line, actual[a]):
            out.append(line)
        else:
            out.append(actual[a])
    return out, True


# ---- the document ------------------------------------------------------------------------------

MARKER = re.compile(r"^\s*<!--\s*(check|save)\b(.*?)-->\s*$")
FENCE = re.compile(r"^(\s*)(```+|~~~+)\s*([\w+-]*)")


@dataclass
class Fence:
    line: int  # 1-based line of the opening fence
    lang: str
    body: list  # the lines between the fences
    body_start: int  # 0-based index of the first body line in the file
    marker: str = ""  # "check", "save" or ""
    options: dict = field(default_factory=dict)


def parse_options(text, line):
    words, options, i = text.split(), {}, 0
    while i < len(words):
        w = words[i]
        if w == "slow":
            options["slow"] = True
        elif w == "needs" and i + 1 < len(words):
            options.setdefault("needs", []).append(words[i + 1])
            i += 1
        elif "=" in w:
            key, value = w.split("=", 1)
            if key not in ("restore", "exit", "timeout"):
                raise ValueError(f"line {line}: unknown marker option '{key}'")
            options[key] = value
        else:
            raise ValueError(f"line {line}: unknown marker word '{w}'")
        i += 1
    return options


def parse_fences(lines):
    """Every fenced block of the document, with the marker just above it, if any."""
    fences, i = [], 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        ticks, lang, start = m.group(2), m.group(3), i
        j = i + 1
        while j < len(lines) and not lines[j].strip().startswith(ticks):
            j += 1
        fence = Fence(start + 1, lang, lines[start + 1 : j], start + 1)
        k = start - 1
        while k >= 0 and not lines[k].strip():
            k -= 1
        if k >= 0 and (mm := MARKER.match(lines[k])):
            fence.marker = mm.group(1)
            if fence.marker == "check":
                fence.options = parse_options(mm.group(2), k + 1)
            else:
                fence.options = {"path": mm.group(2).strip()}
                if not fence.options["path"]:
                    raise ValueError(f"line {k + 1}: <!-- save PATH --> needs a path")
        fences.append(fence)
        i = j + 1
    return fences


@dataclass
class Step:
    kind: str  # "check" or "save"
    fence: Fence
    command: str = ""
    command_line: int = 0


def steps_of(lines):
    """The saves and checks of the document, in its order."""
    steps, last_sh = [], None
    for f in parse_fences(lines):
        if f.lang in ("sh", "bash", "shell", "console"):
            last_sh = f
        if f.marker == "save":
            steps.append(Step("save", f))
        elif f.marker == "check":
            if last_sh is None:
                raise ValueError(f"line {f.line}: <!-- check --> with no `sh` fence above it")
            steps.append(Step("check", f, "\n".join(last_sh.body), last_sh.line))
    return steps


# ---- running -----------------------------------------------------------------------------------


def command_for(command, build_dir, root):
    """The command with `build/` pointing at the build folder."""
    try:
        rel = Path(build_dir).resolve().relative_to(root)
        if str(rel) == "build":
            return command
    except ValueError:
        pass
    return re.sub(r"(?<![\w./-])build/", str(Path(build_dir).resolve()) + "/", command)


def python_with(module):
    """The first `python3` that can import `module`: the one on PATH, else the system's
    /usr/bin/python3 (where Debian's python3-numpy and python3-pandas live, when a PATH's
    python3 is another installation); None when neither can."""
    for python in (shutil.which("python3"), "/usr/bin/python3"):
        if python and os.path.exists(python) and subprocess.run(
            [python, "-c", "import " + module],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ).returncode == 0:
            return python
    return None


def available(need):
    """True when a `needs` word is met: a program on PATH, or `python:MODULE` for a module
    that a python3 can import (python_with)."""
    if need.startswith("python:"):
        return python_with(need.split(":", 1)[1]) is not None
    return shutil.which(need) is not None


def run(step, root, build_dir, env_extra):
    env = dict(os.environ)
    env["PATH"] = str(Path(build_dir).resolve()) + os.pathsep + env.get("PATH", "")
    for need in step.fence.options.get("needs", []):  # its python3 first, for `python3 ...`
        if need.startswith("python:"):
            python = python_with(need.split(":", 1)[1])
            if python:
                env["PATH"] = str(Path(python).parent) + os.pathsep + env["PATH"]
    env.update(env_extra)
    timeout = float(step.fence.options.get("timeout", 1200))
    saved = {}
    for rel in filter(None, step.fence.options.get("restore", "").split(",")):
        p = root / rel
        saved[p] = p.read_bytes() if p.exists() else None
    try:
        proc = subprocess.run(
            ["bash", "-e", "-o", "pipefail", "-c", command_for(step.command, build_dir, root)],
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            timeout=timeout,
        )
        return proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode(
            "utf-8", "replace"
        )
    except subprocess.TimeoutExpired:
        return None, "", f"timed out after {timeout:.0f} s"
    finally:
        for p, data in saved.items():
            if data is None:
                p.unlink(missing_ok=True)
            else:
                p.write_bytes(data)


def shown_as_run(doc, actual):
    """The doc block with the lines that match written as they ran, so that a diff against the
    actual output shows only the lines that differ."""
    doc, actual = trim(doc), trim(actual)
    spans = align_loosely(doc, actual)
    if spans is None:
        return doc
    out = []
    for line, (a, b) in zip(doc, spans):
        if line.strip() == SKIP_LINES:
            out.extend(actual[a:b])
        else:
            out.append(actual[a] if line_matches(line, actual[a]) else line)
    return out


def report_mismatch(doc_name, step, expected, actual, label):
    print(
        f"{doc_name}:{step.fence.line}: the output of the command at line {step.command_line}"
        f"{label} differs from the doc (lines that match are shown as they ran):"
    )
    for line in difflib.unified_diff(
        shown_as_run(expected, actual), trim(actual), "documented", "actual", lineterm="", n=2
    ):
        print("    " + line)


def main(argv=None):
    root_default = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="See the head of scripts/check_tutorial.py for the markers and matching rules.",
    )
    ap.add_argument("--doc", default=None, help="the Markdown file (default docs/TUTORIAL.md)")
    ap.add_argument("--root", default=str(root_default), help="where the commands run")
    ap.add_argument("--build-dir", default=None, help="the build folder (default ROOT/build)")
    ap.add_argument("--fast", action="store_true", help="skip the blocks marked slow")
    ap.add_argument("--update", action="store_true", help="rewrite the output blocks")
    ap.add_argument(
        "--vary",
        action="append",
        default=[],
        metavar="ENV=VALUE",
        help="also run every block with this variable set (repeatable)",
    )
    ap.add_argument(
        "--only", type=int, action="append", default=[], metavar="LINE",
        help="only the block whose output fence opens at this line (repeatable)",
    )
    args = ap.parse_args(argv)

    root = Path(args.root).resolve()
    doc_path = Path(args.doc) if args.doc else root / "docs" / "TUTORIAL.md"
    build_dir = Path(args.build_dir) if args.build_dir else root / "build"
    variants = [("", {})]
    for v in args.vary:
        key, eq, value = v.partition("=")
        if not eq or not key:
            print(f"check_tutorial.py: --vary needs ENV=VALUE, got '{v}'", file=sys.stderr)
            return 2
        variants.append((f" (with {key}={value})", {key: value}))
    try:
        doc_name = os.path.relpath(doc_path.resolve(), root)  # as the repository names it
        if doc_name.startswith(".."):
            doc_name = str(doc_path)
        text = doc_path.read_text(encoding="utf-8")
        lines = text.split("\n")
        steps = steps_of(lines)
    except (OSError, ValueError) as e:
        print(f"check_tutorial.py: {e}", file=sys.stderr)
        return 2

    checked = skipped = failed = 0
    replacements = []  # (body_start, old length, new lines)
    for step in steps:
        f = step.fence
        if step.kind == "save":
            target = root / f.options["path"]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("\n".join(f.body) + "\n", encoding="utf-8")
            continue
        if args.only and f.line not in args.only:
            continue
        if args.fast and f.options.get("slow"):
            skipped += 1
            continue
        missing = [p for p in f.options.get("needs", []) if not available(p)]
        if missing:
            print(f"{doc_name}:{f.line}: skipped, needs {', '.join(missing)} (not installed)")
            skipped += 1
            continue
        want_exit = int(f.options.get("exit", 0))
        expected = f.body  # with --update, the first run's output; the variants must match it
        for label, env in variants:
            print(f"{doc_name}:{f.line}: running the command at line {step.command_line}{label}",
                  flush=True)
            started = time.monotonic()
            code, out, err = run(step, root, build_dir, env)
            print(f"{doc_name}:{f.line}: ran in {time.monotonic() - started:.1f} s (wall)")
            actual = out.replace(str(root) + "/", ELLIPSIS + "/").split("\n")
            if code != want_exit:
                print(f"{doc_name}:{f.line}: the command at line {step.command_line}{label} "
                      f"exited with {code}, expected {want_exit}; its stderr:")
                for line in err.rstrip().split("\n")[-20:]:
                    print("    " + line)
                failed += 1
                break
            if args.update and not label:
                new, kept = updated_block(f.body, actual)
                if not kept:
                    print(f"{doc_name}:{f.line}: the output changed shape; its `...` trims "
                          f"are gone, trim it again by hand")
                if trim(f.body) != new:
                    replacements.append((f.body_start, len(f.body), new))
                    print(f"{doc_name}:{f.line}: updated")
                expected = new
                continue
            if not block_matches(expected, actual):
                report_mismatch(doc_name, step, expected, actual, label)
                failed += 1
                break
        checked += 1

    if replacements:
        for start, length, new in sorted(replacements, reverse=True):
            lines[start : start + length] = new
        doc_path.write_text("\n".join(lines), encoding="utf-8")
    verb = "updated from" if args.update else "checked"
    print(f"{doc_name}: {checked} blocks {verb} their commands, {skipped} skipped, "
          f"{failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
