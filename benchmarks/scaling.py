"""Scaling benchmarks of the scan engine (issue 12), used by ``benchmarks/run.py``.

Every scan runs in a fresh child process, so its wall time includes starting workers and
writing the file, and its peak memory is that of the whole process tree (the scan process
and its workers, RSS sampled from ``/proc`` every 20 ms and summed).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

__all__ = ["fig3_times", "scaling_results", "scan_in_child"]

_SCAN = """
import json, sys, time
from threeportal.scans import load_card, run_scan
n, jobs, tile, out, extra = json.loads(sys.argv[1])
card = load_card("fig3-left", [f"axes.x.n={n}", f"axes.y.n={n}", *extra])
start = time.perf_counter()
run_scan(card, out, jobs=jobs, tile=tile, force=True)
print(json.dumps({"seconds": time.perf_counter() - start}))
"""

_FIG3 = """
import json, logging, sys, time
from threeportal.workflow import fig3
plot = []
class PlotPhase(logging.Handler):
    def emit(self, record):
        plot.extend([record.plot_seconds] if hasattr(record, "plot_seconds") else [])
logging.getLogger("threeportal.workflow").addHandler(PlotPhase())
logging.getLogger("threeportal.workflow").setLevel(logging.INFO)
results, outdir = sys.argv[1:3]
start = time.perf_counter()
fig3(results, outdir)
print(json.dumps({"seconds": time.perf_counter() - start, "plot_seconds": sum(plot)}))
"""


def _tree_memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of a process and all its descendants, bytes (Linux /proc).

    The summed RSS counts every page shared by the forked workers and their parent (the
    imported libraries, the parent's arrays) once per process; the summed PSS (proportional
    set size: a shared page counts 1/n in each of the n processes sharing it) is the memory
    the tree really holds, and the figure the issue-12 bound is checked against.
    """
    rss = pss = 0
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            rollup = Path(f"/proc/{p}/smaps_rollup").read_text()
            for task in Path(f"/proc/{p}/task").iterdir():  # children of every thread
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
        for line in rollup.splitlines():
            if line.startswith("Rss:"):
                rss += int(line.split()[1]) * 1024
            elif line.startswith("Pss:"):
                pss += int(line.split()[1]) * 1024
    return rss, pss


def _run_child(code: str, *args: str, memory: bool = False) -> dict:
    """Run ``code`` in a child Python; its printed JSON, plus with ``memory`` the tree's peak
    memory: summed RSS and summed PSS (MiB), sampled every 50 ms.

    Sampling walks the page tables of every process of the tree (the kernel computes PSS on
    each read): at 50 ms it took a good part of a core from a 2-worker scan on 2 cores, and
    made its wall time 10-20% longer; timing runs therefore leave it off.
    """
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True)
    peak_rss = peak_pss = 0
    while memory and proc.poll() is None:
        rss, pss = _tree_memory(proc.pid)
        peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
        time.sleep(0.05)
    out, _ = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark child failed with status {proc.returncode}")
    return {
        **json.loads(out.strip().splitlines()[-1]),
        "peak_rss_MiB": peak_rss / 2**20,
        "peak_pss_MiB": peak_pss / 2**20,
    }


def scan_in_child(
    n: int,
    jobs: int | None = None,
    tile: int | None = None,
    extra: tuple[str, ...] = (),
    memory: bool = False,
) -> dict:
    """Wall time, file size (MiB) and, with ``memory``, peak RSS and PSS (MiB) of one n x n
    fig3-left scan (see :func:`_run_child`)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "bench.h5"
        args = json.dumps([n, jobs, tile, str(out), list(extra)])
        result = _run_child(_SCAN, args, memory=memory)
        result["file_MiB"] = out.stat().st_size / 2**20
    return result


def fig3_times() -> dict:
    """``workflow.fig3`` from cold results (both scans, contours, figures), then again with
    the results in place (reading and verifying them, drawing); ``plot_seconds`` is the plot
    phase of the second run (drawing both panels and writing the six figure files)."""
    with tempfile.TemporaryDirectory() as tmp:
        results, figures = str(Path(tmp) / "results"), str(Path(tmp) / "figures")
        cold = _run_child(_FIG3, results, figures)["seconds"]
        warm = _run_child(_FIG3, results, figures)
    return {
        "fig3_cold_seconds": cold,
        "fig3_warm_seconds": warm["seconds"],
        "plot_seconds": warm["plot_seconds"],
    }


#: Runs of each timed scan; the shortest counts (on a shared machine a run is only ever slowed
#: down by others, so the minimum is the best estimate of the scan's own time).
_REPEATS = 3


def _best_of(n: int, jobs: int | None = None, tile: int | None = None) -> float:
    """The shortest wall time (s) of :data:`_REPEATS` runs of ``scan_in_child(n, jobs, tile)``."""
    return min(scan_in_child(n, jobs, tile)["seconds"] for _ in range(_REPEATS))


def scaling_results(mean: tuple[str, ...], sizes: tuple[int, int, int]) -> dict:
    """The issue-12 keys of ``results.json``; ``sizes`` = (1000, 2000, 4000) normally."""
    small, medium, large = sizes
    out: dict = {}
    default = _best_of(small)
    tuned = {
        f"jobs={jobs},tile={tile}": _best_of(small, jobs, tile)
        for jobs in (1, 2)
        for tile in (small // 4, small // 2, small)
    }
    out[f"scan_seconds_{small}"] = {"default": default, **tuned}
    out[f"default_vs_tuned_{small}"] = default / min(tuned.values())
    for label, extra in (("mean", mean), ("averaged", ())):
        runs: dict[int, list[float]] = {1: [], 2: []}
        for _ in range(_REPEATS):  # interleaved, so that a slower spell of the machine hits both
            for jobs in runs:
                runs[jobs].append(scan_in_child(medium, jobs, None, extra)["seconds"])
        one, two = min(runs[1]), min(runs[2])
        out[f"scan_seconds_{medium}_{label}"] = {"1": one, "2": two}
        out[f"speedup_2_workers_{medium}_{label}"] = one / two
    big = scan_in_child(large, memory=True)
    out[f"peak_rss_MiB_{large}"] = big["peak_rss_MiB"]
    out[f"peak_pss_MiB_{large}"] = big["peak_pss_MiB"]
    out[f"file_MiB_{large}"] = big["file_MiB"]
    out[f"scan_seconds_{large}"] = big["seconds"]
    cost_large = big["seconds"] / large**2
    cost_small = default / small**2
    out[f"cost_per_point_ratio_{large}_vs_{small}"] = cost_large / cost_small
    out.update(fig3_times())
    return out
