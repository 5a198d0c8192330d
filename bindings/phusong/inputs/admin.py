"""District polygons of a province, read once for every layer that needs them (the Sơn La
generator, the planner's province area, the KPIs per district, the districts shapefile and the
report's maps).

The file is the dvhcvn GIS JSON of a province: ``{"level2s": [{"level2_id": ..., "name": ...,
"coordinates": <MultiPolygon coordinates>}, ...]}`` (``admin/sonla_districts.json`` in the data
registry). Errors name the file, the district's index and the field.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .. import _core


@dataclass(frozen=True)
class District:
    code: str       # level2_id, e.g. "116"
    name: str       # e.g. "Huyện Mộc Châu" (UTF-8)
    geometry: object  # shapely MultiPolygon, made valid (buffer(0)) when the file's is not

    def rings(self) -> list[np.ndarray]:
        """Exterior ring of each polygon, as (n, 2) arrays of lon, lat."""
        return [np.asarray(p.exterior.coords) for p in getattr(self.geometry, "geoms", [self.geometry])]


def read_districts(path: str | Path) -> tuple[District, ...]:
    """The districts of a dvhcvn GIS JSON file, in file order (cached while the file is unchanged)."""
    p = Path(path)
    try:
        st = os.stat(p)
    except OSError as exc:
        raise _core.InputError(f"{p}: cannot read the district polygons ({exc.strerror})") from None
    return _read(str(p), st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=8)
def _read(path: str, _mtime_ns: int, _size: int) -> tuple[District, ...]:
    from shapely.geometry import shape

    try:
        gj = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _core.InputError(f"{path}: not a readable JSON file of district polygons ({exc})") from None
    level2s = gj.get("level2s") if isinstance(gj, dict) else None
    if not isinstance(level2s, list) or not level2s:
        raise _core.InputError(f"{path}: field 'level2s' (the districts) is missing or empty")
    out = []
    for i, l2 in enumerate(level2s):
        for field in ("level2_id", "name", "coordinates"):
            if not isinstance(l2, dict) or field not in l2:
                raise _core.InputError(f"{path}: level2s[{i}]: field '{field}' is missing")
        try:
            geom = shape({"type": "MultiPolygon", "coordinates": l2["coordinates"]})
        except Exception as exc:  # shapely raises several types for malformed coordinates
            raise _core.InputError(f"{path}: level2s[{i}] ({l2['name']}): field 'coordinates' is not a "
                                   f"MultiPolygon ({exc})") from None
        if not geom.is_valid:
            geom = geom.buffer(0)
        out.append(District(str(l2["level2_id"]), str(l2["name"]), geom))
    return tuple(out)


def province_area(path: str | Path):
    """Union of the district polygons."""
    from shapely.ops import unary_union

    return unary_union([d.geometry for d in read_districts(path)])
