#!/usr/bin/env python3
"""Generate the X-ray form-factor tables of XRDDiffraction and their frozen second-source fixtures.

Rerun (dev time only; xrdsim never needs Python at run time):

    python3 Scripts/gen_form_factors.py          # writes the Swift table and the fixtures
    python3 Scripts/gen_form_factors.py --check  # exits non-zero if a committed file differs

Needs: xraydb 4.5.8, xrayutilities 1.8.0, Dans_Diffraction 3.4.0, pymatgen(-core) 2026.10.x, numpy.

Writes
  Sources/XRDDiffraction/Tables/FormFactorTables.swift
    * Waasmaier & Kirfel (1995), Acta Cryst. A51, 416-431: f0(s) = Σ_{i=1..5} a_i exp(-b_i s²) + c,
      s = sinθ/λ in Å⁻¹, valid to s = 6 Å⁻¹; every neutral atom H–Cf and every ion of the paper,
      taken from xraydb's `Waasmaier` table (xraydb.f0 uses these rows). The paper's two extra
      rows "Cval" (valence-only C) and "Siva" (valence-only Si) are not species and are left out.
    * International Tables Vol. C (1992/1995/2004) Table 6.1.1.4: f0(s) = Σ_{i=1..4} a_i exp(-b_i s²) + c,
      valid to s = 2 Å⁻¹, from xrayutilities' DABAX file f0_InterTables.dat (213 rows: ITC's 212 plus
      the Lazy-Pulverix O2- row that xrayutilities also uses). DABAX names ITC's HF hydrogen "H." and
      the SDS bonded-H row "H"; we store ITC's "H" (= DABAX "H.", a1 = 0.489918, what
      Dans_Diffraction uses), so xrayutilities' default H (SDS row) differs from ours. "C." and "Si."
      (ITC "Cval", "Siv") are left out. DABAX's "Fe+2"/"Ru+4" are read as Fe2+/Ru4+. DABAX's rows
      labelled Np3+, Np4+, Np6+ and Pu are permuted (Σa + c = 87, 94, 90, 89 e); they are reassigned by
      electron count to Np6+, Pu, Np3+, Np4+ (so xrayutilities' f0 for these four labels is wrong).
  Tests/XRDDiffractionTests/Fixtures/xraydb_f0.json                  xraydb.f0 for every WK row on an s grid
  Tests/XRDDiffractionTests/Fixtures/itc_f0_reference.json           Dans_Diffraction (neutral atoms) and
                                                                     xrayutilities (every ITC row) f0 on an s grid
  Tests/XRDDiffractionTests/Fixtures/pymatgen_atomic_scattering_params.json
      pymatgen-core 2026.10.16's pymatgen/analysis/diffraction/atomic_scattering_params.json, content as
      pymatgen ships it ({symbol: [[a_i, b_i] × 4]}, 99 entries), used by XRDCalculator as
      f(s) = Z − 41.78214·s²·Σ a_i exp(−b_i s²) (Mott–Bethe form of 4-Gaussian electron form-factor fits;
      De Graef & McHenry, Structure of Materials, ch. 11–12). Provenance: Fixtures/README.md.
"""
from __future__ import annotations

import argparse
import json
import lzma
import os
import pathlib
import re
import sys

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
SWIFT_OUT = ROOT / "Sources/XRDDiffraction/Tables/FormFactorTables.swift"
FIXTURES = ROOT / "Tests/XRDDiffractionTests/Fixtures"
S_GRID = [0.0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0]
ITC_S_GRID = [s for s in S_GRID if s <= 2.0]
GENERATOR = "Scripts/gen_form_factors.py"

SYMBOLS = None


def symbols() -> list[str]:
    global SYMBOLS
    if SYMBOLS is None:
        import xraydb
        rows = xraydb.get_xraydb().get_cache("elements")
        SYMBOLS = [r.element for r in sorted(rows, key=lambda r: r.atomic_number)][:98]
    return SYMBOLS


