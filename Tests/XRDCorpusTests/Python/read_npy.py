#!/usr/bin/env python3
"""Reads the NumPy layout of an xrdsim corpus with numpy and prints a JSON summary for the Swift tests.

Usage: read_npy.py CORPUS_DIRECTORY
Layout (Sources/XRDCorpus/NPYFormat.swift): `shard-00000.npy` float32 [N, points] per shard,
`two_theta.npy` float64 [points], `labels-00000.jsonl` (one JSON label per line, row i of the shard = line i)
and, when present, `labels-00000.npy` float64 [N, K] numeric label columns. Arrays are opened with
`np.load(mmap_mode='r')`, as a training loader does. Array hashes are SHA-256 of the little-endian bytes.
"""
import glob
import hashlib
import json
import os
import sys

import numpy as np


def main(directory):
    two_theta = np.load(os.path.join(directory, "two_theta.npy"), mmap_mode="r")
    shards = []
    for path in sorted(glob.glob(os.path.join(directory, "shard-*.npy"))):
        name = os.path.basename(path)
        number = name[len("shard-"):-len(".npy")]
        array = np.load(path, mmap_mode="r")
        labels_path = os.path.join(directory, f"labels-{number}.jsonl")
        with open(labels_path, encoding="utf-8") as f:
            labels = [json.loads(line) for line in f if line.strip()]
        numeric_path = os.path.join(directory, f"labels-{number}.npy")
        numeric = None
        if os.path.exists(numeric_path):
            table = np.load(numeric_path, mmap_mode="r")
            numeric = {"shape": list(table.shape), "dtype": table.dtype.str,
                       "first_column": [None if np.isnan(x) else float(x) for x in table[:, 0]] if table.ndim == 2 else None}
        shards.append({
            "file": name,
            "shape": list(array.shape),
            "dtype": array.dtype.str,
            "fortran_order": bool(np.isfortran(array)) if array.ndim > 1 else False,
            "is_memmap": isinstance(array, np.memmap),
            "sha256": hashlib.sha256(np.ascontiguousarray(array, dtype="<f4").tobytes()).hexdigest(),
            "labels_file": os.path.basename(labels_path),
            "label_count": len(labels),
            "labels": labels,
            "numeric_labels": numeric,
        })
    print(json.dumps({
        "numpy": np.__version__,
        "two_theta": {
            "shape": list(two_theta.shape),
            "dtype": two_theta.dtype.str,
            "sha256": hashlib.sha256(np.ascontiguousarray(two_theta, dtype="<f8").tobytes()).hexdigest(),
        },
        "shards": shards,
    }))


if __name__ == "__main__":
    main(sys.argv[1])
