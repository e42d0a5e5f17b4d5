"""Test helpers: synthetic scan results written with plain h5py, mask shapes, comparisons.

The synthetic numbers only look like Fig. 3 (shapes and orders of magnitude); no physics is
evaluated. They are deterministic, so the figure baselines made from them are reproducible.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import h5py
import numpy as np

from threeportal.plotting import Contour

__all__ = ["assert_same", "ring", "two_blobs", "write_fig3_like", "write_result"]

M_MU = 105.6583755  # MeV
M_K = 493.677  # MeV


def write_result(
    path: Path,
    *,
    x: tuple[str, np.ndarray, str, str],
    y: tuple[str, np.ndarray, str, str],
    fields: Mapping[str, tuple[np.ndarray, Mapping[str, Any]]] = {},
    masks: Mapping[str, tuple[np.ndarray, Mapping[str, Any]]] = {},
    card: str = "",
    complete: bool = True,
) -> Path:
    """Write a result file; ``x``/``y`` are ``(name, values, units, scale)``."""
    with h5py.File(path, "w") as h5:
        h5.attrs.update(
            {
                "schema": "threeportal.scan",
                "schema_version": 1,
                "package_version": "0.0.0",
                "created": "2024-01-01T00:00:00Z",
                "card": card,
                "card_sha256": hashlib.sha256(card.encode()).hexdigest(),
                "inputs_sha256": hashlib.sha256(b"inputs").hexdigest(),
                "x_axis": x[0],
                "y_axis": y[0],
                "complete": complete,
            }
        )
        for name, values, units, scale in (x, y):
            data = h5.create_dataset(name, data=np.asarray(values, dtype=float))
            data.attrs.update({"units": units, "scale": scale})
        for name, (values, attrs) in fields.items():
            data = h5.create_dataset(name, data=np.asarray(values, dtype=float))
            data.attrs.update(
                {
                    "kind": "field",
                    "layer": attrs.get("layer", ""),
                    "units": attrs.get("units", "1"),
                    "description": attrs.get("description", name),
                    "levels": np.asarray(attrs.get("levels", ()), dtype=float),
                    "domain": attrs.get("domain", ""),
                    **_declared(attrs),
                }
            )
        for name, (values, attrs) in masks.items():
            data = h5.create_dataset(name, data=np.asarray(values, dtype=np.uint8))
            data.attrs.update(
                {
                    "kind": "mask",
                    "layer": attrs.get("layer", ""),
                    "description": attrs.get("description", name),
                    **{k: v for k, v in attrs.items() if k.startswith("region_")},
                    **_declared(attrs),
                }
            )
    return path


def _declared(attrs: Mapping[str, Any]) -> dict[str, Any]:
    """``reference`` (always, as a scan writes it) and ``item`` (if given) of a dataset."""
    out = {"reference": bool(attrs.get("reference", False))}
    if attrs.get("item"):
        out["item"] = attrs["item"]
    return out


_CARDS = {
    "left": """name = "fig3-left"

[model]
m_zprime = "150 MeV"
chi2 = 1e-8
U_Dh2 = 1.0
v_phi = "266.67 MeV"
nature = "dirac"

[axes.x]
name = "m_nuh"
min = "150 MeV"
max = "388 MeV"
n = 60
scale = "linear"

[axes.y]
name = "U_muh2"
min = 1e-10
max = 1e-2
n = 60
scale = "log"
""",
    "right": """name = "fig3-right"

[model]
m_nuh = "300 MeV"
chi2 = 1e-8
U_Dh2 = 1.0
v_phi = "266.67 MeV"
nature = "dirac"

[axes.x]
name = "m_zprime"
min = "1 MeV"
max = "300 MeV"
n = 60
scale = "log"

