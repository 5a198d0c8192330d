"""The interactive map of a run: ``map.html``, one self-contained file that works offline.

Leaflet's JavaScript and CSS (with its images as data URIs) are inlined from Debian's
``libjs-leaflet`` package (``/usr/share/javascript/leaflet/``; another folder holding
``leaflet.js`` and ``leaflet.css`` can be named with ``PHUSONG_LEAFLET_DIR``); the page needs no
CDN and no network. It shows, with Vietnamese labels, layer toggles (``L.control.layers``) and a
legend:

- the bản coloured by their status after the plan (the KML colours), with a popup: name, id,
  commune, district, people, households, best RSRP today, status today and after the plan, the
  proposed site that covers it, the reason when no candidate can;
- the existing broadband towers and the proposed sites (by kind; popup: kind, operator, costs);
- the districts (when ``inputs.admin`` is given) and the coverage polygons ``coverage_*.gpkg``
  found in the output folder (simplified for the browser);
- an optional OpenStreetMap base layer, off by default (it needs the Internet; offline the map
  stays on its blank background).

The file is deterministic: the data is embedded as JSON with sorted keys and rounded numbers.
"""

from __future__ import annotations

import base64
import html
import json
import math
import os
import re
import sqlite3
from pathlib import Path

import numpy as np

from .. import _core
from . import layers as L

LEAFLET_DIRS = ("/usr/share/javascript/leaflet", "/usr/share/nodejs/leaflet/dist")
COORD_DECIMALS = 6
POLY_DECIMALS = 5
SIMPLIFY_DEG = 0.0003  # about 30 m: district outline detail kept in the browser
COVERAGE_SIMPLIFY_DEG = 0.001  # about 100 m (a 3" cell is about 90 m)
COVERAGE_MIN_AREA_DEG2 = 1e-5  # about 0.12 km²: smaller coverage parts and holes are left out


def leaflet_dir() -> Path:
    """The folder holding leaflet.js and leaflet.css (PHUSONG_LEAFLET_DIR, else Debian's
    libjs-leaflet); an error saying how to install it when there is none."""
    cands = [os.environ["PHUSONG_LEAFLET_DIR"]] if os.environ.get("PHUSONG_LEAFLET_DIR") else list(LEAFLET_DIRS)
    for d in cands:
        p = Path(d)
        if (p / "leaflet.css").is_file() and ((p / "leaflet.js").is_file() or (p / "leaflet.min.js").is_file()):
            return p
    raise _core.InputError(
        "outputs.web_map: the Leaflet library is not installed (looked in " + ", ".join(cands) + "): install "
        "Debian's libjs-leaflet (apt-get install libjs-leaflet) or set PHUSONG_LEAFLET_DIR to a folder holding "
        "leaflet.js and leaflet.css")


def leaflet_assets() -> tuple[str, str, str]:
    """(JavaScript, CSS with its images inlined as data URIs, version)."""
    d = leaflet_dir()
    js_path = d / "leaflet.min.js" if (d / "leaflet.min.js").is_file() else d / "leaflet.js"
    js = js_path.read_text(encoding="utf-8")
    css = (d / "leaflet.css").read_text(encoding="utf-8")

    def inline(m: re.Match) -> str:
        img = d / m.group(1)
        if not img.is_file():
            return "none"
        return "url(data:image/png;base64," + base64.b64encode(img.read_bytes()).decode("ascii") + ")"

    css = re.sub(r"url\((images/[A-Za-z0-9_.-]+\.png)\)", inline, css)
    js = re.sub(r"//# sourceMappingURL=\S+", "", js)
    css = re.sub(r"/\*# sourceMappingURL=\S+ \*/", "", css)
    m = re.search(r'version\s*=\s*"([0-9.]+)"', js) or re.search(r'\bversion:\s*"([0-9.]+)"', js) or \
        re.search(r'"(1\.[0-9]+\.[0-9]+)"', js)
    return js, css, m.group(1) if m else ""