def parse_label(label: str) -> tuple[int, int] | None:
    """'Fe3+' → (26, 3), 'O1-' → (8, -1), 'Fe+2' → (26, 2), 'Fe' → (26, 0); None for non-species rows."""
    m = re.fullmatch(r"([A-Z][a-z]?)(?:(\d+)([+-])|([+-])(\d+))?", label)
    if not m:
        return None
    sym = m.group(1)
    if sym not in symbols():
        return None
    z = symbols().index(sym) + 1
    if m.group(2):
        charge = int(m.group(2)) * (1 if m.group(3) == "+" else -1)
    elif m.group(5):
        charge = int(m.group(5)) * (1 if m.group(4) == "+" else -1)
    else:
        charge = 0
    return z, charge


def species_label(z: int, charge: int) -> str:
    sym = symbols()[z - 1]
    return sym if charge == 0 else f"{sym}{abs(charge)}{'+' if charge > 0 else '-'}"


# MARK: - sources

def waasmaier_kirfel() -> list[tuple[int, int, str, list[float], list[float], float]]:
    import xraydb
    rows = []
    for r in xraydb.get_xraydb().get_cache("Waasmaier"):
        key = parse_label(r.ion)
        if key is None:
            assert r.ion in ("Cval", "Siva"), r.ion
            continue
        a, b = json.loads(r.scale), json.loads(r.exponents)
        assert len(a) == 5 and len(b) == 5
        rows.append((key[0], key[1], r.ion, a, b, r.offset))
    cross_check_waaskirf(rows)
    return rows


def cross_check_waaskirf(rows) -> None:
    """Every xraydb row must equal the same row of Dans_Diffraction's copy of DABAX f0_WaasKirf.dat
    (which came via diffpy/libdiffpy): a second transcription of the paper's table."""
    import Dans_Diffraction
    path = pathlib.Path(Dans_Diffraction.__file__).parent / "data/f0_WaasKirf.dat"
    text = path.read_text()
    other = {}
    for block in text.split("#S")[1:]:
        lines = [ln for ln in block.strip().splitlines()[1:] if ln.strip() and not ln.startswith("#")]
        label = block.split()[1]
        a1, a2, a3, a4, a5, c, b1, b2, b3, b4, b5 = (float(x) for x in lines[0].split())
        other[label] = [a1, a2, a3, a4, a5, b1, b2, b3, b4, b5, c]
    for z, q, label, a, b, c in rows:
        ref = other[label]
        mine = [*a, *b, c]
        assert all(abs(x - y) <= 1e-6 * max(1, abs(y)) for x, y in zip(mine, ref)), (label, mine, ref)


def international_tables() -> list[tuple[int, int, str, list[float], list[float], float]]:
    import xrayutilities
    path = pathlib.Path(xrayutilities.__file__).parent / "materials/data/f0_InterTables.dat.xz"
    text = lzma.open(path, "rt").read()
    rows = []
    for block in text.split("#S")[1:]:
        lines = block.strip().splitlines()
        head = lines[0].split()
        label = head[1]
        numbers = [float(f"{float(x):.7g}") for x in lines[3].split()]
        a1, a2, a3, a4, c, b1, b2, b3, b4 = numbers
        if label == "H":          # DABAX "H" is ITC's SDS bonded-H row; ITC "H" is DABAX "H."
            continue
        if label == "H.":
            label = "H"
        elif label == "O2-.":
            label = "O2-"
        elif label.endswith("."):  # C. and Si.: ITC's valence-only rows
            continue
        key = parse_label(label)
        assert key is not None and key[0] == int(head[0]), (label, head)
        rows.append((key[0], key[1], head[1], [a1, a2, a3, a4], [b1, b2, b3, b4], c))
    return relabel_by_electron_count(rows)


def relabel_by_electron_count(rows):
    """DABAX's rows labelled Np3+, Np4+, Np6+ and Pu are permuted: their Σa + c are 87, 94, 90 and 89
    electrons. Reassign each mislabelled row to the mislabelled species whose Z − charge it matches
    (Np6+, Pu, Np3+, Np4+); this also makes Pu equal Dans_Diffraction's ITC row for Pu."""
    def electrons(row):
        return sum(row[3]) + row[5]
    bad = [i for i, r in enumerate(rows) if abs(electrons(r) - (r[0] - r[1])) > 0.5]
    assert sorted(rows[i][2].strip() for i in bad) == ["Np3+", "Np4+", "Np6+", "Pu"], [rows[i][2] for i in bad]
    targets = [(rows[i][0], rows[i][1]) for i in bad]
    fixed = list(rows)
    used = set()
    for i in bad:
        z, q = min(targets, key=lambda t: abs(electrons(rows[i]) - (t[0] - t[1])))
        assert abs(electrons(rows[i]) - (z - q)) < 0.05 and (z, q) not in used
        used.add((z, q))
        fixed[i] = (z, q, *rows[i][2:])
    # back into the table's order: by Z, the neutral atom first, then by |charge|
    return sorted(fixed, key=lambda r: (r[0], r[1] != 0, abs(r[1]), r[1]))


