"""A 10000 x 10000 (1e8-point) fig3-left scan on a dask ``LocalCluster`` of 2 workers.

Run with ``make bench-large`` (not part of ``make test``: a few minutes on two cores).
Records the wall time, the peak memory of this process and its cluster (scheduler, nannies
and workers, sampled from ``/proc``: summed RSS and summed PSS), the PSS of the idle cluster
before the scan, and the file size, under the ``large_10000_*`` keys of
``benchmarks/results.json`` (other keys kept). ``python benchmarks/large.py N`` scans an
N x N grid instead (a smoke test; its keys are ``large_N_*``).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

from scaling import _tree_memory
from table import update_readme
from threeportal.scans import load_card, run_scan

HERE = Path(__file__).resolve().parent


def main() -> int:
    from distributed import LocalCluster

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    peak, running = [0, 0], [True]

    def sample() -> None:  # every 0.2 s: a tile takes seconds, and sampling costs CPU
        while running[0]:
            rss, pss = _tree_memory(os.getpid())
            peak[:] = max(peak[0], rss), max(peak[1], pss)
            time.sleep(0.2)

    with (
        LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster,
        tempfile.TemporaryDirectory() as tmp,
    ):
        idle = _tree_memory(os.getpid())  # the cluster and this process before the scan
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        card = load_card("fig3-left", [f"axes.x.n={n}", f"axes.y.n={n}"])
        out = Path(tmp) / "large.h5"
        start = time.perf_counter()
        run_scan(card, out, backend="dask", scheduler=cluster.scheduler_address)
        seconds = time.perf_counter() - start
        running[0] = False
        sampler.join()
        size = out.stat().st_size / 2**20
    keys = {
        f"large_{n}_seconds": seconds,
        f"large_{n}_peak_rss_MiB": peak[0] / 2**20,
        f"large_{n}_peak_pss_MiB": peak[1] / 2**20,
        f"large_{n}_idle_pss_MiB": idle[1] / 2**20,
        f"large_{n}_file_MiB": size,
    }
    print(json.dumps(keys, indent=2))
    target = HERE / "results.json"
    old = json.loads(target.read_text()) if target.exists() else {}
    target.write_text(json.dumps({**old, **keys}, indent=2) + "\n")
    print(f"written {target}")
    if target.name == "results.json" and update_readme():
        print("README performance table regenerated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
