#!/usr/bin/env python3
"""Tests of scripts/check_tutorial.py: the matching rules, and whole documents run end to end.

Run with `python3 tests/scripts/test_check_tutorial.py` (CTest does, see tests/CMakeLists.txt).
"""

import contextlib
import io
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import check_tutorial as ct  # noqa: E402


class Numbers(unittest.TestCase):
    def test_a_number_must_round_to_the_digits_shown(self):
        self.assertTrue(ct.line_matches("end 0.0101 |", "end 0.0101 |"))
        self.assertTrue(ct.line_matches("end 0.0101 |", "end 0.01012 |"))
        self.assertTrue(ct.line_matches("end 0.0101 |", "end 0.010149 |"))
        self.assertFalse(ct.line_matches("end 0.0101 |", "end 0.01 |"))
        self.assertFalse(ct.line_matches("end 0.0101 |", "end 0.0102 |"))
        self.assertFalse(ct.line_matches("end 0.0101 |", "end 0.01016 |"))

    def test_scientific_notation_counts_the_mantissas_digits(self):
        self.assertTrue(ct.line_matches("L* = 5.5349982591e-02", "L* = 5.5349982591e-02"))
        self.assertTrue(ct.line_matches("integral 1.6e-4", "integral 1.633167266846e-04"))
        self.assertFalse(ct.line_matches("integral 1.6e-4", "integral 1.683e-04"))
        self.assertFalse(ct.line_matches("x +8.479170406252e-02", "x +8.479170406253e-02"))
        self.assertTrue(ct.line_matches("x 2.5e3", "x 2500"))

    def test_integers_and_signs_are_exact(self):
        self.assertTrue(ct.line_matches("2565 rows", "2565 rows"))
        self.assertFalse(ct.line_matches("2565 rows", "2566 rows"))
        self.assertFalse(ct.line_matches("gap -1.25", "gap 1.25"))
        self.assertTrue(ct.line_matches("gap +0.0", "gap -0.0"))

    def test_the_text_around_numbers_must_agree(self):
        self.assertFalse(ct.line_matches("depth 3 0.1", "depth 3, 0.1"))
        self.assertFalse(ct.line_matches("holds: l2", "does not hold: l2"))
        self.assertTrue(ct.line_matches("a   b", "a b"))  # runs of spaces count as one
        self.assertTrue(ct.line_matches("a b", "a b   "))  # trailing spaces are ignored

    def test_timings_are_exempt(self):
        self.assertTrue(ct.line_matches("wrote it in 135 s", "wrote it in 31 s"))
        self.assertTrue(ct.line_matches("(12.5 ms/step)", "(3.1 ms/step)"))
        self.assertTrue(ct.line_matches("at 40 it/s", "at 1234.5 it/s"))
        self.assertFalse(ct.line_matches("wrote it in 135 s", "wrote it in 31 min"))

    def test_absolute_paths_are_exempt(self):
        self.assertTrue(
            ct.line_matches("data: /work/main/data/a.gz (2 rows)", "data: /home/me/x/data/a.gz (2 rows)")
        )
        self.assertFalse(ct.line_matches("data: data/a.gz", "data: data/b.gz"))


class Wildcards(unittest.TestCase):
    def test_an_ellipsis_matches_any_text_within_a_line(self):
        self.assertTrue(ct.line_matches("data: …/gas.gz (2565 rows)", "data: /x/y/gas.gz (2565 rows)"))
        self.assertTrue(ct.line_matches("loss … done", "loss 1, 2 and 3 done"))
        self.assertTrue(ct.line_matches("loss … done", "loss  done"))
        self.assertFalse(ct.line_matches("loss … done", "loss 1 finished"))
        self.assertFalse(ct.line_matches("data: …/gas.gz (2565 rows)", "data: /x/gas.gz (2566 rows)"))

    def test_three_dots_match_any_number_of_lines(self):
        doc = ["first", "...", "last 1.5"]
        self.assertTrue(ct.block_matches(doc, ["first", "last 1.5"]))
        self.assertTrue(ct.block_matches(doc, ["first", "a", "b", "c", "last 1.5"]))
        self.assertFalse(ct.block_matches(doc, ["first", "a", "last 1.6"]))
        self.assertFalse(ct.block_matches(doc, ["first", "a"]))
        self.assertTrue(ct.block_matches(["...", "x", "..."], ["a", "x", "b"]))
        self.assertFalse(ct.block_matches(["...", "x", "..."], ["a", "b"]))

    def test_a_block_needs_every_line_and_no_more(self):
        self.assertTrue(ct.block_matches(["a", "b"], ["a", "b", "", ""]))
        self.assertFalse(ct.block_matches(["a", "b"], ["a", "b", "c"]))
        self.assertFalse(ct.block_matches(["a", "b"], ["a"]))


