"""The HDF5 result file of a scan (schema ``threeportal.scan``, version 1), and its reader.

Everything lives in the root group so that ``xarray.open_dataset(path, engine="h5netcdf")``
sees every field with its two coordinates:

- root attributes: ``schema``, ``schema_version``, ``package_version``, ``created`` (UTC ISO),
  ``card`` (canonical TOML, after ``--set``), ``card_sha256`` (of the card without
  ``[output]``), ``inputs_sha256``, ``inputs`` (JSON: input key -> shipped name or path),
  ``x_axis``, ``y_axis`` (parameter names), ``complete``, ``tile``, ``n_tiles``,
  ``scan_name``, ``grid_refine``;
- one 1-D dataset per axis, named by the parameter (e.g. ``m_nuh``, ``U_muh2``), in its stated
  unit (attrs ``units`` = ``"MeV"`` or ``"1"``, ``scale``), made an HDF5 dimension scale;
- 2-D datasets of shape (ny, nx), dims (y axis, x axis), with both scales attached: fields
  (float64; attrs ``kind="field"``, ``layer``, ``units``, ``description``, ``levels``,
  ``domain``) and masks (uint8; attrs ``kind="mask"``, ``layer``, ``description``);
- ``tiles_done`` (bool, one per tile; its own dimension scale);
- the group name ``contours`` is reserved for the plotting layer (see :func:`open_for_update`).

A scan writes ``<out>.partial`` tile by tile and renames it to ``<out>`` once complete, so
``<out>`` is complete or absent. ``<out>.lock`` (``fcntl.flock``) keeps two writers apart.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import h5py
import numpy as np
from numpy.typing import NDArray

from .._version import __version__
from .errors import ScanError

__all__ = [
    "RESERVED_NAMES",
    "SCHEMA",
    "SCHEMA_VERSION",
    "Entry",
    "PartialWriter",
    "ScanResult",
    "Tiling",
    "load",
    "open_for_update",
    "read_header",
    "scan_lock",
]

SCHEMA = "threeportal.scan"
SCHEMA_VERSION = 1
#: Root names a layer may not use.
RESERVED_NAMES = ("tiles_done", "contours")


# --- tiling -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Tiling:
    """The grid cut into square tiles of ``tile`` x ``tile`` points (smaller at the edges).

    Tile ``k`` covers x indices ``[ix0, ix1)`` and y indices ``[iy0, iy1)``; tiles are
    numbered along x first.
    """

    nx: int
    ny: int
    tile: int

    @property
    def n_x_tiles(self) -> int:
        """Number of tiles along x."""
        return -(-self.nx // self.tile)

    @property
    def n_y_tiles(self) -> int:
        """Number of tiles along y."""
        return -(-self.ny // self.tile)

    def __len__(self) -> int:
        return self.n_x_tiles * self.n_y_tiles

    def bounds(self, k: int) -> tuple[int, int, int, int]:
        """``(ix0, ix1, iy0, iy1)`` of tile ``k``."""
        ty, tx = divmod(k, self.n_x_tiles)
        ix0, iy0 = tx * self.tile, ty * self.tile
        return ix0, min(ix0 + self.tile, self.nx), iy0, min(iy0 + self.tile, self.ny)


# --- layout -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Entry:
    """One 2-D dataset of a result: a field or a mask, and its attributes."""

    name: str
    kind: str  # "field" or "mask"
    layer: str
    description: str
    units: str = ""
    levels: tuple[float, ...] = ()
    domain: str = ""
    domain_of: str = ""

    def attrs(self) -> dict[str, Any]:
        """HDF5 attributes of the dataset."""
        if self.kind == "field":
            return {
                "kind": "field",
                "layer": self.layer,
                "units": self.units,
                "description": self.description,
                "levels": np.asarray(self.levels, dtype=float),
                "domain": self.domain,
            }
        attrs: dict[str, Any] = {
            "kind": "mask",
            "layer": self.layer,
            "description": self.description,
        }
        if self.domain_of:
            attrs["domain_of"] = self.domain_of
        return attrs


# --- lock ---------------------------------------------------------------------------------
def _lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


@contextlib.contextmanager
def scan_lock(path: str | os.PathLike[str]) -> Iterator[None]:
    """Hold ``<path>.lock`` (non-blocking ``fcntl.flock``) while writing ``path``.

    Raises
    ------
    ScanError
        If another process holds the lock.
    """
    path = Path(path)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - no flock (Windows): no protection
        yield
        return
    lock = _lock_path(path)
    lock.parent.mkdir(parents=True, exist_ok=True)
    while True:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise ScanError(
                f"{path}: another threeportal process is writing this result (lock {lock}); "
                "wait for it or write elsewhere with -o"
            ) from None
        try:  # the file we locked must still be the one at the path (see the unlink below)
            stat, here = os.fstat(fd), os.stat(lock)
            same = (stat.st_dev, stat.st_ino) == (here.st_dev, here.st_ino)
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(lock)
        os.close(fd)


# --- attributes ---------------------------------------------------------------------------
def _py(value: Any) -> Any:
    """HDF5 attribute value as a plain Python value (arrays stay numpy arrays)."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, np.generic):
        return value.item()
    return value