[axes.y]
name = "U_muh2"
min = 1e-10
max = 1e-2
n = 60
scale = "log"
""",
}


def _region(field: str, level: float) -> dict[str, Any]:
    """The attributes a scan writes on a mask that is ``field > level`` (see the engine)."""
    return {"region_field": field, "region_level": level, "region_side": "above"}


def write_fig3_like(path: Path, panel: str = "left", n: int = 60) -> Path:
    """A result shaped like one panel of Fig. 3 (every layer present)."""
    u2 = np.geomspace(1e-10, 1e-2, n)
    if panel == "left":
        x = np.linspace(150.0, M_K - M_MU - 0.5, n)
        x_axis = ("m_nuh", x, "MeV", "linear")
        m_h, m_z = x[None, :], 150.0
    else:
        x = np.geomspace(1.0, 300.0, n)
        x_axis = ("m_zprime", x, "MeV", "log")
        m_h, m_z = 300.0, x[None, :]
    U = u2[:, None]
    shape = np.broadcast_shapes(np.shape(m_h), np.shape(m_z), U.shape)

    def full(a: Any) -> np.ndarray:
        return np.array(np.broadcast_to(a, shape), dtype=float)

    prompt = 1.0 - np.exp(-U / 3e-9)
    phase = (1.0 - m_h / (M_K - M_MU)) ** 1.5
    fields: dict[str, tuple[np.ndarray, dict[str, Any]]] = {}
    masks: dict[str, tuple[np.ndarray, dict[str, Any]]] = {}
    ee = full(2e10 * U * phase * prompt * (1.0 + 0.0 * m_z))
    fields["na62_ee_expected_events"] = (ee, {"layer": "na62_ee", "levels": [1.0]})
    masks["na62_ee_sensitive"] = (ee >= 1, {"layer": "na62_ee"})
    mumu_domain = full(m_z > 2 * M_MU) > 0.5
    if mumu_domain.any():
        mumu = full(
            5e8 * U * prompt * (1.0 + 0.0 * m_h) * np.sqrt(np.clip(m_z - 2 * M_MU, 0, None))
        )
        fields["na62_mumu_expected_events"] = (
            mumu,
            {"layer": "na62_mumu", "levels": [1.0], "domain": "na62_mumu_expected_events_domain"},
        )
        masks["na62_mumu_expected_events_domain"] = (mumu_domain, {"layer": "na62_mumu"})
        masks["na62_mumu_sensitive"] = ((mumu >= 1) & mumu_domain, {"layer": "na62_mumu"})
    ranges = {
        "kek": (70.0, 300.0, 3e-6),
        "e949": (175.0, 300.0, 3e-8),
        "na62": (200.0, 384.0, 2e-8),
    }
    for k, (lo, hi, level) in ranges.items():
        domain = full((m_h >= lo) & (m_h <= hi)) > 0.5
        limit = full(level * (1.0 + ((m_h - lo) / 150.0) ** 2) * (1.0 + 0.0 * m_z))
        surviving = full(np.where(U * (m_h / 300.0) ** 3 * (150.0 / m_z) > 3e-8, 0.005, 1.0))
        ratio, original = U * surviving / limit, full(U / limit)
        per = {"layer": "peak_search", "item": k}
        published = {**per, "reference": True}  # the bound as published: a reference
        attrs = {**per, "domain": f"peak_search_{k}_domain"}
        fields[f"peak_search_{k}_ratio"] = (ratio, {**attrs, "levels": [1.0]})
        fields[f"peak_search_{k}_original_ratio"] = (
            original,
            {**attrs, **published, "levels": [1.0]},
        )
        fields[f"peak_search_{k}_limit_U2"] = (limit, attrs)
        fields[f"peak_search_{k}_surviving_fraction"] = (surviving, attrs)
        masks[f"peak_search_{k}_domain"] = (domain, {"layer": "peak_search"})
        masks[f"peak_search_{k}_excluded"] = (
            (ratio > 1) & domain,
            {**per, **_region(f"peak_search_{k}_ratio", 1.0)},
        )
        masks[f"peak_search_{k}_original_excluded"] = (
            (original > 1) & domain,
            {**published, **_region(f"peak_search_{k}_original_ratio", 1.0)},
        )
    br = full(np.where(m_z > 140.0, 1e-1 * U * phase * (m_h / 300.0), 0.0))
    fields["na48_2_br_signal"] = (br, {"layer": "na48_2", "levels": [0.2 * 7.81e-8]})
    masks["na48_2_excluded"] = (
        br > 0.2 * 7.81e-8,
        {"layer": "na48_2", **_region("na48_2_br_signal", 0.2 * 7.81e-8)},
    )
    up = full(U / 3e-6 * (30.0 / (m_z + 10.0)) ** 2 * (1.0 + 0.0 * m_h))
    fields["upscattering_ratio_to_nue"] = (up, {"layer": "upscattering", "levels": [1.0]})
    masks["upscattering_dominates"] = (
        up > 1,
        {"layer": "upscattering", **_region("upscattering_ratio_to_nue", 1.0)},
    )
    fields["e141_epsilon"] = (full(8.8e-5), {"layer": "e141"})
    masks["e141_excluded"] = (full((m_z > 1.5) & (m_z < 9.0)) > 0.5, {"layer": "e141"})
    lt = {"layer": "lifetimes", "units": "ps", "levels": [1.0, 10.0, 100.0]}
    fields["lifetime_nuh_ps"] = (full(3e-8 / U * (300.0 / m_h) ** 3 * (m_z / 150.0) ** 2), lt)
    fields["lifetime_zprime_ps"] = (full(200.0 * (50.0 / m_z) ** 2 / (1.0 + U / 1e-5)), lt)
    return write_result(
        path,
        x=x_axis,
        y=("U_muh2", u2, "1", "log"),
        fields=fields,
        masks={k: (v.astype(bool), a) for k, (v, a) in masks.items()},
        card=_CARDS[panel],
    )


def assert_same(a: list[Contour], b: list[Contour]) -> None:
    """Two contour lists are equal piece by piece (coordinates exactly)."""
    assert [(c.source, c.kind, c.level, c.level_index) for c in a] == [
        (c.source, c.kind, c.level, c.level_index) for c in b
    ]
    for ca, cb in zip(a, b, strict=True):
        assert (ca.layer, ca.units, ca.x_name, ca.y_name, ca.x_units, ca.y_units) == (
            cb.layer,
            cb.units,
            cb.x_name,
            cb.y_name,
            cb.x_units,
            cb.y_units,
        )
        assert len(ca.pieces) == len(cb.pieces)
        for pa, pb in zip(ca.pieces, cb.pieces, strict=True):
            assert (pa.closed, pa.hole, pa.parent) == (pb.closed, pb.hole, pb.parent)
            np.testing.assert_array_equal(pa.xy, pb.xy)


def two_blobs(n: int = 41) -> np.ndarray:
    mask = np.zeros((n, n), dtype=bool)
    mask[5:15, 5:15] = True
    mask[25:35, 22:38] = True
    return mask


def ring(n: int = 41) -> np.ndarray:
    mask = np.zeros((n, n), dtype=bool)
    mask[8:33, 8:33] = True
    mask[15:26, 15:26] = False
    return mask
