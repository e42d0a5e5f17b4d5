"""threeportal: scans, bounds and sensitivities for the three-portal dark-neutrino model.

Rebuilds Fig. 3 of P. Ballett, M. Hostert, S. Pascoli, "Dark neutrinos and a three portal
connection to the Standard Model", arXiv:1903.07589, and lets users rerun it with new
parameters and experimental inputs.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ._version import __version__

if TYPE_CHECKING:  # pragma: no cover
    from .scans import ScanResult
from .model import ModelError, ModelPoint

# The library reports through the "threeportal" logger and never prints; it stays silent
# unless the application (e.g. the command line) attaches a handler.
logging.getLogger("threeportal").addHandler(logging.NullHandler())


def load(path: str) -> ScanResult:
    """Open a scan result (HDF5): axes, fields and masks as numpy arrays.

    Equivalent to :func:`threeportal.scans.load`; ``load(path).to_xarray()`` gives an xarray
    Dataset when xarray is installed.
    """
    from .scans import load as _load

    return _load(path)


__all__ = ["ModelError", "ModelPoint", "__version__", "load"]
