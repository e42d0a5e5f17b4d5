"""Property tests of every constraint field over the card domain (hypothesis)."""

import numpy as np
from hepunits import MeV
from hypothesis import given, settings
from hypothesis import strategies as st

from threeportal.constraints import Field, Inputs, Mask, evaluate_constraints
from threeportal.model import ModelPoint

INPUTS = Inputs()
U2 = np.logspace(-10, -2, 9).reshape(1, -1)


@settings(max_examples=40, deadline=None)
@given(
    m_nuh=st.floats(1.0, 4.0),  # log10 MeV: 10 MeV - 10 GeV
    m_zprime=st.floats(0.0, 4.0),
    log_chi=st.floats(-8.0, -0.5),
    log_g=st.floats(-4.0, 0.5),
    u_d=st.floats(-6.0, 0.0),
    majorana=st.booleans(),
    mode=st.sampled_from(["paper", "lifetime"]),
    decay_mode=st.sampled_from(["mean", "averaged"]),
)
def test_every_field_finite_where_defined(
    m_nuh, m_zprime, log_chi, log_g, u_d, majorana, mode, decay_mode
):
    model = ModelPoint(
        m_nuh=np.array([[10**m_nuh]]) * MeV,
        m_zprime=10**m_zprime * MeV,
        U_muh2=U2,
        U_Dh2=10**u_d,
        chi2=(10**log_chi) ** 2,
        g_prime=10**log_g,
        nature="majorana" if majorana else "dirac",
    )
    options = {
        "peak_search": {"mode": mode, "decay_mode": decay_mode},
        "na62_ee": {"decay_mode": decay_mode},
        "na48_2": {"decay_mode": decay_mode},
    }
    results = evaluate_constraints(model, options=options, inputs=INPUTS)
    for layer in results.values():
        for name, item in layer.items():
            assert item.values.shape == (1, 9), name
            if isinstance(item, Field):
                assert np.all(np.isfinite(item.values)), name
                if name.endswith(("_events", "_signal", "_ps", "_ratio_to_nue")):
                    assert np.all(item.values >= 0), name
                if item.domain is not None and isinstance(item.domain, np.ndarray):
                    assert item.domain.dtype == bool
            else:
                assert isinstance(item, Mask) and item.values.dtype == bool
                stem = name
                for suffix in ("_original_excluded", "_excluded", "_sensitive", "_dominates"):
                    stem = stem.removesuffix(suffix)
                field_domains = [
                    f.domain
                    for n, f in layer.items()
                    if n.startswith(stem) and isinstance(f, Field) and f.domain is not None
                ]
                for domain in field_domains:
                    assert not np.any(item.values & ~domain), name  # no region outside


@settings(max_examples=40, deadline=None)
@given(m_nuh=st.floats(160.0, 385.0), m_zprime=st.floats(5.0, 150.0))
def test_expected_events_grow_with_mixing_while_prompt(m_nuh, m_zprime):
    """While nu_h and Z' decay promptly and BR(Z' -> ee) ~ 1, N ∝ |U_muh|^2."""
    u2 = np.logspace(-10, -7, 12).reshape(1, -1)
    model = ModelPoint(
        m_nuh=m_nuh * MeV,
        m_zprime=min(m_zprime, 0.9 * m_nuh) * MeV,
        U_muh2=u2,
        chi2=1e-8,
        v_phi=266.67 * MeV,
    )
    events = evaluate_constraints(model, ["na62_ee"], inputs=INPUTS)["na62_ee"][
        "na62_ee_expected_events"
    ].values[0]
    assert np.all(np.diff(events) > 0)
