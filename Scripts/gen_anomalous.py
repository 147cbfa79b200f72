#!/usr/bin/env python3
"""Generate XRDDiffraction's anomalous-dispersion table (f′, f″ for H–Cf) and its frozen fixtures.

Rerun (dev time only; xrdsim never needs Python at run time):

    python3 Scripts/gen_anomalous.py          # writes the Swift table and the fixtures
    python3 Scripts/gen_anomalous.py --check  # exits non-zero if a committed file differs

Needs: xraydb 4.5.8, xrayutilities 1.8.0 (for its DABAX copy of Kissel's RTAB table), numpy.

Sources
  Z = 1…92: Chantler (FFAST; C. T. Chantler, J. Phys. Chem. Ref. Data 24, 71 (1995) and 29, 597 (2000)) as
    carried by xraydb (table 'Chantler'). xraydb's f1 column is already f′ (= f1 − Z: Fe gives −0.04, not
    26, at 120 keV), so no conversion. Tube-line values are xraydb.f1_chantler / f2_chantler at
    E = hc/λ (xraydb interpolates f1 with a local cubic spline, f2 linearly in log-log).
  Z = 93…98 (Np–Cf, beyond Chantler): Kissel's RTAB anomalous scattering factors (L. Kissel, Radiat.
    Phys. Chem. 59, 185 (2000)) from xrayutilities' DABAX file f1f2_asf_Kissel.dat; f′ = f1 − Z (column 5
    minus Z, as xrayutilities does; equal to the file's own f′ column 4), f″ = column 6. Kissel includes
    unbroadened bound-bound transitions as single-energy spikes in f″ with 1/(E − E_b) resonances in f′
    ("unphysical", his words); every such spike and all points within ±SPIKE_WINDOW_EV of one are dropped
    before use. Tube-line values interpolate the cleaned grid linearly in E (as xrayutilities does).

The energy grid (GRID_MIN_KEV…GRID_MAX_KEV, i.e. λ ≈ 10.3…0.099 Å) is the source's own grid, split into
segments at the absorption edges (K, L1–3, M1–5, N1–3 from xraydb's Elam table that fall in the range;
the split is put where f″ jumps most within ±0.5 % of the edge; edges whose jump there is < 2 % are not
split) and thinned by greedy refinement until
the interpolation that Swift applies (GSL Steffen in (ln E, f′); GSL linear in (ln E, ln f″)) reproduces
every dropped source point to F1_ABS + F1_REL·|f′| and F2_ABS + F2_REL·f″.

Writes
  Sources/XRDDiffraction/Tables/AnomalousScatteringTable.swift
  Tests/XRDDiffractionTests/Fixtures/anomalous_reference.json   xraydb/Chantler f′, f″ at Cu Kα1 for a few
      elements, and source grid points (not thinned) for a few elements, to test the interpolation.
"""
from __future__ import annotations

import argparse
import json
import lzma
import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
SWIFT_OUT = ROOT / "Sources/XRDDiffraction/Tables/AnomalousScatteringTable.swift"
FIXTURE_OUT = ROOT / "Tests/XRDDiffractionTests/Fixtures/anomalous_reference.json"
GENERATOR = "Scripts/gen_anomalous.py"

HC_KEV_ANGSTROM = 12.398419843320026   # CODATA 2018 hc in keV·Å
GRID_MIN_KEV, GRID_MAX_KEV = 1.2, 125.0
F1_ABS, F1_REL = 0.005, 0.003
F2_ABS, F2_REL = 0.0001, 0.003
SPIKE_WINDOW_EV = 12.0
EDGES = ["K", "L1", "L2", "L3", "M1", "M2", "M3", "M4", "M5", "N1", "N2", "N3"]

# ITC Vol. C (3rd ed., 2004) Table 4.2.2.1; Hölzer et al. (1997), Phys. Rev. A 56, 4554 for Cr–Cu.
# Must equal Sources/XRDDiffraction/Radiation.swift (a Swift test checks the table against it).
TUBES = {
    "Cu": (1.5405929, 1.5444274, 1.3922340),
    "Mo": (0.70931715, 0.713607, 0.632303),
    "Co": (1.7889960, 1.7928350, 1.6208260),
    "Cr": (2.2897260, 2.2936510, 2.0848810),
    "Fe": (1.9360410, 1.9399730, 1.7566040),
    "Ag": (0.55942178, 0.5638131, 0.4970817),
}


