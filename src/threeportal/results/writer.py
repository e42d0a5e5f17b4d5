"""Writing the root of a result: its layout (fields, masks, axes) tile by tile.

A scan writes ``<out>.partial`` tile by tile and renames it to ``<out>`` once complete, so
``<out>`` is complete or absent. The links between datasets are attributes written here: a
field's ``domain`` names the mask where it is defined, that mask's ``domain_of`` names the field
(read them back with :meth:`threeportal.results.ScanResult.domain`). Every field and mask says
whether it is a ``reference`` (the published bound before a layer's rescaling, not a bound
itself) and, when its layer declares it once per entry of an option, that entry (``item``);
read them with :meth:`~threeportal.results.ScanResult.is_reference` and
:meth:`~threeportal.results.ScanResult.item`.

Storage: fields are float32 (6e-8 relative: the contour levels need ~1e-4 and the physics
inputs are known to per cent), masks uint8. Every dataset is chunked with HDF5's Fletcher-32
checksum filter, which h5py checks on every read; a 2-D chunk is one tile (or several tiles
below 32 x 32 points), so a damaged chunk costs only its tiles when a scan is resumed. No
compression: a compressed chunk changes size when it is rewritten, which would make tile
writes touch the file's metadata (see :class:`PartialWriter`); without the diagnostic fields
a 4000 x 4000 result is ~0.9 GB uncompressed.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import h5py
import numpy as np
from numpy.typing import NDArray

from .._version import __version__
from ..fileio import ensure_free_space
from .files import SCHEMA, SCHEMA_VERSION, fsync, fsync_dir, open_h5

__all__ = [
    "FIELD_DTYPE",
    "MASK_DTYPE",
    "Entry",
    "PartialWriter",
    "Tiling",
    "checked_dataset",
    "domain_name",
    "field_entries",
]

#: Stored type of fields (see the module docstring for why float32 is enough).
FIELD_DTYPE = np.float32
#: Stored type of masks.
MASK_DTYPE = np.uint8
#: Smallest chunk side of the 2-D datasets (smaller tiles share chunks: fewer, larger reads).
_MIN_CHUNK = 32
#: Chunk cache of the file a scan writes, bytes per dataset: none. A tile writes whole chunks
#: once, so a cache saves nothing, and HDF5 2.0's default (8 MiB per dataset, kept filled)
#: cost the writing process 8 MiB per dataset: 360 MiB of a 4000 x 4000 scan's peak memory.
_WRITE_CHUNK_CACHE = 0


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
    #: For a mask that is a level set of a field: (field, level, "above"/"below").
    region: tuple[str, float, str] | None = None
    #: A reference (the published bound before the layer's rescaling), not a bound.
    reference: bool = False
    #: The entry of the option the layer declares this output per ("" if none).
    item: str = ""

    def attrs(self) -> dict[str, Any]:
        """HDF5 attributes of the dataset."""
        if self.kind == "field":
            attrs: dict[str, Any] = {
                "kind": "field",
                "layer": self.layer,
                "units": self.units,
                "description": self.description,
                "levels": np.asarray(self.levels, dtype=float),
                "domain": self.domain,
            }
        else:
            attrs = {"kind": "mask", "layer": self.layer, "description": self.description}
        if self.domain_of:
            attrs["domain_of"] = self.domain_of
        if self.region is not None:
            field, level, side = self.region
            attrs.update({"region_field": field, "region_level": level, "region_side": side})
        # always written: a dataset without it predates it (see ScanResult.is_reference)
        attrs["reference"] = bool(self.reference)
        if self.item:
            attrs["item"] = self.item
        return attrs


def domain_name(field: str) -> str:
    """Name of the mask dataset holding where ``field`` is defined."""
    return f"{field}_domain"


def field_entries(
    name: str,
    layer: str,
    description: str,
    units: str,
    levels: Sequence[float],
    has_domain: bool,
    reference: bool = False,
    item: str = "",
) -> list[Entry]:
    """A field's entry, and its domain mask's entry (linked both ways) if it has a domain."""
    domain = domain_name(name) if has_domain else ""
    levels = tuple(float(v) for v in levels)
    field = Entry(
        name, "field", layer, description, units, levels, domain, reference=reference, item=item
    )
    entries = [field]
    if domain:
        entries.append(Entry(domain, "mask", layer, f"where {name} is defined", domain_of=name))
    return entries


def _early_allocation() -> h5py.h5p.PropDCID:
    """Dataset creation properties: all storage allocated (and filled) at creation."""
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_alloc_time(h5py.h5d.ALLOC_TIME_EARLY)
    return dcpl


def checked_dataset(group: h5py.Group, name: str, data: Any = None, **kwargs: Any) -> h5py.Dataset:
    """Create a dataset with the Fletcher-32 checksum (chunked; empty data stays contiguous)."""
    if data is not None:
        data = np.asarray(data)
    shape = kwargs.get("shape", None if data is None else data.shape)
    if shape is not None and 0 in tuple(shape):
        return group.create_dataset(name, data=data, **kwargs)
    kwargs.setdefault("chunks", True)
    return group.create_dataset(name, data=data, fletcher32=True, **kwargs)


def _write_root(
    f: h5py.File,
    attrs: Mapping[str, Any],
    axes: tuple[tuple[str, NDArray[np.float64], str, str], ...],
    tiling: Tiling,
) -> list[h5py.Dataset]:
    """Root attributes and the two axis datasets (dimension scales), returned x then y."""
    root = f.attrs
    root["schema"] = SCHEMA
    root["schema_version"] = SCHEMA_VERSION
    root["package_version"] = __version__
    root["created"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    for key, value in attrs.items():
        root[key] = value
    root["x_axis"], root["y_axis"] = axes[0][0], axes[1][0]
    root["tile"], root["n_tiles"] = tiling.tile, len(tiling)
    root["complete"] = False
    scales = []
    for name, values, units, scale in axes:
        ds = checked_dataset(f, name, np.asarray(values, dtype=float))
        ds.attrs["units"], ds.attrs["scale"] = units, scale
        ds.make_scale(name)
        scales.append(ds)
    return scales


def _storage_bytes(tiling: Tiling, entries: Sequence[Entry]) -> int:
    """Bytes the datasets of a partial file take (all allocated at creation)."""
    per_point = sum(4 if entry.kind == "field" else 1 for entry in entries)  # float32, uint8
    return tiling.nx * tiling.ny * per_point + len(tiling)


#: The dimension of ``tiles_done`` (a netCDF dimension, not a coordinate).
TILE_DIMENSION = "tile"
#: The NAME netCDF-4 gives a dimension scale that is no variable (h5netcdf reads it so).
_NETCDF_DIMENSION_ONLY = "This is a netCDF dimension but not a netCDF variable."


class PartialWriter:
    """Writes ``<out>.partial`` tile by tile; :meth:`finish` renames it to ``<out>``.

    Storage is allocated and filled (NaN / 0) when the file is created (one chunk per tile,
    early allocation, a fixed-size checksum filter, no compression), so a tile write only
    rewrites its own chunks in place, never the file's metadata: a process killed at any
    moment leaves a readable file, and a tile is marked in ``tiles_done`` only after its data
    are flushed. A reopened file's finished tiles are verified (:meth:`verify_done`).
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
        # issue 16: a full disk is a one-line error before HDF5 starts (it may crash on ENOSPC)
        ensure_free_space(path, _storage_bytes(tiling, entries))
        f = h5py.File(path, "w", rdcc_nbytes=_WRITE_CHUNK_CACHE)
        try:
            x_scale, y_scale = _write_root(f, attrs, (x, y), tiling)
            side = max(tiling.tile, _MIN_CHUNK)
            chunks = (min(side, tiling.ny), min(side, tiling.nx))
            for entry in entries:
                field = entry.kind == "field"
                ds = checked_dataset(
                    f,
                    entry.name,
                    shape=(tiling.ny, tiling.nx),
                    dtype=FIELD_DTYPE if field else MASK_DTYPE,
                    chunks=chunks,
                    fillvalue=np.nan if field else 0,
                    dcpl=_early_allocation(),
                )
                for key, value in entry.attrs().items():
                    ds.attrs[key] = value
                ds.dims[0].attach_scale(y_scale)
                ds.dims[1].attach_scale(x_scale)
            done = checked_dataset(
                f,
                "tiles_done",
                shape=(len(tiling),),
                dtype=bool,
                fillvalue=False,
                dcpl=_early_allocation(),
            )
            done.attrs["description"] = "True for each finished tile (resume bookkeeping)"
            # a netCDF dimension without a coordinate variable: xarray sees the axes only
            tile = f.create_dataset(TILE_DIMENSION, shape=(len(tiling),), dtype="f4")
            tile.make_scale(f"{_NETCDF_DIMENSION_ONLY}{len(tiling):10d}")
            done.dims[0].attach_scale(tile)
            f.flush()
        except BaseException:
            f.close()
            path.unlink(missing_ok=True)
            raise
        return cls(path, f, tiling)

    @classmethod
    def reopen(cls, path: Path, tiling: Tiling) -> PartialWriter:
        """Open an interrupted partial file to resume it."""
        return cls(path, open_h5(path, "r+", rdcc_nbytes=_WRITE_CHUNK_CACHE), tiling)

    def verify_done(self) -> list[int]:
        """Check the stored data of every finished tile; redo the damaged ones.

        A damaged chunk is overwritten whole with fill values (a whole-chunk write does not
        read the old bytes) and every tile in it is marked not done. Returns those tiles
        (a resumed scan recomputes them).

        Raises
        ------
        OSError
            If the file's structure (not only a tile's data) is damaged.
        """
        datasets = [ds for ds in self.file.values() if isinstance(ds, h5py.Dataset)]
        datasets = [ds for ds in datasets if ds.ndim == 2]
        redo: set[int] = set()
        for k in np.flatnonzero(self.done):
            ix0, ix1, iy0, iy1 = self.tiling.bounds(int(k))
            for ds in datasets:
                try:
                    ds[iy0:iy1, ix0:ix1]
                except OSError:
                    redo |= self._reset_chunks(datasets, ds.chunks, (ix0, ix1, iy0, iy1))
                    break
        if redo:
            done = self.file["tiles_done"]
            for k in sorted(redo):
                done[k] = False
                self.done[k] = False
            self.file.flush()
        return sorted(redo)

    def _reset_chunks(
        self,
        datasets: Sequence[h5py.Dataset],
        chunks: tuple[int, int],
        bounds: tuple[int, int, int, int],
    ) -> set[int]:
        """Fill the chunks under ``bounds`` in every dataset; the tiles they hold."""
        ix0, ix1, iy0, iy1 = bounds
        cy, cx = chunks
        y0, x0 = iy0 // cy * cy, ix0 // cx * cx
        y1, x1 = min(-(-iy1 // cy) * cy, self.tiling.ny), min(-(-ix1 // cx) * cx, self.tiling.nx)
        for ds in datasets:
            fill = np.full((y1 - y0, x1 - x0), ds.fillvalue, dtype=ds.dtype)
            ds.write_direct(fill, dest_sel=np.s_[y0:y1, x0:x1])
        t = self.tiling.tile
        return {
            ty * self.tiling.n_x_tiles + tx
            for ty in range(y0 // t, -(-y1 // t))
            for tx in range(x0 // t, -(-x1 // t))
        }

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
        fsync(self.path)
        os.replace(self.path, final)
        fsync_dir(final.parent)
