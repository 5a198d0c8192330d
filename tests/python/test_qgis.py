"""The QGIS project (project.qgz) as a planner opens it, loaded headless with Debian's QGIS 3.22
(`python3-qgis`, run with /usr/bin/python3 and QT_QPA_PLATFORM=offscreen): the project reads,
its CRS is outputs.crs, every layer is valid and has features, the renderers are the ones written
(bản categorized by status after the plan in the KML colours, proposed sites by kind, towers and
districts single symbols, RSRP rasters pseudo-colour), every value of the categorized fields has
a category, the QML beside each layer gives the same style to a layer added by hand, paths are
relative (the folder can be moved) and a rendering of the map is not blank. Reruns write the same
bytes."""

import json
import os
import shutil
import subprocess
import textwrap
import zipfile
from pathlib import Path

import numpy as np
import pytest
from test_webmap import scenario

import phusong
from phusong import _core
from phusong.outputs import layers, qgis

QGIS_PYTHON = "/usr/bin/python3"


def _has_qgis() -> bool:
    try:
        return subprocess.run([QGIS_PYTHON, "-c", "import qgis.core"], capture_output=True, timeout=120,
                              env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


needs_qgis = pytest.mark.skipif(not _has_qgis(), reason=f"{QGIS_PYTHON} cannot import qgis.core: install Debian's "
                                "python3-qgis and qgis-providers (scripts/install.sh does)")

CHECK = textwrap.dedent(r"""
    import json, sys
    from qgis.core import (QgsApplication, QgsProject, QgsMapSettings, QgsMapRendererParallelJob,
                           QgsRasterLayer, QgsVectorLayer)
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor

    project_path, png, standalone = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    app = QgsApplication([], False)
    app.initQgis()

    def describe(lay):
        d = {"name": lay.name(), "valid": lay.isValid(), "source": lay.source(), "crs_valid": lay.crs().isValid()}
        r = lay.renderer()
        d["renderer"] = r.type() if r is not None else None
        if isinstance(lay, QgsVectorLayer):
            d.update(kind="vector", features=lay.featureCount(), geometry=int(lay.geometryType()))
            if r is not None and r.type() == "categorizedSymbol":
                d["attr"] = r.classAttribute()
                d["categories"] = {str(c.value()): c.symbol().color().name() for c in r.categories()}
                from qgis.core import QgsExpression, QgsExpressionContext, QgsExpressionContextUtils
                e = QgsExpression(r.classAttribute())
                ctx = QgsExpressionContext(QgsExpressionContextUtils.globalProjectLayerScopes(lay))
                vals = set()
                for f in lay.getFeatures():
                    ctx.setFeature(f)
                    vals.add(str(e.evaluate(ctx)))
                d["values"] = sorted(vals)
        else:
            d.update(kind="raster", width=lay.width(), height=lay.height())
            if r is not None and r.type() == "singlebandpseudocolor":
                sh = r.shader().rasterShaderFunction()
                d["ramp"] = [[i.value, i.color.name()] for i in sh.colorRampItemList()]
        return d

    p = QgsProject.instance()
    out = {"read": p.read(project_path), "error": p.error(), "crs": p.crs().authid(), "crs_valid": p.crs().isValid(),
           "crs_description": p.crs().description(), "layers": {}}
    for lid, lay in sorted(p.mapLayers().items()):
        out["layers"][lid] = describe(lay)
    root = p.layerTreeRoot()
    out["tree"] = [[n.layerId(), n.isVisible()] for n in root.findLayers()]
    visible = [n.layer() for n in root.findLayers() if n.isVisible()]
    ms = QgsMapSettings()
    ms.setLayers(visible)
    ms.setDestinationCrs(p.crs())
    ext = p.viewSettings().defaultViewExtent()
    out["view_extent"] = None if ext.isEmpty() else [ext.xMinimum(), ext.yMinimum(), ext.xMaximum(), ext.yMaximum()]
    ms.setExtent(ext if not ext.isEmpty() else ms.fullExtent())
    ms.setOutputSize(QSize(800, 600))
    ms.setBackgroundColor(QColor(255, 255, 255))
    job = QgsMapRendererParallelJob(ms)
    job.start()
    job.waitForFinished()
    img = job.renderedImage()
    img.save(png)
    counts = {}
    for y in range(0, img.height(), 2):
        for x in range(0, img.width(), 2):
            c = QColor(img.pixel(x, y)).name()
            counts[c] = counts.get(c, 0) + 1
    out["colours"] = counts
    # Layers added by hand (the QML beside each file is their default style).
    out["standalone"] = {}
    for path, provider in standalone:
        lay = QgsVectorLayer(path, "x", "ogr") if provider == "ogr" else QgsRasterLayer(path, "x", "gdal")
        out["standalone"][path] = describe(lay)
    print("RESULT " + json.dumps(out, ensure_ascii=False), flush=True)
    # QGIS 3.22 can crash tearing down layers still referenced from Python: leave without teardown.
    import os
    os._exit(0)
""")


def load_in_qgis(project: Path, tmp: Path, standalone=()) -> dict:
    script = tmp / "check_qgis.py"
    script.write_text(CHECK, encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp), "XDG_RUNTIME_DIR": str(tmp),
           "PYTHONPATH": ""}
    env.pop("PYTHONHOME", None)
    res = subprocess.run([QGIS_PYTHON, str(script), str(project), str(tmp / "qgis_render.png"),
                          json.dumps([[str(p), prov] for p, prov in standalone])],
                         capture_output=True, text=True, timeout=300, env=env, cwd=tmp)
    line = next((ln for ln in res.stdout.splitlines() if ln.startswith("RESULT ")), None)
    assert res.returncode == 0 and line, f"QGIS check failed:\n{res.stdout[-3000:]}\n{res.stderr[-3000:]}"
    return json.loads(line[len("RESULT "):])


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    d = tmp_path_factory.mktemp("qgis")
    r = phusong.run_scenario(scenario(d))
    return r, d / "out", d


