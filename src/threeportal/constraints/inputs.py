"""Experimental inputs of a scan: which experiment and limit files the layers read.

Each input is a shipped name (see ``threeportal data list``) or a path to a user file in
the same format. Files are loaded once, on first use, through ``threeportal.data``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import replace
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..data import DataFileError, load_experiment, load_limit
from ..data.dark_photon import load_dark_photon_limit
from ..physics.recast import RecastLimit, prepare_limit
from .base import ConstraintError

__all__ = ["DEFAULT_INPUTS", "Inputs", "LimitInput"]

#: Shipped inputs of the paper's Fig. 3 (NA62 2017 peak search, as in the paper).
DEFAULT_INPUTS: dict[str, str] = {
    "na62": "na62",
    "na48_2": "na48_2",
    "kek": "kek",
    "e949": "e949",
    "kek_limit": "kek_1984_umu2",
    "e949_limit": "e949_2015_umu2",
    "na62_limit": "na62_2017_umu2",
    "e141_limit": "e141_1987_epsilon",
}


class LimitInput:
    """A limit curve seen by the layers: mass column first, then the limit column(s)."""

    def __init__(self, curve: Any) -> None:
        self.curve = curve
        names = list(curve.columns)
        self.mass_column = names[0]
        self.value_column = names[1]
        self.lower_column = names[1]
        self.upper_column = names[-1]
        mass = curve.columns[self.mass_column]
        self.x_min, self.x_max = float(mass[0]), float(mass[-1])

    @property
    def citation(self) -> str:
        """One-line citation of the publication."""
        return self.curve.citation

    def in_range(self, mass: ArrayLike) -> NDArray[np.bool_]:
        """True where ``mass`` (MeV) lies inside the tabulated range."""
        mass = np.asarray(mass, float)
        return (mass >= self.x_min) & (mass <= self.x_max)

    def interpolate(self, column: str, mass: ArrayLike) -> NDArray[np.float64]:
        """Log-log interpolation of ``column`` at ``mass`` (MeV) inside the range."""
        return np.asarray(self.curve.interpolate(column, mass), float)


class Inputs:
    """The experiment-parameter and limit files used by a scan.

    Parameters
    ----------
    overrides : mapping, optional
        ``{input key: shipped name or path}`` replacing entries of :data:`DEFAULT_INPUTS`.
    """

    def __init__(self, overrides: Mapping[str, str] | None = None) -> None:
        mapping = dict(DEFAULT_INPUTS)
        for key, value in (overrides or {}).items():
            if not isinstance(value, str) or not value:
                raise ConstraintError(f"inputs.{key}: must be a shipped name or a file path")
            mapping[key] = value
        self.mapping = mapping
        self._experiments: dict[str, Any] = {}
        self._limits: dict[str, LimitInput] = {}
        self._dark_photon: dict[str, RecastLimit] = {}

    def experiment(self, key: str) -> Any:
        """Experiment parameters for input ``key`` (e.g. ``"na62"``)."""
        if key not in self._experiments:
            self._experiments[key] = load_experiment(self._source(key))
        return self._experiments[key]

    def limit(self, key: str) -> LimitInput:
        """Limit curve for input ``key`` (e.g. ``"na62_limit"``)."""
        if key not in self._limits:
            self._limits[key] = LimitInput(load_limit(self._source(key)))
        return self._limits[key]

    def dark_photon(self, name_or_path: str) -> RecastLimit:
        """A dark-photon limit (shipped name or sidecar path), loaded and prepared once.

        Raises
        ------
        ConstraintError
            One line naming the file, the line and what is allowed.
        """
        if name_or_path not in self._dark_photon:
            try:
                limit = load_dark_photon_limit(name_or_path)
            except DataFileError as err:
                raise ConstraintError(f"constraints.dark_photon_limits.limits: {err}") from None
            self._dark_photon[name_or_path] = prepare_limit(limit)
        return self._dark_photon[name_or_path]

    def band_recast(self, key: str, template: str) -> RecastLimit:
        """The excluded band of limit input ``key`` recast with the metadata of the shipped
        dark-photon limit ``template`` (its acceptance and final states), prepared once.

        Raises
        ------
        ConstraintError
            If the band file does not have exactly three columns (mass, lower, upper edge).
        """
        cache_key = f"{key}\0{template}"
        if cache_key not in self._dark_photon:
            curve = self.limit(key).curve
            names = list(curve.columns)
            if len(names) != 3:
                raise ConstraintError(
                    f"inputs.{key}: {curve.path} has columns {', '.join(names)}; an excluded "
                    "band needs exactly three (mass, lower edge, upper edge)"
                )
            columns = dict(
                zip((names[0], "eps_lower", "eps_upper"), curve.columns.values(), strict=True)
            )
            limit = self.dark_photon(template).limit
            band = replace(limit, curve=replace(curve, columns=columns), path=curve.path)
            self._dark_photon[cache_key] = prepare_limit(band)
        return self._dark_photon[cache_key]

    def _source(self, key: str) -> str:
        try:
            return self.mapping[key]
        except KeyError:
            allowed = ", ".join(sorted(self.mapping))
            raise ConstraintError(f"inputs.{key}: no such input; known inputs: {allowed}") from None

    @cached_property
    def sha256(self) -> str:
        """SHA-256 over the names and contents of every input file, in key order."""
        digest = hashlib.sha256()
        for key in sorted(self.mapping):  # the files the layers read, each loaded once
            loaded = self.limit(key).curve if key.endswith("_limit") else self.experiment(key)
            digest.update(f"{key}={loaded.sha256}\n".encode())
        return digest.hexdigest()
