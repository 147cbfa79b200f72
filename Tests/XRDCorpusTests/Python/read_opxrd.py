#!/usr/bin/env python3
"""Loads xrdsim's opXRD JSON files with the opXRD project's own reader, xrdpattern, and prints a JSON summary
for OpXRDTests.swift.

Usage: read_opxrd.py FILE.json [FILE.json ...]
Needs `pip install xrdpattern` (0.9.9 pins numpy 1.26, pymatgen 2024.8.9 and torch; install it into its own
virtual environment and point XRDSIM_XRDPATTERN_PYTHON at that environment's python). Per file it reports what
`XrdPattern.load(fpath=...)` parsed (is_simulated, primary_phase, has_label(...), wavelengths, metadata), a
SHA-256 of the intensities as little-endian float32 (exact comparison with what Swift wrote), and whether
xrdpattern writes the very same document back (`to_str()`), decoding the JSON-in-JSON strings before comparing,
with the paths of any differences (lattice strings that differ only by pymatgen's rounding, ≤ 1e-12 relative,
are listed apart as `rewrite_rounding`). It also loads the whole folder with `PatternDB.load(strict=True)`.
"""
import contextlib
import hashlib
import io
import json
import os
import sys

import numpy as np
from xrdpattern.pattern import XrdPattern, PatternDB
from xrdpattern.xrd import LabelType


def decode(value):
    """json.loads strings that hold JSON objects or lists, recursively (xrdpattern nests JSON in strings)."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return decode(json.loads(value))
        except ValueError:
            return value
    if isinstance(value, list):
        return [decode(v) for v in value]
    if isinstance(value, dict):
        return {k: decode(v) for k, v in value.items()}
    return value


def tuple_values(value):
    """The numbers of a lattice string "(a, b, c, alpha, beta, gamma)", or None."""
    if isinstance(value, str) and value.startswith("(") and value.endswith(")"):
        try:
            return [float(x) for x in value[1:-1].split(",")]
        except ValueError:
            return None
    return None


def differences(a, b, path="", rounding=None):
    """Paths where a and b differ; paths where only a lattice string's last digits differ go to `rounding`."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                out.append(f"{path}/{k}")
            else:
                out += differences(a[k], b[k], f"{path}/{k}", rounding)
        return out
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{path}[len]"]
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in differences(x, y, f"{path}[{i}]", rounding)]
    if a == b:
        return []
    ta, tb = tuple_values(a), tuple_values(b)
    if ta is not None and tb is not None and len(ta) == len(tb) and \
            all(abs(x - y) <= 1e-12 * max(1.0, abs(x)) for x, y in zip(ta, tb)):
        if rounding is not None:
            rounding.append(path)
        return []
    return [path]


def first_difference(a, b):
    """Where two texts first differ, with 40 characters of each around it, or None."""
    i = next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), None if len(a) == len(b) else min(len(a), len(b)))
    return None if i is None else {"offset": i, "written": a[max(0, i - 40):i + 40], "xrdpattern": b[max(0, i - 40):i + 40]}


def summarize(fpath):
    pattern = XrdPattern.load(fpath=fpath)
    experiment = pattern.powder_experiment
    phase = pattern.primary_phase
    phase_summary = None
    if phase is not None:
        phase_summary = {
            "spacegroup": phase.spacegroup,
            "chemical_composition": phase.chemical_composition,
            "lattice": None if phase.lattice is None else [*phase.lengths, *phase.angles],
            "phase_fraction": phase.phase_fraction,
            "num_sites": None if phase.basis is None else len(phase.basis),
            "species": None if phase.basis is None else sorted({s.species_str for s in phase.basis}),
            "reduced_formula": None if phase.basis is None else phase.to_pymatgen().composition.reduced_formula,
        }
    with open(fpath, encoding="utf-8") as f:
        written = f.read()
    intensities = np.asarray(pattern.intensities, dtype="<f4")
    rewritten = pattern.to_str()
    rounding = []
    return {
        "file": os.path.basename(fpath),
        "num_entries": int(pattern.num_entries),
        "two_theta_first": float(pattern.two_theta_values[0]),
        "two_theta_last": float(pattern.two_theta_values[-1]),
        "intensities_float32_sha256": hashlib.sha256(intensities.tobytes()).hexdigest(),
        "is_simulated": bool(pattern.is_simulated),
        "num_phases": len(experiment.phases),
        "phase_fractions": [p.phase_fraction for p in experiment.phases],
        "primary_phase": phase_summary,
        "has_label": {lt.value: bool(pattern.has_label(label_type=lt)) for lt in
                      (LabelType.lattice, LabelType.spg, LabelType.composition, LabelType.basis,
                       LabelType.primary_wavelength, LabelType.secondary_wavelength,
                       LabelType.crystallite_size, LabelType.temperature)},
        "primary_wavelength": experiment.xray_info.primary_wavelength,
        "secondary_wavelength": experiment.xray_info.secondary_wavelength,
        "crystallite_size_nm": experiment.crystallite_size_nm,
        "metadata": {"filename": pattern.metadata.filename,
                     "original_file_format": pattern.metadata.original_file_format,
                     "tags": pattern.metadata.tags,
                     "xrdpattern_version": pattern.metadata.xrdpattern_version},
        "rewrite_identical_text": rewritten == written,
        "rewrite_differences": differences(decode(json.loads(written)), decode(json.loads(rewritten)), "", rounding),
        "rewrite_rounding": rounding,
        "rewrite_first_text_difference": first_difference(written, rewritten),
    }


def main(paths):
    files = [summarize(p) for p in paths]
    directories = sorted({os.path.dirname(os.path.abspath(p)) for p in paths})
    db_counts = {}
    for d in directories:
        with contextlib.redirect_stdout(io.StringIO()):  # PatternDB.load prints progress
            db_counts[os.path.basename(d)] = len(PatternDB.load(dirpath=d, strict=True).patterns)
    from importlib.metadata import version
    print(json.dumps({"xrdpattern": version("xrdpattern"), "files": files, "pattern_db_counts": db_counts}))


if __name__ == "__main__":
    main(sys.argv[1:])
