#!/usr/bin/env python3
"""Generate Sources/XRDCrystal/Tables/ElementTable.swift: symbols and standard atomic weights, H–Cf.

Rerun (dev time only; xrdsim never needs Python at run time):

    python3 Scripts/gen_elements.py          # writes the Swift table
    python3 Scripts/gen_elements.py --check  # exits non-zero if the committed table differs

Source of the masses: CIAAW (IUPAC Commission on Isotopic Abundances and Atomic Weights), Standard
Atomic Weights 2021 (Prohaska et al., Pure Appl. Chem. 94, 573 (2022)) with the 2024 revisions of
Gd, Lu and Zr, transcribed below. Where the standard atomic weight is an interval (H, Li, B, C, N,
O, Mg, Si, S, Cl, Ar, Br, Tl, Pb) the CIAAW *conventional* value is used. Elements without a
standard atomic weight (Tc, Pm, Po–Ac, Np–Cf) get the mass number of their longest-lived isotope,
as in the IUPAC periodic table ("[97]" etc.).

Cross-check: every value is compared with xraydb's element table (molar masses from Wikipedia) and
gemmi's (older IUPAC values); the script fails if any differs by more than 2.5 % (isotope-number
entries) or 0.05 % (others), which catches transcription slips but not the small revisions.
"""
from __future__ import annotations

import argparse
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "Sources/XRDCrystal/Tables/ElementTable.swift"

# (symbol, mass, kind) in atomic-number order 1…98; kind: "std" standard atomic weight,
# "conv" conventional value of an interval, "iso" mass number of the longest-lived isotope.
ELEMENTS: list[tuple[str, float, str]] = [
    ("H", 1.008, "conv"), ("He", 4.002602, "std"), ("Li", 6.94, "conv"), ("Be", 9.0121831, "std"),
    ("B", 10.81, "conv"), ("C", 12.011, "conv"), ("N", 14.007, "conv"), ("O", 15.999, "conv"),
    ("F", 18.998403162, "std"), ("Ne", 20.1797, "std"), ("Na", 22.98976928, "std"),
    ("Mg", 24.305, "conv"), ("Al", 26.9815384, "std"), ("Si", 28.085, "conv"),
    ("P", 30.973761998, "std"), ("S", 32.06, "conv"), ("Cl", 35.45, "conv"), ("Ar", 39.95, "conv"),
    ("K", 39.0983, "std"), ("Ca", 40.078, "std"), ("Sc", 44.955907, "std"), ("Ti", 47.867, "std"),
    ("V", 50.9415, "std"), ("Cr", 51.9961, "std"), ("Mn", 54.938043, "std"), ("Fe", 55.845, "std"),
    ("Co", 58.933194, "std"), ("Ni", 58.6934, "std"), ("Cu", 63.546, "std"), ("Zn", 65.38, "std"),
    ("Ga", 69.723, "std"), ("Ge", 72.630, "std"), ("As", 74.921595, "std"), ("Se", 78.971, "std"),
    ("Br", 79.904, "conv"), ("Kr", 83.798, "std"), ("Rb", 85.4678, "std"), ("Sr", 87.62, "std"),
    ("Y", 88.905838, "std"), ("Zr", 91.222, "std"), ("Nb", 92.90637, "std"), ("Mo", 95.95, "std"),
    ("Tc", 97.0, "iso"), ("Ru", 101.07, "std"), ("Rh", 102.90549, "std"), ("Pd", 106.42, "std"),
    ("Ag", 107.8682, "std"), ("Cd", 112.414, "std"), ("In", 114.818, "std"), ("Sn", 118.710, "std"),
    ("Sb", 121.760, "std"), ("Te", 127.60, "std"), ("I", 126.90447, "std"), ("Xe", 131.293, "std"),
    ("Cs", 132.90545196, "std"), ("Ba", 137.327, "std"), ("La", 138.90547, "std"),
    ("Ce", 140.116, "std"), ("Pr", 140.90766, "std"), ("Nd", 144.242, "std"), ("Pm", 145.0, "iso"),
    ("Sm", 150.36, "std"), ("Eu", 151.964, "std"), ("Gd", 157.249, "std"), ("Tb", 158.925354, "std"),
    ("Dy", 162.500, "std"), ("Ho", 164.930329, "std"), ("Er", 167.259, "std"),
    ("Tm", 168.934219, "std"), ("Yb", 173.045, "std"), ("Lu", 174.96669, "std"),
    ("Hf", 178.486, "std"), ("Ta", 180.94788, "std"), ("W", 183.84, "std"), ("Re", 186.207, "std"),
    ("Os", 190.23, "std"), ("Ir", 192.217, "std"), ("Pt", 195.084, "std"), ("Au", 196.966570, "std"),
    ("Hg", 200.592, "std"), ("Tl", 204.38, "conv"), ("Pb", 207.2, "conv"), ("Bi", 208.98040, "std"),
    ("Po", 209.0, "iso"), ("At", 210.0, "iso"), ("Rn", 222.0, "iso"), ("Fr", 223.0, "iso"),
    ("Ra", 226.0, "iso"), ("Ac", 227.0, "iso"), ("Th", 232.0377, "std"), ("Pa", 231.03588, "std"),
    ("U", 238.02891, "std"), ("Np", 237.0, "iso"), ("Pu", 244.0, "iso"), ("Am", 243.0, "iso"),
    ("Cm", 247.0, "iso"), ("Bk", 247.0, "iso"), ("Cf", 251.0, "iso"),
]