# MARK: - Swift

def db_version() -> str:
    import xraydb
    return xraydb.get_xraydb().get_version().split(",")[0].replace("XrayDB Version: ", "")


def fmt(x: float) -> str:
    return repr(float(x))


def render_swift(wk, itc) -> str:
    import xraydb
    import xrayutilities
    out = [
        "// Coefficients of the analytic X-ray form factors f0(s) = Σ a_i exp(−b_i s²) + c, s = sinθ/λ in Å⁻¹.",
        "//",
        f"// Generated by {GENERATOR}. Do not edit; rerun the script.",
        "// Waasmaier & Kirfel (1995), Acta Cryst. A51, 416–431, from xraydb "
        f"{xraydb.__version__} (database {db_version()}, table 'Waasmaier'):",
        "// 5 Gaussians + c, valid for s ≤ 6 Å⁻¹; all neutral atoms H–Cf and every ion of the paper (the paper's",
        "// valence-only 'Cval' and 'Siva' rows are left out).",
        "// International Tables Vol. C Table 6.1.1.4 (4 Gaussians + c, valid for s ≤ 2 Å⁻¹), from the DABAX file",
        f"// f0_InterTables.dat shipped with xrayutilities {xrayutilities.__version__}: ITC's 212 rows plus",
        "// Lazy-Pulverix's O2- (which xrayutilities uses too); H is ITC's Hartree–Fock row (a1 = 0.489918,",
        "// DABAX 'H.'), not DABAX's 'H' (the SDS bonded-H row); ITC's valence-only Cval/Siv are left out.",
        "// DABAX stores ITC's coefficients as float32 renderings (7.2400004E-02); they are rounded here to",
        "// 7 significant digits, which restores ITC's printed values (0.0724). DABAX's rows labelled Np3+, Np4+,",
        "// Np6+ and Pu are permuted (Σa + c = 87, 94, 90, 89 e) and are reassigned here by electron count",
        "// (to Np6+, Pu, Np3+, Np4+); rows are ordered by Z, neutral first, then by |charge|.",
        "//",
        "// Keys: flat (Z, charge) pairs. Coefficients: flat rows, one per species.",
        "",
        f"/// (Z, charge) of each Waasmaier–Kirfel row, flattened: {len(wk)} rows.",
        "let waasmaierKirfelKeys: [Int] = [",
    ]
    for i in range(0, len(wk), 10):
        out.append("  " + " ".join(f"{z}, {q}," for z, q, *_ in wk[i:i + 10]))
    out += ["]", "",
            "/// Waasmaier–Kirfel coefficients, 11 per row: a1 a2 a3 a4 a5, b1 b2 b3 b4 b5 (Å²), c.",
            "let waasmaierKirfelCoefficients: [Double] = ["]
    for z, q, label, a, b, c in wk:
        out.append("  " + " ".join(fmt(x) + "," for x in [*a, *b, c]) + f"  // {species_label(z, q)}")
    out += ["]", "", f"/// (Z, charge) of each International Tables row, flattened: {len(itc)} rows.",
            "let internationalTablesKeys: [Int] = ["]
    for i in range(0, len(itc), 10):
        out.append("  " + " ".join(f"{z}, {q}," for z, q, *_ in itc[i:i + 10]))
    out += ["]", "",
            "/// International Tables coefficients, 9 per row: a1 a2 a3 a4, b1 b2 b3 b4 (Å²), c.",
            "let internationalTablesCoefficients: [Double] = ["]
    for z, q, label, a, b, c in itc:
        out.append("  " + " ".join(fmt(x) + "," for x in [*a, *b, c]) + f"  // {species_label(z, q)}")
    out += ["]", ""]
    return "\n".join(out)


