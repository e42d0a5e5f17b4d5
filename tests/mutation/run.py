"""Mutation runner for threeportal (issue 17): apply each mutant to a copy of the source tree.

Usage (from the repository root)::

    python tests/mutation/run.py [--jobs N] [--only ID ...] [--timeout SECONDS]

Each worker copies ``src/`` to a temporary directory once; for every mutant it replaces the
exact snippet in the copy, runs ``pytest -x -q`` on the test directories that cover the mutated
module with ``PYTHONPATH`` pointing at the copy, and puts the original file back. The working
tree is never modified. A mutant whose snippet does not occur exactly once is reported *stale*
(update its entry in ``mutants.py``). Writes ``tests/mutation/results.json`` and prints
``mutation score: K/N (P%)`` (stale mutants are not counted).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
from mutants import MUTANTS  # noqa: E402

#: Test directories run for a mutant, by the start of its path under src/threeportal.
_TESTS = (
    ("physics/", ["tests/physics", "tests/constraints"]),
    ("constraints/", ["tests/constraints"]),
    ("data/hadronic", ["tests/physics", "tests/data"]),
    ("data/", ["tests/data", "tests/constraints"]),
    ("constants.py", ["tests/physics", "tests/constraints", "tests/test_model.py"]),
    ("model.py", ["tests/test_model.py", "tests/physics", "tests/constraints"]),
)


def test_dirs(path: str) -> list[str]:
    """Test directories for a mutated file (path relative to src/threeportal)."""
    for prefix, dirs in _TESTS:
        if path.startswith(prefix):
            return dirs
    raise ValueError(f"no test directories for {path}")


#: Test files run first for a module (so that ``-x`` stops early), beyond its own test_<stem>.
_FIRST = {
    "nuh": ("offshell", "paper_checks"),
    "zprime": ("paper_checks",),
    "hnl_standard": ("pinned_widths",),
    "scattering": ("paper_checks",),
    "production": ("paper_checks",),
}


def ordered_test_files(path: str) -> list[str]:
    """Test files for a mutated file, the most relevant first: test_mut_*, test_<stem>*,
    related files, test_pinned_*, then the rest (``-x`` then stops at the first failure)."""
    stem = Path(path).stem
    related = ("mut_", stem, *_FIRST.get(stem, ()), "pinned")
    files: list[Path] = []
    for entry in test_dirs(path):
        p = ROOT / entry
        files += sorted(p.rglob("test_*.py")) if p.is_dir() else [p]

    def rank(f: Path) -> int:
        name = f.stem.removeprefix("test_")
        return next((k for k, key in enumerate(related) if key in name), len(related))

    return [str(f.relative_to(ROOT)) for f in sorted(files, key=rank)]


def _rewrite_manifest(package: Path, path: str) -> None:
    """Update the MANIFEST.sha256 line of a mutated data file (a maintainer's regenerated hash)."""
    manifest = package / "data" / "MANIFEST.sha256"
    name = path.removeprefix("data/")
    digest = hashlib.sha256((package / path).read_bytes()).hexdigest()
    lines = manifest.read_text().splitlines()
    out = [f"{digest}  {name}" if line.endswith(f"  {name}") else line for line in lines]
    manifest.write_text("\n".join(out) + "\n")


#: Third-party modules imported once by the parent; every forked child reuses them.
_PRELOAD = (
    "numpy",
    "scipy.integrate",
    "scipy.optimize",
    "scipy.special",
    "hepunits",
    "particle",
    "pytest",
    "_pytest.approx",
    "h5py",
    "matplotlib",
    "matplotlib.pyplot",
)


def _preload() -> None:
    """Import the heavy third-party modules (and the PDG table) before forking."""
    import importlib

    os.environ.setdefault("MPLBACKEND", "Agg")
    for name in _PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:
            continue
    from particle import Particle

    Particle.from_pdgid(11)  # loads and caches the particle table


def _child(src: Path, files: list[str], log: Path, timeout: float) -> None:
    """In a forked child: import threeportal from ``src``, run pytest, exit with its code."""
    code = 3
    try:
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        import signal

        import pytest

        signal.alarm(int(timeout))
        sys.path.insert(0, str(src))
        os.chdir(src.parent)  # the worker's frozen copy of tests/
        code = int(pytest.main(["-x", "-q", "-p", "no:cacheprovider", *files]))
    except BaseException:  # never return into the parent's code
        import traceback

        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _detail(log: Path) -> str:
    lines = [line for line in log.read_text(errors="replace").splitlines() if line.strip()]
    failed = next((line for line in lines if line.startswith(("FAILED", "ERROR"))), "")
    return failed or (lines[-1] if lines else "")


def _status(wait_status: int) -> str:
    if os.WIFSIGNALED(wait_status):
        return "killed"  # timeout (SIGALRM) or a crash
    return "survived" if os.WEXITSTATUS(wait_status) == 0 else "killed"


def _copy_tree(workdir: Path) -> Path:
    """Copy src/, tests/ and pyproject.toml: the run sees the tests as they were at its start."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    src = workdir / "src"
    shutil.copytree(ROOT / "src", src, ignore=ignore)
    shutil.copytree(ROOT / "tests", workdir / "tests", ignore=ignore)
    shutil.copy2(ROOT / "pyproject.toml", workdir / "pyproject.toml")
    return src


def _apply(src: Path, index: int) -> tuple[dict, list[tuple[Path, str]]]:
    """Apply mutant ``index`` to the copy; the record and the (file, text) pairs to restore."""
    path, original, replacement, description = MUTANTS[index]
    package = src / "threeportal"
    target = package / path
    record = {"id": index, "file": path, "description": description}
    text = target.read_text()
    if text.count(original) != 1:
        record.update(status="stale", detail=f"snippet found {text.count(original)} times")
        return record, []
    manifest = package / "data" / "MANIFEST.sha256"
    restore = [(target, text), (manifest, manifest.read_text())]
    target.write_text(text.replace(original, replacement))
    if path.startswith("data/") and not path.endswith(".py"):
        _rewrite_manifest(package, path)
    return record, restore


def _run_all(
    trees: list[Path], ids: list[int], logs: Path, timeout: float, progress: Path | None = None
) -> list[dict]:
    """Run the mutants, at most one forked child per tree at a time."""
    pending, free = list(ids), list(trees)
    running: dict[int, tuple[Path, dict, list[tuple[Path, str]], float, Path]] = {}
    records: list[dict] = []
    while pending or running:
        while pending and free:
            index = pending.pop(0)
            src = free.pop()
            record, restore = _apply(src, index)
            if not restore:
                records.append(record)
                free.append(src)
                continue
            log = logs / f"mutant_{index}.log"
            pid = os.fork()
            if pid == 0:
                _child(src, ordered_test_files(MUTANTS[index][0]), log, timeout)
            running[pid] = (src, record, restore, time.perf_counter(), log)
        pid, wait_status = os.wait()
        src, record, restore, started, log = running.pop(pid)
        for path, text in restore:
            path.write_text(text)
        free.append(src)
        record.update(
            status=_status(wait_status),
            seconds=round(time.perf_counter() - started, 1),
            detail=_detail(log),
        )
        records.append(record)
        if progress is not None:  # so that an interrupted run keeps what it measured
            progress.write_text(json.dumps(sorted(records, key=lambda r: r["id"]), indent=1))
        print(
            f"[{record['status']:8s}] {record['id']:3d} {record['file']}: {record['description']}",
            flush=True,
        )
    return records


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="parallel workers (default 2)")
    parser.add_argument("--only", type=int, nargs="*", help="run only these mutant ids")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per mutant")
    parser.add_argument(
        "--output", help="results file (default tests/mutation/results.json; with --only: none)"
    )
    args = parser.parse_args(argv)
    ids = list(range(len(MUTANTS))) if not args.only else args.only
    start = time.perf_counter()
    _preload()
    with tempfile.TemporaryDirectory(prefix="threeportal-mutation-") as tmp:
        trees = [_copy_tree(Path(tmp) / f"w{k}") for k in range(max(1, args.jobs))]
        logs = Path(tmp) / "logs"
        logs.mkdir()
        baseline = ["tests/physics", "tests/constraints", "tests/data", "tests/test_model.py"]
        pid = os.fork()
        if pid == 0:
            _child(trees[0], baseline, logs / "baseline.log", 1800)
        _, wait_status = os.wait()
        seconds = time.perf_counter() - start
        if _status(wait_status) != "survived":
            print(f"unmutated tests fail ({_detail(logs / 'baseline.log')}): fix them first")
            return 2
        progress = Path(args.output + ".partial") if args.output else None
        records = _run_all(trees, ids, logs, args.timeout, progress)
    records.sort(key=lambda r: r["id"])
    live = [r for r in records if r["status"] != "stale"]
    killed = sum(r["status"] == "killed" for r in live)
    score = 100.0 * killed / len(live) if live else 0.0
    summary = f"mutation score: {killed}/{len(live)} ({score:.0f}%)"
    elapsed = time.perf_counter() - start
    result = {
        "summary": summary,
        "killed": killed,
        "live": len(live),
        "stale": [r["id"] for r in records if r["status"] == "stale"],
        "survived": [r["id"] for r in records if r["status"] == "survived"],
        "runtime_seconds": round(elapsed),
        "baseline_seconds": round(seconds),
        "mutants": records,
    }
    output = args.output or (None if args.only else str(HERE / "results.json"))
    if output:
        Path(output).write_text(json.dumps(result, indent=1) + "\n")
    for r in records:
        if r["status"] in ("survived", "stale"):
            print(f"{r['status'].upper()}: {r['id']} {r['file']}: {r['description']}")
    print(f"{summary}; {len(result['stale'])} stale; {elapsed:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