SOURCE = ("CIAAW Standard Atomic Weights 2021 (Prohaska et al., Pure Appl. Chem. 94, 573 (2022)) "
          "with the 2024 revisions of Gd, Lu, Zr")


def cross_check() -> None:
    import gemmi
    import xraydb

    assert len(ELEMENTS) == 98
    rows = {r.atomic_number: r for r in xraydb.get_xraydb().get_cache("elements")}
    bad = []
    for z, (sym, mass, kind) in enumerate(ELEMENTS, start=1):
        tol = 2.5e-2 if kind == "iso" else 5e-4  # isotopes: Tc 97/98, Pu 244/239 differ by choice
        if rows[z].element != sym or gemmi.Element(z).name != sym:
            bad.append(f"Z={z}: symbol {sym} vs xraydb {rows[z].element} / gemmi {gemmi.Element(z).name}")
        for name, other in (("xraydb", rows[z].molar_mass), ("gemmi", gemmi.Element(z).weight)):
            if abs(other - mass) > tol * mass:
                bad.append(f"{sym}: {mass} vs {name} {other}")
    if bad:
        sys.exit("cross-check failed:\n" + "\n".join(bad))


def render() -> str:
    import gemmi
    import xraydb

    lines = [
        "// Element symbols and standard atomic weights, H (Z = 1) to Cf (Z = 98).",
        "//",
        "// Generated by Scripts/gen_elements.py. Do not edit; rerun the script.",
        f"// Source: {SOURCE}.",
        "// Interval weights (H, Li, B, C, N, O, Mg, Si, S, Cl, Ar, Br, Tl, Pb): CIAAW conventional values.",
        "// No standard weight (Tc, Pm, Po, At, Rn, Fr, Ra, Ac, Np, Pu, Am, Cm, Bk, Cf): mass number of the",
        "// longest-lived isotope. Cross-checked at generation against xraydb "
        f"{xraydb.__version__} and gemmi {gemmi.__version__} (< 0.05 %).",
        "",
        "/// Element symbols indexed by atomic number − 1.",
        "let elementSymbols: [String] = [",
    ]
    for i in range(0, 98, 14):
        lines.append("  " + " ".join(f'"{s}",' for s, _, _ in ELEMENTS[i:i + 14]))
    lines += ["]", "", "/// Standard atomic weights in g/mol indexed by atomic number − 1.",
              "let elementAtomicMasses: [Double] = ["]
    for i in range(0, 98, 8):
        lines.append("  " + " ".join(f"{m!r}," for _, m, _ in ELEMENTS[i:i + 8]))
    lines += ["]", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed file")
    args = parser.parse_args()
    cross_check()
    text = render()
    if args.check:
        sys.exit(0 if OUT.read_text() == text else f"{OUT} is stale; rerun {__file__}")
    OUT.write_text(text)
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
