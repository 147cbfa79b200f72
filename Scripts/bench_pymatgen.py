#!/usr/bin/env python3
"""pymatgen + NumPy baseline for xrdsim's speed figures, measured on the machine that runs `xrdsim bench`.

    OMP_NUM_THREADS=1 python3 Scripts/bench_pymatgen.py [../shared/refs/cifs/La2Ti2O7.cif ...]

Times, single thread, CIF parsing excluded, median of up to 30 runs (the method of ../shared/oracle/perf.py):
  sticks  : pymatgen XRDCalculator.get_pattern, Cu Ka1 1.54056 A, 2theta 5-90
  pattern : sticks + the pseudo-Voigt profile of ../shared/oracle/reference.py on 8501 points (5-90, 0.01)
Needs: pip install pymatgen numpy (development only; xrdsim never runs Python).
"""
import os
for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[v] = "1"
import statistics, sys, time, warnings
from pathlib import Path

warnings.simplefilter("ignore")
ORACLE = Path(__file__).resolve().parents[2] / "shared" / "oracle"
sys.path.insert(0, str(ORACLE))
import reference  # noqa: E402
from pymatgen.analysis.diffraction.xrd import XRDCalculator  # noqa: E402


def median_time(fn, runs=30, budget=15.0):
    times, start = [], time.perf_counter()
    while len(times) < runs and (len(times) < 5 or time.perf_counter() - start < budget):
        t0 = time.perf_counter(); fn(); times.append(time.perf_counter() - t0)
    return statistics.median(times), len(times)


def main(paths):
    calc = XRDCalculator(wavelength=1.54056)
    print("file\tsticks_ms\tsticks_per_s\tpattern_ms\tpatterns_per_s\truns")
    for path in paths:
        s, _ = reference.load_structure(Path(path))
        get = lambda: calc.get_pattern(s, two_theta_range=(5, 90))
        def pattern():
            p = get()
            peaks = [{"two_theta": x, "intensity": y} for x, y in zip(p.x, p.y)]
            reference.pseudo_voigt_profile(peaks, 5.0, 90.0, 0.01, 0.004, -0.002, 0.002, 0.5)
        st, n1 = median_time(get)
        pt, n2 = median_time(pattern)
        print(f"{Path(path).name}\t{st*1e3:.3f}\t{1/st:.1f}\t{pt*1e3:.3f}\t{1/pt:.1f}\t{min(n1, n2)}")


if __name__ == "__main__":
    shared = Path(__file__).resolve().parents[2] / "shared" / "refs" / "cifs"
    main(sys.argv[1:] or [str(shared / n) for n in ("Silicon.cif", "La2Ti2O7.cif", "TMPPIO03.cif")])