def _r(v, nd: int = 2):
    """A finite float rounded (JSON null for NaN/None)."""
    if v is None:
        return None
    v = float(v)
    if not math.isfinite(v):
        return None
    v = round(v, nd)
    return int(v) if v.is_integer() and nd <= 2 else v


def _rings(geom, nd: int = POLY_DECIMALS) -> list:
    """A shapely (Multi)Polygon as nested lists [[ring, hole, ...], ...] of [lon, lat]."""
    polys = list(getattr(geom, "geoms", [geom]))
    out = []
    for p in polys:
        if p.is_empty or p.geom_type != "Polygon":
            continue
        rings = [p.exterior] + list(p.interiors)
        out.append([[[round(x, nd), round(y, nd)] for x, y in np.asarray(r.coords)[:, :2]] for r in rings])
    return out


def _gpkg_polygons(path: Path) -> list:
    """The polygons of every feature table of a GeoPackage in WGS84 lon/lat (shapely polygons,
    simplified), read with sqlite3 (GeoPackage binary header + WKB)."""
    import shapely
    from shapely.geometry import Polygon

    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = con.execute(
            "SELECT g.table_name, g.column_name, s.definition FROM gpkg_geometry_columns g "
            "LEFT JOIN gpkg_spatial_ref_sys s ON s.srs_id = g.srs_id ORDER BY g.table_name").fetchall()
        geoms = []
        for table, column, wkt in tables:
            for (blob,) in con.execute(f'SELECT "{column}" FROM "{table}" ORDER BY rowid'):
                g = _gpkg_geometry(blob)
                if g is None or g.is_empty:
                    continue
                if wkt and not _is_wgs84(wkt):
                    g = shapely.transform(g, lambda xy, w=wkt: np.column_stack(
                        _core.transform(xy[:, 0], xy[:, 1], w, "WGS84")))
                geoms.append(g)
    finally:
        con.close()
    # Raster coverage polygons have a vertex per cell edge: for the browser, parts and holes
    # smaller than COVERAGE_MIN_AREA_DEG2 are left out and the outlines simplified.
    polys = []
    for g in geoms:
        for p in getattr(g, "geoms", [g]):
            if p.geom_type != "Polygon" or p.area < COVERAGE_MIN_AREA_DEG2:
                continue
            holes = [h for h in p.interiors if Polygon(h).area >= COVERAGE_MIN_AREA_DEG2]
            s = Polygon(p.exterior, holes).simplify(COVERAGE_SIMPLIFY_DEG, preserve_topology=True)
            if not s.is_empty:
                polys.append(s)
    return polys


def _gpkg_geometry(blob):
    import shapely

    if blob is None or len(blob) < 8 or blob[:2] != b"GP":
        return None
    flags = blob[3]
    env = (flags >> 1) & 0x07
    size = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}.get(env, 0)
    try:
        return shapely.from_wkb(bytes(blob[8 + size:]))
    except Exception:
        return None


def _is_wgs84(wkt: str) -> bool:
    return bool(re.search(r'(ID\["EPSG",4326\]|AUTHORITY\["EPSG","4326"\])\]?\s*$', wkt.strip()))


