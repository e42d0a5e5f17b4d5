"""Published dark-photon limits for the Z' recast: a limit file plus a recast sidecar.

Each limit is a pair of files (see ``README.md`` beside this module, section "Dark-photon
limits"):

* ``NAME.lmt``: a limit file in the package's header format (read by
  :func:`threeportal.data.load_limit`), columns ``m [energy unit], eps_lower [1]`` and, for an
  excluded band, ``eps_upper [1]``;
* ``NAME.toml``: the recast metadata (experiment, citation keys, production, the final states
  seen, the efficiency model with its parameters).

The 33 shipped limits live in ``threeportal/data/dark_photon/``; a user can point
:func:`load_dark_photon_limit` at their own ``.toml`` (or its ``.lmt``) by path. Every problem
raises :class:`~threeportal.data.DataFileError` with one line naming file, line and what is
allowed.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..units import UnitError, parse_quantity
from . import DataFileError, LimitCurve, load_limit

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

__all__ = [
    "BOOSTS",
    "DECAY_CHANNELS",
    "EFFICIENCY_KINDS",
    "DarkPhotonLimit",
    "Efficiency",
    "load_dark_photon_limit",
    "shipped_dark_photon_limits",
    "verify_dark_photon_shipped",
]

#: Visible final states a limit may name in ``decay`` (or ``decay = "invisible"``).
DECAY_CHANNELS: tuple[str, ...] = ("e_e", "mu_mu", "pi+_pi-")
#: Efficiency models (``[efficiency] kind``).
EFFICIENCY_KINDS: tuple[str, ...] = ("prompt", "prompt-window", "displaced")
#: How a prompt-window limit gives the boson's energy (``[efficiency] boost``).
BOOSTS: tuple[str, ...] = ("two-body", "fixed-energy")

_FORMAT_VERSION = "1"
_FOLDER = "dark_photon"
_MANIFEST = "MANIFEST.sha256"
_SHIPPED_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
_TOP_KEYS = {
    "format_version": True,
    "name": True,
    "limit_file": True,
    "experiment": True,
    "reference_key": True,
    "arxiv": True,
    "production": True,
    "decay": True,
    "efficiency": True,
    "no_bound_at_or_above": False,
    "assumed_channels": False,
    "notes": False,
}
_EFFICIENCY_KEYS = {
    "prompt": {"kind": True},
    "prompt-window": {
        "kind": True,
        "max_lab_decay_length": True,
        "boost": True,
        "parent_mass": False,
        "recoil_mass": False,
        "energy": False,
    },
    "displaced": {"kind": True, "L_decay_over_L_shield": True},
}
_BOOST_KEYS = {"two-body": ("parent_mass", "recoil_mass"), "fixed-energy": ("energy",)}


@dataclass(frozen=True)
class Efficiency:
    """How a search accepts decays as a function of the proper lifetime.

    Attributes
    ----------
    kind : {"prompt", "prompt-window", "displaced"}
    decay_over_shield : float or None
        ``displaced``: r = L_decay / L_shield.
    max_lab_decay_length : float or None
        ``prompt-window``: largest accepted lab decay length, mm (hepunits).
    boost : {"two-body", "fixed-energy"} or None
        ``prompt-window``: the boson energy E(m) is that of a two-body decay at rest
        (E = (M^2 + m^2 - m_recoil^2) / 2M) or a fixed ``energy``.
    parent_mass, recoil_mass, energy : float or None
        MeV (hepunits), as the boost needs.
    """

    kind: str
    decay_over_shield: float | None = None
    max_lab_decay_length: float | None = None
    boost: str | None = None
    parent_mass: float | None = None
    recoil_mass: float | None = None
    energy: float | None = None


@dataclass(frozen=True, eq=False)
class DarkPhotonLimit:
    """One published dark-photon limit with its recast metadata.

    Attributes
    ----------
    name : str
        The limit's name (file stem), e.g. ``"E137_Andreas2012mt"``.
    path : pathlib.Path
        The sidecar ``.toml``.
    curve : LimitCurve
        The limit file (masses in MeV, eps dimensionless).
    experiment, reference_key, arxiv : str
        Experiment, INSPIRE texkey, arXiv number (may be empty).
    production : str or dict
        Production mechanism as written (the recast takes the production ratio to be 1).
    decay : tuple of str
        Visible final states seen (from :data:`DECAY_CHANNELS`), or ``("invisible",)``.
    assumed_channels : tuple of str or None
        The channels the published dark-photon model decayed into, when not all of them.
    no_bound_at_or_above : float
        eps values at or above this mean "no bound at this mass".
    efficiency : Efficiency
    notes : str
    """

    name: str
    path: Path
    curve: LimitCurve
    experiment: str
    reference_key: str
    arxiv: str
    production: str | dict[str, float]
    decay: tuple[str, ...]
    assumed_channels: tuple[str, ...] | None
    no_bound_at_or_above: float
    efficiency: Efficiency
    notes: str

    @property
    def invisible(self) -> bool:
        """Whether this is a missing-energy search."""
        return self.decay == ("invisible",)

    @property
    def two_sided(self) -> bool:
        """Whether the file gives an excluded band (``eps_upper`` column)."""
        return "eps_upper" in self.curve.columns

    @property
    def mass(self) -> NDArray[np.float64]:
        """Tabulated masses, MeV (hepunits)."""
        return self.curve.columns[self.curve.x_column]

    @property
    def eps_lower(self) -> NDArray[np.float64]:
        """Lower edge of the excluded eps region at each tabulated mass."""
        return self.curve.columns["eps_lower"]

    @property
    def eps_upper(self) -> NDArray[np.float64]:
        """Upper edge of the excluded band (``inf`` for a one-sided limit)."""
        if self.two_sided:
            return self.curve.columns["eps_upper"]
        return np.full_like(self.eps_lower, np.inf)

    @property
    def bounded(self) -> NDArray[np.bool_]:
        """Per tabulated mass: whether the file gives a bound there (no sentinel)."""
        ok = self.eps_lower < self.no_bound_at_or_above
        if self.two_sided:
            ok &= self.eps_upper < self.no_bound_at_or_above
        return ok

    @property
    def citation(self) -> str:
        """The publication to cite (the limit file's ``reference``)."""
        return self.curve.citation


def _key_lines(text: str) -> dict[str, int]:
    """Line of each top-level key, table and ``table.key`` (to point errors at a line)."""
    where: dict[str, int] = {}
    table = ""
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        header = re.match(r"^\[\s*([A-Za-z0-9_\-]+)\s*\]", line)
        if header:
            table = header.group(1)
            where.setdefault(table, lineno)
            continue
        key = re.match(r"^([A-Za-z0-9_\-]+)\s*=", line)
        if key:
            where.setdefault(f"{table}.{key.group(1)}" if table else key.group(1), lineno)
    return where


class _Checker:
    """Raise one-line DataFileErrors pointing at the line of a key."""

    def __init__(self, display: str, text: str):
        self.display = display
        self.lines = _key_lines(text)
        self.last = max(1, len(text.splitlines()))

    def fail(self, key: str, problem: str, allowed: str) -> DataFileError:
        line = self.lines.get(key, 1 if "." not in key else self.lines.get(key.split(".")[0], 1))
        return DataFileError(self.display, line, problem, allowed)

    def keys(self, table: dict[str, Any], spec: dict[str, bool], prefix: str) -> None:
        for key in table:
            if key not in spec:
                raise self.fail(
                    prefix + key, f"unknown key {key!r}", f"allowed keys: {', '.join(spec)}"
                )
        for key, required in spec.items():
            if required and key not in table:
                where = prefix.rstrip(".") or "the file"
                raise self.fail(
                    prefix.rstrip(".") if prefix else "",
                    f"missing key {key!r} in {where}",
                    f"required keys: {', '.join(k for k, r in spec.items() if r)}",
                )

    def string(self, table: dict[str, Any], key: str, prefix: str = "") -> str:
        value = table[key]
        if not isinstance(value, str):
            raise self.fail(prefix + key, f"{key} = {value!r} is not a string", "write a string")
        return value


def _channels(check: _Checker, raw: Any, key: str, *, invisible_ok: bool) -> tuple[str, ...]:
    allowed = f"a list of {', '.join(DECAY_CHANNELS)}" + (' or "invisible"' if invisible_ok else "")
    if invisible_ok and raw == "invisible":
        return ("invisible",)
    if (
        not isinstance(raw, list)
        or not raw
        or any(not isinstance(c, str) or c not in DECAY_CHANNELS for c in raw)
    ):
        raise check.fail(key, f"{key} = {raw!r} is not a list of known final states", allowed)
    return tuple(raw)


def _quantity(check: _Checker, table: dict[str, Any], key: str, unit: str) -> float:
    try:
        value = parse_quantity(table[key], unit, name=key)
    except UnitError as err:
        raise check.fail(f"efficiency.{key}", str(err), f"write e.g. '1 {unit}'") from None
    if value < 0 or (value == 0 and key != "recoil_mass"):
        raise check.fail(f"efficiency.{key}", f"{key} must be positive", f"e.g. '1 {unit}'")
    return value


def _efficiency(check: _Checker, table: Any) -> Efficiency:
    if not isinstance(table, dict):
        raise check.fail("efficiency", "efficiency is not a table", "write an [efficiency] table")
    kind = table.get("kind")
    if kind not in _EFFICIENCY_KEYS:
        raise check.fail(
            "efficiency.kind",
            f"efficiency kind {kind!r} is not known",
            f"kind is one of {', '.join(EFFICIENCY_KINDS)}",
        )
    check.keys(table, _EFFICIENCY_KEYS[kind], "efficiency.")
    if kind == "prompt":
        return Efficiency(kind)
    if kind == "displaced":
        ratio = table["L_decay_over_L_shield"]
        if isinstance(ratio, bool) or not isinstance(ratio, (int, float)) or not ratio > 0:
            raise check.fail(
                "efficiency.L_decay_over_L_shield",
                f"L_decay_over_L_shield = {ratio!r} is not a positive number",
                "write the decay-volume length over the shield length, e.g. 1.14",
            )
        return Efficiency(kind, decay_over_shield=float(ratio))
    boost = table["boost"]
    if boost not in _BOOST_KEYS:
        raise check.fail("efficiency.boost", f"boost {boost!r} is not known", f"one of {BOOSTS}")
    missing = [k for k in _BOOST_KEYS[boost] if k not in table]
    extra = [k for k in ("parent_mass", "recoil_mass", "energy") if k in table]
    if missing or set(extra) != set(_BOOST_KEYS[boost]):
        raise check.fail(
            "efficiency.boost",
            f"boost {boost!r} needs exactly the keys {', '.join(_BOOST_KEYS[boost])}",
            "two-body: parent_mass, recoil_mass; fixed-energy: energy",
        )
    masses = {k: _quantity(check, table, k, "MeV") for k in _BOOST_KEYS[boost]}
    length = _quantity(check, table, "max_lab_decay_length", "mm")
    return Efficiency(kind, max_lab_decay_length=length, boost=boost, **masses)


def _limit_curve(check: _Checker, path: Path, name: str, two_sided_needed: bool) -> LimitCurve:
    curve = load_limit(path)
    columns = list(curve.columns)
    if columns[1:] not in (["eps_lower"], ["eps_lower", "eps_upper"]):
        raise DataFileError(
            curve.path,
            curve.header_lines.get("columns", 0),
            f"columns {', '.join(columns)} are not a dark-photon limit",
            "columns: m [energy unit], eps_lower [1] (, eps_upper [1] for an excluded band)",
        )
    try:
        parse_quantity(f"1 {curve.units[columns[0]]}", "MeV", name=columns[0])
    except UnitError:
        raise DataFileError(
            curve.path,
            curve.header_lines.get("columns", 0),
            f"the mass column has unit {curve.units[columns[0]]!r}",
            "give masses in an energy unit (GeV, MeV)",
        ) from None
    if two_sided_needed and "eps_upper" not in curve.columns:
        raise check.fail(
            "efficiency.kind",
            "a displaced limit needs both edges of the band",
            "give eps_lower and eps_upper columns in the limit file",
        )
    if curve.name != name:
        raise check.fail(
            "name",
            f"name {name!r} differs from {curve.name!r} in the limit file",
            "use the same name in both files",
        )
    return curve


def _parse(text: str, display: str, path: Path) -> DarkPhotonLimit:
    check = _Checker(display, text)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        found = re.search(r"line (\d+)", str(err))
        raise DataFileError(
            display,
            int(found.group(1)) if found else 1,
            f"TOML syntax error: {err}",
            "write valid TOML",
        ) from None
    check.keys(raw, _TOP_KEYS, "")
    if raw["format_version"] != _FORMAT_VERSION:
        raise check.fail(
            "format_version",
            f"format_version {raw['format_version']!r}",
            f'this loader reads format_version = "{_FORMAT_VERSION}"',
        )
    name = check.string(raw, "name")
    decay = _channels(check, raw["decay"], "decay", invisible_ok=True)
    assumed = None
    if "assumed_channels" in raw:
        assumed = _channels(check, raw["assumed_channels"], "assumed_channels", invisible_ok=False)
        if not set(decay) <= set(assumed):
            raise check.fail(
                "assumed_channels",
                "assumed_channels must include every decay",
                f"add {', '.join(decay)}",
            )
    production = raw["production"]
    if not isinstance(production, str) and not (
        isinstance(production, dict)
        and all(isinstance(v, (int, float)) and v >= 0 for v in production.values())
    ):
        raise check.fail(
            "production",
            f"production = {production!r}",
            "a name such as e_brem, or a table of non-negative fractions",
        )
    no_bound = raw.get("no_bound_at_or_above", 1.0)
    if isinstance(no_bound, bool) or not isinstance(no_bound, (int, float)) or no_bound <= 0:
        raise check.fail(
            "no_bound_at_or_above",
            f"no_bound_at_or_above = {no_bound!r}",
            "a positive number, e.g. 1.0",
        )
    efficiency = _efficiency(check, raw["efficiency"])
    if decay == ("invisible",) and efficiency.kind != "prompt":
        raise check.fail(
            "efficiency.kind",
            f"an invisible search with efficiency kind {efficiency.kind!r}",
            'invisible searches use kind = "prompt" (invisible decays count wherever they occur)',
        )
    limit_path = path.parent / check.string(raw, "limit_file")
    curve = _limit_curve(check, limit_path, name, efficiency.kind == "displaced")
    return DarkPhotonLimit(
        name=name,
        path=path,
        curve=curve,
        experiment=check.string(raw, "experiment"),
        reference_key=check.string(raw, "reference_key"),
        arxiv=check.string(raw, "arxiv"),
        production=production,
        decay=decay,
        assumed_channels=assumed,
        no_bound_at_or_above=float(no_bound),
        efficiency=efficiency,
        notes=str(raw.get("notes", "")),
    )


def _folder() -> Path:
    return Path(str(resources.files("threeportal.data").joinpath(_FOLDER)))


def shipped_dark_photon_limits() -> list[str]:
    """Names of the shipped dark-photon limits (file stems), sorted."""
    return sorted(p.stem for p in _folder().glob("*.toml"))


def load_dark_photon_limit(name_or_path: str | os.PathLike[str]) -> DarkPhotonLimit:
    """Load a dark-photon limit and its recast metadata.

    Parameters
    ----------
    name_or_path : str or os.PathLike
        A shipped name (e.g. ``"E137_Andreas2012mt"``), or the path of a user's sidecar
        ``.toml`` (or of its ``.lmt``: the ``.toml`` of the same stem beside it is read).

    Raises
    ------
    DataFileError
        Unknown name, unreadable or malformed file (one line: file, line, what is allowed).
    """
    if isinstance(name_or_path, str) and _SHIPPED_NAME.match(name_or_path):
        path = _folder() / f"{name_or_path}.toml"
        if not path.is_file():
            raise DataFileError(
                name_or_path,
                0,
                f"no shipped dark-photon limit named {name_or_path!r}",
                f"shipped: {', '.join(shipped_dark_photon_limits())} (or give a .toml path)",
            )
    else:
        path = Path(os.fspath(name_or_path)).expanduser()
        if path.suffix == ".lmt":
            path = path.with_suffix(".toml")
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as err:
        reason = getattr(err, "strerror", None) or type(err).__name__
        raise DataFileError(
            path,
            0,
            f"cannot read the file ({reason})",
            "give a readable UTF-8 .toml sidecar or a shipped name",
        ) from None
    return _parse(text, str(path), path)


def verify_dark_photon_shipped() -> list[str]:
    """Check the shipped dark-photon files against their manifest and load each limit.

    Returns
    -------
    list of str
        One line per problem (missing, unlisted or modified file, limit failing to load);
        empty when all is well.
    """
    folder = _folder()
    expected = {}
    for raw in (folder / _MANIFEST).read_text(encoding="utf-8").splitlines():
        if raw.strip() and not raw.startswith("#"):
            digest, name = raw.split()
            expected[name] = digest
    actual = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.suffix in (".lmt", ".toml")
    }
    problems = [f"{n}: listed in {_MANIFEST} but not shipped" for n in expected if n not in actual]
    problems += [f"{n}: shipped but not listed in {_MANIFEST}" for n in actual if n not in expected]
    problems += [
        f"{n}: sha256 {d[:12]}... differs from {_MANIFEST}"
        for n, d in actual.items()
        if n in expected and expected[n] != d
    ]
    for name in shipped_dark_photon_limits():
        try:
            load_dark_photon_limit(name)
        except DataFileError as err:
            problems.append(str(err))
    return problems
