"""Convert the dark-photon limit compilation into threeportal's own data format.

Reads ``shared/reference-data/dark-photon/limits/NAME.{lmt,toml}`` (33 limits from the darkcast
compilation) and writes, for each, ``src/threeportal/data/dark_photon/NAME.lmt`` (a limit file
in the package's documented header format) and ``NAME.toml`` (the recast metadata, format of
``threeportal.data.dark_photon``), plus ``MANIFEST.sha256`` for the folder. Run from the
repository root::

    python tools/convert_dark_photon.py ../shared/reference-data/dark-photon/limits

Changes to the numbers (each written into the file's ``notes``): a row at m = 0 is dropped
(log-log interpolation needs m > 0), rows sharing a mass are merged into one row holding the
mean of each column. Everything else, sentinels included, is copied verbatim.
"""

from __future__ import annotations

import hashlib
import sys
from collections import defaultdict
from itertools import pairwise
from pathlib import Path

import tomllib

DATE_ADDED = "2026-12-02"
OUT = Path(__file__).resolve().parents[1] / "src" / "threeportal" / "data" / "dark_photon"

#: The compilation's prompt-window formulas, turned into the parameters of
#: t1(m) = L_lab * m / (c * E(m)), E the boson's energy (two-body or fixed).
#: NA48: the compilation's text says 1 cm but its notes ("flight distance less than 1 m")
#: and darkcast's own code (t1 = 1.0 / (50/m * c), in metres) say 1 m; 1 m is used.
WINDOWS = {
    "proper-time window t1(m) = 0.08 m / (c * (m_phi^2 + m^2)/(2 m_phi m)) s": {
        "max_lab_decay_length": "0.08 m",
        "boost": "two-body",
        "parent_mass": "1.019461 GeV",
        "recoil_mass": "0 GeV",
    },
    "proper-time window t1(m) = 0.08 / (c * (m_phi^2 + m^2 - m_eta^2)/(2 m_phi m)) s": {
        "max_lab_decay_length": "0.08 m",
        "boost": "two-body",
        "parent_mass": "1.019461 GeV",
        "recoil_mass": "0.547862 GeV",
    },
    "proper-time window t1(m) = 1 cm * m / (50 GeV * c)": {
        "max_lab_decay_length": "1 m",
        "boost": "fixed-energy",
        "energy": "50 GeV",
    },
}

#: Published limits whose dark-photon model decays only into some channels (darkcast's
#: ``model.states``); the limit yield is computed with that model's branching ratio.
ASSUMED_CHANNELS = {"KLOE_Babusci2012cr": ["e_e", "mu_mu"]}

PRODUCTION_TEXT = {
    "e_brem": "electron bremsstrahlung",
    "p_brem": "proton bremsstrahlung",
    "mu_brem": "muon bremsstrahlung",
    "e_e": "e+ e- -> gamma A'",
    "pi0_gamma": "pi0 -> gamma A'",
    "eta_gamma": "eta -> gamma A'",
    "phi_eta": "phi -> eta A'",
}


