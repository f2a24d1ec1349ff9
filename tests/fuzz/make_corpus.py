#!/usr/bin/python3
"""Writes the seed corpus of the fuzz targets into tests/fuzz/corpus/TARGET/.

Run with Debian's python3 and python3-numpy (the .npy seeds are written by NumPy itself):
    /usr/bin/python3 tests/fuzz/make_corpus.py
Each seed is a small valid file, or one with a single thing wrong, so that libFuzzer starts
from inputs that reach deep into the parser and from the edges of what it accepts. The
directory of each target is emptied and rewritten, so this script is the corpus's definition.
scripts/fuzz.sh runs the targets on copies of these directories and never adds to them.
"""
import gzip
import io
import os
import shutil
import struct

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
repo = os.path.dirname(os.path.dirname(here))
corpus = os.path.join(here, "corpus")


def reset(target):
    path = os.path.join(corpus, target)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def write(target, name, data):
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(corpus, target, name), "wb") as f:
        f.write(data)


def gz(data):
    # mtime=0: the same bytes on every run of this script.
    return gzip.compress(data, mtime=0)


# ---- gas: the UCI line format "CLASS;CONCENTRATION 1:f1 2:f2 ..." ----------------------------
reset("gas")
write("gas", "three_rows.dat",
      "1;10.0 1:15596.16 2:1.868 3:2.37 4:-2.73\n"
      "2;50.0 1:26402.07 2:2.53 3:2.10 4:-3.34\n"
      "1;20.0 1:42103.58 2:3.45 3:3.62 4:-5.06\n")
write("gas", "crlf_blanks.dat",
      "1;10.0 1:1.5 2:2.5\r\n\r\n   \r\n1;12.5\t1:1e3 2:-4.25e-2  \r\n")
write("gas", "other_class_only.dat", "3;100.0 1:1.0 2:2.0\n")
write("gas", "index_gap.dat", "1;10.0 1:1.0 3:3.0\n")
write("gas", "nan_value.dat", "1;10.0 1:nan 2:1.0\n")
write("gas", "feature_count_differs.dat", "1;10.0 1:1.0 2:2.0\n1;11.0 1:1.0\n")
write("gas", "huge_values.dat", "1;1e308 1:1e308 2:-1e308\n1;-1e308 1:-1e308 2:1e308\n")
with gzip.open(os.path.join(repo, "data", "gas", "ethanol.dat.gz"), "rt") as f:
    real = [next(f) for _ in range(2)]
write("gas", "ethanol_two_rows.dat", "".join(real))

# ---- idx: MNIST IDX files (big-endian header, then unsigned bytes) -----------------------------
reset("idx")


def idx(magic, dims, payload):
    return struct.pack(">I", magic) + b"".join(struct.pack(">I", d) for d in dims) + payload


pixels = bytes((7 * i) % 256 for i in range(28 * 28))
one_image = idx(0x00000803, [1, 28, 28], pixels)
labels = idx(0x00000801, [5], bytes([0, 9, 3, 7, 1]))
write("idx", "images_1x28x28", one_image)
write("idx", "images_1x28x28.gz", gz(one_image))
write("idx", "images_3x2x4", idx(0x00000803, [3, 2, 4], bytes(range(24))))
write("idx", "images_truncated", one_image[:-1])
write("idx", "images_2_31_images", idx(0x00000803, [2**31, 28, 28], pixels))
write("idx", "labels_5", labels)
write("idx", "labels_5.gz", gz(labels))
write("idx", "labels_11", idx(0x00000801, [3], bytes([1, 11, 2])))
write("idx", "labels_trailing", labels + b"x")

# ---- npy: written by NumPy, plus a few broken ones ---------------------------------------------
reset("npy")


def npy(array, version=None):
    out = io.BytesIO()
    if version is None:
        np.save(out, array, allow_pickle=False)
    else:
        np.lib.format.write_array(out, array, version=version, allow_pickle=False)
    return out.getvalue()


f8 = npy(np.arange(6, dtype="<f8").reshape(2, 3))
write("npy", "f8_2x3.npy", f8)
write("npy", "f8_2x3.npy.gz", gz(f8))
write("npy", "f4_3.npy", npy(np.array([1.5, -2.0, 3.25], dtype="<f4")))
write("npy", "f4_2x2x2.npy", npy(np.arange(8, dtype="<f4").reshape(2, 2, 2)))
write("npy", "f8_scalar.npy", npy(np.array(3.5, dtype="<f8")))
write("npy", "f8_empty.npy", npy(np.zeros((0, 4), dtype="<f8")))
write("npy", "f8_version_2.npy", npy(np.ones((2, 2), dtype="<f8"), version=(2, 0)))
write("npy", "f8_fortran.npy", npy(np.asfortranarray(np.arange(6, dtype="<f8").reshape(2, 3))))
write("npy", "i8_refused.npy", npy(np.arange(3, dtype="<i8")))
write("npy", "f8_big_endian.npy", npy(np.arange(3, dtype=">f8")))
write("npy", "f8_truncated.npy", f8[:-5])

