"""The README's shell examples run, in order, in an empty directory (a fresh clone's view).

Every ```sh block of README.md is split into commands (backslash continuations joined,
comments kept for the shell) and run with bash, ``threeportal`` being this interpreter's
``python -m threeportal.cli``. ``make fig3`` runs what its Makefile target runs (the venv is
this one). Skipped, with the reason stated in SKIPPED: ``make test`` (it is this suite) and
the dask cluster commands (a scheduler and workers listening on the network).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
#: Commands not run, by their first words, and why.
SKIPPED = {
    "make test": "it runs this test suite (recursion)",
    "dask scheduler": "starts a network service (a dask cluster)",
    "dask worker": "starts a network service (a dask cluster)",
    "threeportal scan fig3-left -o results/left-dask.h5": "needs the dask cluster above",
    "make dark-photon": "a Makefile target of this repository (its workflow is tested in "
    "tests/plotting/test_dark_photon_plot.py)",
    "make fig4": "a Makefile target of this repository (the kinematics command it runs is the "
    "next README example)",
}
#: Make targets and what they run once the venv exists (see the Makefile).
MAKE = {"make fig3": "threeportal fig3 --outdir figures"}


def readme_commands(text: str) -> list[str]:
    """The shell commands of every ```sh block, in order."""
    commands = []
    for block in re.findall(r"^```sh\n(.*?)^```", text, flags=re.S | re.M):
        joined = re.sub(r"\\\n\s*", "", block)
        commands += [line.strip() for line in joined.splitlines() if line.strip()]
    return commands


def test_readme_blocks_are_found() -> None:
    commands = readme_commands(README.read_text(encoding="utf-8"))
    assert commands[0].startswith("make fig3")
    assert any("--refine" in c for c in commands)
    assert any(c.startswith("threeportal export") for c in commands)
    # the dask example computes something: its output is no file an earlier command wrote
    dask = next(c for c in commands if "--backend dask" in c)
    output = re.search(r"-o (\S+)", dask)
    assert output is not None, dask
    assert not any(output[1] in c for c in commands[: commands.index(dask)])


def _skip_reason(command: str) -> str | None:
    return next((why for start, why in SKIPPED.items() if command.startswith(start)), None)


@pytest.mark.slow
def test_readme_commands_run_in_order(tmp_path: Path) -> None:
    bindir = tmp_path / "bin"
    bindir.mkdir()
    shim = bindir / "threeportal"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m threeportal.cli "$@"\n')
    shim.chmod(0o755)
    work = tmp_path / "clone"
    work.mkdir()
    env = {**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ['PATH']}"}
    ran = []
    for command in readme_commands(README.read_text(encoding="utf-8")):
        if _skip_reason(command):
            continue
        for target, replacement in MAKE.items():
            if command.startswith(target):
                command = replacement + command[len(target) :]
        done = subprocess.run(
            ["bash", "-o", "pipefail", "-c", command],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=1800,
        )
        assert done.returncode == 0, (command, done.stdout[-2000:], done.stderr[-2000:])
        assert "Traceback" not in done.stderr, command
        ran.append((command, done))
    by_start = {c.split("#")[0].strip(): d for c, d in ran}
    refine = next(d for c, d in by_start.items() if "--refine" in c)
    assert "refined the contours" in refine.stdout  # refined in place, not refused
    info = next(d for c, d in by_start.items() if c.startswith("threeportal info"))
    assert "refinement     2 doubling" in info.stdout
    assert (work / "figures" / "fig3.png").is_file()
    assert (work / "limits" / "index.json").is_file()
    assert (work / "hepdata" / "submission.yaml").is_file()
