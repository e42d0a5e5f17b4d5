"""``threeportal kinematics``: generate K+ -> mu+ nu_h(-> nu Z'(-> l+ l-)) events (Appendix A).

    threeportal kinematics m_nuh="300 MeV" m_zprime="150 MeV" channel=ee n=10000 \\
        [p_K="75 GeV"] [sigma_p_K="0.75 GeV"] [seed=1] [asymmetry=0] \\
        [model keys | tau_nuh=... tau_zprime=...] \\
        [-o events.h5] [--plot fig4.png [--with other.h5 ...]] [--acceptance]

Prints the analytic ranges of Eqs. A3-A4 next to the sample's, the lifetimes used and the
lab-frame boosts and decay lengths; writes the events (HDF5) and the four panels of Fig. 4.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from hepunits import GeV, MeV, mm, mrad, ps

from ..kinematics import (
    DEFAULT_KAON_MOMENTUM,
    Events,
    KinematicsError,
    check_masses,
    generate,
    m_mu_nu2_range,
    m_mu_pair2_range,
    point_lifetimes,
)
from ..model import ModelPoint
from ..units import parse_quantity

__all__ = ["DEFAULT_COUPLINGS", "parse_kinematics_arguments", "register"]

#: Couplings used for the lifetimes when none are given: the normalisation of paper Eqs. 22-24
#: (|U_Dh|^2 |U_muh|^2 = 1e-10, g' = 0.375, chi = 1e-4, pseudo-Dirac nu_h).
DEFAULT_COUPLINGS: dict[str, Any] = {
    "U_muh2": 1e-10,
    "U_Dh2": 1.0,
    "chi2": 1e-8,
    "g_prime": 0.375,
    "nature": "dirac",
}
_ENERGY_KEYS = ("m_nuh", "m_zprime", "p_K", "sigma_p_K", "v_phi")
_TIME_KEYS = ("tau_nuh", "tau_zprime")
_MODEL_KEYS = ("U_eh2", "U_muh2", "U_tauh2", "U_Dh2", "chi2", "chi", "g_prime", "v_phi", "nature")
_KEYS = ("m_nuh", "m_zprime", "channel", "n", "p_K", "sigma_p_K", "seed", "asymmetry", *_TIME_KEYS)
_ALL_KEYS = (*_KEYS, *(k for k in _MODEL_KEYS if k not in _KEYS))
_GENERATE_KEYS = (
    "m_nuh",
    "m_zprime",
    "channel",
    "n",
    "p_kaon",
    "sigma_p_kaon",
    "seed",
    "tau_nuh",
    "tau_zprime",
    "asymmetry",
)


def _whole(key: str, text: str) -> int:
    try:
        value = float(text)
    except ValueError:
        raise KinematicsError(f"{key}: {text!r} is not a whole number") from None
    if not value.is_integer():
        raise KinematicsError(f"{key}: {text!r} is not a whole number")
    return int(value)


def _number(key: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise KinematicsError(f"{key}: {text!r} is not a number") from None
    if not np.isfinite(value):
        raise KinematicsError(f"{key}: {text!r} is not a finite number")
    return value


def _split(tokens: Sequence[str]) -> dict[str, str]:
    raw: dict[str, str] = {}
    for token in tokens:
        key, sep, text = token.partition("=")
        if not sep:
            raise KinematicsError(f"{token!r}: expected key=value with key in {', '.join(_KEYS)}")
        if key not in _ALL_KEYS:
            raise KinematicsError(f"{key}: unknown parameter; allowed: {', '.join(_ALL_KEYS)}")
        if key in raw:
            raise KinematicsError(f"{key}: given twice")
        raw[key] = text
    for key in ("m_nuh", "m_zprime", "channel"):
        if key not in raw:
            example = "channel=ee" if key == "channel" else f'{key}="300 MeV"'
            raise KinematicsError(f"{key}: required (e.g. {example})")
    return raw


def parse_kinematics_arguments(tokens: Sequence[str]) -> dict[str, Any]:
    """``key=value`` tokens to generator arguments (hepunits) plus a lifetime description.

    Returns a dict with the keyword arguments of :func:`threeportal.kinematics.generate` and
    ``lifetime_source`` (text) and ``model`` (the couplings used, for the event file).
    """
    raw = _split(tokens)
    out: dict[str, Any] = {"channel": raw["channel"], "n": 10_000, "seed": None}
    for key in ("m_nuh", "m_zprime", "p_K", "sigma_p_K"):
        if key in raw:
            out[key] = parse_quantity(raw[key], "MeV", name=key)
    out["p_kaon"] = out.pop("p_K", DEFAULT_KAON_MOMENTUM)
    out["sigma_p_kaon"] = out.pop("sigma_p_K", 0.0)
    if "n" in raw:
        out["n"] = _whole("n", raw["n"])
    if "seed" in raw:
        out["seed"] = _whole("seed", raw["seed"])
    out["asymmetry"] = _number("asymmetry", raw["asymmetry"]) if "asymmetry" in raw else 0.0
    check_masses(out["m_nuh"], out["m_zprime"], out["channel"])
    given_taus = [key for key in _TIME_KEYS if key in raw]
    given_model = [key for key in _MODEL_KEYS if key in raw]
    if given_taus:
        if len(given_taus) == 1 or given_model:
            raise KinematicsError(
                "tau_nuh/tau_zprime: give both lifetimes, and then no model couplings"
            )
        for key in _TIME_KEYS:
            out[key] = parse_quantity(raw[key], "ps", name=key)
            if out[key] < 0:
                raise KinematicsError(f'{key}: a lifetime must be >= 0 (e.g. {key}="10 ps")')
        out["lifetime_source"] = "given"
        out["model"] = {}
        return out
    model = _model_values(raw, given_model)
    point = ModelPoint(m_nuh=out["m_nuh"], m_zprime=out["m_zprime"], **model)
    out["tau_nuh"], out["tau_zprime"] = point_lifetimes(point)
    described = " ".join(
        f"{k}={v / MeV if k == 'v_phi' else v:g}" if k != "nature" else f"{k}={v}"
        for k, v in model.items()
    )
    origin = " (defaults: the normalisation of paper Eqs. 22-24)"
    if given_model:
        origin = f" (given: {', '.join(given_model)}; others: defaults of paper Eqs. 22-24)"
    out["lifetime_source"] = f"model point {described}{origin}"
    out["model"] = {k: v / MeV if k == "v_phi" else v for k, v in model.items()}
    return out


def _model_values(raw: dict[str, str], given: list[str]) -> dict[str, Any]:
    """The couplings: the defaults of Eqs. 22-24, overridden by the keys given."""
    model: dict[str, Any] = dict(DEFAULT_COUPLINGS)
    if "v_phi" in given:
        model.pop("g_prime")  # g' = m_Z' / v_phi instead
    if "chi" in given:
        if "chi2" in given:
            raise KinematicsError("chi/chi2: give one of chi and chi2, not both")
        model.pop("chi2")
    for key in given:
        if key == "nature":
            model[key] = raw[key]
        elif key == "v_phi":
            model[key] = parse_quantity(raw[key], "MeV", name=key)
        else:
            model[key] = _number(key, raw[key])
    if "chi" in model:
        model["chi2"] = model.pop("chi") ** 2
    return model


def _range_rows(events: Events) -> list[tuple[str, str, float, float, float, float]]:
    q = events.quantities()
    m_h, m_z = float(events.inputs["m_nuh"]), float(events.inputs["m_zprime"])
    rows = []
    for key, label, ends in (
        ("m_mu_nu", "m_mu_nu^2 (A3)", m_mu_nu2_range(m_h, m_z)),
        ("m_mu_pair", "m_mu_pair^2 (A4)", m_mu_pair2_range(m_h, m_z)),
    ):
        squared = q[key][0] ** 2
        rows.append(
            (
                label,
                "MeV^2",
                float(ends[0]) / MeV**2,
                float(ends[1]) / MeV**2,
                float(squared.min()) / MeV**2,
                float(squared.max()) / MeV**2,
            )
        )
        rows.append(
            (
                label.replace("^2", ""),
                "MeV",
                float(np.sqrt(ends[0])) / MeV,
                float(np.sqrt(ends[1])) / MeV,
                float(np.sqrt(squared.min())) / MeV,
                float(np.sqrt(squared.max())) / MeV,
            )
        )
    return rows


def _print_summary(events: Events, settings: dict[str, Any]) -> None:
    inputs = events.inputs
    lep = {"ee": "e+ e-", "mumu": "mu+ mu-"}[str(inputs["channel"])]
    spread = float(inputs["sigma_p_kaon"])
    beam = "fixed" if spread == 0 else f"Gaussian, sigma {spread / GeV:g} GeV/c"
    seed = inputs["seed"]
    a = float(inputs["asymmetry"])
    decays = "each isotropic in its rest frame (no spin correlations)"
    if a:
        decays = f"K+ and Z' decays isotropic, nu_h -> nu Z' as 1 + {a:g} cos(theta_nu)"
    print(f"K+ -> mu+ nu_h, nu_h -> nu Z', Z' -> {lep}: two-body decays, {decays}")
    print(
        f"  m_nuh = {float(inputs['m_nuh']) / MeV:g} MeV, m_Z' = "
        f"{float(inputs['m_zprime']) / MeV:g} MeV, p_K = {float(inputs['p_kaon']) / GeV:g} "
        f"GeV/c ({beam}), n = {len(events)}, seed = {'none' if seed is None else seed}"
    )
    print(f"lifetimes from {settings['lifetime_source']}:")
    print(f"  tau_nuh = {events.tau_nuh / ps:.4g} ps, tau_Z' = {events.tau_zprime / ps:.4g} ps")
    print("\nanalytic ranges (paper Eqs. A3, A4) and the sample's:")
    print(
        f"  {'quantity':<18} {'unit':<6} {'min':>12} {'max':>12} {'sample min':>12} "
        f"{'sample max':>12}"
    )
    for label, unit, low, high, s_low, s_high in _range_rows(events):
        print(f"  {label:<18} {unit:<6} {low:12.6g} {high:12.6g} {s_low:12.6g} {s_high:12.6g}")
    q = events.quantities()
    bg_h = np.linalg.norm(events.p_nuh[1:], axis=0) / float(inputs["m_nuh"])
    bg_z = np.linalg.norm(events.p_pair[1:], axis=0) / float(inputs["m_zprime"])
    print("\nlab frame: median [5%, 95%]")
    for label, values, unit in (
        ("E_pair [GeV]", q["E_pair"][0], GeV),
        ("dtheta_pair [mrad]", q["dtheta_pair"][0], mrad),
        ("theta_Z' [mrad]", q["theta_zprime"][0], mrad),
        ("beta*gamma nu_h", bg_h, 1.0),
        ("beta*gamma Z'", bg_z, 1.0),
        ("L nu_h [mm]", q["decay_length_nuh"][0], mm),
        ("L Z' [mm]", q["decay_length_zprime"][0], mm),
    ):
        low, mid, high = np.percentile(values, [5, 50, 95]) / unit
        print(f"  {label:<20} {mid:11.4g} [{low:.4g}, {high:.4g}]")


def _plot_samples(events: Events, settings: dict[str, Any], extra: Sequence[str]) -> list[Events]:
    """The sample, the other channel at the same masses when it is open, and ``--with`` files."""
    from ..kinematics.events_file import read_events

    samples = [events]
    other = "mumu" if events.inputs["channel"] == "ee" else "ee"
    try:
        check_masses(settings["m_nuh"], settings["m_zprime"], other)
    except KinematicsError:
        pass  # the other channel is closed at these masses: one column
    else:
        kwargs = {k: settings[k] for k in _GENERATE_KEYS if k != "channel"}
        samples.append(generate(channel=other, **kwargs))
    samples.extend(read_events(path) for path in extra)
    return sorted(samples, key=lambda s: str(s.inputs["channel"]) != "ee")  # ee left


def _save_figure(fig: Any, path: str) -> None:
    import matplotlib.pyplot as plt

    target = Path(path)
    if target.is_dir() or path.endswith(os.sep):
        raise KinematicsError(f"--plot {path}: is a directory; give a file name such as fig4.png")
    temporary = target.with_name(f".{target.stem}.tmp-{os.getpid()}{target.suffix}")
    try:
        fig.savefig(temporary, dpi=200)
        os.replace(temporary, target)
    except (OSError, ValueError) as err:
        temporary.unlink(missing_ok=True)
        reason = getattr(err, "strerror", None) or str(err).splitlines()[0]
        raise KinematicsError(f"--plot {path}: cannot write the figure ({reason})") from None
    finally:
        plt.close(fig)


def _cmd_kinematics(args: argparse.Namespace) -> int:
    settings = parse_kinematics_arguments(args.parameters)
    events = generate(**{k: settings[k] for k in _GENERATE_KEYS})
    _print_summary(events, settings)
    if args.acceptance:
        from ..constants import c_light
        from ..kinematics.acceptance import acceptance

        value = acceptance(
            settings["m_nuh"],
            settings["m_zprime"],
            settings["channel"],
            c_light * settings["tau_nuh"],
            c_light * settings["tau_zprime"],
            p_kaon=settings["p_kaon"],
            seed=1 if settings["seed"] is None else settings["seed"],
        )
        print(
            f"\nacceptance ESTIMATE (simplified NA62 geometry, data file na62_geometry; "
            f"not the paper's Table I): {float(value):.4g}"
        )
    if args.output:
        from ..kinematics.events_file import write_events

        extra = {f"model_{k}": v for k, v in settings["model"].items()}
        extra["lifetime_source"] = settings["lifetime_source"]
        print(f"\nwrote {write_events(args.output, events, extra)}")
    if args.plot:
        from ..plotting.fig4 import fig4_figure
        from ..plotting.styles import figure_style

        with figure_style():
            _save_figure(fig4_figure(_plot_samples(events, settings, args.with_files)), args.plot)
        print(f"wrote {args.plot}")
    elif args.with_files:
        raise KinematicsError("--with: only together with --plot")
    return 0


def register(subparsers: Any) -> None:
    """Add the ``kinematics`` subcommand to an argparse subparsers object."""
    parser = subparsers.add_parser(
        "kinematics",
        help="generate K+ -> mu+ nu_h(-> nu Z'(-> l+ l-)) events (Appendix A, Fig. 4)",
        description='Toy Monte Carlo of Appendix A, e.g. threeportal kinematics m_nuh="300 MeV" '
        'm_zprime="150 MeV" channel=ee n=10000 seed=1 -o events.h5 --plot fig4.png. '
        "Lifetimes come from the model couplings (default: the normalisation of Eqs. 22-24) "
        'or are given as tau_nuh="10 ps" tau_zprime="1 ps".',
    )
    parser.add_argument("parameters", nargs="*", metavar="key=value")
    parser.add_argument("-o", "--output", help="write the events to this HDF5 file")
    parser.add_argument("--plot", help="draw the Fig. 4 panels to this image file")
    parser.add_argument(
        "--with",
        dest="with_files",
        action="append",
        default=[],
        metavar="EVENTS.h5",
        help="also draw the events of this file (another column; repeatable)",
    )
    parser.add_argument(
        "--acceptance",
        action="store_true",
        help="print the acceptance ESTIMATE for a simplified NA62 geometry",
    )
    parser.set_defaults(handler=_cmd_kinematics)
