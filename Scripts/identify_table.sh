#!/usr/bin/env bash
# The README's phase-identification figures: `xrdsim identify --json` on the real patterns of ../shared/data with the
# library of the issue (Structures/, ../shared/cod/ and the patterns' own CIFs) plus ../shared/refs/cifs (225 CIFs in
# all), printing per pattern the top three (formula, score) and the wall time of the search (release, one thread).
# Rerun: make run (or swift build -c release), then bash Scripts/identify_table.sh [path/to/xrdsim]
set -euo pipefail
cd "$(dirname "$0")/.."
XRDSIM=${1:-$(swift build -c release --show-bin-path)/xrdsim}
D=../shared/data
LIBRARY=(--library Structures --library ../shared/cod --library ../shared/refs/cifs --library "$D/autoxrd-experimental/References"
  --library "$D/gsas2-lab6-srm660/LaB6_COD2104736.cif" --library "$D/gsas2-pbso4/PbSO4-Wyckoff.cif"
  --library "$D/xrdpattern-examples/data.cif" --library "$D/xrdpattern-examples/Copper_AMCSD0011145_from-Dans_Diffraction.cif"
  --library "$D/dara-alab-tio2-zno-xrdml/TiO2_141_anatase_from-XRD-AutoAnalyzer.cif"
  --library Tests/XRDExperimentTests/Fixtures/ZnO-wurtzite.cif)
echo "| pattern | 1st | 2nd | 3rd | CIFs | s |"
echo "|---|---|---|---|---|---|"
for p in autoxrd-experimental/Spectra/{MnO,Mn2O3,LiMnO2,TiO2,TiO2+MnO,Mn2O3+LiF,Li2MnO3+MnO+TiO2}.xy \
         gsas2-lab6-srm660/{LaB6_Jan2018.raw,NIST660CBI.gsas,11bmb_3844.fxye.zip} gsas2-pbso4/PBSO4.XRA \
         xrdpattern-examples/{data.cif,bruker.raw} dara-alab-tio2-zno-xrdml/TiO2_0p4009-ZnO_0p6010--8min.xrdml; do
  "$XRDSIM" identify "$D/$p" "${LIBRARY[@]}" --json 2>/dev/null | python3 -c '
import json, sys
r = json.load(sys.stdin)
top = ["%s%s %.2f" % (c["formula"], " (mix)" if c["in_mixture"] and sum(x["in_mixture"] for x in r["candidates"]) > 1 else "", c["score"]) for c in r["candidates"][:3]]
top += [""] * (3 - len(top))
print("| `%s` | %s | %s | %s | %d | %.2f |" % (sys.argv[1], top[0], top[1], top[2], r["screened"], r["seconds"]))' "$p"
done
