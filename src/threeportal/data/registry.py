"""The shipped data files: finding them, reading by name or path, and their manifest.

A shipped input is named by its file stem (``"na62_2017_umu2"``, ``"na62"``); anything else is
read as a path to a user file in the same format. ``MANIFEST.sha256`` lists the SHA-256 of
every shipped file; :func:`verify_shipped` checks the files against it and loads each one.
"""

from __future__ import annotations

import hashlib
import os
import re
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from .common import SHIPPED_NAME, DataFileError
from .experiments import EXPERIMENT_SUFFIX, ExperimentParameters, parse_experiment
from .limits import LIMIT_SUFFIX, LimitCurve, parse_limit

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

__all__ = [
    "KINDS",
    "MANIFEST_NAME",
    "checksums",
    "load_experiment",
    "load_input",
    "load_limit",
    "manifest_text",
    "shipped_files",
    "shipped_inputs",
    "verify_shipped",
]

#: Name of the file listing the expected SHA-256 of every shipped data file.
MANIFEST_NAME = "MANIFEST.sha256"
#: The kind of data file each suffix holds.
KINDS = {LIMIT_SUFFIX: "limit", EXPERIMENT_SUFFIX: "experiment"}

_PACKAGE = "threeportal.data"


def _package_dir() -> Traversable:
    return resources.files(_PACKAGE)


def shipped_files() -> dict[str, Traversable]:
    """Map file name -> resource for every shipped data file (limit and experiment files)."""
    found = {}
    for entry in _package_dir().iterdir():
        if entry.is_file() and any(entry.name.endswith(s) for s in KINDS):
            found[entry.name] = entry
    return dict(sorted(found.items()))


def shipped_inputs() -> list[str]:
    """Names (file stems) of every shipped input, limit and experiment files, sorted."""
    return sorted(name.rsplit(".", 1)[0] for name in shipped_files())


def _shipped_of_kind(suffix: str) -> list[str]:
    return [name[: -len(suffix)] for name in shipped_files() if name.endswith(suffix)]


def _read(name_or_path: str | os.PathLike[str], suffix: str) -> tuple[bytes, str, Path]:
    """Return (bytes, display name, path) for a shipped name or a user path."""
    kind = KINDS[suffix]
    if isinstance(name_or_path, str) and SHIPPED_NAME.match(name_or_path):
        resource = shipped_files().get(name_or_path + suffix)
        if resource is None:
            raise DataFileError(
                name_or_path,
                0,
                f"no shipped {kind} file named {name_or_path!r}",
                f"shipped {kind} files are: {', '.join(_shipped_of_kind(suffix))} "
                f"(or give a path to a {suffix} file)",
            )
        return resource.read_bytes(), str(resource), Path(str(resource))
    path = Path(os.fspath(name_or_path)).expanduser()
    try:
        data = path.read_bytes()
    except OSError as err:
        reason = err.strerror or type(err).__name__
        names = ", ".join(_shipped_of_kind(suffix))
        raise DataFileError(
            path,
            0,
            f"cannot read the file ({reason})",
            f"give a readable {kind} file, or a shipped name: {names}",
        ) from None
    return data, str(path), path


def load_limit(name_or_path: str | os.PathLike[str]) -> LimitCurve:
    """Load a limit curve.

    Parameters
    ----------
    name_or_path : str or os.PathLike
        A shipped name (the file stem, e.g. ``"na62_2017_umu2"``: letters, digits, ``_``,
        ``-`` only) or the path of a user file in the same format (anything with a ``/``, a
        ``.`` or given as a :class:`pathlib.Path`).

    Returns
    -------
    LimitCurve

    Raises
    ------
    DataFileError
        If the name is not shipped, the file cannot be read or is malformed.
    """
    data, display, path = _read(name_or_path, LIMIT_SUFFIX)
    return parse_limit(data, display, path)


def load_experiment(name_or_path: str | os.PathLike[str]) -> ExperimentParameters:
    """Load an experiment parameter file.

    Parameters
    ----------
    name_or_path : str or os.PathLike
        A shipped name (e.g. ``"na62"``) or the path of a user TOML file in the same format.

    Returns
    -------
    ExperimentParameters

    Raises
    ------
    DataFileError
        If the name is not shipped, the file cannot be read or is malformed.
    """
    data, display, path = _read(name_or_path, EXPERIMENT_SUFFIX)
    return parse_experiment(data, display, path)