def map_data(staging: Path, result) -> dict:
    """What the page shows, as plain data (JSON)."""
    sc = result.scenario
    villages, towers, cov, plan = result.villages, result.towers, result.coverage, result.plan
    before, after, plan_site, reason = L.village_status(result)
    best = np.asarray(cov["best_rsrp_dbm"], float)
    vs = []
    for i, v in enumerate(villages):
        vs.append({"lon": round(v.lon, COORD_DECIMALS), "lat": round(v.lat, COORD_DECIMALS), "id": v.id,
                   "ten": v.name, "xa": v.commune, "huyen": v.district, "dan": int(round(v.population)),
                   "ho": int(round(v.households)), "rsrp": _r(best[i]), "truoc": before[i], "sau": after[i],
                   "tram": plan_site[i], "lydo": L.REASON_VI.get(reason[i], "")})
    covered = np.asarray(cov["covered"], bool)
    server = np.where(covered, np.asarray(cov["best_site"]), -1)
    served = np.bincount(server[server >= 0], minlength=len(towers)) if len(towers) else []
    ts = [{"lon": round(t.lon, COORD_DECIMALS), "lat": round(t.lat, COORD_DECIMALS), "id": t.id, "op": t.operator,
           "cn": t.technologies, "cao": _r(t.height_m, 1), "ban": int(served[k])} for k, t in enumerate(towers)]
    ps = []
    if plan is not None:
        for k, (j, lst, b) in enumerate(zip(plan.chosen, plan.newly_covered, plan.cost_breakdown)):
            c = result.candidates[j]
            kind = c.kind if c.kind in L.KIND_VI and c.kind != "existing" else "candidate"
            ps.append({"lon": round(c.lon, COORD_DECIMALS), "lat": round(c.lat, COORD_DECIMALS), "id": c.id,
                       "thu_tu": k + 1, "loai": kind, "op": c.operator, "cao": _r(c.height_m, 1),
                       "capex": _r(b.capex, 0), "opex": _r(b.opex_pv, 0), "td": _r(b.backhaul, 0),
                       "kieu_td": L.BACKHAUL_VI.get(b.backhaul_kind, ""), "dien": _r(b.power, 0),
                       "kieu_dien": L.POWER_VI.get(b.power_kind, ""), "tong": _r(b.total, 0),
                       "tien_te": plan.currency, "ban_moi": len(lst),
                       "dan_moi": int(round(sum(villages[i].population for i in lst)))})
    ds = []
    if sc.inputs.admin:
        from ..inputs import admin

        kpi = {r["district"]: r for r in result.kpis.get("district", [])}
        for d in admin.read_districts(sc.inputs.admin):
            r = kpi.get(d.name, {})
            g = d.geometry.simplify(SIMPLIFY_DEG, preserve_topology=True)
            ds.append({"ma": d.code, "ten": d.name, "poly": _rings(g), "ban": int(r.get("ban", 0) or 0),
                       "trang_truoc": int(r.get("white_ban_before", 0) or 0),
                       "trang_sau": int(r.get("white_ban_after", 0) or 0),
                       "phu_truoc": _r(r.get("covered_pop_before_pct")), "phu_sau": _r(r.get("covered_pop_after_pct"))})
    cv = []
    for p in sorted(staging.glob("coverage_*.gpkg")):
        polys = _gpkg_polygons(p)
        rings = [r for g in polys for r in _rings(g, 4)]
        if rings:
            cv.append({"ten": p.stem, "nhan": _coverage_label(p.stem, result),
                       "sau": "before" not in p.stem, "poly": rings})
    cq, cs = [], []  # the fibre plan: routes and facilities
    fp = getattr(result, "fibre", None)
    if fp is not None:
        for r in fp.routes:
            cq.append({"moi": r.status == "new", "giai_doan": L.STAGE_VI.get(r.stage, ""), "km": _r(r.length_km, 2),
                       "chi_phi": _r(r.cost, 0) if r.status == "new" else None, "so_ho": int(round(r.households)),
                       "toa_do": [[round(y, COORD_DECIMALS), round(x, COORD_DECIMALS)] for x, y in r.coords]})
        for k, f in enumerate(fp.facilities):
            cs.append({"lon": round(f.lon, COORD_DECIMALS), "lat": round(f.lat, COORD_DECIMALS), "id": f.id,
                       "ten": f.name, "loai": L.FACILITY_VI[f.kind], "truoc": bool(fp.facility_before[k]),
                       "sau": bool(fp.facility_after[k]), "lydo": L.FIBRE_REASON_VI.get(fp.facility_reason.get(k, ""), "")})
    return {"ten": sc.name, "mo_ta": sc.description.strip(), "ngay": L.run_date().strftime("%d/%m/%Y"),
            "nguong": _r(sc.radio.threshold_dbm), "ban": vs, "tram": ts, "de_xuat": ps, "huyen": ds,
            "cap_quang": cq, "co_so": cs, "tien_te": sc.planning.costs.currency,
            "vung_phu": cv, "trang_thai": L.STATUS, "loai_tram": {k: L.KIND_VI[k] for k in
                                                                  ("upgrade", "colocation", "new_grid_hilltop",
                                                                   "commune_centre", "candidate", "small_cell",
                                                                   "repeater")},
            "mau": {k: v[0] for k, v in L.KML_STYLE["villages"].items()}}


