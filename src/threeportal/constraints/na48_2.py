"""NA48/2 bound from BR(K+ -> mu+ nu e+ e-, m_ee > 140 MeV) (Sec. IV A b, Eq. 27).

The new-physics branching ratio into mu+ nu e+ e- with m_ee = m_Z' > 140 MeV is
BR(K+ -> mu+ nu_h) BR(nu_h -> nu Z') BR(Z' -> ee) P_prompt, where P_prompt counts decays of
nu_h and then Z' within the vertex length (NA48/2 kaons at 60 GeV/c). Excluded where it
exceeds a fraction (default 20%) of the measured value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..physics.production import br_k_to_mu_nuh
from ..units import parse_quantity
from .base import Constraint, EvaluationContext, Field, Mask, Output
from .domains import KAON_PRODUCTION, ON_SHELL_CASCADE
from .na62 import kaon_momentum

__all__ = ["NA48_2"]


def _evaluate(ctx: EvaluationContext, options: Mapping[str, Any]) -> dict[str, Field | Mask]:
    na48 = ctx.inputs.experiment("na48_2")
    measured = na48.get("br_mu_nu_ee")
    fraction = options["fraction"]
    fraction = na48.get("allowed_fraction") if fraction is None else float(fraction)
    vertex = options["vertex_length"]
    name = "constraints.na48_2.vertex_length"
    vertex = na48.get("vertex_length") if vertex is None else parse_quantity(vertex, "m", name=name)
    _, p_prompt = ctx.cascade_probabilities(vertex, kaon_momentum(na48), options["decay_mode"])
    decays = ctx.decays
    signal = ctx.full(
        br_k_to_mu_nuh(ctx.model.m_nuh, ctx.model.U_muh2, shrock=options["shrock"])
        * decays.nuh_br("nu_zprime")
        * decays.zprime_br("ee")
        * p_prompt
    )
    domain = ctx.full(ctx.model.m_zprime > na48.get("m_ee_threshold"))
    level = fraction * measured
    return {
        "na48_2_br_signal": Field(
            signal,
            "1",
            "new-physics BR(K+ -> mu+ nu e+ e-) with m_ee = m_Z' above the NA48/2 threshold",
            (level,),
            domain,
        ),
        "na48_2_excluded": Mask(
            (signal > level) & domain,
            f"new physics exceeds {fraction:.0%} of the NA48/2 measured branching ratio",
        ),
    }


NA48_2 = Constraint(
    name="na48_2",
    options={"fraction": None, "vertex_length": None, "decay_mode": "averaged", "shrock": True},
    outputs=(
        # level: the allowed fraction of the measured BR, both read from the inputs
        Output(
            "na48_2_br_signal",
            "field",
            domain="na48_2_br_signal_domain",
            summary="BR_signal",
            outside=0.0,
        ),
        Output(
            "na48_2_excluded",
            "mask",
            summary="excluded",
            region_field="na48_2_br_signal",
            region_side="above",
        ),
    ),
    compute=_evaluate,
    thresholds=(KAON_PRODUCTION, ON_SHELL_CASCADE),
)