def add_coverage_files(out: Path) -> None:
    """What outputs.rasters writes (best-server RSRP, float32 dBm with NaN nodata; its server
    raster; coverage polygons), made here on the demo area to test how the project shows them."""
    gt = [105.0, 0.005, 0.0, 21.45, 0.0, -0.005]
    yy, xx = np.mgrid[0:90, 0:100]
    rsrp = (-60.0 - 0.8 * np.hypot(xx - 50, yy - 45)).astype(np.float32)
    rsrp[:10, :10] = np.nan
    wgs = _core.crs_wkt("WGS84")
    for name in ("rsrp_before.tif", "rsrp_after.tif", "rsrp_after_viettel.tif"):
        _core.write_raster(str(out / name), [("rsrp", rsrp, float("nan"))], gt, wgs)
    _core.write_raster(str(out / "rsrp_after.server.tif"), [("server", (xx % 3).astype(np.int32), -1)], gt, wgs)
    for name in ("coverage_before.gpkg", "coverage_after.gpkg"):
        _core.write_polygons(str(out / name), "GPKG", (np.nan_to_num(rsrp, nan=-999) >= -100).astype(np.uint8), gt,
                             wgs, "coverage", "covered")


def check_styles(info: dict, village_attr: str, site_attr: str) -> None:
    lay = info["layers"]
    v, s = lay["phusong_villages"], lay["phusong_proposed_sites"]
    assert v["renderer"] == "categorizedSymbol" and v["attr"] == village_attr
    want = {layers.STATUS[k]: c.lower() for k, (c, _) in layers.KML_STYLE["villages"].items()}
    assert v["categories"] == want
    assert set(v["values"]) <= set(want), f"bản status without a category: {set(v['values']) - set(want)}"
    assert s["renderer"] == "categorizedSymbol" and s["attr"] == site_attr
    assert set(s["values"]) <= set(s["categories"]) and set(layers.KIND_VI.values()) <= set(s["categories"])
    assert s["categories"][layers.KIND_VI["upgrade"]] == layers.KML_STYLE["proposed_sites"]["upgrade"][0].lower()
    assert lay["phusong_towers"]["renderer"] == "singleSymbol"
    assert lay["phusong_districts"]["renderer"] == "singleSymbol"


def not_blank(info: dict, png: Path, need=()) -> None:
    total = sum(info["colours"].values())
    white = info["colours"].get("#ffffff", 0)
    assert png.is_file() and total - white > 0.002 * total, f"the rendered map {png} is (nearly) blank"
    for c in need:
        assert info["colours"].get(c.lower(), 0) > 3, f"no {c} in the rendered map {png}"


@needs_qgis
def test_project_loads_in_qgis(run, tmp_path):
    r, out, _ = run
    assert out / "project.qgz" in r.files
    for name in ("villages", "towers", "proposed_sites", "districts"):
        assert out / f"{name}.qml" in r.files
    with zipfile.ZipFile(out / "project.qgz") as z:
        assert z.namelist() == ["project.qgs"]
        text = z.read("project.qgs").decode("utf-8")
    assert str(out) not in text and "./villages.gpkg|layername=villages" in text  # relative paths
    # The folder moved elsewhere still opens (relative paths).
    moved = tmp_path / "moved"
    shutil.copytree(out, moved)
    info = load_in_qgis(moved / "project.qgz", tmp_path,
                        standalone=[(moved / f"{n}.gpkg", "ogr") for n in ("villages", "proposed_sites")])
    assert info["read"], info["error"]
    assert info["crs_valid"] and info["crs"] == "EPSG:4326"
    assert set(info["layers"]) == {"phusong_villages", "phusong_proposed_sites", "phusong_towers",
                                   "phusong_districts"}
    counts = {"phusong_villages": len(r.villages), "phusong_towers": len(r.towers),
              "phusong_proposed_sites": len(r.plan.chosen), "phusong_districts": 2}
    for lid, d in info["layers"].items():
        assert d["valid"] and d["crs_valid"], d
        assert d["source"].startswith(str(moved)), d["source"]
        assert d["features"] == counts[lid] > 0, (lid, d["features"])
    check_styles(info, "sau_quy_hoach", "loai_tram")
    # Added by hand, a layer gets its style from the QML beside it.
    sa = info["standalone"]
    assert sa[str(moved / "villages.gpkg")]["renderer"] == "categorizedSymbol"
    assert sa[str(moved / "villages.gpkg")]["categories"] == info["layers"]["phusong_villages"]["categories"]
    assert sa[str(moved / "proposed_sites.gpkg")]["attr"] == "loai_tram"
    x0, y0, x1, y1 = info["view_extent"]
    assert x0 < min(v.lon for v in r.villages) and x1 > max(v.lon for v in r.villages)
    assert y0 < min(v.lat for v in r.villages) and y1 > max(v.lat for v in r.villages)
    not_blank(info, tmp_path / "qgis_render.png", need=[layers.KML_STYLE["villages"]["covered_by_plan"][0],
                                                       layers.KML_STYLE["villages"]["covered"][0]])


