"""Event files: one HDF5 dataset per quantity, units in attributes, inputs in root attributes.

Layout (format_version 1)::

    /p_kaon, /p_mu, /p_nu, /p_lplus, /p_lminus   (n, 4) float64, attrs units="MeV",
                                                 columns="E, px, py, pz" (lab frame)
    /E_pair, /m_mu_nu, /m_mu_pair, /m_pair       (n,) float64, units="MeV"
    /dtheta_pair, /theta_zprime                  (n,) float64, units="rad"
    /m_miss2                                     (n,) float64, units="MeV^2"
    /decay_length_nuh, /decay_length_zprime      (n,) float64, units="mm"
    root attrs: format="threeportal-kinematics", format_version, channel, n_events, seed
                (-1: none), m_nuh_MeV, m_zprime_MeV, p_kaon_GeV, sigma_p_kaon_GeV,
                tau_nuh_ps, tau_zprime_ps, asymmetry (a of nu_h -> nu Z'), decays,
                generator, plus any extra inputs given.

The file is written to a temporary name and renamed, so an existing file is never left
half-written.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import h5py
import numpy as np
from hepunits import GeV, MeV, ps

from .generator import Events, KinematicsError

__all__ = ["ASYMMETRY_NOTE", "FOUR_VECTORS", "ISOTROPY_NOTE", "read_events", "write_events"]

FORMAT = "threeportal-kinematics"
FORMAT_VERSION = "1"
#: Datasets holding four-vectors, (n, 4).
FOUR_VECTORS = ("p_kaon", "p_mu", "p_nu", "p_lplus", "p_lminus")
#: What the root attribute ``decays`` says about the angular distributions.
ISOTROPY_NOTE = (
    "two-body decays K+ -> mu+ nu_h, nu_h -> nu Z', Z' -> l+ l-, each isotropic in the rest "
    "frame of the decaying particle (no spin correlations)"
)
#: The same when nu_h -> nu Z' has an asymmetry (format with the value of a).
ASYMMETRY_NOTE = (
    "two-body decays K+ -> mu+ nu_h, nu_h -> nu Z', Z' -> l+ l-; K+ and Z' decays isotropic, "
    "nu_h -> nu Z' with density (1 + a cos theta_nu) / 2 about the nu_h helicity axis, a = {a:g}"
)
_REQUIRED_ATTRS = (
    "n_events",
    "seed",
    "channel",
    "m_nuh_MeV",
    "m_zprime_MeV",
    "p_kaon_GeV",
    "sigma_p_kaon_GeV",
    "tau_nuh_ps",
    "tau_zprime_ps",
    "asymmetry",
)


def _root_attrs(events: Events, extra: Mapping[str, object]) -> dict[str, object]:
    inputs = events.inputs
    seed = inputs.get("seed")
    a = float(inputs["asymmetry"])
    attrs: dict[str, object] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "channel": str(inputs["channel"]),
        "n_events": len(events),
        "seed": -1 if seed is None else int(seed),
        "m_nuh_MeV": float(inputs["m_nuh"]) / MeV,
        "m_zprime_MeV": float(inputs["m_zprime"]) / MeV,
        "p_kaon_GeV": float(inputs["p_kaon"]) / GeV,
        "sigma_p_kaon_GeV": float(inputs["sigma_p_kaon"]) / GeV,
        "tau_nuh_ps": events.tau_nuh / ps,
        "tau_zprime_ps": events.tau_zprime / ps,
        "asymmetry": float(inputs["asymmetry"]),
        "decays": ISOTROPY_NOTE if not inputs["asymmetry"] else ASYMMETRY_NOTE.format(a=a),
    }
    from .._version import __version__

    attrs["generator"] = f"threeportal {__version__} (threeportal.kinematics.generate)"
    for key, value in extra.items():
        if key in attrs:
            raise KinematicsError(f"event file attribute {key!r} is reserved")
        attrs[key] = value
    return attrs


def write_events(
    path: str | os.PathLike[str], events: Events, extra: Mapping[str, object] | None = None
) -> Path:
    """Write ``events`` to an HDF5 file (see the module docstring); returns the path.

    ``extra`` adds root attributes (numbers or strings), e.g. the model couplings used for
    the lifetimes. Raises :class:`KinematicsError` with one line if the file cannot be written.
    """
    target = Path(os.fspath(path))
    if target.is_dir() or str(path).endswith(os.sep):
        raise KinematicsError(f"-o {path}: is a directory; give a file name such as events.h5")
    temporary = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        with h5py.File(temporary, "w") as handle:
            handle.attrs.update(_root_attrs(events, extra or {}))
            for name in FOUR_VECTORS:
                data = handle.create_dataset(name, data=getattr(events, name).T)
                data.attrs.update({"units": "MeV", "columns": "E, px, py, pz", "frame": "lab"})
            for name, (values, unit) in events.quantities().items():
                handle.create_dataset(name, data=values).attrs["units"] = unit
        os.replace(temporary, target)
    except OSError as err:
        temporary.unlink(missing_ok=True)
        reason = err.strerror or str(err).split(";")[0]
        raise KinematicsError(f"-o {path}: cannot write the event file ({reason})") from None
    return target


def read_events(path: str | os.PathLike[str]) -> Events:
    """Read an event file written by :func:`write_events` (four-vectors, lifetimes, inputs).

    Raises :class:`KinematicsError` with one line naming the file and what is wrong.
    """
    try:
        with h5py.File(path, "r") as handle:
            attrs = dict(handle.attrs)
            if attrs.get("format") != FORMAT:
                raise KinematicsError(f"{path}: not a threeportal kinematics event file")
            if str(attrs.get("format_version")) != FORMAT_VERSION:
                raise KinematicsError(
                    f"{path}: format_version {attrs.get('format_version')!r} is not supported;"
                    f" this version reads {FORMAT_VERSION}"
                )
            absent = [key for key in _REQUIRED_ATTRS if key not in attrs]
            if absent:
                raise KinematicsError(f"{path}: missing root attribute(s) {', '.join(absent)}")
            missing = [name for name in FOUR_VECTORS if name not in handle]
            if missing:
                raise KinematicsError(f"{path}: missing dataset(s) {', '.join(missing)}")
            vectors = {name: np.asarray(handle[name], float).T for name in FOUR_VECTORS}
    except OSError as err:
        raise KinematicsError(f"{path}: cannot read the event file ({err})") from None
    n = int(attrs["n_events"])
    if any(v.shape != (4, n) for v in vectors.values()):
        raise KinematicsError(f"{path}: four-vector datasets are not ({n}, 4) as n_events says")
    seed = int(attrs["seed"])
    inputs = {
        "m_nuh": float(attrs["m_nuh_MeV"]) * MeV,
        "m_zprime": float(attrs["m_zprime_MeV"]) * MeV,
        "channel": str(attrs["channel"]),
        "n": n,
        "p_kaon": float(attrs["p_kaon_GeV"]) * GeV,
        "sigma_p_kaon": float(attrs["sigma_p_kaon_GeV"]) * GeV,
        "seed": None if seed < 0 else seed,
        "asymmetry": float(attrs["asymmetry"]),
    }
    return Events(
        **vectors,
        tau_nuh=float(attrs["tau_nuh_ps"]) * ps,
        tau_zprime=float(attrs["tau_zprime_ps"]) * ps,
        inputs=inputs,
    )
