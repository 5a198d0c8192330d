"""The QGIS project of a run: ``project.qgz`` beside the layers, and a QML style beside each layer.

The project opens every layer the run wrote (the GeoPackage layers when ``gpkg`` is among
``outputs.formats``, else the shapefiles, else GeoJSON, else KML), the coverage polygons
(``coverage_*.gpkg``) and the RSRP rasters (``*.tif``) found in the output folder, with paths
relative to the project (the folder can be moved or zipped as a whole), the project CRS
``outputs.crs`` and the map opened on the data. Each layer is styled:

- bản (villages): categorized by their status after the plan (``sau_quy_hoach``; ``sau_qh`` in
  shapefiles), in the colours of the KML (:data:`layers.KML_STYLE`): green covered today, blue
  newly covered, red white, purple unreachable (satellite/VSAT);
- proposed sites: categorized by kind (``loai_tram``/``loai``: upgrade, co-location, new tower);
- existing towers: one symbol; districts: outlines; coverage polygons: translucent fills;
- RSRP rasters (float dBm, NaN nodata): a pseudo-colour ramp from −120 dBm (red) to −70 dBm
  (green); server-index rasters (``*.server.tif``) in grey, hidden.

``villages.qml``, ``proposed_sites.qml``, … beside the layers carry the same styles, so a layer
added to QGIS by hand gets them too (QGIS loads ``<name>.qml`` beside a file as its default
style). The XML is written here (QGIS is not needed to write it) in the QGIS 3.22 format; the
tests load the project with QGIS 3.22 (Debian's ``python3-qgis``). Output is deterministic: fixed
layer ids, fixed number formatting and the ZIP entry stamped with :func:`layers.run_date`.
"""

from __future__ import annotations

import re
import sqlite3
import struct
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import _core
from . import layers as L

QGIS_VERSION = "3.22.0-Białowieża"
DOCTYPE = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"

# RSRP colour ramp (dBm): weak red -> strong green; values beyond the ends take the end colours.
RSRP_RAMP = ((-120.0, "#d7191c"), (-110.0, "#fdae61"), (-100.0, "#ffffbf"), (-90.0, "#a6d96a"),
             (-70.0, "#1a9641"))

VILLAGE_LABELS = {"covered": "phủ sóng (hiện nay)", "covered_by_plan": "phủ sóng mới (sau quy hoạch)",
                  "white": "bản trắng", "uncoverable": "không phủ được",
                  "satellite": "vệ tinh cho từng hộ (không có 4G/5G)"}
SITE_SHAPES = {"upgrade": ("#EF6C00", "triangle"), "colocation": ("#F9A825", "triangle"),
               "new_grid_hilltop": ("#D84315", "star"), "commune_centre": ("#AD1457", "star"),
               "candidate": ("#5D4037", "diamond"), "small_cell": ("#6D4C41", "star"),
               "repeater": ("#00695C", "triangle")}
LAYER_TITLES = {"villages": "Bản (trạng thái sau quy hoạch)", "proposed_sites": "Trạm đề xuất",
                "towers": "Trạm 4G/5G hiện có", "districts": "Ranh giới huyện",
                "fibre_routes": "Tuyến cáp quang (hiện có, mới)", "fibre_nodes": "OLT, tủ OLT, bộ chia quang",
                "facilities": "UBND xã, trường, trạm y tế (cáp quang sau quy hoạch)",
                "communes": "Ranh giới xã, phường (từ 1/7/2025)"}
COVERAGE_COLOURS = {"before": "46,125,50", "after": "21,101,192"}
FORMAT_ORDER = ("gpkg", "shapefile", "geojson", "kml")


@dataclass
class Layer:
    """One layer of the project."""

    id: str
    title: str
    source: str          # relative to the project: ./name.ext[|layername=...]
    provider: str        # ogr | gdal
    crs_wkt: str
    extent: tuple | None  # (xmin, ymin, xmax, ymax) in the layer's CRS
    style: list = field(default_factory=list)  # style elements (renderer-v2 or pipe ...)
    geometry: str = ""   # Point | Polygon (vectors)
    checked: bool = True
    group: str = ""      # "" = top level
    qml: str | None = None  # file name of the QML written beside the layer
    raster: bool = False


