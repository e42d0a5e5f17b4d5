"""Shipped experimental inputs with their provenance, and the parsers that read them.

Experimental numbers never live in code: each published limit is a limit file (``*.lmt``,
parsed by :mod:`.limits`) and each experiment's parameters are an experiment file (``*.toml``,
parsed by :mod:`.experiments`), both with full provenance. :mod:`.registry` finds shipped files
by name, reads user files by path and checks the manifest. See ``README.md`` in this directory
for the formats.

Examples
--------
>>> from hepunits import MeV
>>> from threeportal.data import load_limit, load_experiment
>>> na62 = load_limit("na62_2017_umu2")
>>> bool(na62.in_range(300 * MeV))
True
>>> load_experiment("na62").get("ee.acceptance")
0.04
"""

from __future__ import annotations

from .common import FORMAT_VERSION, DataFileError
from .experiments import EXPERIMENT_SUFFIX, ExperimentParameters
from .limits import LIMIT_SUFFIX, REQUIRED_LIMIT_KEYS, LimitCurve
from .registry import (
    MANIFEST_NAME,
    checksums,
    load_experiment,
    load_input,
    load_limit,
    manifest_text,
    shipped_inputs,
    verify_shipped,
)

__all__ = [
    "EXPERIMENT_SUFFIX",
    "FORMAT_VERSION",
    "LIMIT_SUFFIX",
    "MANIFEST_NAME",
    "REQUIRED_LIMIT_KEYS",
    "DataFileError",
    "ExperimentParameters",
    "LimitCurve",
    "checksums",
    "load_experiment",
    "load_input",
    "load_limit",
    "manifest_text",
    "shipped_inputs",
    "verify_shipped",
]
