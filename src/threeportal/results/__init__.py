"""The result file of a scan (HDF5, schema ``threeportal.scan`` version 1): its one owner.

Every group of the file is written and read here, and nowhere else:

- the root (:mod:`.writer`, :mod:`.reader`): attributes ``schema``, ``schema_version``,
  ``package_version``, ``created`` (UTC ISO), ``card`` (canonical TOML), ``card_sha256``,
  ``inputs_sha256``, ``inputs`` (JSON), ``x_axis``, ``y_axis``, ``complete``, ``tile``,
  ``n_tiles``, ``scan_name``, ``grid_refine``; one 1-D dataset per axis (a dimension scale,
  attrs ``units``, ``scale``); 2-D datasets of shape (ny, nx): fields (float32; attrs
  ``kind="field"``, ``layer``, ``units``, ``description``, ``levels``, ``domain`` naming the
  field's domain mask) and masks (uint8; attrs ``kind="mask"``, ``layer``, ``description``,
  ``domain_of`` for a domain mask, ``region_field``/``region_level``/``region_side`` for a
  level set of a field), both with ``reference`` (bool: the published bound before a layer's
  rescaling, not a bound) and, for an output declared per entry of an option, ``item`` (that
  entry, e.g. the experiment ``kek``); ``tiles_done`` (bool, one per tile);
- ``/contours`` (:mod:`.contours`) and ``/refined`` (:mod:`.refined`), replaced in place by
  :mod:`.update` (never a copy of the file).

Every dataset carries HDF5's Fletcher-32 checksum, checked on each read
(:func:`verify_result` checks a whole file).

Everything lives in the root group so that ``xarray.open_dataset(path, engine="h5netcdf")``
sees every field with its two coordinates. :mod:`.files` holds the single attribute reader,
the lock and the reserved names a layer output may not use; :mod:`.update` the single way to
change a complete result (in place).
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
    read_attrs,
    read_header,
    scan_lock,
)
from .reader import ScanResult, load, verify_result
from .refined import (
    RefinedNodes,
    read_refined,
    refined_current,
    refined_levels,
    write_refined,
)
from .update import set_card, update_group
from .writer import (
    FIELD_DTYPE,
    MASK_DTYPE,
    Entry,
    PartialWriter,
    Tiling,
    domain_name,
    field_entries,
)

__all__ = [
    "CONTOURS_GROUP",
    "CONTOURS_SCHEMA",
    "CONTOURS_SCHEMA_VERSION",
    "FIELD_DTYPE",
    "MASK_DTYPE",
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
    "read_attrs",
    "read_contours",
    "read_header",
    "read_refined",
    "refined_current",
    "refined_levels",
    "scan_lock",
    "set_card",
    "update_group",
    "verify_result",
    "write_contours",
    "write_refined",
]