def load_input(name_or_path: str | os.PathLike[str]) -> LimitCurve | ExperimentParameters:
    """A shipped input by name (limit, experiment or dark-photon limit file) or a user file
    by path (a dark-photon limit gives its limit curve)."""
    if isinstance(name_or_path, str) and SHIPPED_NAME.match(name_or_path):
        files = shipped_files()
        if name_or_path + EXPERIMENT_SUFFIX in files:
            return load_experiment(name_or_path)
        if name_or_path + LIMIT_SUFFIX in files:
            return load_limit(name_or_path)
        from .dark_photon import load_dark_photon_limit, shipped_dark_photon_limits

        if name_or_path in shipped_dark_photon_limits():
            return load_dark_photon_limit(name_or_path).curve
        raise DataFileError(
            name_or_path,
            0,
            "no shipped input of that name",
            f"allowed: a shipped input ({', '.join(shipped_inputs())}) or a file path",
        )
    if os.fspath(name_or_path).endswith(EXPERIMENT_SUFFIX):
        return load_experiment(name_or_path)
    return load_limit(name_or_path)


# --------------------------------------------------------------------------------------------
# Listing and showing (for `threeportal data list` / `threeportal data show NAME`)


def checksums() -> dict[str, str]:
    """SHA-256 (hex) of every shipped data file (inputs and ``*.dat`` tables), keyed by name."""
    tables = (e for e in _package_dir().iterdir() if e.is_file() and e.name.endswith(".dat"))
    files = dict(sorted({**shipped_files(), **{entry.name: entry for entry in tables}}.items()))
    return {name: hashlib.sha256(res.read_bytes()).hexdigest() for name, res in files.items()}


def manifest_text() -> str:
    """The text of ``MANIFEST.sha256`` for the files as they are now (``sha256sum`` format).

    Maintainers regenerate the manifest after changing a shipped file with::

        python -c "from threeportal.data import manifest_text as m; print(m(), end='')" \\
            > src/threeportal/data/MANIFEST.sha256
    """
    lines = ["# SHA-256 of the shipped data files; checked by threeportal.data.verify_shipped()"]
    lines.extend(f"{digest}  {name}" for name, digest in checksums().items())
    return "\n".join(lines) + "\n"


def _read_manifest() -> tuple[dict[str, str], list[str]]:
    resource = _package_dir().joinpath(MANIFEST_NAME)
    if not resource.is_file():
        return {}, [f"{MANIFEST_NAME} is missing from the package"]
    expected: dict[str, str] = {}
    problems: list[str] = []
    for lineno, raw in enumerate(resource.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) != 2 or not re.fullmatch(r"[0-9a-f]{64}", parts[0]):
            problems.append(f"{MANIFEST_NAME}:{lineno}: not '<sha256>  <file name>'")
            continue
        expected[parts[1]] = parts[0]
    return expected, problems


def verify_shipped() -> list[str]:
    """Check the shipped data files against ``MANIFEST.sha256`` and load each one.

    Returns
    -------
    list of str
        One line per problem (missing, unlisted or modified file, file that fails to load,
        experiment naming a limit that is not shipped), the dark-photon limits in
        ``dark_photon/`` checked against their own manifest; empty when all is well.
    """
    expected, problems = _read_manifest()
    actual = checksums()
    for name, digest in expected.items():
        if name not in actual:
            problems.append(f"{name}: listed in {MANIFEST_NAME} but not shipped")
        elif actual[name] != digest:
            problems.append(f"{name}: sha256 {actual[name][:12]}... differs from {MANIFEST_NAME}")
    problems.extend(
        f"{name}: shipped but not listed in {MANIFEST_NAME}"
        for name in actual
        if name not in expected
    )
    from .dark_photon import verify_dark_photon_shipped

    problems.extend(f"dark_photon/{problem}" for problem in verify_dark_photon_shipped())
    shipped_limits = set(_shipped_of_kind(LIMIT_SUFFIX))
    for name in shipped_files():
        stem = name.rsplit(".", 1)[0]
        try:
            item = load_input(stem)
        except DataFileError as err:
            problems.append(str(err))
            continue
        if isinstance(item, ExperimentParameters):
            problems.extend(
                f"{name}: limit {entry!r} is not a shipped limit file"
                for entry in item.limits
                if entry not in shipped_limits
            )
        elif item.name != stem:
            problems.append(f"{name}: header name {item.name!r} differs from the file name")
    return problems
