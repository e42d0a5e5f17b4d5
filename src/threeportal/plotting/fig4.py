"""Fig. 4 of arXiv:1903.07589: kinematics of K+ -> mu+ nu_h(-> nu Z'(-> l+ l-)) events.

Top row: the opening angle of the pair, dtheta_pair, and the Z' angle to the beam,
theta_Z', against E_pair = E_l+ + E_l-. Bottom row: m_mu_pair and m_mu_nu against E_pair,
with the analytic ends of Eqs. A3-A4 as dashed lines. One column per sample (the paper: ee
left, mumu right). The drawing functions take an ``ax`` and return the artists they add.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from hepunits import GeV, MeV, mrad

from ..kinematics import Events, m_mu_nu2_range, m_mu_pair2_range

__all__ = ["draw_angles", "draw_masses", "fig4_figure", "sample_title"]

_LEPTON = {"ee": "e", "mumu": r"\mu"}
_COLOURS = ("#1f77b4", "#d62728")
_DOT = {"s": 1.5, "linewidths": 0, "alpha": 0.5, "rasterized": True}


def sample_title(events: Events) -> str:
    """Panel title: the decay and the masses of a sample."""
    lep = _LEPTON[str(events.inputs["channel"])]
    m_h = float(events.inputs["m_nuh"]) / MeV
    m_z = float(events.inputs["m_zprime"]) / MeV
    return (
        rf"$K^+\to\mu^+\nu {lep}^+{lep}^-$: $m_{{\nu_h}}$ = {m_h:g} MeV, "
        rf"$m_{{Z'}}$ = {m_z:g} MeV"
    )


def draw_angles(ax: Any, events: Events) -> list[Any]:
    """Scatter dtheta_pair and theta_Z' (mrad, log axis) against E_pair (GeV) on ``ax``."""
    q = events.quantities()
    lep = _LEPTON[str(events.inputs["channel"])]
    energy = q["E_pair"][0] / GeV
    artists = [
        ax.scatter(energy, q["dtheta_pair"][0] / mrad, color=_COLOURS[0], **_DOT),
        ax.scatter(energy, q["theta_zprime"][0] / mrad, color=_COLOURS[1], **_DOT),
    ]
    handles = [
        ax.scatter([], [], color=c, s=12, label=label)
        for c, label in zip(
            _COLOURS, (rf"$\Delta\theta_{{{lep}{lep}}}$", r"$\theta_{Z'}$"), strict=True
        )
    ]
    ax.set_yscale("log")
    low, high = ax.get_ylim()
    ax.set_ylim(low, high * (high / low) ** 0.15)  # headroom for the legend
    ax.set_xlabel(rf"$E_{{{lep}^+}} + E_{{{lep}^-}}$ [GeV]")
    ax.set_ylabel("angle [mrad]")
    artists.append(ax.legend(handles=handles, loc="upper right", ncol=2, markerscale=1.5))
    return artists


def draw_masses(ax: Any, events: Events) -> list[Any]:
    """Scatter m_mu_pair and m_mu_nu (MeV) against E_pair (GeV), with the Eq. A3-A4 ends."""
    q = events.quantities()
    lep = _LEPTON[str(events.inputs["channel"])]
    energy = q["E_pair"][0] / GeV
    m_h, m_z = float(events.inputs["m_nuh"]), float(events.inputs["m_zprime"])
    labels = (rf"$m_{{\mu {lep}{lep}}}$", r"$m_{\mu\nu}$")
    artists: list[Any] = []
    bounds = []
    for key, ends, colour, label in zip(
        ("m_mu_pair", "m_mu_nu"),
        (m_mu_pair2_range(m_h, m_z), m_mu_nu2_range(m_h, m_z)),
        _COLOURS,
        labels,
        strict=True,
    ):
        artists.append(ax.scatter(energy, q[key][0] / MeV, color=colour, **_DOT))
        bounds.extend(np.sqrt(ends) / MeV)
        for end in ends:
            artists.append(ax.axhline(np.sqrt(end) / MeV, color=colour, lw=0.7, ls="--"))
        artists.append(ax.scatter([], [], color=colour, s=12, label=label))
    span = max(bounds) - min(bounds)
    ax.set_ylim(min(bounds) - 0.05 * span, max(bounds) + 0.4 * span)  # headroom for the legend
    ax.set_xlabel(rf"$E_{{{lep}^+}} + E_{{{lep}^-}}$ [GeV]")
    ax.set_ylabel("invariant mass [MeV]")
    artists.append(
        ax.legend(loc="upper right", ncol=2, markerscale=1.5, title="dashed: ends of Eqs. A3, A4")
    )
    return artists


def fig4_figure(samples: Sequence[Events]) -> Any:
    """A figure with one column per sample: angles on top, invariant masses below."""
    import matplotlib.pyplot as plt

    columns = len(samples)
    fig, axes = plt.subplots(
        2, columns, figsize=(3.6 * columns, 5.6), squeeze=False, constrained_layout=True
    )
    for column, events in enumerate(samples):
        draw_angles(axes[0, column], events)
        draw_masses(axes[1, column], events)
        axes[0, column].set_title(sample_title(events))
    first = samples[0].inputs
    asymmetries = sorted({float(s.inputs.get("asymmetry", 0.0)) for s in samples})
    decays = "isotropic two-body decays"
    if asymmetries != [0.0]:
        decays = r"$\nu_h\to\nu Z'$ as $1 + a\cos\theta_\nu$, a = " + ", ".join(
            f"{a:g}" for a in asymmetries
        )
    fig.suptitle(
        f"{len(samples[0])} events per column, $p_K$ = {float(first['p_kaon']) / GeV:g} GeV/c, "
        f"{decays} (toy MC, Appendix A)"
    )
    return fig