# -- small XML helpers ---------------------------------------------------------------------------

def _el(parent, tag: str, attrs: dict | None = None, text: str | None = None) -> ET.Element:
    e = ET.SubElement(parent, tag, {k: str(v) for k, v in (attrs or {}).items()}) if parent is not None \
        else ET.Element(tag, {k: str(v) for k, v in (attrs or {}).items()})
    if text is not None:
        e.text = text
    return e


def _num(v: float) -> str:
    """Fixed formatting of coordinates and sizes: at most 9 significant decimals, no trailing zeros."""
    s = f"{float(v):.9f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _rgba(hex_colour: str, alpha: int = 255) -> str:
    h = hex_colour.lstrip("#")
    return f"{int(h[0:2], 16)},{int(h[2:4], 16)},{int(h[4:6], 16)},{alpha}"


def _empty_ddp(parent) -> None:
    d = _el(parent, "data_defined_properties")
    o = _el(d, "Option", {"type": "Map"})
    _el(o, "Option", {"value": "", "type": "QString", "name": "name"})
    _el(o, "Option", {"name": "properties"})
    _el(o, "Option", {"value": "collection", "type": "QString", "name": "type"})


def _symbol(parent, kind: str, name: str, cls: str, props: dict) -> ET.Element:
    """A QGIS symbol with one symbol layer (props written both as an Option map and as <prop>
    elements, as QGIS 3.22 writes them)."""
    s = _el(parent, "symbol", {"alpha": "1", "type": kind, "name": name, "force_rhr": "0", "clip_to_extent": "1"})
    _empty_ddp(s)
    lay = _el(s, "layer", {"locked": "0", "enabled": "1", "class": cls, "pass": "0"})
    opt = _el(lay, "Option", {"type": "Map"})
    for k in sorted(props):
        _el(opt, "Option", {"value": props[k], "type": "QString", "name": k})
    for k in sorted(props):
        _el(lay, "prop", {"v": props[k], "k": k})
    _empty_ddp(lay)
    return s


def _marker(colour: str, shape: str, size: float, outline: str = "35,35,35,255", width: float = 0.2) -> dict:
    return {"angle": "0", "color": _rgba(colour) if colour.startswith("#") else colour, "name": shape,
            "joinstyle": "bevel", "offset": "0,0", "offset_map_unit_scale": "3x:0,0,0,0,0,0", "offset_unit": "MM",
            "outline_color": outline, "outline_style": "solid", "outline_width": _num(width),
            "outline_width_map_unit_scale": "3x:0,0,0,0,0,0", "outline_width_unit": "MM",
            "scale_method": "diameter", "size": _num(size), "size_map_unit_scale": "3x:0,0,0,0,0,0",
            "size_unit": "MM", "horizontal_anchor_point": "1", "vertical_anchor_point": "1",
            "cap_style": "square"}


def _fill(colour_rgba: str, style: str, outline_rgba: str, width: float) -> dict:
    return {"border_width_map_unit_scale": "3x:0,0,0,0,0,0", "color": colour_rgba, "joinstyle": "bevel",
            "offset": "0,0", "offset_map_unit_scale": "3x:0,0,0,0,0,0", "offset_unit": "MM",
            "outline_color": outline_rgba, "outline_style": "solid", "outline_width": _num(width),
            "outline_width_unit": "MM", "style": style}


def _renderer(rtype: str, attr: str | None = None) -> ET.Element:
    a = {"forceraster": "0", "referencescale": "-1", "enableorderby": "0", "type": rtype, "symbollevels": "0"}
    if attr is not None:
        a = {"attr": attr, **a}
    return _el(None, "renderer-v2", a)


def _finish_renderer(r: ET.Element) -> ET.Element:
    _el(r, "rotation")
    _el(r, "sizescale")
    return r