def tube_lines() -> list[tuple[str, float]]:
    out = []
    for anode, (ka1, ka2, kb1) in TUBES.items():
        out += [(f"{anode}Ka1", ka1), (f"{anode}Ka2", ka2), (f"{anode}Ka", (2 * ka1 + ka2) / 3),
                (f"{anode}Kb1", kb1)]
    return out


# MARK: - sources

def symbols() -> list[str]:
    import xraydb
    rows = xraydb.get_xraydb().get_cache("elements")
    return [r.element for r in sorted(rows, key=lambda r: r.atomic_number)][:98]


def chantler_grid(sym: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    import xraydb
    row = xraydb.get_xraydb().get_cache("Chantler", column="element", value=sym)[0]
    e = np.array(json.loads(row.energy)) / 1000.0
    f1 = np.array(json.loads(row.f1))
    f2 = np.array(json.loads(row.f2))
    order = np.argsort(e, kind="stable")
    e, f1, f2 = e[order], f1[order], f2[order]
    keep = np.concatenate([[True], np.diff(e) > 0])   # xraydb notes a repeated energy for Mo
    return e[keep], f1[keep], f2[keep]


_KISSEL: dict[int, np.ndarray] | None = None
NEAR_SPIKES: list[str] = []   # tube lines whose Kissel interval was bridged over dropped spikes


def kissel_raw(z: int) -> np.ndarray:
    """Columns: E (keV), f′ (= f1 − Z), f″, for one element, as in the DABAX file."""
    global _KISSEL
    if _KISSEL is None:
        import xrayutilities
        path = pathlib.Path(xrayutilities.__file__).parent / "materials/data/f1f2_asf_Kissel.dat.xz"
        _KISSEL = {}
        for block in lzma.open(path, "rt").read().split("#S")[1:]:
            lines = block.splitlines()
            zz = int(lines[0].split()[0])
            data = [ln.split() for ln in lines[1:] if ln.strip() and not ln.startswith("#")]
            arr = np.array([[float(r[0]), float(r[4]) - zz, float(r[5])] for r in data])
            _KISSEL[zz] = arr
    return _KISSEL[z]


def kissel_clean(z: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    raw = kissel_raw(z)
    e, f1, f2 = raw[:, 0], raw[:, 1], raw[:, 2]
    # Bound-bound transitions: an isolated f″ maximum well above both neighbours.
    spikes = [i for i in range(1, len(e) - 1)
              if f2[i] > 1.02 * max(f2[i - 1], f2[i + 1]) and e[i] > 0]
    drop = np.zeros(len(e), dtype=bool)
    for i in spikes:
        drop |= np.abs(e - e[i]) * 1000 <= SPIKE_WINDOW_EV
    keep = ~drop & (e > 0)
    e, f1, f2 = e[keep], f1[keep], f2[keep]
    keep = np.concatenate([[True], np.diff(e) > 0])
    return e[keep], f1[keep], f2[keep]


def kissel_spike_energies(z: int) -> np.ndarray:
    raw = kissel_raw(z)
    e, f2 = raw[:, 0], raw[:, 2]
    return np.array([e[i] for i in range(1, len(e) - 1) if f2[i] > 1.02 * max(f2[i - 1], f2[i + 1])])


def source_grid(z: int, sym: str):
    return chantler_grid(sym) if z <= 92 else kissel_clean(z)


def tube_values(z: int, sym: str, wavelength: float) -> tuple[float, float]:
    import xraydb
    energy_ev = 1000 * HC_KEV_ANGSTROM / wavelength
    if z <= 92:
        return float(xraydb.f1_chantler(sym, energy_ev)), float(xraydb.f2_chantler(sym, energy_ev))
    e, f1, f2 = kissel_clean(z)
    ek = energy_ev / 1000
    # the interval used must not be one that spike removal bridged
    i = int(np.searchsorted(e, ek))
    spikes = kissel_spike_energies(z)
    if np.any((spikes > e[i - 1]) & (spikes < e[i])):
        NEAR_SPIKES.append(f"{sym} at {wavelength:.7g} Å")
    return float(np.interp(ek, e, f1)), float(np.interp(ek, e, f2))


# MARK: - interpolation as Swift does it (GSL)

def steffen(x: np.ndarray, y: np.ndarray, xq: np.ndarray) -> np.ndarray:
    """GSL's gsl_interp_steffen (Steffen 1990, A&A 239, 443): monotone piecewise cubic Hermite, interior
    slopes min-limited, end slopes = the end secants (the 'simplest possibility' of the paper's §2.2)."""
    n = len(x)
    if n == 2:
        return np.interp(xq, x, y)
    h = np.diff(x)
    s = np.diff(y) / h
    yp = np.empty(n)
    yp[0], yp[-1] = s[0], s[-1]
    p = (s[:-1] * h[1:] + s[1:] * h[:-1]) / (h[:-1] + h[1:])
    yp[1:-1] = (np.sign(s[:-1]) + np.sign(s[1:])) * np.minimum(np.minimum(np.abs(s[:-1]), np.abs(s[1:])),
                                                                0.5 * np.abs(p))
    i = np.clip(np.searchsorted(x, xq, side="right") - 1, 0, n - 2)
    dx = xq - x[i]
    a = (yp[i] + yp[i + 1] - 2 * s[i]) / h[i] ** 2
    b = (3 * s[i] - 2 * yp[i] - yp[i + 1]) / h[i]
    return ((a * dx + b) * dx + yp[i]) * dx + y[i]


def thin(e: np.ndarray, f1: np.ndarray, f2: np.ndarray) -> np.ndarray:
    """Indices of a subset of one edge-free segment that reproduces all points within tolerance."""
    n = len(e)
    if n <= 3:
        return np.arange(n)
    x = np.log(e)
    lf2 = np.log(np.maximum(f2, 1e-30))
    keep = {0, n - 1, n // 2}
    while True:
        k = np.array(sorted(keep))
        g1 = steffen(x[k], f1[k], x)
        g2 = np.exp(np.interp(x, x[k], lf2[k])) if len(k) > 1 else np.full(n, f2[0])
        err = np.maximum(np.abs(g1 - f1) / (F1_ABS + F1_REL * np.abs(f1)),
                         np.abs(g2 - f2) / (F2_ABS + F2_REL * np.abs(f2)))
        added = False
        for lo, hi in zip(k[:-1], k[1:]):
            if hi - lo < 2:
                continue
            j = lo + 1 + int(np.argmax(err[lo + 1:hi]))
            if err[j] > 1:
                keep.add(j)
                added = True
        if not added:
            return k


def segments(z: int, sym: str):
    """[(lower edge keV or 0, E[], f′[], f″[])] for one element, thinned, covering the grid range."""
    import xraydb
    e, f1, f2 = source_grid(z, sym)
    lo = max(0, int(np.searchsorted(e, GRID_MIN_KEV, side="right")) - 1)
    hi = min(len(e), int(np.searchsorted(e, GRID_MAX_KEV)) + 1)
    e, f1, f2 = e[lo:hi], f1[lo:hi], f2[lo:hi]
    edges = sorted(v.energy / 1000 for k, v in xraydb.xray_edges(sym).items()
                   if k in EDGES and e[0] < v.energy / 1000 < e[-1])
    cuts = []   # split between i and i+1
    for edge in edges:
        window = np.where(np.abs(e - edge) <= 0.005 * edge)[0]
        j = int(np.searchsorted(e, edge))   # e[j - 1] < edge <= e[j]
        cand = sorted({i for i in [*window, j - 2, j - 1, j] if 0 <= i < len(e) - 1})
        i = max(cand, key=lambda i: f2[i + 1] / max(f2[i], 1e-30))
        if f2[i + 1] / max(f2[i], 1e-30) < 1.02:
            continue   # a weak edge (e.g. M1 near 1.2 keV): no discontinuity in the data, no split
        cuts.append((i, edge if e[i] < edge < e[i + 1] else 0.5 * (e[i] + e[i + 1])))
    out = []
    start, lower = 0, 0.0
    for i, edge in cuts + [(len(e) - 1, None)]:
        idx = np.arange(start, i + 1)
        k = idx[thin(e[idx], f1[idx], f2[idx])]
        out.append((lower, e[k], f1[k], f2[k]))
        start, lower = i + 1, edge
    return out


# MARK: - output

def g(x: float) -> str:
    return f"{x:.6g}" if x != 0 else "0.0"


def edge_table(z: int, sym: str) -> list[tuple[str, float]]:
    """(name, keV) of the K, L1–3, M1–5, N1–3 edges (xraydb's Elam table) inside the grid range."""
    import xraydb
    return sorted(((k, v.energy / 1000) for k, v in xraydb.xray_edges(sym).items()
                   if k in EDGES and GRID_MIN_KEV < v.energy / 1000 < GRID_MAX_KEV), key=lambda kv: kv[1])


def render(all_segments, tubes, tube_table) -> str:
    import xraydb
    import xrayutilities
    lines_ = [
        "// Anomalous-dispersion corrections f′ and f″ (electrons) for H–Cf: exact values at the tube lines and",
        "// a thinned energy grid with the absorption edges as segment boundaries.",
        "//",
        f"// Generated by {GENERATOR}. Do not edit; rerun the script.",
        "// Z = 1…92: Chantler (FFAST), J. Phys. Chem. Ref. Data 24, 71 (1995); 29, 597 (2000), via xraydb "
        f"{xraydb.__version__}",
        "//   (table 'Chantler'; its f1 column is f′ already). Tube lines: xraydb.f1_chantler / f2_chantler.",
        "// Z = 93…98: Kissel RTAB, Radiat. Phys. Chem. 59, 185 (2000), from the DABAX file f1f2_asf_Kissel.dat "
        f"of xrayutilities {xrayutilities.__version__};",
        f"//   f′ = f1 − Z; bound-bound transition spikes and points within ±{SPIKE_WINDOW_EV:g} eV of them "
        "dropped; tube lines linear in E.",
        f"// Grid: {GRID_MIN_KEV:g}–{GRID_MAX_KEV:g} keV, the source's own energies thinned so that GSL Steffen in "
        "(ln E, f′) and linear",
        f"//   in (ln E, ln f″) reproduce every source point to {F1_ABS:g} + {F1_REL:g}·|f′| and "
        f"{F2_ABS:g} + {F2_REL:g}·f″; 6 significant digits.",
        "// Tube wavelengths: ITC Vol. C Table 4.2.2.1 (Hölzer et al. 1997 for Cr–Cu); Kα = (2 Kα1 + Kα2)/3.",
        "// Tube lines within Kissel's bound-bound transitions below an edge (values there are uncertain): "
        + (", ".join(NEAR_SPIKES) or "none") + ".",
        "",
        "/// Tube-line wavelengths (Å) of the columns of ``anomalousTubeLineValues``, in this order:",
        "/// " + ", ".join(n for n, _ in tubes) + ".",
        "let anomalousTubeLineWavelengths: [Double] = [",
    ]
    for i in range(0, len(tubes), 4):
        lines_.append("  " + " ".join(f"{w!r}," for _, w in tubes[i:i + 4]) + "  // "
                      + ", ".join(n for n, _ in tubes[i:i + 4]))
    lines_ += ["]", "",
               f"/// One row per element (Z = 1…98): f′, f″ at each of the {len(tubes)} tube lines, "
               f"{2 * len(tubes)} numbers.",
               "let anomalousTubeLineValues: [Double] = ["]
    syms = symbols()
    for z in range(1, 99):
        row = tube_table[z]
        lines_.append(f"  // {syms[z - 1]}")
        for i in range(0, len(row), 4):   # one anode per line: Kα1, Kα2, Kα, Kβ1
            lines_.append("  " + " ".join(f"{g(v)}," for pair in row[i:i + 4] for v in pair))
    npts = sum(len(s[1]) for segs in all_segments for s in segs)
    nseg = sum(len(segs) for segs in all_segments)
    lines_ += ["]", "",
               f"/// Grid segments, {nseg} rows of 3: Z, index of the segment's first point in that element's row",
               "/// list (``anomalousGridPoints``), number of points. Within an element the segments run upwards in",
               "/// energy and are separated by absorption edges.",
               "let anomalousGridSegments: [Int] = ["]
    seg_rows, edge_rows = [], []
    for z, segs in enumerate(all_segments, start=1):
        index = 0
        for lower, e, f1, f2 in segs:
            seg_rows.append((z, index, len(e)))
            edge_rows.append((z, lower))
            index += len(e)
    for i in range(0, len(seg_rows), 8):
        lines_.append("  " + " ".join(f"{a}, {b}, {c}," for a, b, c in seg_rows[i:i + 8]))
    lines_ += ["]", "",
               "/// The lower edge energy (keV) of each segment: the absorption edge it starts at, 0 for an",
               "/// element's first segment. Energies between a segment's last point and the next edge use that",
               "/// segment's end value.",
               "let anomalousGridSegmentLowerEdges: [Double] = ["]
    for i in range(0, len(edge_rows), 10):
        lines_.append("  " + " ".join(f"{g(v)}," for _, v in edge_rows[i:i + 10]))
    lines_ += ["]", "",
               "/// Absorption edges inside the grid range, rows of 2: Z, edge energy (keV); xraydb's Elam et al. (2002)",
               "/// table, K, L1–L3, M1–M5, N1–N3 (weak ones, e.g. most M1, are not segment boundaries).",
               "let anomalousEdgeEnergies: [Double] = ["]
    for z in range(1, 99):
        row = edge_table(z, syms[z - 1])
        if row:
            lines_.append("  " + " ".join(f"{z}, {g(v)}," for _, v in row) + f"  // {syms[z - 1]}: "
                          + " ".join(k for k, _ in row))
    lines_ += ["]", "",
               f"/// Grid points of each element (index Z − 1), {npts} in all, rows of 3: E (keV), f′, f″. One array",
               "/// per element keeps optimised builds fast (one 35 000-number literal takes ~13 s at -O, 98 take ~4 s).",
               "let anomalousGridPoints: [[Double]] = ["]
    for i in range(0, 98, 7):
        lines_.append("  " + " ".join(f"anomalousGridPoints{syms[z - 1]}," for z in range(i + 1, i + 8)))
    lines_ += ["]"]
    for z, segs in enumerate(all_segments, start=1):
        lines_ += ["", f"let anomalousGridPoints{syms[z - 1]}: [Double] = ["]
        e = np.concatenate([s[1] for s in segs])
        f1 = np.concatenate([s[2] for s in segs])
        f2 = np.concatenate([s[3] for s in segs])
        for i in range(0, len(e), 4):
            lines_.append("  " + " ".join(f"{g(a)}, {g(b)}, {g(c)},"
                                           for a, b, c in zip(e[i:i + 4], f1[i:i + 4], f2[i:i + 4])))
        lines_.append("]")
    lines_ += [""]
    return "\n".join(lines_)


def fixture(tubes) -> dict:
    import xraydb
    cu = 1000 * HC_KEV_ANGSTROM / TUBES["Cu"][0]
    out = {
        "_source": (f"xraydb {xraydb.__version__}: Chantler f′ (f1_chantler), f″ (f2_chantler) at Cu Kα1 "
                    "(1.5405929 Å, E = 12.398419843320026/λ keV); 'grids': Chantler source points "
                    "(not thinned) between 3 and 60 keV, E in keV"),
        "_generator": GENERATOR,
        "cuKa1": {},
        "grids": {},
    }
    for sym in ["H", "C", "O", "Si", "Fe", "Co", "Cu", "Ba", "Gd", "W", "Pb", "U"]:
        out["cuKa1"][sym] = [float(xraydb.f1_chantler(sym, cu)), float(xraydb.f2_chantler(sym, cu))]
    for sym in ["O", "Fe", "Cu", "Ba", "U"]:
        e, f1, f2 = chantler_grid(sym)
        m = (e >= 3) & (e <= 60)
        out["grids"][sym] = [[float(a), float(b), float(c)] for a, b, c in zip(e[m], f1[m], f2[m])]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    syms = symbols()
    tubes = tube_lines()
    tube_table = {z: [tube_values(z, syms[z - 1], w) for _, w in tubes] for z in range(1, 99)}
    all_segments = [segments(z, syms[z - 1]) for z in range(1, 99)]
    outputs = {SWIFT_OUT: render(all_segments, tubes, tube_table),
               FIXTURE_OUT: json.dumps(fixture(tubes), indent=1) + "\n"}
    stale = []
    for path, text in outputs.items():
        if args.check:
            if not path.exists() or path.read_text() != text:
                stale.append(str(path.relative_to(ROOT)))
        else:
            path.write_text(text)
            print(f"wrote {path.relative_to(ROOT)} ({len(text)} bytes)")
    if stale:
        sys.exit("stale: " + ", ".join(stale))
    npts = sum(len(s[1]) for segs in all_segments for s in segs)
    print(f"grid points: {npts}, segments: {sum(len(s) for s in all_segments)}, "
          f"min segment length: {min(len(s[1]) for segs in all_segments for s in segs)}")


if __name__ == "__main__":
    main()
