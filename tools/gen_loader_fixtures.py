#!/usr/bin/env python3
"""Writes the small .npy / .npz / IDX files tests/test_loaders.c reads (tests/data/).

Run from the repository root with NumPy:  /usr/bin/python3 tools/gen_loader_fixtures.py
The values are simple formulas that the test re-computes; each file is well under 10 KB.
"""
import gzip
import io
import struct
import zipfile

import numpy as np

OUT = "tests/data/"


def save(name, arr, version=None):
    with open(OUT + name, "wb") as f:
        if version is None:
            np.save(f, arr)
        else:
            np.lib.format.write_array(f, arr, version=version)


def main():
    f4 = (np.arange(6, dtype=np.float32).reshape(2, 3) * 0.5 - 1.0)           # -1 .. 1.5
    save("f4_2x3.npy", f4)
    save("f8_3.npy", np.array([1.5, -2.25, 1e10], dtype=np.float64))
    save("u1_2x2x2.npy", (np.arange(8) * 30).astype(np.uint8).reshape(2, 2, 2))
    save("i4_4.npy", np.array([-7, 0, 2**31 - 1, -2**31], dtype=np.int32))
    save("i8_2x2.npy", np.array([[-1, 2**40], [3, -2**53]], dtype=np.int64))
    save("f4_v2.npy", np.arange(5, dtype=np.float32), version=(2, 0))
    save("f4_v3.npy", np.arange(5, dtype=np.float32), version=(3, 0))
    save("f4_0x3.npy", np.zeros((0, 3), dtype=np.float32))
    # the files that must be refused
    save("f4_fortran.npy", np.asfortranarray(f4))
    save("f4_bigendian.npy", f4.astype(">f4"))
    save("f2.npy", f4.astype(np.float16))
    save("scalar.npy", np.float32(3.0))
    save("structured.npy", np.zeros(2, dtype=[("a", "<f4"), ("b", "<i4")]))

    x = np.arange(12, dtype=np.float32).reshape(3, 4) / 4
    y = np.array([0, 1, 2], dtype=np.int64)
    np.savez(OUT + "stored.npz", x=x, y=y)
    np.savez_compressed(OUT + "deflated.npz", x=x, y=y)
    # a member whose .npy content is truncated (zip itself intact)
    bad = io.BytesIO()
    np.save(bad, x)
    with zipfile.ZipFile(OUT + "bad_member.npz", "w") as z:
        z.writestr("x.npy", bad.getvalue()[:-5])

    # IDX: uint8 images (3, 4, 5), int16 and float32 vectors, plain and gzip'd
    imgs = (np.arange(60) * 4 % 256).astype(np.uint8).reshape(3, 4, 5)
    idx_u8 = struct.pack(">BBBB", 0, 0, 0x08, 3) + struct.pack(">III", 3, 4, 5) + imgs.tobytes()
    with open(OUT + "u8_3x4x5.idx", "wb") as f:
        f.write(idx_u8)
    with open(OUT + "u8_3x4x5.idx.gz", "wb") as f:
        f.write(gzip.compress(idx_u8, mtime=0))
    vals = np.array([-1.5, 0.25, 3e6], dtype=">f4")
    with open(OUT + "f4_3.idx", "wb") as f:
        f.write(struct.pack(">BBBBI", 0, 0, 0x0D, 1, 3) + vals.tobytes())
    ints = np.array([-300, 7, 32767, -32768], dtype=">i2")
    with open(OUT + "i2_2x2.idx", "wb") as f:
        f.write(struct.pack(">BBBBII", 0, 0, 0x0B, 2, 2, 2) + ints.tobytes())


if __name__ == "__main__":
    main()
