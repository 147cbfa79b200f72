#!/usr/bin/env python3
"""Generate Sources/XRDCrystal/Tables/SpaceGroupTable.swift and the space-group test fixtures.

Rerun from the repository root (dev-time only; xrdsim never needs Python at run time):

    pip install spglib==2.8.0 gemmi==0.7.5
    python3 Scripts/gen_space_groups.py            # reads ../shared for the CIF fixture
    python3 Scripts/gen_space_groups.py --shared /path/to/shared

Made with spglib 2.8.0 and gemmi 0.7.5 (the versions are written into every output and the
script refuses to run silently with others: it prints a warning).

Sources
- spglib (Togo, Shinohara & Tanaka 2024, Sci. Technol. Adv. Mater. Meth. 4, 2384822) is
  authoritative: the 530 Hall settings (`hall_number` 1...530) with IT number, Hermann-Mauguin
  symbols, setting code (`choice`), Hall symbol and the full coset list of operations
  (`get_symmetry_from_database`, centring translations applied).
- gemmi (Wojdyr 2022, J. Open Source Softw. 7, 4200; table after Grosse-Kunstleve 1999,
  Acta Cryst. A55, 383) is the second source: every spglib setting must equal, as a set of
  operations modulo lattice translations, a gemmi `spacegroup_table()` entry with the same
  IT number and the same Hall symbol, and `gemmi.symops_from_hall` of the spglib Hall symbol
  must give the same set. Any mismatch aborts the script.

Outputs
- Sources/XRDCrystal/Tables/SpaceGroupTable.swift: flat typed literals (cheap to type-check).
- Tests/XRDCrystalTests/Fixtures/spacegroups/gemmi_settings.json: gemmi's view of every entry of
  its table (symbols, Hall symbol, sorted operation triplets, gemmi's default setting for the
  suffix-less symbol) and gemmi's number-only defaults; the Swift tests compare against it.
- Tests/XRDCrystalTests/Fixtures/spacegroups/shared_cif_symmetry.json: every space-group name,
  Hall symbol, IT number and symmetry-operation list found in ../shared CIFs (read by gemmi,
  with a line-based fallback for files gemmi rejects) and gemmi's identification of the
  operation list.

Deliberate edits to spglib's data (each asserted, so a fixed upstream shows up here):
- Hall 331 (No. 68, origin 2, setting bca): spglib's `international` says "B b c b" (an old
  symbol); ITA (2016) Table 4.3.2.1 and spglib's own origin-1 entry 330 use "B b e b".
"""

import argparse
import glob
import json
import os
import re
import sys
from fractions import Fraction

import gemmi
import numpy as np
import spglib

SPGLIB_VERSION = "2.8.0"
GEMMI_VERSION = "0.7.5"
DEN = 24

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
TABLE_PATH = os.path.join(ROOT, "Sources/XRDCrystal/Tables/SpaceGroupTable.swift")
FIXTURE_DIR = os.path.join(ROOT, "Tests/XRDCrystalTests/Fixtures/spacegroups")


def fail(message):
    sys.exit("gen_space_groups.py: error: " + message)


# MARK: - Operations as exact integer keys


def spglib_operations(hall_number):
    """(rotation 9-tuple, translation numerators over 24) in spglib's order, unwrapped."""
    data = spglib.get_symmetry_from_database(hall_number)
    ops = []
    for rotation, translation in zip(data["rotations"], data["translations"]):
        scaled = np.asarray(translation, dtype=float) * DEN
        numerators = np.rint(scaled).astype(int)
        if np.max(np.abs(scaled - numerators)) > 1e-9:
            fail(f"Hall {hall_number}: translation {translation} is not a multiple of 1/{DEN}")
        ops.append((tuple(int(x) for x in rotation.flatten()), tuple(int(x) for x in numerators)))
    return ops


def wrapped_set(ops):
    return frozenset((r, tuple(t % DEN for t in tr)) for r, tr in ops)