# MARK: - fixtures

def fixture_xraydb(wk) -> dict:
    import xraydb
    s = np.array(S_GRID)
    values = {}
    for z, q, label, *_ in wk:
        values[species_label(z, q)] = [float(v) for v in np.atleast_1d(xraydb.f0(label, s))]
    return {
        "_source": f"xraydb {xraydb.__version__} xraydb.f0(ion, s) (Waasmaier & Kirfel 1995), s = sinθ/λ in Å⁻¹",
        "_generator": GENERATOR,
        "s": S_GRID,
        "f0": values,
    }


def xu_f0(dabax_label: str, q):
    """f0 from xrayutilities' own database, subset named as its add_f0_from_intertab names it."""
    from xrayutilities.materials.atom import _db
    state = re.sub("[A-Za-z]", "", dabax_label)
    for r, o in (("dot", "."), ("p", "+"), ("m", "-")):
        state = state.replace(o, r)
    if state == "p2":
        state = "2p"
    _db.SetMaterial(re.sub("[^A-Za-z]", "", dabax_label))
    return _db.GetF0(q, state or "default")


def fixture_itc(itc) -> dict:
    import Dans_Diffraction
    import xrayutilities as xu
    from Dans_Diffraction import functions_crystallography as fc
    s = np.array(ITC_S_GRID)
    q = 4 * np.pi * s
    dans = {}
    for z in range(1, 99):
        sym = symbols()[z - 1]
        dans[sym] = [float(v) for v in fc.xray_scattering_factor([sym], q)[:, 0]]
    xuvals = {}
    for z, charge, label, *_ in itc:
        name = species_label(z, charge)
        if name == "H":
            continue  # xrayutilities' default H is the SDS row; see the Swift table header
        xuvals[name] = [float(v) for v in np.atleast_1d(xu_f0(label, q))]
    return {
        "_source": (f"Dans_Diffraction {Dans_Diffraction.__version__} functions_crystallography."
                    f"xray_scattering_factor (ITC Vol. C Table 6.1.1.4, neutral atoms) and xrayutilities "
                    f"{xu.__version__} database GetF0(q, subset) (f0_InterTables.dat, coefficients stored as float32), "
                    "q = 4π s; s = sinθ/λ in Å⁻¹. Keys are species; the values under Np3+, Np4+, Np6+, Pu are "
                    "xrayutilities' rows labelled Np6+, Pu, Np3+, Np4+ (DABAX permutes those four labels)."),
        "_generator": GENERATOR,
        "s": ITC_S_GRID,
        "dans": dans,
        "xrayutilities": xuvals,
    }


def fixture_pymatgen() -> dict:
    """pymatgen's table as pymatgen ships it ({symbol: [[a_i, b_i], ...]}), so that tests can read it the
    same way pymatgen does; its provenance is in Fixtures/README.md (JSON has no comments)."""
    import pymatgen.analysis.diffraction.xrd as xrd
    path = pathlib.Path(xrd.__file__).parent / "atomic_scattering_params.json"
    return json.loads(path.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    wk, itc = waasmaier_kirfel(), international_tables()
    outputs = {
        SWIFT_OUT: render_swift(wk, itc),
        FIXTURES / "xraydb_f0.json": json.dumps(fixture_xraydb(wk), indent=1) + "\n",
        FIXTURES / "itc_f0_reference.json": json.dumps(fixture_itc(itc), indent=1) + "\n",
        FIXTURES / "pymatgen_atomic_scattering_params.json":
            "{\n" + ",\n".join(f" {json.dumps(k)}: {json.dumps(v)}" for k, v in fixture_pymatgen().items()) + "\n}\n",
    }
    stale = []
    for path, text in outputs.items():
        if args.check:
            if not path.exists() or path.read_text() != text:
                stale.append(str(path.relative_to(ROOT)))
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            print(f"wrote {path.relative_to(ROOT)} ({len(text)} bytes)")
    if stale:
        sys.exit("stale: " + ", ".join(stale))
    print(f"WK rows: {len(wk)}, ITC rows: {len(itc)}")


if __name__ == "__main__":
    main()
