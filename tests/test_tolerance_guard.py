"""The conftest guard: a default-tolerance comparison of tiny numbers must fail (issue 17).

Without the guard, pytest.approx(2e-19) == 1e-19 and np.allclose(1e-19, 2e-19) are both True
(hidden absolute tolerances 1e-12 and 1e-8), so a width in MeV off by a factor 2 passes.
"""

import numpy as np
import pytest


def test_approx_default_rejects_factor_two_on_tiny_numbers():
    assert 1e-19 != pytest.approx(2e-19)
    assert [1e-19, 1.0] != pytest.approx([2e-19, 1.0])
    assert np.array([1e-40]) != pytest.approx(np.array([2e-40]))
    assert {"w": 1e-19} != pytest.approx({"w": 2e-19})
    with pytest.raises(AssertionError):
        assert 1e-19 == pytest.approx(2e-19)


def test_approx_keeps_its_relative_default_and_explicit_abs():
    assert 1e-19 * (1 + 1e-7) == pytest.approx(1e-19)  # default rel = 1e-6 still applies
    assert 1e-19 == pytest.approx(2e-19, abs=2e-19)  # an explicit abs is honoured
    assert 0.0 == pytest.approx(0.0)


def test_numpy_defaults_reject_factor_two_on_tiny_numbers():
    assert not np.allclose(1e-19, 2e-19)
    assert not np.isclose(1e-19, 2e-19)
    assert not np.allclose([1e-40, 1.0], [2e-40, 1.0])
    with pytest.raises(AssertionError):
        np.testing.assert_allclose(1e-19, 2e-19)
    assert np.allclose(1e-19, 2e-19, atol=1e-18)  # explicit atol is honoured
    assert np.allclose(1e-19, 1e-19 * (1 + 1e-6))  # default rtol = 1e-5 still applies


def test_library_code_keeps_numpy_defaults():
    """Only calls from tests/ are changed; matplotlib and friends see numpy's own defaults."""
    namespace = {"np": np}
    source = "result = (np.allclose(1e-19, 2e-19), np.isclose(1e-19, 2e-19))"
    code = compile(source, "/elsewhere/lib.py", "exec")
    exec(code, namespace)
    assert namespace["result"] == (True, True)