def gemmi_operations(group_ops):
    """gemmi Ops (DEN 24) → the same integer keys."""
    ops = []
    for op in group_ops:
        if op.DEN != DEN:
            fail(f"gemmi Op.DEN is {op.DEN}, expected {DEN}")
        rotation = tuple(int(x) // op.DEN for row in op.rot for x in row)
        ops.append((rotation, tuple(int(x) for x in op.tran)))
    return ops


def triplet(op):
    """Canonical wrapped xyz triplet from gemmi (used in fixtures only)."""
    return gemmi.Op(op.triplet()).wrap().triplet()


# MARK: - Symbols


def no_subscripts(symbol):
    return symbol.replace("_", "").strip()


def key(symbol):
    """Python mirror of the Swift lookup key body (lower case, no blanks/underscores/tildes)."""
    return re.sub(r"[\s_~]", "", symbol).lower()


def setting_symbols(hall_number, spg, gemmi_entries):
    """(hermannMauguin, shortSymbol, aliases) for one spglib setting."""
    number = spg.number
    parts = [p.strip() for p in spg.international.split("=")]
    monoclinic = 3 <= number <= 15
    if monoclinic:
        hm = no_subscripts(spg.international_full)
        if no_subscripts(parts[1]) != hm:
            fail(f"Hall {hall_number}: monoclinic setting symbol {parts} vs {spg.international_full}")
    else:
        if len(parts) != 1:
            fail(f"Hall {hall_number}: unexpected international {spg.international!r}")
        hm = no_subscripts(parts[0])
    short = no_subscripts(spg.international_short)
    if hall_number == 331:
        if hm != "B b c b" or short != "Bbcb":
            fail("Hall 331: spglib no longer says 'B b c b'; drop the fix-up")
        hm, short = "B b e b", "Bbeb"

    aliases = []
    if monoclinic:
        # gemmi's short form: drop the 1s only for unique axis b (ITA's convention), else keep them.
        if spg.choice.lstrip("-").startswith("b"):
            short = hm.replace(" 1", "").replace(" ", "")
            aliases.append(hm.replace(" 1", ""))
        else:
            short = hm.replace(" ", "")
        aliases += [no_subscripts(p) for p in parts[2:]]  # ITA's extra short form, e.g. "P 21/b"
    elif short != hm.replace(" ", ""):
        fail(f"Hall {hall_number}: short {short!r} is not the compact {hm!r}")
    full = no_subscripts(spg.international_full)
    if full != hm:
        aliases.append(full)
    if number == 1:
        aliases.append("P 1 1 1")
    if 200 <= number <= 206 or 221 <= number <= 230:
        aliases.append(hm.replace(" -3", " 3"))  # pre-1983 cubic symbols: "F m 3 m"
    for entry in gemmi_entries:
        aliases.append(entry.hm)  # old e-glide names, e.g. "C m c a", "B m a b"
        aliases.append(entry.short_name())  # e.g. "Cmca", "H-3m" (CCP4 hexagonal R)
    seen = {key(hm), key(short)}
    unique = []
    for alias in aliases:
        if key(alias) not in seen:
            seen.add(key(alias))
            unique.append(alias)
    return hm, short, unique


# MARK: - Table


def build_settings():
    gemmi_by_set = {}
    for entry in gemmi.spacegroup_table():
        gemmi_by_set.setdefault(wrapped_set(gemmi_operations(entry.operations())), []).append(entry)

    settings = []
    for hall_number in range(1, 531):
        spg = spglib.get_spacegroup_type(hall_number)
        ops = spglib_operations(hall_number)
        if ops[0] != ((1, 0, 0, 0, 1, 0, 0, 0, 1), (0, 0, 0)):
            fail(f"Hall {hall_number}: first operation is not the identity")
        if any(not 0 <= t < DEN for _, tr in ops for t in tr):
            fail(f"Hall {hall_number}: translations not in [0, 1)")
        op_set = wrapped_set(ops)
        if len(op_set) != len(ops):
            fail(f"Hall {hall_number}: duplicate operations")
        hall = spg.hall_symbol.strip()

        # Cross-check 1: gemmi's own Hall-symbol parser.
        from_hall = wrapped_set(gemmi_operations(gemmi.symops_from_hall(hall)))
        if from_hall != op_set:
            fail(f"Hall {hall_number} {hall!r}: gemmi.symops_from_hall gives a different set")
        # Cross-check 2: gemmi's table has an entry with the same set, number and Hall symbol.
        entries = gemmi_by_set.get(op_set, [])
        if not entries:
            fail(f"Hall {hall_number} {hall!r}: no gemmi table entry with these operations")
        for entry in entries:
            if entry.number != spg.number:
                fail(f"Hall {hall_number}: gemmi says No. {entry.number}, spglib No. {spg.number}")
            if entry.hall.strip() != hall:
                fail(f"Hall {hall_number}: gemmi Hall {entry.hall!r}, spglib {hall!r}")

        hm, short, aliases = setting_symbols(hall_number, spg, entries)
        settings.append(dict(
            hall_number=hall_number, number=spg.number, hm=hm, short=short, code=spg.choice,
            hall=hall, ops=ops, aliases=aliases, op_set=op_set))

    # Every IT number present; alias keys never name two different IT numbers.
    if sorted({s["number"] for s in settings}) != list(range(1, 231)):
        fail("not all 230 IT numbers are present")
    numbers_by_key = {}
    for s in settings:
        for name in [s["hm"], s["short"]] + s["aliases"]:
            numbers_by_key.setdefault(key(name), set()).add(s["number"])
    clashes = {k: v for k, v in numbers_by_key.items() if len(v) > 1}
    if clashes:
        fail(f"symbol keys naming two IT numbers: {clashes}")
    return settings


def swift_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


ROTATION_CHARS = {-1: "-", 0: "0", 1: "1"}
TRANSLATION_CHARS = "0123456789abcdefghijklmn"  # numerators 0...23 over 24 as one base-24 digit


def operation_code(op):
    """12 characters: 9 rotation entries (-, 0, 1) row-major, then 3 translation numerators (base 24)."""
    rotation, translation = op
    return "".join(ROTATION_CHARS[x] for x in rotation) + "".join(TRANSLATION_CHARS[t] for t in translation)


def write_table(settings):
    lines = [
        f"// Generated by Scripts/gen_space_groups.py from spglib {spglib.__version__} (Togo, Shinohara & Tanaka",
        "// 2024, Sci. Technol. Adv. Mater. Meth. 4, 2384822), every setting cross-checked as a set of operations",
        f"// against gemmi {gemmi.__version__} (`spacegroup_table()` and `symops_from_hall`). Do not edit; rerun the script.",
        "//",
        "// The 530 Hall settings of ITA in spglib's `hall_number` order (index = hall_number - 1): origin",
        "// choices 1/2, hexagonal/rhombohedral axes, monoclinic unique axes and cell choices, orthorhombic",
        "// axis permutations. Operations are the full coset list as spglib lists it (identity first, centring",
        "// translations applied), translations wrapped into [0, 1).",
        "// One deliberate edit: Hall 331 is named \"B b e b\" (ITA 2016 Table 4.3.2.1), not spglib's \"B b c b\".",
        "// Alias names come from spglib (full symbols, ITA short forms) and gemmi (old e-glide names, CCP4",
        "// \"H\" names); the script checks that no lookup key names two IT numbers.",
        "//",
        "// Operations are text, not an [Int8] literal: 88 656 integer literals cost 7 s (debug) and 18 s",
        "// (release) of code generation for this file alone; these strings cost nothing and are decoded once.",
        "",
        "/// IT number (1...230) of each setting.",
        "let spaceGroupNumbers: [UInt8] = [",
    ]
    numbers = [str(s["number"]) for s in settings]
    for i in range(0, len(numbers), 20):
        lines.append("  " + ", ".join(numbers[i:i + 20]) + ",")
    lines += [
        "]",
        "",
        "/// Operations of each setting, blank-separated, 12 characters each: the rotation R row-major",
        "/// (9 entries, \"-\" for -1, x' = R·x + t in fractional coordinates), then the translation t",
        "/// as 3 numerators over 24, each one base-24 digit (0-9, then a = 10 ... n = 23).",
        "let spaceGroupOperationCodes: [String] = [",
    ]
    for s in settings:
        codes = [operation_code(op) for op in s["ops"]]
        name = s["hm"] + (f" :{s['code']}" if s["code"] else "")
        plural = "" if len(codes) == 1 else "s"
        lines.append(f"  // {s['hall_number']}: {name} ({s['hall']}), {len(codes)} operation{plural}")
        if len(codes) <= 8:
            lines.append('  "' + " ".join(codes) + '",')
        else:
            lines.append('  """')
            for i in range(0, len(codes), 8):
                lines.append("  " + " ".join(codes[i:i + 8]))
            lines.append('  """,')
    lines += ["]", ""]

    def string_array(name, doc, values):
        out = [f"/// {doc}", f"let {name}: [String] = ["]
        for i in range(0, len(values), 6):
            out.append("  " + " ".join(swift_string(v) + "," for v in values[i:i + 6]))
        return out + ["]", ""]

    lines += string_array(
        "spaceGroupHermannMauguinSymbols",
        "Extended Hermann-Mauguin symbol of each setting (ITA Table 4.3.2.1), blank-separated.",
        [s["hm"] for s in settings])
    lines += string_array(
        "spaceGroupShortSymbols",
        "Short symbol of each setting (monoclinic: 1s dropped only for unique axis b, as gemmi).",
        [s["short"] for s in settings])
    lines += string_array(
        "spaceGroupSettingCodes",
        "spglib's setting code (`choice`): \"\", \"1\", \"2\", \"H\", \"R\", \"b1\", \"-cba\", \"1cab\", ...",
        [s["code"] for s in settings])
    lines += string_array(
        "spaceGroupHallSymbols",
        "Hall symbol of each setting, as spglib spells it.",
        [s["hall"] for s in settings])
    lines += string_array(
        "spaceGroupSymbolAliases",
        "Further names of each setting, separated by \"|\": ITA full symbol, b-unique short forms, old\n"
        "/// e-glide names and short names from gemmi, pre-1983 cubic symbols (\"F m 3 m\").",
        ["|".join(s["aliases"]) for s in settings])
    text = "\n".join(lines)
    with open(TABLE_PATH, "w") as f:
        f.write(text)
    return sum(len(s["ops"]) for s in settings)


# MARK: - Fixtures (second source: gemmi)


def write_gemmi_fixture():
    entries = []
    for entry in gemmi.spacegroup_table():
        ops = sorted(triplet(op) for op in entry.operations())
        default_hm = gemmi.find_spacegroup_by_name(entry.hm)
        ext = entry.ext if entry.ext not in ("\x00", "") else ""
        entries.append(dict(
            number=entry.number, hm=entry.hm, xhm=entry.xhm(), short=entry.short_name(),
            ext=ext, qualifier=entry.qualifier, hall=entry.hall.strip(),
            count=len(ops), ops=ops,
            defaultHallForHM=default_hm.hall.strip() if default_hm else None))
    defaults = {str(n): gemmi.find_spacegroup_by_number(n).hall.strip() for n in range(1, 231)}
    fixture = dict(
        source=f"gemmi {gemmi.__version__}: spacegroup_table(), find_spacegroup_by_name(hm), "
               "find_spacegroup_by_number(n); ops are wrapped xyz triplets, sorted",
        generator="Scripts/gen_space_groups.py",
        settings=entries, defaultHallForNumber=defaults)
    path = os.path.join(FIXTURE_DIR, "gemmi_settings.json")
    with open(path, "w") as f:
        json.dump(fixture, f, indent=0, separators=(",", ":"))
        f.write("\n")
    return len(entries)


HM_TAGS = ["_space_group_name_H-M_alt", "_space_group.name_H-M_alt", "_symmetry_space_group_name_H-M"]
HALL_TAGS = ["_space_group_name_Hall", "_space_group.name_Hall", "_symmetry_space_group_name_Hall"]
NUMBER_TAGS = ["_space_group_IT_number", "_space_group.IT_number", "_symmetry_Int_Tables_number"]
OPS_TAGS = ["_space_group_symop_operation_xyz", "_space_group_symop.operation_xyz",
            "_symmetry_equiv_pos_as_xyz"]


def line_scan(path):
    """Fallback for CIFs gemmi rejects: single-line tag-value pairs only (no loops)."""
    values = {}
    with open(path, errors="replace") as f:
        for line in f:
            m = re.match(r"\s*(_\S+)\s+(.+?)\s*$", line)
            if m:
                values.setdefault(m.group(1).lower(), m.group(2).strip().strip("'\""))
    return values


def write_shared_cif_fixture(shared):
    gemmi_by_set = {}
    for entry in gemmi.spacegroup_table():
        gemmi_by_set.setdefault(wrapped_set(gemmi_operations(entry.operations())), entry)
    paths = sorted(
        glob.glob(os.path.join(shared, "refs/cifs/*.cif"))
        + glob.glob(os.path.join(shared, "cod/**/*.cif"), recursive=True)
        + glob.glob(os.path.join(shared, "data/**/*.cif"), recursive=True)
        + glob.glob(os.path.join(shared, "data/**/*.mcif"), recursive=True))
    blocks = []
    for path in paths:
        relative = os.path.relpath(path, shared)
        try:
            doc = gemmi.cif.read_file(path, check_level=0)
            items = []
            for block in doc:
                def first(tags):
                    for tag in tags:
                        v = block.find_value(tag)
                        if v is not None and v not in ("?", "."):
                            return gemmi.cif.as_string(v)
                    return None
                ops = []
                for tag in OPS_TAGS:
                    ops = [gemmi.cif.as_string(v) for v in block.find_values(tag)]
                    if ops:
                        break
                items.append((block.name, first(HM_TAGS), first(HALL_TAGS), first(NUMBER_TAGS), ops))
        except Exception:
            values = line_scan(path)
            def first(tags):
                for tag in tags:
                    v = values.get(tag.lower())
                    if v is not None and v not in ("?", "."):
                        return v
                return None
            items = [(None, first(HM_TAGS), first(HALL_TAGS), first(NUMBER_TAGS), [])]
        for name, hm, hall, number, ops in items:
            if hm is None and hall is None:
                continue
            identified = None
            if ops:
                try:
                    parsed = [gemmi.Op(o.replace(" ", "")) for o in ops]
                    entry = gemmi_by_set.get(wrapped_set(gemmi_operations(parsed)))
                    identified = entry.hall.strip() if entry else ""
                except Exception:
                    identified = None
            blocks.append(dict(
                file=relative, block=name, hm=hm, hall=hall,
                number=int(number) if number and number.strip().isdigit() else None,
                ops=ops, gemmiHallOfOps=identified))
    fixture = dict(
        source=f"CIFs under shared/ read by gemmi {gemmi.__version__} (line-based fallback for files it "
               "rejects); gemmiHallOfOps: Hall symbol of the gemmi table entry equal to the operation "
               "list, \"\" if none, null if no list",
        generator="Scripts/gen_space_groups.py",
        blocks=blocks)
    path = os.path.join(FIXTURE_DIR, "shared_cif_symmetry.json")
    with open(path, "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")
    return len(blocks)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    args = parser.parse_args()
    if spglib.__version__ != SPGLIB_VERSION or gemmi.__version__ != GEMMI_VERSION:
        print(f"warning: made with spglib {SPGLIB_VERSION} and gemmi {GEMMI_VERSION}; "
              f"running spglib {spglib.__version__}, gemmi {gemmi.__version__}", file=sys.stderr)
    os.makedirs(FIXTURE_DIR, exist_ok=True)
    settings = build_settings()
    op_count = write_table(settings)
    gemmi_count = write_gemmi_fixture()
    cif_count = write_shared_cif_fixture(os.path.normpath(args.shared))
    print(f"{len(settings)} settings, {op_count} operations → {os.path.relpath(TABLE_PATH, ROOT)}; "
          f"{gemmi_count} gemmi entries and {cif_count} CIF blocks → {os.path.relpath(FIXTURE_DIR, ROOT)}")


if __name__ == "__main__":
    main()