def categorized(attr: str, kind: str, cats: list[tuple[str, str, dict]], cls: str = "SimpleMarker") -> ET.Element:
    """renderer-v2 categorizedSymbol: cats = [(value, label, symbol props)]."""
    r = _renderer("categorizedSymbol", attr)
    c = _el(r, "categories")
    for k, (value, label, _) in enumerate(cats):
        _el(c, "category", {"value": value, "symbol": str(k), "label": label, "render": "true"})
    syms = _el(r, "symbols")
    for k, (_, _, props) in enumerate(cats):
        _symbol(syms, kind, str(k), cls, props)
    return _finish_renderer(r)


def single(kind: str, cls: str, props: dict) -> ET.Element:
    r = _renderer("singleSymbol")
    _symbol(_el(r, "symbols"), kind, "0", cls, props)
    return _finish_renderer(r)


def _pipe(renderer: ET.Element) -> ET.Element:
    p = _el(None, "pipe")
    prov = _el(p, "provider")
    _el(prov, "resampling", {"enabled": "false", "zoomedOutResamplingMethod": "nearestNeighbour",
                             "zoomedInResamplingMethod": "nearestNeighbour", "maxOversampling": "2"})
    p.append(renderer)
    _el(p, "brightnesscontrast", {"brightness": "0", "contrast": "0", "gamma": "1"})
    _el(p, "huesaturation", {"colorizeOn": "0", "colorizeRed": "255", "invertColors": "0", "saturation": "0",
                             "colorizeBlue": "128", "colorizeGreen": "128", "colorizeStrength": "100",
                             "grayscaleMode": "0"})
    _el(p, "rasterresampler", {"maxOversampling": "2"})
    _el(p, "resamplingStage", text="resamplingFilter")
    return p


def _min_max_origin(parent) -> None:
    m = _el(parent, "minMaxOrigin")
    for tag, text in (("limits", "None"), ("extent", "WholeRaster"), ("statAccuracy", "Estimated"),
                      ("cumulativeCutLower", "0.02"), ("cumulativeCutUpper", "0.98"), ("stdDevFactor", "2")):
        _el(m, tag, text=text)


def rsrp_pipe(opacity: float = 0.75) -> ET.Element:
    """singlebandpseudocolor renderer: RSRP_RAMP interpolated, values outside clamped to the ends."""
    lo, hi = RSRP_RAMP[0][0], RSRP_RAMP[-1][0]
    r = _el(None, "rasterrenderer", {"opacity": _num(opacity), "nodataColor": "", "type": "singlebandpseudocolor",
                                      "alphaBand": "-1", "classificationMin": _num(lo), "band": "1",
                                      "classificationMax": _num(hi)})
    _el(r, "rasterTransparency")
    _min_max_origin(r)
    sh = _el(_el(r, "rastershader"), "colorrampshader", {
        "classificationMode": "1", "minimumValue": _num(lo), "maximumValue": _num(hi),
        "colorRampType": "INTERPOLATED", "labelPrecision": "0", "clip": "0"})
    for v, colour in RSRP_RAMP:
        _el(sh, "item", {"value": _num(v), "alpha": "255", "label": f"{v:.0f} dBm", "color": colour})
    return _pipe(r)


def gray_pipe() -> ET.Element:
    r = _el(None, "rasterrenderer", {"opacity": "1", "nodataColor": "", "type": "singlebandgray", "alphaBand": "-1",
                                      "grayBand": "1", "gradient": "BlackToWhite"})
    _el(r, "rasterTransparency")
    _min_max_origin(r)
    return _pipe(r)


# -- reading what was written ----------------------------------------------------------------------

