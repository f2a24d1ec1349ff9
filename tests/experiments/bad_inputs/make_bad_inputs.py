#!/usr/bin/python3
"""Writes the malformed inputs of the bad-input catalogue (docs/RELIABILITY.md) into this folder.

Run from this folder with Debian's python3 and python3-numpy: ./make_bad_inputs.py
Each file is small and broken in one way; the catalogue's rows say which way and what
`overparam` answers.
"""
import gzip
import os
import shutil
import struct
import subprocess

import numpy as np

rng = np.random.default_rng(0)

# ---- UCI gas files: three good ethanol rows, then one defect each ----
good = subprocess.run("zcat ../../../data/gas/ethanol.dat.gz | head -3", shell=True,
                      capture_output=True, text=True, check=True).stdout.splitlines()


def write_lines(name, lines):
    with open(name, "w") as f:
        f.write("\n".join(lines) + "\n")


def replace_token(line, index, token):
    tokens = line.split(" ")
    tokens[index] = token
    return " ".join(tokens)


write_lines("gas_127_features.dat", [good[0], good[1].rstrip().rsplit(" ", 1)[0], good[2]])
write_lines("gas_missing_semicolon.dat", [good[0], good[1].replace(";", " ", 1), good[2]])
swapped = good[1].split(" ")
swapped[3], swapped[4] = swapped[4], swapped[3]
write_lines("gas_index_out_of_order.dat", [good[0], " ".join(swapped), good[2]])
write_lines("gas_non_numeric.dat", [good[0], good[1], replace_token(good[2], 10, "10:abc")])
write_lines("gas_nan.dat", [good[0], good[1], replace_token(good[2], 5, "5:nan")])
write_lines("gas_inf.dat", [good[0], replace_token(good[1], 7, "7:inf"), good[2]])
target_rest = good[1][good[1].index(" "):]
write_lines("gas_nan_target.dat", [good[0], "1;nan" + target_rest, good[2]])
write_lines("gas_only_toluene.dat", ["6" + line[1:] for line in good])
open("gas_empty.dat", "w").close()
packed = gzip.compress(("\n".join(good) + "\n").encode(), mtime=0)
open("gas_truncated.dat.gz", "wb").write(packed[: len(packed) // 2])
text = "\n".join(good) + "\n"
open("gas_utf16.dat", "wb").write(text.encode("utf-16"))  # little-endian, with its BOM
if os.path.lexists("gas_symlink_loop.dat"):
    os.remove("gas_symlink_loop.dat")
os.symlink("gas_symlink_loop.dat", "gas_symlink_loop.dat")  # a link to itself
open("gas_cr_only.dat", "wb").write(text.replace("\n", "\r").encode())


# ---- MNIST folders: four IDX files each, one of them broken ----
def idx_images(n, rows=28, cols=28, count=None):
    header = struct.pack(">BBBBIII", 0, 0, 8, 3, n if count is None else count, rows, cols)
    return header + rng.integers(0, 256, size=n * rows * cols, dtype=np.uint8).tobytes()


def idx_labels(n, count=None, values=None):
    header = struct.pack(">BBBBI", 0, 0, 8, 1, n if count is None else count)
    v = rng.integers(0, 10, size=n, dtype=np.uint8) if values is None else np.array(values, np.uint8)
    return header + v.tobytes()


def mnist_folder(name, **broken):
    shutil.rmtree(name, ignore_errors=True)
    os.makedirs(name)
    files = {"train-images-idx3-ubyte": idx_images(30), "train-labels-idx1-ubyte": idx_labels(30),
             "t10k-images-idx3-ubyte": idx_images(10), "t10k-labels-idx1-ubyte": idx_labels(10)}
    for key, content in broken.items():
        files[key] = content
    for file, content in files.items():
        if content is not None:
            open(os.path.join(name, file), "wb").write(content)


mnist_folder("mnist_tiny")  # a good folder: 30 training and 10 test images
full = idx_images(30)
mnist_folder("mnist_truncated", **{"train-images-idx3-ubyte": full[: len(full) // 2]})
mnist_folder("mnist_forged_count", **{"train-images-idx3-ubyte": idx_images(30, count=2**31)})
mnist_folder("mnist_label_count", **{"train-labels-idx1-ubyte": idx_labels(29)})
mnist_folder("mnist_bad_magic", **{"t10k-images-idx3-ubyte": b"\x01\x02" + idx_images(10)[2:]})
mnist_folder("mnist_label_range",
             **{"train-labels-idx1-ubyte": idx_labels(30, values=[3] * 29 + [12])})
mnist_folder("mnist_image_size", **{"t10k-images-idx3-ubyte": idx_images(10, rows=32, cols=32)})
mnist_folder("mnist_missing_file", **{"t10k-labels-idx1-ubyte": None})
mnist_folder("mnist_gz_truncated", **{"train-images-idx3-ubyte": None})
mnist_folder("mnist_zero_images", **{"train-images-idx3-ubyte": idx_images(0),
                                     "train-labels-idx1-ubyte": idx_labels(0)})
zipped = gzip.compress(idx_images(30), mtime=0)
open("mnist_gz_truncated/train-images-idx3-ubyte.gz", "wb").write(zipped[:-40])


# ---- W1.npy for `overparam linear --load-init` (depth 1: W1 has shape (1, 128)) ----
def npy_folder(name, array=None, raw=None):
    shutil.rmtree(name, ignore_errors=True)
    os.makedirs(name)
    path = os.path.join(name, "W1.npy")
    if raw is not None:
        open(path, "wb").write(raw)
    else:
        np.save(path, array)


npy_folder("npy_wrong_shape", np.zeros((1, 127)))
npy_folder("npy_not_npy", raw=b"this is not a numpy file\n")
npy_folder("npy_int", np.zeros((1, 128), dtype=np.int32))
npy_folder("npy_nan", np.full((1, 128), np.nan))
header = "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000, 128), }"
header += " " * (64 - 10 - len(header) - 1) + "\n"
npy_folder("npy_forged_shape",
           raw=b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + bytes(64))
np.save("/tmp/overparam-ok.npy", np.zeros((1, 128)))
ok = open("/tmp/overparam-ok.npy", "rb").read()
npy_folder("npy_truncated", raw=ok[:-100])
# A version 2.0 header announcing 4 GiB of header (NumPy reads at most 10000 bytes of one).
npy_folder("npy_long_header", raw=b"\x93NUMPY\x02\x00" + struct.pack("<I", 0xffffffff) + header.encode())


# ---- checkpoint.cbor for `overparam linear --resume` and `overparam mnist --resume` ----
def cbor_map(entries):
    """A CBOR map of short text keys to small unsigned integers or short text (RFC 8949)."""
    def item(value):
        if isinstance(value, int):
            assert 0 <= value < 24
            return bytes([value])
        raw = value.encode()
        assert len(raw) < 24
        return bytes([0x60 + len(raw)]) + raw
    assert len(entries) < 24
    return bytes([0xa0 + len(entries)]) + b"".join(item(k) + item(v) for k, v in entries.items())


def checkpoint_folder(name, raw):
    shutil.rmtree(name, ignore_errors=True)
    os.makedirs(name)
    open(os.path.join(name, "checkpoint.cbor"), "wb").write(raw)


checkpoint_folder("checkpoint_not_cbor", b"\xff this is not CBOR\n")
checkpoint_folder("checkpoint_of_mnist", cbor_map({"format": 1, "command": "mnist"}))
checkpoint_folder("checkpoint_format_2", cbor_map({"format": 2, "command": "linear"}))
checkpoint_folder("checkpoint_no_arguments", cbor_map({"format": 1, "command": "linear"}))