def _rows(path: Path) -> tuple[list[str], list[list[str]]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    header = [ln for ln in lines if ln.startswith("#")]
    rows = [ln.split() for ln in lines if ln.strip() and not ln.startswith("#")]
    return header, rows


def _clean(rows: list[list[str]]) -> tuple[list[list[str]], list[str]]:
    """Drop m <= 0 rows and merge rows sharing a mass; return rows and notes on what changed."""
    notes = []
    kept = [r for r in rows if float(r[0]) > 0]
    if len(kept) < len(rows):
        dropped = [" ".join(r) for r in rows if float(r[0]) <= 0]
        notes.append(f"Dropped the row(s) at m = 0 ({'; '.join(dropped)}).")
    groups: dict[float, list[list[str]]] = defaultdict(list)
    order: list[float] = []
    for row in kept:
        mass = float(row[0])
        if mass not in groups:
            order.append(mass)
        groups[mass].append(row)
    merged, changed = [], []
    for mass in order:
        group = groups[mass]
        distinct = {tuple(r) for r in group}
        if len(distinct) == 1:
            merged.append(group[0])
            if len(group) > 1:
                changed.append(f"{group[0][0]} ({len(group)} identical rows kept once)")
            continue
        means = [sum(float(r[j]) for r in group) / len(group) for j in range(1, len(group[0]))]
        merged.append([group[0][0], *(f"{v:.10g}" for v in means)])
        changed.append(f"{group[0][0]} ({len(group)} rows -> column means)")
    if changed:
        notes.append(
            f"Rows sharing a mass were merged (the abscissa must increase strictly): "
            f"{', '.join(changed)}; {len(rows)} -> {len(merged)} rows."
        )
    masses = [float(r[0]) for r in merged]
    if any(b <= a for a, b in pairwise(masses)):
        raise SystemExit("masses not increasing after merging")
    return merged, notes


def _darkcast_notes(text: str) -> str:
    lines, inside = [], False
    for raw in text.splitlines():
        if raw.startswith("# notes (from the darkcast limit file):"):
            inside = True
            continue
        if inside and raw.startswith("#"):
            lines.append(raw[1:].strip())
    return " ".join(" ".join(lines).split())


def _wrap(key: str, text: str, width: int = 96) -> list[str]:
    words, out, line = text.split(), [], f"# {key}:"
    for word in words:
        if len(line) + 1 + len(word) > width:
            out.append(line)
            line = "#  "
        line += " " + word
    out.append(line)
    return out


def _toml_value(value: object) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    return repr(value)


def _process(meta: dict) -> str:
    prod = meta["production"]
    if isinstance(prod, dict):
        made = "meson decays with production fractions " + ", ".join(
            f"{k} {v}" for k, v in prod.items()
        )
    else:
        made = f"{PRODUCTION_TEXT[prod]} ({prod})"
    decay = meta["decay"]
    seen = "invisible (missing energy)" if decay == "invisible" else _decay_list(decay)
    return f"dark photon A' produced by {made}; A' -> {seen}"


def _decay_list(decay: str | list[str]) -> str:
    return " + ".join([decay] if isinstance(decay, str) else decay)


def write_limit(src_lmt: Path, src_toml: Path) -> None:
    name = src_lmt.stem
    text = src_toml.read_text(encoding="utf-8")
    meta = tomllib.loads(text)
    _, raw_rows = _rows(src_lmt)
    rows, cleaning = _clean(raw_rows)
    band = len(rows[0]) == 3
    digest = hashlib.sha256(src_lmt.read_bytes()).hexdigest()
    arxiv = f", arXiv:{meta['arxiv']}" if meta["arxiv"] else ""
    observable = (
        "excluded band of the dark-photon kinetic mixing eps (not eps^2) versus the A' mass: "
        "excluded where eps_lower < eps < eps_upper"
        if band
        else "upper limit on the dark-photon kinetic mixing eps (not eps^2) versus the A' "
        "mass: excluded where eps > eps_lower"
    )
    notes = [
        "Masses in GeV as in the source (the loader converts to MeV). Values >= 1 in an eps "
        "column mean 'no bound at this mass' (the compilation writes 1e5; see the sidecar "
        "key no_bound_at_or_above).",
        *cleaning,
        "Every other number is copied verbatim.",
    ]
    header = [
        f"# name: {name}",
        f"# experiment: {meta['experiment']}",
        *_wrap("process", _process(meta)),
        *_wrap("observable", observable),
        "# confidence_level: 90%",
        *_wrap("reference", f"{meta['experiment']}, INSPIRE {meta['reference_key']}{arxiv}"),
        *_wrap(
            "source",
            f"darkcast limit file {name} (P. Ilten, Y. Soreq, M. Williams, W. Xue, "
            f"arXiv:1801.04847; public mirror at commit db9a0f6), via the project's reference "
            f"data dark-photon/limits/{name}.lmt (sha256 {digest[:16]}...); cite the "
            "publication, not darkcast",
        ),
        f"# date_added: {DATE_ADDED}",
        "# format_version: 1",
        *_wrap("notes", " ".join(notes)),
        "# columns: m_Aprime [GeV], eps_lower [1]" + (", eps_upper [1]" if band else ""),
    ]
    body = ["  ".join(f"{v:>11}" for v in row) for row in rows]
    (OUT / f"{name}.lmt").write_text("\n".join(header + body) + "\n", encoding="utf-8")
    (OUT / f"{name}.toml").write_text(_sidecar(name, meta, text), encoding="utf-8")


def _sidecar(name: str, meta: dict, text: str) -> str:
    decay = meta["decay"]
    decay = decay if decay == "invisible" else ([decay] if isinstance(decay, str) else decay)
    out = [
        f"# {name}: recast metadata for the dark-photon limit {name}.lmt",
        "# (format: threeportal.data.dark_photon, see data/README.md)",
        'format_version = "1"',
        f'name = "{name}"',
        f'limit_file = "{name}.lmt"',
        f"experiment = {_toml_value(meta['experiment'])}",
        f"reference_key = {_toml_value(meta['reference_key'])}",
        f"arxiv = {_toml_value(meta['arxiv'])}",
        f"production = {_toml_value(meta['production'])}",
        f"decay = {_toml_value(decay)}",
        "no_bound_at_or_above = 1.0   # eps >= 1 in the limit file: no bound at that mass",
    ]
    if name in ASSUMED_CHANNELS:
        out.append(f"assumed_channels = {_toml_value(ASSUMED_CHANNELS[name])}")
    out.append(f"notes = {_toml_value(_darkcast_notes(text))}")
    out += ["", "[efficiency]"]
    eff = meta["efficiency"]
    out.append(f'kind = "{eff["kind"]}"')
    if eff["kind"] == "displaced":
        num, den = (float(x) for x in eff["L_decay_over_L_shield"].split("/"))
        out.append(f"L_decay_over_L_shield = {num / den!r}   # {num}/{den}")
    elif eff["kind"] == "prompt-window":
        formula = next((f for f in WINDOWS if eff["window"].startswith(f)), None)
        if formula is None:
            raise SystemExit(f"{name}: unknown prompt-window formula {eff['window']!r}")
        out += [f"{k} = {_toml_value(v)}" for k, v in WINDOWS[formula].items()]
    elif eff["kind"] != "prompt":
        raise SystemExit(f"{name}: unknown efficiency kind {eff['kind']!r}")
    return "\n".join(out) + "\n"


def main(source: str) -> None:
    src = Path(source)
    OUT.mkdir(parents=True, exist_ok=True)
    names = sorted(p.stem for p in src.glob("*.lmt"))
    for name in names:
        write_limit(src / f"{name}.lmt", src / f"{name}.toml")
    lines = ["# SHA-256 of the shipped dark-photon limits; checked by verify_dark_photon_shipped()"]
    for path in sorted(OUT.glob("*.lmt")) + sorted(OUT.glob("*.toml")):
        lines.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}")
    (OUT / "MANIFEST.sha256").write_text("\n".join(lines) + "\n", encoding="utf-8")
    if len(names) != 33:
        raise SystemExit(f"expected 33 limits, converted {len(names)}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/reference-data/dark-photon/limits")
