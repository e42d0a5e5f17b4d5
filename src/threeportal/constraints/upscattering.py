"""Coherent upscattering nu_mu C -> nu_h C versus SM nu_mu e scattering (Sec. IV C).

The region where sigma(nu_mu C -> nu_h C) exceeds Z_C sigma(nu_mu e -> nu_mu e) per carbon
atom, at a fixed neutrino energy or averaged over a two-column flux table.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..constants import Z_CARBON
from ..physics.scattering import sigma_nue_per_electron, sigma_upscattering_c12
from ..units import parse_quantity
from .base import Constraint, EvaluationContext, Field, Mask, Output
from .domains import UPSCATTERING_ENERGY

__all__ = ["UPSCATTERING"]


def _evaluate(ctx: EvaluationContext, options: Mapping[str, Any]) -> dict[str, Field | Mask]:
    model = ctx.model
    energy = parse_quantity(options["E_nu"], "MeV", name="constraints.upscattering.E_nu")
    sigma_up = sigma_upscattering_c12(
        energy, model.m_nuh, model.m_zprime, model.chi2, model.g, model.U_Dh2, model.U_muh2
    )
    ratio = ctx.full(sigma_up / (Z_CARBON * sigma_nue_per_electron(energy)))
    return {
        "upscattering_ratio_to_nue": Field(
            ratio,
            "1",
            f"sigma(nu_mu C -> nu_h C) / (6 sigma(nu_mu e -> nu_mu e)) at E_nu = {options['E_nu']}",
        ),
        "upscattering_dominates": Mask(ratio > 1.0, "upscattering on carbon beats nu-e"),
    }


UPSCATTERING = Constraint(
    name="upscattering",
    options={"E_nu": "3 GeV"},
    outputs=(
        Output("upscattering_ratio_to_nue", "field", level=1.0, summary="ratio_to_nue"),
        Output(
            "upscattering_dominates",
            "mask",
            summary="dominates",
            region_field="upscattering_ratio_to_nue",
            region_level=1.0,
            region_side="above",
        ),
    ),
    compute=_evaluate,
    thresholds=(UPSCATTERING_ENERGY,),
)