def _coverage_label(stem: str, result) -> str:
    m = re.fullmatch(r"coverage_(before|after)(?:_(.+))?", stem)
    if not m:
        return stem
    who = ""
    if m.group(2):
        who = next((op for op in list(result.operators) + ["chưa phân công"]
                    if L._ascii(op) == L._ascii(m.group(2))), m.group(2))
        who = f" – {who}"
    return ("Vùng phủ sóng hiện nay" if m.group(1) == "before" else "Vùng phủ sóng sau quy hoạch") + who


def _json_for_script(data) -> str:
    """JSON safe inside <script>: sorted keys, no '</' (no early end of the script element)."""
    s = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return s.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


PAGE_CSS = """
html, body { height: 100%; margin: 0; font-family: "Noto Sans", "DejaVu Sans", Arial, sans-serif; }
#map { position: absolute; top: 0; bottom: 0; left: 0; right: 0; background: #f4f4f0; }
.ps-title { background: rgba(255,255,255,.92); padding: 6px 10px; border-radius: 4px;
            box-shadow: 0 1px 4px rgba(0,0,0,.3); max-width: 420px; }
.ps-title h1 { font-size: 15px; margin: 0 0 2px 0; }
.ps-title p { font-size: 12px; margin: 0; color: #444; }
.ps-legend { background: rgba(255,255,255,.92); padding: 6px 10px; border-radius: 4px;
             box-shadow: 0 1px 4px rgba(0,0,0,.3); font-size: 12px; line-height: 18px; }
.ps-legend h2 { font-size: 13px; margin: 2px 0 4px 0; }
.ps-legend h3 { font-size: 12px; margin: 6px 0 2px 0; color: #333; }
.ps-legend i { display: inline-block; width: 12px; height: 12px; margin-right: 6px; vertical-align: -2px; }
.ps-dot { border-radius: 50%; border: 1px solid #222; box-sizing: border-box; }
.ps-sq { border: 1px solid #222; box-sizing: border-box; }
.ps-site svg, .ps-legend svg { display: block; }
.ps-legend svg { display: inline-block; vertical-align: -2px; margin-right: 6px; }
.ps-popup table { border-collapse: collapse; font-size: 12px; }
.ps-popup td { padding: 1px 6px 1px 0; vertical-align: top; }
.ps-popup td:first-child { color: #555; white-space: nowrap; }
"""

