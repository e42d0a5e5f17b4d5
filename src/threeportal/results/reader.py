"""Reading the root of a complete result: axes, fields and masks into a :class:`ScanResult`.

Every read goes through HDF5's Fletcher-32 check (see :mod:`.writer`): a dataset whose stored
bytes were altered raises :class:`~threeportal.errors.DamagedResultError` naming it.

The ``reference`` and ``item`` attributes of fields and masks came after the first files of
schema version 1 were written. For a dataset without them, :meth:`ScanResult.is_reference` and
:meth:`ScanResult.item` read what those files said through names instead: a reference was
named ``..._original_...`` (``peak_search_<item>_original_ratio`` and ``..._excluded``), and
``peak_search_<item>_excluded`` named its experiment.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import h5py
import numpy as np
from numpy.typing import NDArray

from ..errors import DamagedResultError, ScanError, one_line
from .files import check_header, open_h5, read_attrs, text_attr

__all__ = ["ScanResult", "load", "verify_result"]


@dataclass
class ScanResult:
    """A scan result read into memory.

    Attributes
    ----------
    path : Path
        The file.
    attrs : dict
        Root attributes (schema, versions, card, SHA-256s, creation time, ...).
    x_name, y_name : str
        Axis parameter names (e.g. ``"m_nuh"``, ``"U_muh2"``).
    x, y : ndarray
        Axis values in their stored units (:attr:`x_units`, :attr:`y_units`).
    x_units, y_units : str
        ``"MeV"`` or ``"1"``.
    x_scale, y_scale : str
        ``"linear"`` or ``"log"``.
    fields : dict of str to ndarray
        Fields as stored (float32), shape (ny, nx): ``fields[name][j, i]`` is at
        ``(x[i], y[j])``.
    masks : dict of str to ndarray of bool
        Masks, shape (ny, nx).
    field_attrs, mask_attrs : dict of str to dict
        Dataset attributes (units, description, levels, layer, domain, ...).
    card : str
        The card's canonical TOML text.
    """

    path: Path
    attrs: dict[str, Any]
    x_name: str
    y_name: str
    x: NDArray[np.float64]
    y: NDArray[np.float64]
    x_units: str
    y_units: str
    x_scale: str
    y_scale: str
    fields: dict[str, NDArray[np.floating]] = field(default_factory=dict)
    masks: dict[str, NDArray[np.bool_]] = field(default_factory=dict)
    field_attrs: dict[str, dict[str, Any]] = field(default_factory=dict)
    mask_attrs: dict[str, dict[str, Any]] = field(default_factory=dict)
    card: str = ""

    @property
    def inputs(self) -> dict[str, str]:
        """Input key -> shipped name or path used by the scan."""
        return dict(json.loads(self.attrs.get("inputs", "{}")))

    def domain_name(self, name: str) -> str:
        """Name of the mask where field ``name`` is defined (its ``domain`` attribute), or ""."""
        return text_attr(self.field_attrs.get(name, {}), "domain")

    def domain(self, name: str) -> NDArray[np.bool_] | None:
        """Where field ``name`` is defined (its linked domain mask), None if everywhere."""
        mask = self.domain_name(name)
        return self.masks.get(mask) if mask else None

    def domain_masks(self) -> set[str]:
        """Names of the masks that are some field's domain."""
        return {self.domain_name(name) for name in self.fields} - {""}

    def is_reference(self, name: str) -> bool:
        """Whether field or mask ``name`` is a reference, not a bound: the published bound
        before its layer's rescaling, shown for comparison (its ``reference`` attribute)."""
        attrs = self._attrs(name)
        if "reference" in attrs:
            return bool(attrs["reference"])
        return _named_reference(name, attrs)

    def item(self, name: str) -> str:
        """The entry of the option (e.g. the experiment ``"kek"``) that field or mask ``name``
        was declared for by its layer, "" if none (its ``item`` attribute)."""
        attrs = self._attrs(name)
        if "reference" in attrs:
            return text_attr(attrs, "item")
        return _named_item(name, attrs)

    def _attrs(self, name: str) -> dict[str, Any]:
        return self.field_attrs.get(name) or self.mask_attrs.get(name) or {}

    def defined(self, name: str) -> NDArray[np.float64]:
        """A copy of field ``name`` with NaN outside its domain."""
        values = np.array(self.fields[name], dtype=float)
        domain = self.domain(name)
        if domain is not None:
            values[~domain] = np.nan
        return values

    def to_xarray(self) -> Any:
        """The result as an ``xarray.Dataset`` (needs xarray).

        Fields are float variables, masks bool variables, both with dims
        ``(y_name, x_name)`` and the axes as coordinates; attributes are kept.
        """
        try:
            import xarray as xr
        except ImportError as err:  # pragma: no cover - depends on the environment
            raise ImportError("ScanResult.to_xarray needs xarray: pip install xarray") from err
        dims = (self.y_name, self.x_name)
        data_vars = {
            name: (dims, values, self.field_attrs[name]) for name, values in self.fields.items()
        }
        data_vars.update(
            {name: (dims, values, self.mask_attrs[name]) for name, values in self.masks.items()}
        )
        coords = {
            self.x_name: (self.x_name, self.x, {"units": self.x_units, "scale": self.x_scale}),
            self.y_name: (self.y_name, self.y, {"units": self.y_units, "scale": self.y_scale}),
        }
        return xr.Dataset(data_vars=data_vars, coords=coords, attrs=dict(self.attrs))


