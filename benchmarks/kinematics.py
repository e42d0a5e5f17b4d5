"""Benchmark of the kinematics generator (issue 15: 1e6 events in under 1 s on one core).

Prints events per second for ``generate`` alone and with every derived quantity, best of
five runs, as CPU time of this process (numpy's elementwise work is single-threaded, so this
is one core) and as wall time (inflated when the machine is shared); then the acceptance
estimate's throughput on a mass x lifetime grid.

Run: ``python benchmarks/kinematics.py [n_events]``.
"""

from __future__ import annotations

import sys
import time

import numpy as np
from hepunits import MeV, mm

from threeportal.kinematics import generate
from threeportal.kinematics.acceptance import acceptance


def best_of(function, repeats: int = 5) -> tuple[float, float]:
    """Smallest CPU time and smallest wall time of ``repeats`` calls, seconds."""
    cpu, wall = [], []
    for _ in range(repeats):
        c0, w0 = time.process_time(), time.perf_counter()
        function()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return min(cpu), min(wall)


def main(n: int = 1_000_000) -> None:
    masses = (300 * MeV, 150 * MeV, "ee")
    generate(*masses, 1000, seed=1)  # warm up imports and caches

    def events_only():
        generate(*masses, n, seed=1)

    def with_quantities():
        generate(*masses, n, seed=1).quantities()

    for label, function in (("generate", events_only), ("+ quantities", with_quantities)):
        cpu, wall = best_of(function)
        print(
            f"{label:<14} n = {n:.0e}: {n / cpu:.3g} events/s CPU ({cpu:.3f} s), "
            f"{n / wall:.3g} events/s wall ({wall:.3f} s)"
        )
    m_nuh = np.linspace(160, 380, 20)[:, None] * MeV
    ctau = np.logspace(-1, 5, 20)[None, :] * mm
    c0 = time.process_time()
    acceptance(m_nuh, 150 * MeV, "ee", ctau, 1.0 * mm)
    cpu = time.process_time() - c0
    print(
        f"acceptance     20 x 20 (mass x ctau), 4000 events per mass: {400 / cpu:.3g} points/s CPU"
    )


if __name__ == "__main__":
    main(int(float(sys.argv[1])) if len(sys.argv) > 1 else 1_000_000)