def _gpkg_info(path: Path) -> list[tuple[str, str, str, tuple | None]]:
    """(table, geometry type, CRS WKT, extent) of every feature table of a GeoPackage."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "SELECT c.table_name, g.geometry_type_name, s.definition, c.min_x, c.min_y, c.max_x, c.max_y "
            "FROM gpkg_contents c JOIN gpkg_geometry_columns g ON g.table_name = c.table_name "
            "LEFT JOIN gpkg_spatial_ref_sys s ON s.srs_id = g.srs_id "
            "WHERE c.data_type = 'features' ORDER BY c.table_name").fetchall()
    finally:
        con.close()
    out = []
    for t, g, wkt, *ext in rows:
        ok = all(e is not None for e in ext)
        out.append((t, str(g or ""), wkt or "", tuple(float(e) for e in ext) if ok else None))
    return out


def _shp_extent(path: Path) -> tuple | None:
    try:
        head = path.read_bytes()[:100]
        x0, y0, x1, y1 = struct.unpack("<4d", head[36:68])
        return (x0, y0, x1, y1) if x1 >= x0 and y1 >= y0 else None
    except (OSError, struct.error):
        return None


def _raster_info(path: Path) -> tuple[str, tuple | None]:
    try:
        d = _core.Dem.open([str(path)])
        gt = d.geotransform
        ny, nx = np.asarray(d.heights_m).shape
        xs = (gt[0], gt[0] + gt[1] * nx)
        ys = (gt[3], gt[3] + gt[5] * ny)
        return d.crs_wkt, (min(xs), min(ys), max(xs), max(ys))
    except Exception:  # a raster the engine cannot read still goes into the project (QGIS reads it)
        return "", None


def _geom_type(g: str) -> str:
    g = g.upper()
    return "Point" if "POINT" in g else ("Line" if "LINE" in g else "Polygon")


# -- styles per layer ---------------------------------------------------------------------------------

def _village_attr(sc) -> str:
    fmt = _format(sc)
    spec = next(f for f in L.FIELDS["villages"] if f.dbf == "sau_qh")
    if fmt == "shapefile":
        name = spec.dbf
    else:
        name = spec.full
    if "shapefile" in sc.outputs.formats and len(sc.outputs.formats) > 1:
        # One villages.qml serves villages.shp (DBF names) and villages.gpkg (full names).
        return f"coalesce(attribute('{spec.full}'), attribute('{spec.dbf}'))"
    return name


def _attr(sc, layer: str, dbf: str) -> str:
    """The field `dbf` of `layer` as the project's format names it (an expression serving both
    names when shapefiles sit beside another format, so that one .qml serves both)."""
    spec = next(f for f in L.FIELDS[layer] if f.dbf == dbf)
    if "shapefile" in sc.outputs.formats and len(sc.outputs.formats) > 1 and spec.full != spec.dbf:
        return f"coalesce(attribute('{spec.full}'), attribute('{spec.dbf}'))"
    return spec.dbf if _format(sc) == "shapefile" else spec.full


def _site_attr(sc) -> str:
    return _attr(sc, "proposed_sites", "loai")


def _line(colour: str, width: float) -> dict:
    return {"line_color": _rgba(colour), "line_style": "solid", "line_width": _num(width), "line_width_unit": "MM",
            "capstyle": "round", "joinstyle": "round", "offset": "0", "offset_unit": "MM"}


def route_style(sc) -> ET.Element:
    cats = [(L.ROUTE_VI["existing"], L.ROUTE_VI["existing"], _line("#1565C0", 0.6)),
            (L.ROUTE_VI["new"], L.ROUTE_VI["new"], _line("#E65100", 0.8))]
    return categorized(_attr(sc, "fibre_routes", "trang_thai"), "line", cats, "SimpleLine")


def node_style() -> ET.Element:
    return single("marker", "SimpleMarker", _marker("#6D4C41", "square", 1.6))


def facility_style(sc) -> ET.Element:
    cats = [(L.YES_NO[0], "có cáp quang", _marker("#2E7D32", "cross2", 3.0, "46,125,50,255", 0.6)),
            (L.YES_NO[1], "chưa có cáp quang", _marker("#C62828", "cross2", 3.0, "198,40,40,255", 0.6))]
    return categorized(_attr(sc, "facilities", "cq_sau"), "marker", cats)


def village_style(sc) -> ET.Element:
    cats = []
    for key in ("covered", "covered_by_plan", "white", "uncoverable", "satellite"):
        colour, icon = L.KML_STYLE["villages"][key]
        shape = "square" if "square" in icon else "circle"
        cats.append((L.STATUS[key], VILLAGE_LABELS[key], _marker(colour, shape, 2.4)))
    return categorized(_village_attr(sc), "marker", cats)


def site_style(sc) -> ET.Element:
    cats = []
    for key, (colour, shape) in SITE_SHAPES.items():
        cats.append((L.KIND_VI[key], L.KIND_VI[key], _marker(colour, shape, 4.2, "0,0,0,255", 0.3)))
    return categorized(_site_attr(sc), "marker", cats)


def tower_style() -> ET.Element:
    colour = L.KML_STYLE["towers"][0]
    return single("marker", "SimpleMarker", _marker(colour, "diamond", 2.8, "255,255,255,255", 0.2))


def district_style() -> ET.Element:
    return single("fill", "SimpleFill", _fill("144,164,174,0", "no", "55,71,79,255", 0.6))


def commune_style() -> ET.Element:
    return single("fill", "SimpleFill", _fill("188,170,164,0", "no", "93,64,55,255", 0.3))


def coverage_style(stem: str) -> ET.Element:
    rgb = COVERAGE_COLOURS["after" if "after" in stem else "before" if "before" in stem else "after"]
    return single("fill", "SimpleFill", _fill(f"{rgb},70", "solid", f"{rgb},160", 0.1))


# -- the project ---------------------------------------------------------------------------------------

def _format(sc) -> str | None:
    return next((f for f in FORMAT_ORDER if f in sc.outputs.formats), None)


def _operator_name(result, suffix: str) -> str:
    for op in list(result.operators) + ["chưa phân công"]:  # + new towers no operator was asked to build
        if L._ascii(op) == L._ascii(suffix):
            return op
    return suffix


def _raster_title(stem: str, result) -> str:
    m = re.fullmatch(r"rsrp_(before|after)(?:_(.+))?", stem)
    if not m:
        return stem
    when = "hiện nay" if m.group(1) == "before" else "sau quy hoạch"
    who = f" – {_operator_name(result, m.group(2))}" if m.group(2) else ""
    return f"RSRP tốt nhất {when}{who} (dBm)"


def _coverage_title(stem: str, result) -> str:
    m = re.fullmatch(r"coverage_(before|after)(?:_(.+))?", stem)
    if not m:
        return stem
    when = "hiện nay" if m.group(1) == "before" else "sau quy hoạch"
    who = f" – {_operator_name(result, m.group(2))}" if m.group(2) else ""
    return f"Vùng phủ sóng {when}{who}"


def collect_layers(staging: Path, result, files: list[Path]) -> list[Layer]:
    """The layers of the project, top of the layer tree first."""
    sc = result.scenario
    fmt = _format(sc)
    names = {Path(f).name for f in files}
    out: list[Layer] = []
    wgs84 = _core.crs_wkt("WGS84")
    styles = {"villages": lambda: village_style(sc), "proposed_sites": lambda: site_style(sc),
              "towers": tower_style, "districts": district_style, "facilities": lambda: facility_style(sc),
              "fibre_nodes": node_style, "fibre_routes": lambda: route_style(sc), "communes": commune_style}
    geoms = {"districts": "Polygon", "communes": "Polygon", "fibre_routes": "LineString"}
    for name in ("villages", "proposed_sites", "facilities", "fibre_nodes", "towers", "fibre_routes", "communes",
                 "districts"):
        if fmt is None:
            break
        ext = L.DRIVERS[fmt][1]
        path = staging / f"{name}{ext}"
        if path.name not in names or not path.is_file():
            continue
        if fmt == "gpkg":
            info = [i for i in _gpkg_info(path) if i[0] == name] or _gpkg_info(path)
            table, geom, wkt, extent = info[0]
            source = f"./{path.name}|layername={table}"
        elif fmt == "shapefile":
            prj = path.with_suffix(".prj")
            wkt = prj.read_text(encoding="utf-8") if prj.is_file() else _core.crs_wkt(sc.outputs.crs)
            extent, geom, source = _shp_extent(path), geoms.get(name, "Point"), f"./{path.name}"
        else:
            wkt, extent = wgs84, None
            geom = geoms.get(name, "Point")
            source = f"./{path.name}" if fmt == "geojson" else f"./{path.name}|layername={name}"
        out.append(Layer(id=f"phusong_{name}", title=LAYER_TITLES[name], source=source, provider="ogr",
                         crs_wkt=wkt, extent=extent, style=[styles[name]()], geometry=_geom_type(geom),
                         qml=f"{name}.qml"))
    # Coverage polygons and rasters present in the output folder (written by this run).
    present = sorted(p for p in staging.iterdir() if p.is_file())
    cov = [p for p in present if p.name.startswith("coverage_") and p.suffix == ".gpkg"]
    tifs = [p for p in present if p.suffix.lower() in (".tif", ".tiff")]
    group = "Vùng phủ sóng"
    first_cov = _preferred(cov)
    for p in cov:
        for table, geom, wkt, extent in _gpkg_info(p):
            many = len(_gpkg_info(p)) > 1
            out.append(Layer(id=f"phusong_{p.stem}" + (f"_{table}" if many else ""),
                             title=_coverage_title(p.stem, result) + (f" ({table})" if many else ""),
                             source=f"./{p.name}|layername={table}", provider="ogr", crs_wkt=wkt, extent=extent,
                             style=[coverage_style(p.stem)], geometry=_geom_type(geom), checked=p == first_cov,
                             group=group, qml=f"{p.stem}.qml" if not many else None))
    first_tif = _preferred([p for p in tifs if not p.name.endswith(".server.tif")])
    for p in tifs:
        server = p.name.endswith(".server.tif")
        wkt, extent = _raster_info(p)
        stem = p.name[: -len(".server.tif")] if server else p.stem
        title = (_raster_title(stem, result) + " – trạm phục vụ") if server else _raster_title(stem, result)
        out.append(Layer(id="phusong_" + re.sub(r"[^A-Za-z0-9_]", "_", p.name), title=title, source=f"./{p.name}",
                         provider="gdal", crs_wkt=wkt, extent=extent, style=[gray_pipe() if server else rsrp_pipe()],
                         checked=p == first_tif, group=group, raster=True,
                         qml=(p.name[: -len(p.suffix)] + ".qml") if not server else None))
    return out


def _preferred(paths: list[Path]) -> Path | None:
    """The one coverage layer shown when the project opens: 'after' (all operators) first."""
    for key in ("after", "before"):
        for p in paths:
            if p.stem.replace(".server", "") in (f"rsrp_{key}", f"coverage_{key}"):
                return p
    return paths[0] if paths else None


def _srs(parent, wkt: str) -> None:
    s = _el(parent, "spatialrefsys")
    _el(s, "wkt", text=wkt)
    m = re.search(r'ID\["EPSG",(\d+)\]\]\s*$', wkt) or re.search(r'AUTHORITY\["EPSG","(\d+)"\]\]\s*$', wkt)
    _el(s, "authid", text=f"EPSG:{m.group(1)}" if m else "")
    name = re.match(r'\s*\w+\["([^"]*)"', wkt)
    _el(s, "description", text=name.group(1) if name else "")


def _extent_el(parent, tag: str, e: tuple) -> None:
    x = _el(parent, tag)
    for k, v in zip(("xmin", "ymin", "xmax", "ymax"), e):
        _el(x, k, text=_num(v))


def _maplayer(parent, lay: Layer) -> None:
    if lay.raster:
        attrs = {"type": "raster", "hasScaleBasedVisibilityFlag": "0", "maxScale": "0", "minScale": "1e+08",
                 "styleCategories": "AllStyleCategories", "autoRefreshEnabled": "0", "autoRefreshTime": "0",
                 "refreshOnNotifyEnabled": "0", "refreshOnNotifyMessage": ""}
    else:
        attrs = {"type": "vector", "geometry": lay.geometry, "wkbType": lay.geometry, "readOnly": "0",
                 "hasScaleBasedVisibilityFlag": "0", "maxScale": "0", "minScale": "100000000", "labelsEnabled": "0",
                 "simplifyDrawingHints": "1" if lay.geometry == "Polygon" else "0", "simplifyDrawingTol": "1",
                 "simplifyAlgorithm": "0", "simplifyLocal": "1", "simplifyMaxScale": "1",
                 "symbologyReferenceScale": "-1", "styleCategories": "AllStyleCategories", "autoRefreshEnabled": "0",
                 "autoRefreshTime": "0", "refreshOnNotifyEnabled": "0", "refreshOnNotifyMessage": ""}
    m = _el(parent, "maplayer", attrs)
    if lay.extent is not None:
        _extent_el(m, "extent", lay.extent)
    _el(m, "id", text=lay.id)
    _el(m, "datasource", text=lay.source)
    _el(m, "layername", text=lay.title)
    if lay.crs_wkt:
        _srs(_el(m, "srs"), lay.crs_wkt)
    p = _el(m, "provider", {"encoding": "UTF-8"} if not lay.raster else {}, lay.provider)
    del p
    _flags(m)
    for s in lay.style:
        m.append(s)
    if not lay.raster:
        _el(m, "blendMode", text="0")
        _el(m, "featureBlendMode", text="0")
        _el(m, "layerOpacity", text="1")
        _el(m, "legend", {"showLabelLegend": "0", "type": "default-vector"})
    else:
        _el(m, "blendMode", text="0")


def _flags(parent) -> None:
    f = _el(parent, "flags")
    for k, v in (("Identifiable", "1"), ("Removable", "1"), ("Searchable", "1"), ("Private", "0")):
        _el(f, k, text=v)


def qml_text(lay: Layer) -> str:
    """The QML style of a layer (what QGIS reads as the layer's default style)."""
    if lay.raster:
        root = _el(None, "qgis", {"version": QGIS_VERSION, "styleCategories": "AllStyleCategories",
                                  "hasScaleBasedVisibilityFlag": "0", "maxScale": "0", "minScale": "1e+08"})
    else:
        root = _el(None, "qgis", {"version": QGIS_VERSION, "styleCategories": "AllStyleCategories",
                                  "hasScaleBasedVisibilityFlag": "0", "maxScale": "0", "minScale": "100000000",
                                  "labelsEnabled": "0", "readOnly": "0", "symbologyReferenceScale": "-1",
                                  "simplifyDrawingHints": "1" if lay.geometry == "Polygon" else "0",
                                  "simplifyDrawingTol": "1", "simplifyAlgorithm": "0", "simplifyLocal": "1",
                                  "simplifyMaxScale": "1"})
    _flags(root)
    for s in lay.style:
        root.append(s)
    _el(root, "blendMode", text="0")
    if not lay.raster:
        _el(root, "featureBlendMode", text="0")
        _el(root, "layerOpacity", text="1")
    return _xml(root)


def _xml(root: ET.Element) -> str:
    ET.indent(root, space="  ")
    return DOCTYPE + ET.tostring(root, encoding="unicode") + "\n"


def project_extent(layers_: list[Layer], crs_wkt: str) -> tuple | None:
    """The union of the layers' extents in the project CRS (each extent densified along its edges
    before it is transformed)."""
    xs, ys = [], []
    for lay in layers_:
        if lay.extent is None or not lay.crs_wkt:
            continue
        x0, y0, x1, y1 = lay.extent
        t = np.linspace(0.0, 1.0, 9)
        ex = np.concatenate([x0 + (x1 - x0) * t, np.full(9, x1), x0 + (x1 - x0) * t, np.full(9, x0)])
        ey = np.concatenate([np.full(9, y0), y0 + (y1 - y0) * t, np.full(9, y1), y0 + (y1 - y0) * t])
        try:
            px, py = _core.transform(ex, ey, lay.crs_wkt, crs_wkt)
        except Exception:
            continue
        ok = np.isfinite(px) & np.isfinite(py)
        xs += list(np.asarray(px)[ok])
        ys += list(np.asarray(py)[ok])
    if not xs:
        return None
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    dx, dy = max(x1 - x0, 1e-6) * 0.05, max(y1 - y0, 1e-6) * 0.05
    return (x0 - dx, y0 - dy, x1 + dx, y1 + dy)


def _result_extent_layers(result) -> list[Layer]:
    """Pseudo-layers (WGS84 points) from the run itself, for the extent when no file gives one."""
    pts = [(v.lon, v.lat) for v in result.villages] + [(t.lon, t.lat) for t in result.towers]
    if not pts:
        return []
    a = np.asarray(pts, float)
    return [Layer("x", "", "", "", _core.crs_wkt("WGS84"), (a[:, 0].min(), a[:, 1].min(), a[:, 0].max(),
                                                              a[:, 1].max()))]


def project_text(result, layers_: list[Layer]) -> str:
    sc = result.scenario
    crs = _core.crs_wkt(sc.outputs.crs)
    root = _el(None, "qgis", {"projectname": f"phusong – {sc.name}", "version": QGIS_VERSION})
    _el(root, "homePath", {"path": ""})
    _el(root, "title", text=f"phusong – {sc.name}")
    _el(root, "autotransaction", {"active": "0"})
    _el(root, "evaluateDefaultValues", {"active": "0"})
    _el(root, "trust", {"active": "0"})
    _srs(_el(root, "projectCrs"), crs)

    tree = _el(root, "layer-tree-group")
    groups: dict[str, ET.Element] = {}
    for lay in layers_:
        parent = tree
        if lay.group:
            if lay.group not in groups:
                groups[lay.group] = _el(tree, "layer-tree-group", {"name": lay.group, "checked": "Qt::Checked",
                                                                   "expanded": "1"})
            parent = groups[lay.group]
        _el(parent, "layer-tree-layer", {"id": lay.id, "name": lay.title, "source": lay.source,
                                         "providerKey": lay.provider,
                                         "checked": "Qt::Checked" if lay.checked else "Qt::Unchecked",
                                         "expanded": "1" if not lay.group else "0"})
    pl = _el(root, "projectlayers")
    for lay in layers_:
        _maplayer(pl, lay)
    order = _el(root, "layerorder")
    for lay in layers_:
        _el(order, "layer", {"id": lay.id})

    props = _el(root, "properties")
    _el(_el(props, "Paths"), "Absolute", {"type": "bool"}, "false")
    _el(_el(props, "SpatialRefSys"), "ProjectionsEnabled", {"type": "int"}, "1")
    ext = project_extent(layers_, crs) or project_extent(_result_extent_layers(result), crs)
    if ext is not None:
        mc = _el(root, "mapcanvas", {"name": "theMapCanvas", "annotationsVisible": "1"})
        _el(mc, "units", text="degrees" if crs.lstrip().startswith(("GEOG", "GEODCRS")) else "meters")
        _extent_el(mc, "extent", ext)
        _el(mc, "rotation", text="0")
        _srs(_el(mc, "destinationsrs"), crs)
        _el(mc, "rendermaptile", text="0")
        pvs = _el(root, "ProjectViewSettings", {"UseProjectScales": "0", "rotation": "0"})
        _el(pvs, "Scales")
        dv = _el(pvs, "DefaultViewExtent", {"xmin": _num(ext[0]), "ymin": _num(ext[1]), "xmax": _num(ext[2]),
                                             "ymax": _num(ext[3])})
        _srs(dv, crs)
    meta = _el(root, "projectMetadata")
    _el(meta, "title", text=f"phusong – {sc.name}")
    _el(meta, "abstract", text=sc.description.strip())
    _el(meta, "author", text="phusong")
    _el(meta, "creation", text=L.run_date().strftime("%Y-%m-%dT%H:%M:%S"))
    return _xml(root)


def write(staging: Path, result, files: list[Path]) -> list[Path]:
    """Writes project.qgz and the QML styles into `staging`; returns the paths written."""
    layers_ = collect_layers(staging, result, files)
    written = []
    for lay in layers_:
        if lay.qml:
            q = staging / lay.qml
            q.write_text(qml_text(lay), encoding="utf-8")
            written.append(q)
    text = project_text(result, layers_)
    when = L.run_date()
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    path = staging / "project.qgz"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        zi = zipfile.ZipInfo("project.qgs", date_time=stamp)
        zi.compress_type = zipfile.ZIP_DEFLATED
        zi.external_attr = 0o644 << 16
        z.writestr(zi, text.encode("utf-8"))
    written.append(path)
    return written