def _one_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return text[0] if text else type(err).__name__


def _open(path: Path, mode: str = "r", **kwargs: Any) -> h5py.File:
    if not path.exists():
        raise ScanError(f"{path}: no such file")
    try:
        return h5py.File(path, mode, **kwargs)
    except OSError as err:
        raise ScanError(
            f"{path}: not a readable HDF5 file (not HDF5, truncated or damaged: {_one_line(err)})"
        ) from None


def _check_header(path: Path, attrs: Mapping[str, Any]) -> None:
    schema = attrs.get("schema")
    if schema != SCHEMA:
        raise ScanError(
            f"{path}: not a threeportal scan result (root attribute schema is "
            f"{schema!r}, expected {SCHEMA!r})"
        )
    version = attrs.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ScanError(f"{path}: schema_version missing or not an integer ({version!r})")
    if version < SCHEMA_VERSION:
        raise ScanError(
            f"{path}: schema_version {version} is older than the version {SCHEMA_VERSION} "
            "this threeportal reads; rerun the scan to rewrite it"
        )
    if version > SCHEMA_VERSION:
        raise ScanError(
            f"{path}: schema_version {version} is newer than the version {SCHEMA_VERSION} "
            "this threeportal reads; upgrade threeportal"
        )


def read_header(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Root attributes of a result (or partial) file, checked against the schema.

    Raises
    ------
    ScanError
        If the file is missing, not HDF5, truncated, or not a version-1 scan result.
    """
    path = Path(path)
    with _open(path, "r") as f:
        try:
            attrs = {key: _py(value) for key, value in f.attrs.items()}
        except (OSError, KeyError, ValueError, TypeError) as err:
            raise ScanError(f"{path}: damaged root attributes ({_one_line(err)})") from None
    _check_header(path, attrs)
    return attrs


# --- writing ------------------------------------------------------------------------------
#: Smallest chunk side of the 2-D datasets (tiles smaller than this share chunks).
_MIN_CHUNK = 32


def _early_allocation() -> h5py.h5p.PropDCID:
    """Dataset creation properties: all storage allocated (and filled) at creation."""
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_alloc_time(h5py.h5d.ALLOC_TIME_EARLY)
    return dcpl


class PartialWriter:
    """Writes ``<out>.partial`` tile by tile; :meth:`finish` renames it to ``<out>``.

    Storage is allocated and filled (NaN / 0) when the file is created (chunks of the tile
    size, early allocation, no compression), so a tile write only touches raw data, never
    the file's metadata: a process killed at any moment leaves a readable file, and a tile
    is marked in ``tiles_done`` only after its data are flushed.
    """

    def __init__(self, path: Path, file: h5py.File, tiling: Tiling) -> None:
        self.path = path
        self.file = file
        self.tiling = tiling
        self.done: NDArray[np.bool_] = np.asarray(file["tiles_done"][...], dtype=bool)
        self._datasets: dict[str, h5py.Dataset] = {}

    @classmethod
    def create(
        cls,
        path: Path,
        *,
        attrs: Mapping[str, Any],
        x: tuple[str, NDArray[np.float64], str, str],
        y: tuple[str, NDArray[np.float64], str, str],
        entries: Sequence[Entry],
        tiling: Tiling,
    ) -> PartialWriter:
        """Create a fresh partial file.

        Parameters
        ----------
        path : Path
            The ``.partial`` path (overwritten).
        attrs : mapping
            Root attributes besides the schema ones.
        x, y : tuple
            ``(parameter name, values in stored units, units, scale)`` of each axis.
        entries : sequence of Entry
            The fields and masks.
        tiling : Tiling
            How the grid is cut.
        """
        f = h5py.File(path, "w")
        try:
            root = f.attrs
            root["schema"] = SCHEMA
            root["schema_version"] = SCHEMA_VERSION
            root["package_version"] = __version__
            root["created"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
            for key, value in attrs.items():
                root[key] = value
            root["x_axis"], root["y_axis"] = x[0], y[0]
            root["tile"], root["n_tiles"] = tiling.tile, len(tiling)
            root["complete"] = False
            scales = []
            for name, values, units, scale in (x, y):
                ds = f.create_dataset(name, data=np.asarray(values, dtype=float))
                ds.attrs["units"], ds.attrs["scale"] = units, scale
                ds.make_scale(name)
                scales.append(ds)
            shape = (tiling.ny, tiling.nx)
            side = max(tiling.tile, _MIN_CHUNK)
            chunks = (min(side, tiling.ny), min(side, tiling.nx))
            for entry in entries:
                field = entry.kind == "field"
                ds = f.create_dataset(
                    entry.name,
                    shape=shape,
                    dtype=np.float64 if field else np.uint8,
                    chunks=chunks,
                    fillvalue=np.nan if field else 0,
                    dcpl=_early_allocation(),
                )
                for key, value in entry.attrs().items():
                    ds.attrs[key] = value
                ds.dims[0].attach_scale(scales[1])
                ds.dims[1].attach_scale(scales[0])
            done = f.create_dataset(
                "tiles_done",
                shape=(len(tiling),),
                dtype=bool,
                fillvalue=False,
                dcpl=_early_allocation(),
            )
            done.attrs["description"] = "True for each finished tile (resume bookkeeping)"
            done.make_scale("tiles_done")
            f.flush()
        except BaseException:
            f.close()
            path.unlink(missing_ok=True)
            raise
        return cls(path, f, tiling)

    @classmethod
    def reopen(cls, path: Path, tiling: Tiling) -> PartialWriter:
        """Open an interrupted partial file to resume it."""
        return cls(path, _open(path, "r+"), tiling)

    def write_tile(self, k: int, arrays: Mapping[str, NDArray[Any]]) -> None:
        """Write tile ``k`` (arrays of shape (ny_tile, nx_tile)), then mark it done."""
        ix0, ix1, iy0, iy1 = self.tiling.bounds(k)
        where = np.s_[iy0:iy1, ix0:ix1]
        for name, values in arrays.items():
            ds = self._datasets.get(name)
            if ds is None:
                ds = self._datasets[name] = self.file[name]
            ds.write_direct(np.ascontiguousarray(values, dtype=ds.dtype), dest_sel=where)
        self.file.flush()
        self.file["tiles_done"][k] = True
        self.file.flush()
        self.done[k] = True

    def close(self) -> None:
        """Flush and close (the partial file stays for a later resume)."""
        if self.file.id.valid:
            self.file.close()

    def finish(self, final: Path) -> None:
        """Mark complete, close, sync and rename to ``final`` (atomic)."""
        self.file.attrs["complete"] = True
        self.file.close()
        _fsync(self.path)
        os.replace(self.path, final)
        _fsync_dir(final.parent)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def dataset_names(path: Path) -> dict[str, str]:
    """``{name: kind}`` of the field and mask datasets of a file (for resume checks)."""
    with _open(path, "r") as f:
        return {
            name: str(_py(ds.attrs.get("kind")))
            for name, ds in f.items()
            if isinstance(ds, h5py.Dataset) and "kind" in ds.attrs
        }


@contextlib.contextmanager
def open_for_update(path: str | os.PathLike[str]) -> Iterator[h5py.File]:
    """Open a complete result for additions (e.g. ``/contours``), written atomically.

    The file is copied to a temporary file next to it, the copy is opened read-write and
    yielded; on a normal exit it replaces the original (rename), on an exception it is
    deleted and the original is untouched. Everything not changed is preserved. The
    result's lock is held meanwhile.

    Examples
    --------
    >>> with open_for_update("results/fig3-left.h5") as f:  # doctest: +SKIP
    ...     group = f.require_group("contours")
    """
    path = Path(path)
    read_header(path)
    with scan_lock(path):
        tmp = path.with_name(f"{path.name}.update-{os.getpid()}")
        shutil.copyfile(path, tmp)
        try:
            with h5py.File(tmp, "r+") as f:
                yield f
            _fsync(tmp)
            os.replace(tmp, path)
            _fsync_dir(path.parent)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise


# --- reading ------------------------------------------------------------------------------
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
        Fields, shape (ny, nx): ``fields[name][j, i]`` is at ``(x[i], y[j])``.
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
    fields: dict[str, NDArray[np.float64]] = field(default_factory=dict)
    masks: dict[str, NDArray[np.bool_]] = field(default_factory=dict)
    field_attrs: dict[str, dict[str, Any]] = field(default_factory=dict)
    mask_attrs: dict[str, dict[str, Any]] = field(default_factory=dict)
    card: str = ""

    @property
    def inputs(self) -> dict[str, str]:
        """Input key -> shipped name or path used by the scan."""
        return dict(json.loads(self.attrs.get("inputs", "{}")))

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
        result, of another schema version, or incomplete.
    """
    path = Path(path)
    try:
        with _open(path, "r") as f:
            attrs = {key: _py(value) for key, value in f.attrs.items()}
            _check_header(path, attrs)
            if attrs.get("complete") is not True:
                raise ScanError(f"{path}: incomplete scan (complete = False); rerun the scan")
            x_name, y_name = str(attrs.get("x_axis")), str(attrs.get("y_axis"))
            axes = {}
            for name in (x_name, y_name):
                if name not in f or not isinstance(f[name], h5py.Dataset):
                    raise ScanError(f"{path}: axis dataset {name!r} is missing")
                ds = f[name]
                axes[name] = (
                    np.asarray(ds[...], dtype=float),
                    str(_py(ds.attrs.get("units", "1"))),
                    str(_py(ds.attrs.get("scale", "linear"))),
                )
            result = ScanResult(
                path=path,
                attrs=attrs,
                x_name=x_name,
                y_name=y_name,
                x=axes[x_name][0],
                y=axes[y_name][0],
                x_units=axes[x_name][1],
                y_units=axes[y_name][1],
                x_scale=axes[x_name][2],
                y_scale=axes[y_name][2],
                card=str(attrs.get("card", "")),
            )
            shape = (result.y.size, result.x.size)
            for name, ds in f.items():
                if not isinstance(ds, h5py.Dataset):
                    continue
                ds_attrs = {
                    key: _py(value)
                    for key, value in ds.attrs.items()
                    if key not in ("DIMENSION_LIST", "REFERENCE_LIST", "CLASS", "NAME")
                }
                kind = ds_attrs.get("kind")
                if kind not in ("field", "mask"):
                    continue
                if ds.shape != shape:
                    raise ScanError(
                        f"{path}: dataset {name!r} has shape {ds.shape}, expected {shape}"
                    )
                if kind == "field":
                    result.fields[name] = np.asarray(ds[...], dtype=float)
                    result.field_attrs[name] = ds_attrs
                else:
                    result.masks[name] = np.asarray(ds[...]).astype(bool)
                    result.mask_attrs[name] = ds_attrs
    except ScanError:
        raise
    except (OSError, KeyError, ValueError, TypeError, RuntimeError) as err:
        raise ScanError(f"{path}: cannot read the result ({_one_line(err)})") from None
    return result