# ---- cli: the words after `overparam`, separated by NUL bytes ----------------------------------
reset("cli")
command_lines = {
    "linear_depth3": ["linear", "--depth", "3", "--width", "10", "--lr", "0.01"],
    "linear_e2e_grid": ["linear", "--optimizer", "e2e", "--p", "4", "--lr-grid", "1e-3,1e-2,0.1"],
    "linear_float32": ["linear", "--dtype", "float32", "--init", "balanced", "--init-std=0.1",
                       "--iterations", "100", "--log-every", "10", "--explain", "2"],
    "linear_bad_depth": ["linear", "--depth=0"],
    "linear_unknown_flag": ["linear", "--bogus", "1"],
    "figure_emulation": ["figure", "emulation", "--quick", "--jobs", "2"],
    "figure_mnist": ["figure", "mnist", "--quick", "--steps", "10", "--l2-on", "factors"],
    "reproduce_quick": ["reproduce", "--quick", "--jobs", "1", "--normalize", "minmax"],
    "mnist_overparam": ["mnist", "--variant", "overparam", "--l2-on", "factors", "--batch-size",
                        "32", "--eval-every", "0", "--validation-size", "100"],
    "mnist_figure": ["mnist-figure", "--quick", "--threads", "1"],
    "theory_curl": ["theory", "curl", "--depth", "3", "--r-inner", "0.5", "--r-outer", "2",
                    "--theta-to", "180", "--tol", "1e-8"],
    "theory_toy": ["theory", "toy", "--y1", "100", "--y2", "1", "--p", "4", "--fraction", "0.5"],
    "theory_usage": ["theory"],
    "lsq": ["lsq", "--rows", "100", "--features", "5", "--dtype", "float32"],
    "tape_conv": ["tape", "--example", "conv", "--dot", "graph.dot"],
    # The first finding of fuzz_cli: Boost's error message looped forever on this argument.
    "regression_placeholder_hang": ["linear", "-%canonical_option%"],
}
for name, words in command_lines.items():
    write("cli", name, "\0".join(words))

# ---- plot and dot: fields separated by 0x1E, the first a header of bytes ----------------------
# plot: header (bit 0 log_y, bit 1 log_x; panels 1 + b % 3; curves per panel b % 4), then the
# output path, the figure's title, and per panel its title, x label, y label and per curve a
# legend entry and its points "x y x y ...".
RS = b"\x1e"


def fields(*parts):
    return RS.join(p if isinstance(p, bytes) else p.encode() for p in parts)


reset("plot")
write("plot", "one_curve_log", fields(b"\x01\x00\x01", "/tmp/overparam-plot-abc123", "",
                                      "depth 2", "iteration", "loss", "lr 0.001",
                                      "0 1.5 1 0.75 2 0.5"))
write("plot", "quote_injection", fields(b"\x01\x00\x02", "/tmp/x';system('touch PWNED');'",
                                        "it's", "`touch PWNED`", "$(id)", "a\nb\rc", "'",
                                        "1 2 3 4", "'';\\", "5 6 7 8"))
write("plot", "two_panels_title", fields(b"\x00\x01\x02", "out.png", "Figure 5: adam vs gd",
                                         "p=2", "x_1^2", "y@{z}", "gd", "0 1 1 0.5", "adam",
                                         "0 2 1 -1", "p=4", "it", "loss", "e2e", "0 3 1 2"))
write("plot", "non_finite_points", fields(b"\x03\x00\x01", "o", "", "t", "x", "y", "c",
                                          "nan 1 inf 2 1 -1 0 5 1e308 1e308 2 1e-320"))
write("plot", "no_data", fields(b"\x01\x02\x01", "o", "title", "a", "b", "c", "none", "0 0"))
write("plot", "control_bytes", fields(b"\x00\x00\x01", "o\x00p", "\x7f\x1b[31m", "\t",
                                      "#comment", "\\", "label\\", "1 1 2 2"))

# dot: header (bit 0 values, bit 1 backward; byte k picks leaf k's kind: 0 param, 1 variable,
# 2 input, 3 constant), then one name per leaf.
reset("dot")
write("dot", "three_leaves", fields(b"\x03\x00\x01\x02", "W1", "x", "X"))
write("dot", "quotes_backslashes", fields(b"\x01\x01\x03", 'a"b', "c\\nd\\N\\G\\l"))
write("dot", "newlines_controls", fields(b"\x02\x00\x01", "one\ntwo\r\x00", "\x7f\t"))
write("dot", "utf8_and_not", fields(b"\x00\x01\x02\x03\x00", "\u00e9t\u00e9 \u2207",
                                    b"\xff\xfe", b"\xc0\xaf", b"\xed\xa0\x80\xe2\x82"))
write("dot", "empty_names", fields(b"\x02\x00\x01\x02\x03", "", "", "", ""))
write("dot", "html_like", fields(b"\x00\x01", "<b>bold</b>", "]; n0 -> n0; x [label=\""))
