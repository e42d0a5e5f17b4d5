"""Session-wide guard: no comparison in the tests is decided by a hidden absolute tolerance.

pytest.approx keeps an absolute tolerance of 1e-12 and np.allclose / np.isclose one of 1e-8
unless told otherwise. Widths in MeV are ~1e-19 and cross sections in mm^2 ~1e-40, so with
those defaults a comparison of such numbers passes whatever the values (issue 17). During the
test session both defaults are 0: a comparison is relative unless the test passes ``abs=`` /
``atol=`` explicitly (with a comment saying why an absolute tolerance is right there).

numpy's functions are only changed for calls made from this tests directory; library code
(matplotlib, scipy, threeportal itself) keeps numpy's documented defaults.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import _pytest.approx
import numpy as np

_TESTS_DIR = str(Path(__file__).resolve().parent)
_SAVED: dict[str, Any] = {}


def _called_from_tests(depth: int = 2) -> bool:
    """True when the frame ``depth`` levels up lies in a file under tests/."""
    return sys._getframe(depth).f_code.co_filename.startswith(_TESTS_DIR)


def _zero_default_atol(function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` (np.allclose or np.isclose) with atol = 0 unless passed, for the tests."""

    @functools.wraps(function)
    def guarded(a: Any, b: Any, rtol: float = 1e-05, atol: float | None = None, **kw: Any):
        if atol is None:
            atol = 0.0 if _called_from_tests() else 1e-08
        return function(a, b, rtol=rtol, atol=atol, **kw)

    guarded.__wrapped_by_threeportal_guard__ = True  # type: ignore[attr-defined]
    return guarded


def pytest_configure(config: Any) -> None:
    """Set the default absolute tolerances to 0 for the whole session."""
    _SAVED["scalar"] = _pytest.approx.ApproxScalar.DEFAULT_ABSOLUTE_TOLERANCE
    _SAVED["decimal"] = _pytest.approx.ApproxDecimal.DEFAULT_ABSOLUTE_TOLERANCE
    _SAVED["allclose"], _SAVED["isclose"] = np.allclose, np.isclose
    _pytest.approx.ApproxScalar.DEFAULT_ABSOLUTE_TOLERANCE = 0.0
    _pytest.approx.ApproxDecimal.DEFAULT_ABSOLUTE_TOLERANCE = Decimal(0)
    np.allclose = _zero_default_atol(np.allclose)
    np.isclose = _zero_default_atol(np.isclose)
    # np.testing.assert_allclose already defaults to atol=0: nothing to change there.


def pytest_unconfigure(config: Any) -> None:
    """Put pytest's and numpy's defaults back."""
    if not _SAVED:
        return
    _pytest.approx.ApproxScalar.DEFAULT_ABSOLUTE_TOLERANCE = _SAVED["scalar"]
    _pytest.approx.ApproxDecimal.DEFAULT_ABSOLUTE_TOLERANCE = _SAVED["decimal"]
    np.allclose, np.isclose = _SAVED["allclose"], _SAVED["isclose"]
    _SAVED.clear()