PAGE_JS = r"""
(function () {
  "use strict";
  var D = window.PHUSONG_DATA;
  var esc = function (s) {
    return String(s === null || s === undefined ? "" : s).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  };
  var num = function (v, d) {
    if (v === null || v === undefined) return "—";
    var s = Number(v).toFixed(d || 0).split(".");
    s[0] = s[0].replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    return s.join(",");
  };
  var table = function (title, rows) {
    var h = '<div class="ps-popup"><b>' + esc(title) + "</b><table>";
    rows.forEach(function (r) {
      if (r[1] !== "" && r[1] !== null) h += "<tr><td>" + esc(r[0]) + "</td><td>" + r[1] + "</td></tr>";
    });
    return h + "</table></div>";
  };
  var SITE_COLOUR = {upgrade: "#EF6C00", colocation: "#F9A825", new_grid_hilltop: "#D84315",
                     commune_centre: "#AD1457", candidate: "#5D4037", small_cell: "#6D4C41",
                     repeater: "#00695C"};
  var siteSvg = function (kind, size) {
    var c = SITE_COLOUR[kind] || "#D84315";
    var s = size || 18;
    var shape = (kind === "upgrade" || kind === "colocation")
      ? '<polygon points="9,1 17,16 1,16" fill="' + c + '" stroke="#000" stroke-width="1"/>'
      : '<polygon points="9,1 11.4,6.6 17.5,7.1 12.8,11 14.3,17 9,13.8 3.7,17 5.2,11 0.5,7.1 6.6,6.6" fill="' + c +
        '" stroke="#000" stroke-width="1"/>';
    return '<svg width="' + s + '" height="' + s + '" viewBox="0 0 18 18">' + shape + "</svg>";
  };

  var map = L.map("map", {zoomControl: true, preferCanvas: false});
  var blank = L.layerGroup();
  var osm = L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    {maxZoom: 18, attribution: "&copy; OpenStreetMap (cần Internet)"});
  blank.addTo(map);
  var overlays = {};
  var bounds = L.latLngBounds([]);

  var huyen = L.layerGroup();
  D.huyen.forEach(function (d) {
    var latlngs = d.poly.map(function (p) {
      return p.map(function (r) { return r.map(function (c) { return [c[1], c[0]]; }); });
    });
    var pg = L.polygon(latlngs, {color: "#37474F", weight: 1.5, fillColor: "#90A4AE", fillOpacity: 0.05});
    pg.bindPopup(table(d.ten, [["Mã huyện", esc(d.ma)], ["Số bản", num(d.ban)],
      ["Bản trắng hiện nay", num(d.trang_truoc)], ["Bản trắng sau quy hoạch", num(d.trang_sau)],
      ["Dân được phủ hiện nay", num(d.phu_truoc, 2) + " %"], ["Dân được phủ sau quy hoạch", num(d.phu_sau, 2) + " %"]]));
    pg.addTo(huyen);
  });

  var vung = [];
  D.vung_phu.forEach(function (v) {
    var g = L.layerGroup();
    var colour = v.sau ? "#1565C0" : "#2E7D32";
    v.poly.forEach(function (p) {
      L.polygon(p.map(function (r) { return r.map(function (c) { return [c[1], c[0]]; }); }),
        {color: colour, weight: 0.5, fillColor: colour, fillOpacity: 0.2, interactive: false}).addTo(g);
    });
    vung.push([v.nhan, g]);
  });

  var ban = L.layerGroup();
  D.ban.forEach(function (v) {
    var c = D.mau[v.sau] || "#777";
    var m = L.circleMarker([v.lat, v.lon], {radius: 5, color: "#222", weight: 0.8, fillColor: c, fillOpacity: 0.95});
    m.bindTooltip(esc(v.ten));
    m.bindPopup(table(v.ten + " (" + v.id + ")", [
      ["Xã", esc(v.xa)], ["Huyện", esc(v.huyen)], ["Dân số", num(v.dan) + " người"], ["Số hộ", num(v.ho)],
      ["RSRP tốt nhất hiện nay", v.rsrp === null ? "không có trạm trong bán kính" : num(v.rsrp, 1) + " dBm"],
      ["Hiện trạng", esc(D.trang_thai[v.truoc])], ["Sau quy hoạch", esc(D.trang_thai[v.sau])],
      ["Trạm đề xuất", esc(v.tram)], ["Lý do không phủ được", esc(v.lydo)]]));
    m.addTo(ban);
    bounds.extend([v.lat, v.lon]);
  });

  var tram = L.layerGroup();
  D.tram.forEach(function (t) {
    var m = L.circleMarker([t.lat, t.lon], {radius: 4.5, color: "#FFFFFF", weight: 1.2, fillColor: "#424242", fillOpacity: 1});
    m.bindPopup(table("Trạm " + t.id, [["Nhà mạng", esc(t.op)], ["Công nghệ", esc(t.cn)],
      ["Độ cao anten", num(t.cao, 1) + " m"], ["Số bản phục vụ", num(t.ban)]]));
    m.addTo(tram);
    bounds.extend([t.lat, t.lon]);
  });

  var deXuat = L.layerGroup();
  D.de_xuat.forEach(function (s) {
    var icon = L.divIcon({className: "ps-site ps-site-" + s.loai, html: siteSvg(s.loai), iconSize: [18, 18], iconAnchor: [9, 9]});
    var m = L.marker([s.lat, s.lon], {icon: icon, title: s.id, zIndexOffset: 1000});
    m.bindPopup(table("Trạm đề xuất " + s.id + " (thứ " + s.thu_tu + ")", [
      ["Loại trạm", esc(D.loai_tram[s.loai])], ["Nhà mạng", esc(s.op)], ["Độ cao anten", num(s.cao, 1) + " m"],
      ["CAPEX", num(s.capex) + " " + esc(s.tien_te)], ["OPEX (hiện giá)", num(s.opex) + " " + esc(s.tien_te)],
      ["Truyền dẫn", num(s.td) + " " + esc(s.tien_te) + (s.kieu_td ? " (" + esc(s.kieu_td) + ")" : "")],
      ["Cấp điện", num(s.dien) + " " + esc(s.tien_te) + (s.kieu_dien ? " (" + esc(s.kieu_dien) + ")" : "")],
      ["Tổng chi phí", "<b>" + num(s.tong) + " " + esc(s.tien_te) + "</b>"],
      ["Bản được phủ mới", num(s.ban_moi)], ["Dân được phủ mới", num(s.dan_moi) + " người"]]));
    m.addTo(deXuat);
    bounds.extend([s.lat, s.lon]);
  });

  // The fibre plan: existing (blue) and new (orange) routes, facilities (green: fibre after the plan).
  var capQuang = L.layerGroup();
  D.cap_quang.forEach(function (r) {
    var l = L.polyline(r.toa_do, {color: r.moi ? "#E65100" : "#1565C0", weight: r.moi ? 2.5 : 2, opacity: 0.9});
    l.bindPopup(table(r.moi ? "Tuyến cáp quang mới" : "Tuyến cáp quang hiện có", [
      ["Chiều dài", num(r.km, 2) + " km"], ["Phục vụ", esc(r.giai_doan)],
      ["Chi phí cáp", r.chi_phi === null ? "–" : num(r.chi_phi) + " " + esc(D.tien_te)],
      ["Số hộ có cáp mới phía sau", num(r.so_ho)]]));
    l.addTo(capQuang);
  });
  var coSo = L.layerGroup();
  D.co_so.forEach(function (f) {
    var m = L.circleMarker([f.lat, f.lon], {radius: 4, color: "#111", weight: 0.8,
                                            fillColor: f.sau ? "#2E7D32" : "#C62828", fillOpacity: 1});
    m.bindPopup(table(f.ten + " (" + f.id + ")", [["Loại", esc(f.loai)],
      ["Cáp quang hiện nay", f.truoc ? "có" : "không"], ["Sau quy hoạch", f.sau ? "có" : "không"],
      ["Lý do không tới được", esc(f.lydo)]]));
    m.addTo(coSo);
  });

  // Drawing order: coverage at the bottom, then districts, fibre, towers, bản, proposed sites.
  vung.forEach(function (v) { v[1].addTo(map); overlays[v[0]] = v[1]; });
  if (D.huyen.length) { huyen.addTo(map); overlays["Ranh giới huyện"] = huyen; }
  if (D.cap_quang.length) { capQuang.addTo(map); overlays["Tuyến cáp quang (" + D.cap_quang.length + ")"] = capQuang; }
  if (D.co_so.length) { coSo.addTo(map); overlays["UBND, trường, trạm y tế (" + D.co_so.length + ")"] = coSo; }
  tram.addTo(map); overlays["Trạm 4G/5G hiện có (" + D.tram.length + ")"] = tram;
  ban.addTo(map); overlays["Bản – trạng thái sau quy hoạch (" + D.ban.length + ")"] = ban;
  deXuat.addTo(map); overlays["Trạm đề xuất (" + D.de_xuat.length + ")"] = deXuat;
  L.control.layers({"Nền trắng (không cần Internet)": blank, "OpenStreetMap (cần Internet)": osm}, overlays,
                   {collapsed: false, position: "topright"}).addTo(map);
  L.control.scale({imperial: false, position: "bottomleft"}).addTo(map);

  var title = L.control({position: "topleft"});
  title.onAdd = function () {
    var div = L.DomUtil.create("div", "ps-title");
    div.innerHTML = "<h1>Bản đồ phủ sóng 4G/5G – " + esc(D.ten) + "</h1><p>" + esc(D.mo_ta) +
      "</p><p>Ngưỡng phủ sóng: RSRP ≥ " + num(D.nguong) + " dBm · phusong · " + esc(D.ngay) + "</p>";
    L.DomEvent.disableClickPropagation(div);
    return div;
  };
  title.addTo(map);

  var legend = L.control({position: "bottomright"});
  legend.onAdd = function () {
    var div = L.DomUtil.create("div", "ps-legend");
    var h = "<h2>Chú giải</h2><h3>Bản (sau quy hoạch)</h3>";
    ["covered", "covered_by_plan", "white", "uncoverable", "satellite"].forEach(function (k) {
      h += '<div><i class="ps-dot" style="background:' + D.mau[k] + '"></i>' + esc(D.trang_thai[k]) + "</div>";
    });
    h += "<h3>Trạm</h3>";
    h += '<div><i class="ps-dot" style="background:#424242;border-color:#fff;width:9px;height:9px;' +
      'margin:0 9px 0 2px"></i>trạm 4G/5G hiện có</div>';
    var kinds = {};
    D.de_xuat.forEach(function (s) { kinds[s.loai] = true; });
    ["upgrade", "colocation", "new_grid_hilltop", "commune_centre", "candidate", "small_cell", "repeater"].forEach(function (k) {
      if (kinds[k] || k === "upgrade" || k === "colocation" || k === "new_grid_hilltop")
        h += "<div>" + siteSvg(k, 14) + esc(D.loai_tram[k]) + "</div>";
    });
    if (D.vung_phu.length) {
      h += "<h3>Vùng phủ sóng</h3>";
      h += '<div><i class="ps-sq" style="background:rgba(46,125,50,.35)"></i>hiện nay</div>';
      h += '<div><i class="ps-sq" style="background:rgba(21,101,192,.35)"></i>sau quy hoạch</div>';
    }
    if (D.huyen.length) h += '<div><i class="ps-sq" style="background:none;border:2px solid #37474F"></i>ranh giới huyện</div>';
    div.innerHTML = h;
    return div;
  };
  legend.addTo(map);

  D.huyen.forEach(function (d) {
    d.poly.forEach(function (p) { p[0].forEach(function (c) { bounds.extend([c[1], c[0]]); }); });
  });
  if (bounds.isValid()) map.fitBounds(bounds, {padding: [20, 20]}); else map.setView([21.3, 104], 8);
  document.getElementById("map").setAttribute("data-phusong-ready", "1");
})();
"""


def page(data: dict) -> str:
    js, css, version = leaflet_assets()
    title = html.escape(f"Bản đồ phủ sóng – {data['ten']}")
    return (
        "<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<meta name=\"generator\" content=\"phusong; Leaflet {html.escape(version)} (Debian libjs-leaflet, BSD-2-Clause)\">\n"
        f"<title>{title}</title>\n<style>\n{css}\n</style>\n<style>{PAGE_CSS}</style>\n"
        f"<script>\n{js}\n</script>\n</head>\n<body>\n<div id=\"map\"></div>\n"
        f"<script>window.PHUSONG_DATA = {_json_for_script(data)};</script>\n"
        f"<script>{PAGE_JS}</script>\n</body>\n</html>\n")


def write(staging: Path, result, files: list | None = None) -> list[Path]:
    """Writes map.html into `staging`; returns [its path]."""
    path = staging / "map.html"
    path.write_text(page(map_data(staging, result)), encoding="utf-8", newline="\n")
    return [path]