# --- datasets written before the reference and item attributes (see the module docstring)
def _named_reference(name: str, attrs: dict[str, Any]) -> bool:
    return "_original_" in name and "domain_of" not in attrs


def _named_item(name: str, attrs: dict[str, Any]) -> str:
    if _named_reference(name, attrs):
        return name.removeprefix(f"{text_attr(attrs, 'layer')}_").split("_original")[0]
    match = re.fullmatch(r"peak_search_(\w+?)_excluded", name)
    return match[1] if match else ""


def _data(path: Path, ds: h5py.Dataset) -> NDArray[Any]:
    """All of a dataset, or a DamagedResultError naming it if a checksum fails."""
    try:
        return np.asarray(ds[...])
    except OSError:
        raise DamagedResultError(path, ds.name.lstrip("/")) from None


def verify_result(path: str | os.PathLike[str]) -> None:
    """Check the checksum of every dataset of a result, one chunk at a time (bounded memory).

    Raises
    ------
    DamagedResultError
        Naming the first dataset whose stored bytes were altered.
    ScanError
        If the file cannot be opened.
    """
    path = Path(path)
    datasets: list[h5py.Dataset] = []
    with open_h5(path, "r") as f:
        f.visititems(lambda _, obj: datasets.append(obj) if isinstance(obj, h5py.Dataset) else None)
        for ds in datasets:
            try:
                for where in ds.iter_chunks() if ds.chunks else [...]:
                    ds[where]
            except OSError:
                raise DamagedResultError(path, ds.name.lstrip("/")) from None


def _axis(path: Path, f: h5py.File, name: str) -> tuple[NDArray[np.float64], str, str]:
    if name not in f or not isinstance(f[name], h5py.Dataset):
        raise ScanError(f"{path}: axis dataset {name!r} is missing")
    ds = f[name]
    attrs = read_attrs(ds)
    return (
        np.asarray(_data(path, ds), dtype=float),
        text_attr(attrs, "units", "1"),
        text_attr(attrs, "scale", "linear"),
    )


def _read(path: Path, f: h5py.File) -> ScanResult:
    attrs = read_attrs(f)
    check_header(path, attrs)
    if attrs.get("complete") is not True:
        raise ScanError(f"{path}: incomplete scan (complete = False); rerun the scan")
    x_name, y_name = str(attrs.get("x_axis")), str(attrs.get("y_axis"))
    (x, x_units, x_scale), (y, y_units, y_scale) = _axis(path, f, x_name), _axis(path, f, y_name)
    result = ScanResult(
        path, attrs, x_name, y_name, x, y, x_units, y_units, x_scale, y_scale,
        card=str(attrs.get("card", "")),
    )  # fmt: skip
    shape = (y.size, x.size)
    for name, ds in f.items():
        if not isinstance(ds, h5py.Dataset):
            continue
        ds_attrs = read_attrs(ds)
        kind = ds_attrs.get("kind")
        if kind not in ("field", "mask"):
            continue
        if ds.shape != shape:
            raise ScanError(f"{path}: dataset {name!r} has shape {ds.shape}, expected {shape}")
        if kind == "field":
            result.fields[name] = _data(path, ds)
            result.field_attrs[name] = ds_attrs
        else:
            result.masks[name] = _data(path, ds).astype(bool)
            result.mask_attrs[name] = ds_attrs
    return result


def load(path: str | os.PathLike[str]) -> ScanResult:
    """Read a complete scan result.

    Parameters
    ----------
    path : str or os.PathLike
        The HDF5 result file.

    Returns
    -------
    ScanResult
        Axes, fields and masks as numpy arrays; ``to_xarray()`` gives an xarray Dataset.

    Raises
    ------
    ScanError
        With a one-line message if the file is missing, not HDF5, truncated, not a scan
        result, of another schema version, or incomplete;
        :class:`~threeportal.errors.DamagedResultError` if a dataset fails its checksum.
    """
    path = Path(path)
    try:
        with open_h5(path, "r") as f:
            return _read(path, f)
    except ScanError:
        raise
    except (OSError, KeyError, ValueError, TypeError, RuntimeError) as err:
        raise ScanError(f"{path}: cannot read the result ({one_line(err)})") from None
