"""The result file of a scan (HDF5, schema ``threeportal.scan`` version 1): its one owner.

Every group of the file is written and read here, and nowhere else:

- the root (:mod:`.writer`, :mod:`.reader`): attributes ``schema``, ``schema_version``,
  ``package_version``, ``created`` (UTC ISO), ``card`` (canonical TOML), ``card_sha256``,
  ``inputs_sha256``, ``inputs`` (JSON), ``x_axis``, ``y_axis``, ``complete``, ``tile``,
  ``n_tiles``, ``scan_name``, ``grid_refine``; one 1-D dataset per axis (a dimension scale,
  attrs ``units``, ``scale``); 2-D datasets of shape (ny, nx): fields (float64; attrs
  ``kind="field"``, ``layer``, ``units``, ``description``, ``levels``, ``domain`` naming the
  field's domain mask) and masks (uint8; attrs ``kind="mask"``, ``layer``, ``description``,
  ``domain_of`` for a domain mask); ``tiles_done`` (bool, one per tile);
- ``/contours`` (:mod:`.contours`) and ``/refined`` (:mod:`.refined`).

Everything lives in the root group so that ``xarray.open_dataset(path, engine="h5netcdf")``
sees every field with its two coordinates. :mod:`.files` holds the single attribute reader,
the single way to open a result for update and the reserved names a layer output may not use.
"""

from __future__ import annotations

from .contours import (
    CONTOURS_SCHEMA,
    CONTOURS_SCHEMA_VERSION,
    Contour,
    Piece,
    contours_current,
    read_contours,
    write_contours,
)
from .files import (
    CONTOURS_GROUP,
    REFINED_GROUP,
    RESERVED_NAMES,
    SCHEMA,
    SCHEMA_VERSION,
    dataset_names,
    open_for_update,
    read_attrs,
    read_header,
    replace_card,
    scan_lock,
)
from .reader import ScanResult, load
from .refined import (
    RefinedNodes,
    read_refined,
    refined_current,
    refined_levels,
    write_refined,
)
from .writer import Entry, PartialWriter, Tiling, domain_name, field_entries

__all__ = [
    "CONTOURS_GROUP",
    "CONTOURS_SCHEMA",
    "CONTOURS_SCHEMA_VERSION",
    "REFINED_GROUP",
    "RESERVED_NAMES",
    "SCHEMA",
    "SCHEMA_VERSION",
    "Contour",
    "Entry",
    "PartialWriter",
    "Piece",
    "RefinedNodes",
    "ScanResult",
    "Tiling",
    "contours_current",
    "dataset_names",
    "domain_name",
    "field_entries",
    "load",
    "open_for_update",
    "read_attrs",
    "read_contours",
    "read_header",
    "read_refined",
    "refined_current",
    "refined_levels",
    "replace_card",
    "scan_lock",
    "write_contours",
    "write_refined",
]
