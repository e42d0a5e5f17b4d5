"""Shipped experimental inputs with their provenance, and the loader that reads them.

Experimental numbers never live in code: each published limit is a limit file (``*.lmt``) and
each experiment's parameters are an experiment file (``*.toml``), both with full provenance.
See ``README.md`` in this directory for the formats.

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

from .loader import (
    EXPERIMENT_SUFFIX,
    FORMAT_VERSION,
    LIMIT_SUFFIX,
    MANIFEST_NAME,
    REQUIRED_LIMIT_KEYS,
    DataFileError,
    ExperimentParameters,
    LimitCurve,
    checksums,
    format_listing,
    format_show,
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
    "format_listing",
    "format_show",
    "load_experiment",
    "load_input",
    "load_limit",
    "manifest_text",
    "shipped_inputs",
    "verify_shipped",
]