class Update(unittest.TestCase):
    def test_update_keeps_the_trims_and_the_lines_that_still_match(self):
        doc = ["head …/x", "...", "value 0.0101", "tail"]
        actual = ["head /abs/x", "noise 1", "noise 2", "value 0.0099", "tail"]
        new, kept = ct.updated_block(doc, actual)
        self.assertTrue(kept)
        self.assertEqual(new, ["head …/x", "...", "value 0.0099", "tail"])

    def test_update_keeps_the_trims_around_a_line_whose_text_changed(self):
        doc = ["field: F = ||W||^4/3 (g)", "...", "integral 1.5", "..."]
        actual = ["field: F = ||W||^(4/3) (g)", "loss 2", "plane 3", "integral 1.7", "done"]
        new, kept = ct.updated_block(doc, actual)
        self.assertTrue(kept)
        self.assertEqual(new, ["field: F = ||W||^(4/3) (g)", "...", "integral 1.7", "..."])


DOC = """# A document

<!-- save runs/t/hello.txt -->
```
hello 0.0101 from the file
```

```sh
cat runs/t/hello.txt
```

<!-- check -->
```
hello 0.0101 from the file
```

```sh
printf 'took %s s\\nvalue %s\\n' "$((RANDOM % 90 + 10))" "${VALUE:-0.0101}"
```

<!-- check -->
```
took 12 s
value 0.0101
```

```sh
exit 3
```

<!-- check slow exit=3 -->
```
```

```sh
echo never
```

<!-- check needs no-such-program-here -->
```
never
```
"""


class Documents(unittest.TestCase):
    def run_doc(self, text, *args):
        with tempfile.TemporaryDirectory() as root:
            doc = Path(root) / "doc.md"
            doc.write_text(text, encoding="utf-8")
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                code = ct.main(["--doc", str(doc), "--root", root, *args])
            return code, out.getvalue(), doc.read_text(encoding="utf-8")

    def test_a_matching_document_passes(self):
        code, out, _ = self.run_doc(DOC)
        self.assertEqual(code, 0, out)
        self.assertIn("3 blocks checked their commands, 1 skipped, 0 failed", out)
        self.assertIn("skipped, needs no-such-program-here", out)

    def test_a_python_module_that_is_missing_skips_its_block(self):
        doc = (
            "```sh\necho ran\n```\n\n<!-- check needs python:no_such_module_here -->\n"
            "```\nnever\n```\n\n```sh\necho ran\n```\n\n<!-- check needs python:json -->\n"
            "```\nran\n```\n"
        )
        code, out, _ = self.run_doc(doc)
        self.assertEqual(code, 0, out)
        self.assertIn("skipped, needs python:no_such_module_here", out)
        self.assertIn("1 blocks checked their commands, 1 skipped, 0 failed", out)

    def test_fast_skips_the_slow_blocks(self):
        code, out, _ = self.run_doc(DOC, "--fast")
        self.assertEqual(code, 0, out)
        self.assertIn("2 blocks checked their commands, 2 skipped, 0 failed", out)

    def test_a_mismatch_fails_naming_the_line_and_showing_a_diff(self):
        stale = DOC.replace("value 0.0101\n```", "value 0.0102\n```")
        code, out, _ = self.run_doc(stale, "--fast")
        self.assertEqual(code, 1, out)
        self.assertIn("doc.md:22: the output of the command at line 17 differs", out)
        self.assertIn("-value 0.0102", out)
        self.assertIn("+value 0.0101", out)
        self.assertNotIn("-took", out)  # a line that matches is not shown as a difference

    def test_vary_reruns_with_the_variable_set(self):
        code, out, _ = self.run_doc(DOC, "--fast", "--vary", "VALUE=0.01012")
        self.assertEqual(code, 0, out)
        code, out, _ = self.run_doc(DOC, "--fast", "--vary", "VALUE=0.01")
        self.assertEqual(code, 1, out)
        self.assertIn("(with VALUE=0.01) differs", out)

    def test_a_wrong_exit_code_fails(self):
        code, out, _ = self.run_doc(DOC.replace("exit=3", "exit=0"))
        self.assertEqual(code, 1, out)
        self.assertIn("exited with 3, expected 0", out)

    def test_update_rewrites_a_stale_block(self):
        stale = DOC.replace("value 0.0101\n```", "value 0.5\n```")
        code, out, text = self.run_doc(stale, "--fast", "--update")
        self.assertEqual(code, 0, out)
        self.assertEqual(text, DOC)

    def test_restore_puts_a_written_file_back(self):
        doc = DOC + "\n```sh\necho changed > kept.txt\n```\n\n<!-- check restore=kept.txt -->\n```\n```\n"
        with tempfile.TemporaryDirectory() as root:
            (Path(root) / "kept.txt").write_text("original\n")
            (Path(root) / "doc.md").write_text(doc, encoding="utf-8")
            with contextlib.redirect_stdout(io.StringIO()):
                code = ct.main(["--doc", str(Path(root) / "doc.md"), "--root", root, "--fast"])
            self.assertEqual(code, 0)
            self.assertEqual((Path(root) / "kept.txt").read_text(), "original\n")

    def test_a_check_marker_without_a_command_is_a_usage_error(self):
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            code, _, _ = self.run_doc("<!-- check -->\n```\nx\n```\n")
        self.assertEqual(code, 2)
        self.assertIn("no `sh` fence above it", err.getvalue())


if __name__ == "__main__":
    unittest.main()
