"""Benchmarks of threeportal (run with ``make bench``).

Measures, in one run on this machine, and writes ``benchmarks/results.json``:
(a) grid points per second for all Fig. 3 layers at 100^2, 300^2 and 1000^2, one worker;
(b) what the recast dark-photon limits add to the other layers (issue 11);
(c) the ratio against a naive baseline written here (a Python loop over grid points, with
    ``scipy.integrate.quad`` for the upscattering integral and scalar formulas for the
    rest), both on the 100 x 100 grid;
(d) the speed-up of a 1000 x 1000 scan with 2 workers over 1 worker;
(e) the peak resident memory of this process;
(f) the scaling of the scan engine (issue 12, :mod:`scaling`): default against hand-tuned
    settings at 1000^2, two workers against one at 2000^2 in both decay modes, peak memory
    (scan process and workers), file size and cost per point at 4000^2, and ``fig3`` from
    cold results and with results in place (the plot phase).
Timings are ratios within one run; absolute numbers depend on the machine: run it on a quiet
one. ``--quick`` runs every step on grids 10x smaller and writes ``results-quick.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from hepunits import GeV, MeV
from scipy.integrate import quad

from scaling import scaling_results
from table import update_readme
from threeportal.constraints import REGISTRY, Inputs, evaluate_constraints
from threeportal.model import ModelPoint
from threeportal.physics.scattering import (
    dsigma_dQ2_upscattering,
    sigma_nue_per_electron,
    upscattering_q2_limits,
)

HERE = Path(__file__).resolve().parent
E_NU = 3.0 * GeV


def left_panel(n: int) -> ModelPoint:
    """The fig3-left plane on an n x n grid."""
    return ModelPoint(
        m_nuh=np.linspace(150.0, 388.0, n).reshape(-1, 1) * MeV,
        m_zprime=150.0 * MeV,
        U_muh2=np.logspace(-10, -2, n).reshape(1, -1),
        chi2=1e-8,
        v_phi=266.67 * MeV,
    )


def right_panel(n: int) -> ModelPoint:
    """The fig3-right plane on an n x n grid."""
    return ModelPoint(
        m_nuh=300.0 * MeV,
        m_zprime=np.geomspace(1.0, 300.0, n).reshape(1, -1) * MeV,
        U_muh2=np.geomspace(3e-12, 1e-2, n).reshape(-1, 1),
        chi2=1e-8,
        v_phi=266.67 * MeV,
    )


def best_time(func, repeat: int) -> float:
    """Smallest wall time of ``repeat`` calls (the least disturbed by other load)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def vectorised_rate(n: int, inputs: Inputs) -> float:
    model = left_panel(n)
    seconds = best_time(lambda: evaluate_constraints(model, inputs=inputs), 3)
    return n * n / seconds


def recast_cost(n: int, inputs: Inputs) -> dict[str, float]:
    """What the dark_photon_limits layer (all shipped limits) adds to the other layers.

    Wall time of all layers but the recast, and of all layers, at their default options on the
    fig3-left and fig3-right planes; the ratio (added / others) must stay below 1 (issue 11).
    """
    others = [name for name in REGISTRY if name != "dark_photon_limits"]
    out = {}
    for label, plane in (("left", left_panel), ("right", right_panel)):
        model = plane(n)
        alone = best_time(lambda m=model: evaluate_constraints(m, others, inputs=inputs), 3)
        every = best_time(lambda m=model: evaluate_constraints(m, inputs=inputs), 3)
        out[f"{label}_others_seconds"] = alone
        out[f"{label}_added_seconds"] = every - alone
        out[f"{label}_ratio"] = (every - alone) / alone
    return out


def naive_rate(n: int, inputs: Inputs) -> float:
    """Python loop over points; quad for the upscattering cross section."""
    masses = np.linspace(150.0, 388.0, n) * MeV
    mixings = np.logspace(-10, -2, n)
    others = [name for name in REGISTRY if name != "upscattering"]
    sigma_e = float(sigma_nue_per_electron(E_NU))
    start = time.perf_counter()
    for m in masses:
        for u2 in mixings:
            point = ModelPoint(
                m_nuh=m, m_zprime=150.0 * MeV, U_muh2=u2, chi2=1e-8, v_phi=266.67 * MeV
            )
            evaluate_constraints(point, others, inputs=inputs)
            q2_min, q2_max = upscattering_q2_limits(E_NU, m)
            sigma = quad(
                lambda q2, m=m, u2=u2, g=float(point.g): float(
                    dsigma_dQ2_upscattering(q2, E_NU, m, 150.0 * MeV, 1e-8, g, 1.0, u2)
                ),
                float(q2_min),
                float(q2_max),
                limit=200,
            )[0]
            _ = sigma / (6 * sigma_e) > 1.0
    return n * n / (time.perf_counter() - start)


#: Card overrides for the "mean" decay probabilities (one mean boost per point). The default
#: card is the "averaged" mode (16 x 16 quadrature nodes over both two-body decays).
MEAN = [
    "constraints.na62_ee.decay_mode=mean",
    "constraints.na62_mumu.decay_mode=mean",
    "constraints.na48_2.decay_mode=mean",
    "constraints.peak_search.decay_mode=mean",
]


def scan_rate(n: int, jobs: int, tile: int | None, extra: tuple[str, ...] = ()) -> float:
    """Points per second of a whole scan (workers, transfers, HDF5 writing included)."""
    from threeportal.scans import load_card, run_scan

    card = load_card("fig3-left", [f"axes.x.n={n}", f"axes.y.n={n}", *extra])
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "bench.h5"
        start = time.perf_counter()
        run_scan(card, output=out, jobs=jobs, tile=tile, force=True)
        return n * n / (time.perf_counter() - start)


