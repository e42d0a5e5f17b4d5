"""Peak searches K+ -> mu+ N reinterpreted for a visibly decaying nu_h (Sec. IV B 1).

A published 90% CL limit |U|^2_lim(m) assumes the event shows a single charged track. A nu_h
that decays visibly inside the veto region is rejected except for the inefficiency
eps_miss, so the surviving fraction of signal is f = 1 - P_vis (1 - eps_miss) and the
point is excluded where |U_muh|^2 f > |U|^2_lim(m).

Modes: "paper" sets P_vis = 1 wherever both nu_h and Z' decay promptly and visibly
(the bound is 1/eps_miss = 200 times weaker there) and 0 elsewhere; "lifetime" computes
P_vis from the lab decay lengths and the veto size of each experiment.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .base import Constraint, ConstraintError, EvaluationContext, Field, Mask, Output
from .na62 import kaon_momentum

__all__ = ["PEAK_SEARCH", "visible_probability"]

#: Probability above which a decay counts as "prompt and visible" in "paper" mode.
_PROMPT_VISIBLE = 0.5


def visible_probability(ctx: EvaluationContext, experiment: Any, mode: str) -> np.ndarray:
    """Probability that nu_h gives a visible pair inside the experiment's veto region."""
    distance = experiment.get("veto_radius" if "veto_radius" in experiment else "veto_length")
    momentum = kaon_momentum(experiment)
    decay_mode = "mean" if mode == "paper" else mode.removeprefix("lifetime-") or "mean"
    p_h, p_joint = ctx.cascade_probabilities(distance, momentum, decay_mode)
    decays = ctx.decays
    p_vis = decays.nuh_cascade_visible_fraction * p_joint + decays.nuh_direct_visible_fraction * p_h
    if mode == "paper":
        visible = decays.nuh_cascade_visible_fraction + decays.nuh_direct_visible_fraction
        return np.where((visible > _PROMPT_VISIBLE) & (p_vis > _PROMPT_VISIBLE), 1.0, 0.0)
    return p_vis


def _evaluate(ctx: EvaluationContext, options: Mapping[str, Any]) -> dict[str, Field | Mask]:
    mode = options["mode"]
    if mode not in ("paper", "lifetime"):
        raise ConstraintError(
            f"constraints.peak_search.mode: {mode!r} is not one of 'paper', 'lifetime'"
        )
    out: dict[str, Field | Mask] = {}
    for key in options["experiments"]:
        experiment = ctx.inputs.experiment(key)
        limit = ctx.inputs.limit(f"{key}_limit")
        eps_miss = experiment.get("eps_miss")
        m_nuh = ctx.model.m_nuh
        # the published limit depends on the mass only: interpolate once per mass value
        in_range = limit.in_range(m_nuh)
        safe_mass = np.where(in_range, m_nuh, limit.x_min)
        bound = np.where(in_range, limit.interpolate(limit.value_column, safe_mass), 1.0)
        domain = ctx.full(in_range)
        p_vis = visible_probability(
            ctx, experiment, "paper" if mode == "paper" else "lifetime-" + options["decay_mode"]
        )
        surviving = (1.0 - p_vis) + p_vis * eps_miss  # = 1 - P_vis (1 - eps_miss)
        u2 = ctx.model.U_muh2
        ratio = ctx.full(u2 * surviving / bound)
        original = ctx.full(u2 / bound)
        cite = limit.citation
        out[f"peak_search_{key}_ratio"] = Field(
            ratio,
            "1",
            f"|U_muh|^2 f / published limit ({cite}); excluded above 1",
            domain=domain,
        )
        out[f"peak_search_{key}_original_ratio"] = Field(
            original,
            "1",
            f"|U_muh|^2 / published limit, no reinterpretation ({cite})",
            domain=domain,
        )
        out[f"peak_search_{key}_limit_U2"] = Field(
            ctx.full(bound),
            "1",
            f"published 90% CL limit on |U_muN|^2 at m_nuh ({cite})",
            domain=domain,
        )
        out[f"peak_search_{key}_surviving_fraction"] = Field(
            ctx.full(surviving),
            "1",
            "fraction of nu_h events surviving the visible-decay veto",
            domain=domain,
        )
        out[f"peak_search_{key}_excluded"] = Mask(
            (ratio > 1.0) & domain, f"excluded by the reinterpreted {key} peak search"
        )
        out[f"peak_search_{key}_original_excluded"] = Mask(
            (original > 1.0) & domain, f"excluded by the published {key} peak search"
        )
    return out


_PER = "experiments"  # one copy of each output per experiment key ({item})
#: Per experiment: ratios to the published limit (reinterpreted, and as published), the limit,
#: the surviving fraction (fields defined where the published limit covers m_nuh), two masks.
_OUTPUTS = (
    Output(
        "peak_search_{item}_ratio",
        "field",
        level=1.0,
        domain="peak_search_{item}_ratio_domain",
        per=_PER,
    ),
    Output(
        "peak_search_{item}_original_ratio",
        "field",
        level=1.0,
        domain="peak_search_{item}_original_ratio_domain",
        per=_PER,
    ),
    Output(
        "peak_search_{item}_limit_U2",
        "field",
        domain="peak_search_{item}_limit_U2_domain",
        summary="limit_U2",
        outside=None,
        per=_PER,
    ),
    Output(
        "peak_search_{item}_surviving_fraction",
        "field",
        domain="peak_search_{item}_surviving_fraction_domain",
        summary="surviving_fraction",
        per=_PER,
    ),
    Output("peak_search_{item}_excluded", "mask", summary="excluded", per=_PER),
    Output("peak_search_{item}_original_excluded", "mask", per=_PER),
)


PEAK_SEARCH = Constraint(
    name="peak_search",
    options={"mode": "paper", "decay_mode": "mean", "experiments": ["kek", "e949", "na62"]},
    outputs=_OUTPUTS,
    compute=_evaluate,
    kaon_decay=True,
)