@needs_qgis
def test_project_with_rasters_shapefiles_and_vn2000(tmp_path):
    """Shapefiles + GeoJSON in VN-2000 / TM-3 104 (the project uses the shapefiles; one QML serves
    both DBF and full field names), RSRP rasters pseudo-coloured, server raster grey and hidden,
    coverage polygons."""
    d = tmp_path / "run"
    d.mkdir()
    path = scenario(d)
    path.write_text(path.read_text(encoding="utf-8").replace("formats: [gpkg]", "formats: [shapefile, geojson]\n"
                                                                                "  crs: VN2000-TM3-104"),
                    encoding="utf-8")
    r = phusong.run_scenario(path)
    out = d / "out"
    add_coverage_files(out)
    files = qgis.write(out, r, r.files)
    names = sorted(p.name for p in files)
    assert names == sorted(["project.qgz", "villages.qml", "towers.qml", "proposed_sites.qml", "districts.qml",
                            "coverage_before.qml", "coverage_after.qml", "rsrp_before.qml", "rsrp_after.qml",
                            "rsrp_after_viettel.qml"])
    info = load_in_qgis(out / "project.qgz", tmp_path, standalone=[(out / "villages.shp", "ogr"),
                                                                   (out / "villages.geojson", "ogr"),
                                                                   (out / "rsrp_after.tif", "gdal")])
    assert info["read"], info["error"]
    assert info["crs_valid"] and "VN-2000" in info["crs_description"], info["crs_description"]
    lay = info["layers"]
    assert len(lay) == 4 + 2 + 4
    for lid, x in lay.items():
        assert x["valid"] and x["crs_valid"], x
        if x["kind"] == "vector":
            assert x["features"] > 0, lid
    assert lay["phusong_villages"]["source"].endswith("villages.shp")
    expr = "coalesce(attribute('{}'), attribute('{}'))"
    check_styles(info, expr.format("sau_quy_hoach", "sau_qh"), expr.format("loai_tram", "loai"))
    rasters = {k: x for k, x in lay.items() if x["kind"] == "raster"}
    assert {k: x["renderer"] for k, x in rasters.items()} == {
        "phusong_rsrp_before_tif": "singlebandpseudocolor", "phusong_rsrp_after_tif": "singlebandpseudocolor",
        "phusong_rsrp_after_viettel_tif": "singlebandpseudocolor", "phusong_rsrp_after_server_tif": "singlebandgray"}
    assert rasters["phusong_rsrp_after_tif"]["ramp"] == [[v, c.lower()] for v, c in qgis.RSRP_RAMP]
    assert lay["phusong_coverage_after"]["renderer"] == "singleSymbol"
    visible = {lid for lid, vis in info["tree"] if vis}
    assert "phusong_rsrp_after_tif" in visible and "phusong_rsrp_before_tif" not in visible
    assert "phusong_rsrp_after_server_tif" not in visible
    sa = info["standalone"]
    for f in ("villages.shp", "villages.geojson"):  # the same QML for both field namings
        x = sa[str(out / f)]
        assert x["renderer"] == "categorizedSymbol" and set(x["values"]) <= set(x["categories"]), x
        assert "None" not in x["values"] and "NULL" not in x["values"]
    assert sa[str(out / "rsrp_after.tif")]["renderer"] == "singlebandpseudocolor"
    not_blank(info, tmp_path / "qgis_render.png", need=[layers.KML_STYLE["villages"]["covered_by_plan"][0]])


def test_project_is_deterministic(run, tmp_path):
    r, out, d = run
    phusong.run_scenario(d / "s.yaml", out_dir=tmp_path / "again")
    for name in ("project.qgz", "villages.qml", "towers.qml", "proposed_sites.qml", "districts.qml"):
        assert (tmp_path / "again" / name).read_bytes() == (out / name).read_bytes(), name