def refinement_accuracy(inputs: Inputs) -> dict:
    """64^2 start, 5 levels, against the 2017^2 brute-force grid: work and contour error."""
    from threeportal.scans.refine import refine_contour

    def events(x, y):
        model = ModelPoint(
            m_nuh=x * MeV, m_zprime=150 * MeV, U_muh2=y, chi2=1e-8, v_phi=266.67 * MeV
        )
        layer = evaluate_constraints(model, ["na62_ee"], inputs=inputs)["na62_ee"]
        return layer["na62_ee_expected_events"].values

    refined = refine_contour(
        events,
        np.linspace(150.0, 388.0, 64),
        np.geomspace(1e-12, 1e-6, 64),
        1.0,
        levels=5,
        y_scale="log",
    )
    brute = np.log10(np.maximum(events(refined.x[None, :], refined.y[:, None]), 1e-300))
    log_y = np.log10(refined.y)

    def first_crossing(column):
        idx = np.nonzero(np.diff(np.sign(column)))[0]
        if not idx.size:
            return np.nan
        i = idx[0]
        a, b = column[i], column[i + 1]
        return log_y[i] + a / (a - b) * (log_y[i + 1] - log_y[i])

    errors = [
        abs(first_crossing(refined.t[:, i]) - first_crossing(brute[:, i]))
        for i in range(0, refined.t.shape[1], 16)
    ]
    return {
        "evaluation_fraction": refined.fraction,
        "max_log10_error": float(np.nanmax(errors)),
        "grid_side": refined.t.shape[0],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10x smaller grids (a smoke test)")
    quick = parser.parse_args().quick
    scale = 10 if quick else 1
    cores = os.cpu_count() or 1
    inputs = Inputs()
    evaluate_constraints(left_panel(10), inputs=inputs)  # load data files, warm caches
    results: dict = {"cores": cores, "points_per_second": {}}
    print(f"threeportal benchmarks on {cores} cores (all Fig. 3 layers, fig3-left plane)")
    for n in (100 // scale, 300 // scale, 1000 // scale):
        rate = vectorised_rate(n, inputs)
        results["points_per_second"][str(n)] = rate
        print(
            f"  {n:>4} x {n:<4} one worker: {rate:12.3e} points/s ({n * n / rate:.3f} s per grid)"
        )
    recast = recast_cost(1000 // scale, inputs)
    results[f"dark_photon_limits_cost_{1000 // scale}"] = recast
    for label in ("left", "right"):
        print(
            f"  recast dark-photon limits, fig3-{label} plane {1000 // scale}^2: add "
            f"{recast[f'{label}_added_seconds']:.2f} s to {recast[f'{label}_others_seconds']:.2f} s"
            f" of the other layers (ratio {recast[f'{label}_ratio']:.2f})"
        )
    naive = naive_rate(100 // scale, inputs)
    results["naive_points_per_second_100"] = naive
    results["baseline_ratio"] = results["points_per_second"]["100"] / naive
    print(
        f"  naive loop + quad, {100 // scale}^2: {naive:12.3e} points/s; "
        f"vectorised is {results['baseline_ratio']:.0f} x faster"
    )
    for label, extra, key in (
        ("mean", tuple(MEAN), "speedup_2_workers"),
        ("averaged", (), "speedup_2_workers_averaged"),
    ):
        one = scan_rate(1000 // scale, 1, None, extra)
        two = scan_rate(1000 // scale, 2, None, extra)
        results[f"scan_points_per_second_1000_{label}"] = {"1": one, "2": two}
        results[key] = two / one
        print(
            f"  scan {1000 // scale}^2 ({label} decay probabilities): 1 worker {one:.3e} points/s,"
            f" 2 workers {two:.3e} points/s, speed-up {two / one:.2f}"
        )
    sizes = (1000 // scale, 2000 // scale, 4000 // scale)
    results.update(scaling_results(tuple(MEAN), sizes))
    print(
        f"  default / best tuned at {sizes[0]}^2: "
        f"{results[f'default_vs_tuned_{sizes[0]}']:.2f}; 2-worker speed-up at {sizes[1]}^2: "
        f"{results[f'speedup_2_workers_{sizes[1]}_mean']:.2f} (mean), "
        f"{results[f'speedup_2_workers_{sizes[1]}_averaged']:.2f} (averaged)"
    )
    print(
        f"  {sizes[2]}^2 scan: peak RSS {results[f'peak_rss_MiB_{sizes[2]}']:.0f} MiB, file "
        f"{results[f'file_MiB_{sizes[2]}']:.0f} MiB, cost per point "
        f"{results[f'cost_per_point_ratio_{sizes[2]}_vs_{sizes[0]}']:.2f}x that at {sizes[0]}^2"
    )
    print(
        f"  fig3 from cold results {results['fig3_cold_seconds']:.1f} s, "
        f"with results in place {results['fig3_warm_seconds']:.1f} s "
        f"(plot phase {results['plot_seconds']:.1f} s)"
    )
    if not quick:
        results["refine"] = refinement_accuracy(inputs)
        print(
            f"  refinement 64^2 + 5 levels: {results['refine']['evaluation_fraction']:.2%} of "
            f"the {results['refine']['grid_side']}^2 evaluations, max |d log10 U^2| = "
            f"{results['refine']['max_log10_error']:.2e}"
        )
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    results["peak_memory_MiB"] = peak_kib / 1024
    print(f"  peak memory of this process: {peak_kib / 1024:.0f} MiB")
    target = HERE / ("results-quick.json" if quick else "results.json")
    if not quick and target.exists():  # keep keys written by other benchmarks
        results = {**json.loads(target.read_text()), **results}
    target.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written {target}")
    if target.name == "results.json" and update_readme():
        print("README performance table regenerated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
