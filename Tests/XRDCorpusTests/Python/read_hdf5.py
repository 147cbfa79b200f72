#!/usr/bin/env python3
"""Reads an xrdsim HDF5 corpus shard with h5py and prints a JSON summary for HDF5Tests.swift.

Usage: read_hdf5.py SHARD.h5
Needs numpy and h5py (`python3 -m pip install numpy h5py`). The Swift test compares every field with what it
wrote: array hashes are SHA-256 of the little-endian bytes (float32 intensities, float64 2θ), so equality is exact.
"""
import hashlib
import json
import sys

import h5py
import numpy as np


def text(values):
    return [v.decode("utf-8") if isinstance(v, bytes) else str(v) for v in values]


def main(path):
    with h5py.File(path, "r") as f:
        ds = f["intensities"]
        intensities = ds[...]
        two_theta = f["two_theta"][...]
        # A random row read through the chunk index, as a training loader does.
        last_row = ds[ds.shape[0] - 1].tolist() if ds.shape[0] > 0 else []
        summary = {
            "h5py": h5py.__version__,
            "intensities": {
                "shape": list(ds.shape),
                "dtype": ds.dtype.str,
                "maxshape": [m if m is not None else -1 for m in ds.maxshape],
                "chunks": list(ds.chunks) if ds.chunks else None,
                "compression": ds.compression,
                "compression_opts": ds.compression_opts,
                "shuffle": bool(ds.shuffle),
                "sha256": hashlib.sha256(np.ascontiguousarray(intensities, dtype="<f4").tobytes()).hexdigest(),
                "last_row": last_row,
            },
            "two_theta": {
                "shape": list(two_theta.shape),
                "dtype": f["two_theta"].dtype.str,
                "units": f["two_theta"].attrs["units"].decode() if isinstance(f["two_theta"].attrs["units"], bytes)
                else str(f["two_theta"].attrs["units"]),
                "sha256": hashlib.sha256(np.ascontiguousarray(two_theta, dtype="<f8").tobytes()).hexdigest(),
            },
            "dtypes": {name: f[name].dtype.str if f[name].dtype.kind != "O" else "string" for name in f.keys()},
            "index": f["index"][...].tolist(),
            "structure_index": f["structure_index"][...].tolist(),
            "variant": f["variant"][...].tolist(),
            "space_group_number": f["space_group_number"][...].tolist(),
            "lattice": [[None if np.isnan(x) else float(x) for x in row] for row in f["lattice"][...]],
            "phase_count": f["phase_count"][...].tolist(),
            "phase_fraction": f["phase_fraction"][...].tolist(),
            "radiation_wavelength": f["radiation_wavelength"][...].tolist(),
            "radiation_weight": f["radiation_weight"][...].tolist(),
            "formula": text(f["formula"].asstr()[...]),
            "structure_id": text(f["structure_id"].asstr()[...]),
            "labels": [json.loads(s) for s in f["labels_json"].asstr()[...]],
            "attrs": {k: (v.decode() if isinstance(v, bytes) else v.item() if hasattr(v, "item") else v)
                      for k, v in f.attrs.items()},
        }
    print(json.dumps(summary))


if __name__ == "__main__":
    main(sys.argv[1])
