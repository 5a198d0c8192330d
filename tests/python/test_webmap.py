"""The interactive map (map.html) as a user opens it, in headless Chromium (Debian `chromium`):
the page is one self-contained file (Leaflet inlined, no network), its script runs without a
console error, it shows the Leaflet map with one SVG path per bản, tower, district polygon and
coverage polygon, one marker per proposed site, the layer control and the legend; its data
agrees with the layers; reruns write the same bytes. The screenshot is kept in the test's tmp dir
(map.png) as an artefact."""

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pyogrio
import pytest

import phusong
from conftest import GENERATED, base_scenario
from phusong.outputs import layers, webmap

CHROMIUM = next((shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium not installed (Debian package "
                                    "'chromium', installed by scripts/install.sh)")


def districts_json(path: Path) -> Path:
    """Two test districts (dvhcvn GIS JSON) covering the demo bản: 'Demo (generated)', the
    district of every demo bản, and an empty one, so the districts layer has polygons."""
    west = [[[105.0, 21.0], [105.25, 21.0], [105.25, 21.45], [105.0, 21.45], [105.0, 21.0]]]
    east = [[[105.25, 21.0], [105.5, 21.0], [105.5, 21.45], [105.25, 21.45], [105.25, 21.0]]]
    path.write_text(json.dumps({"level1_id": "99", "name": "Test", "level2s": [
        {"level2_id": "991", "name": "Demo (generated)", "coordinates": [west]},
        {"level2_id": "992", "name": "Huyện thử <b>&", "coordinates": [east]}]}, ensure_ascii=False), encoding="utf-8")
    return path


def scenario(d: Path, extra_outputs: str = "") -> Path:
    for f in GENERATED.glob("demo_n21e105_*.csv"):
        shutil.copy(f, d / f.name)
    districts_json(d / "districts.json")
    text = base_scenario().replace("  towers: demo_n21e105_towers.GENERATED.csv",
                                   "  towers: demo_n21e105_towers.GENERATED.csv\n  admin: districts.json")
    text = text.replace("  dir: out", "  dir: out\n  formats: [gpkg]\n  qgis: true\n  web_map: true" + extra_outputs)
    (d / "s.yaml").write_text(text, encoding="utf-8")
    return d / "s.yaml"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    d = tmp_path_factory.mktemp("webmap")
    r = phusong.run_scenario(scenario(d))
    return r, d / "out", d


class Dom(HTMLParser):
    """Counts the elements of a dumped DOM: tags, classes, attributes."""

    def __init__(self):
        super().__init__()
        self.tags, self.classes, self.attrs = {}, {}, []

    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        a = dict(attrs)
        for c in (a.get("class") or "").split():
            self.classes[c] = self.classes.get(c, 0) + 1
        self.attrs.append((tag, a))


def chromium(html: Path, out_dir: Path, *args) -> subprocess.CompletedProcess:
    return subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                           "--virtual-time-budget=5000", "--enable-logging=stderr", "--v=0",
                           f"--user-data-dir={out_dir / 'chromium-profile'}", *args, html.as_uri()],
                          capture_output=True, text=True, timeout=180)


def console_errors(stderr: str) -> list[str]:
    lines = [ln for ln in stderr.splitlines() if ":CONSOLE" in ln]
    return [ln for ln in lines if re.search(r"error|uncaught|exception|failed", ln, re.I)]


def page_data(html: Path) -> dict:
    m = re.search(r"window\.PHUSONG_DATA = (.*?);</script>", html.read_text(encoding="utf-8"), re.S)
    return json.loads(m.group(1))


def test_map_is_self_contained(run):
    r, out, _ = run
    page = out / "map.html"
    assert page in r.files
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and '<html lang="vi">' in text
    # Nothing loaded from elsewhere: no <script src>, no stylesheet links, images inlined.
    assert not re.search(r"<script[^>]+src=", text)
    assert not re.search(r"<link[^>]+stylesheet", text)
    assert "url(images/" not in text
    assert "L.version" in text or "Leaflet" in text
    # The only network address is the optional OSM base layer (off by default) and attribution links.
    hosts = set(re.findall(r"https?://([A-Za-z0-9.-]+)", text))
    assert hosts <= {"tile.openstreetmap.org", "leafletjs.com", "www.openstreetmap.org", "openstreetmap.org",
                     "www.w3.org", "github.com"}, hosts
    # Input text is escaped in the page's script (a district named '<b>&' cannot end the script).
    assert "Huyện thử <b>&" in json.dumps(page_data(page), ensure_ascii=False)
    assert "</b>" not in text.split("window.PHUSONG_DATA")[1].split(";</script>")[0]


def test_map_data_agrees_with_the_layers(run):
    r, out, _ = run
    data = page_data(out / "map.html")
    v = pyogrio.read_dataframe(out / "villages.gpkg")
    assert [b["id"] for b in data["ban"]] == list(v["ma_ban"])
    assert [data["trang_thai"][b["sau"]] for b in data["ban"]] == list(v["sau_quy_hoach"])
    assert [b["dan"] for b in data["ban"]] == list(v["dan_so"])
    rsrp = v["rsrp_tot_nhat_dbm"].to_numpy(dtype=float)
    got = np.array([np.nan if b["rsrp"] is None else b["rsrp"] for b in data["ban"]], float)
    np.testing.assert_allclose(got, rsrp, atol=0.006)
    s = pyogrio.read_dataframe(out / "proposed_sites.gpkg")
    assert [p["id"] for p in data["de_xuat"]] == list(s["ma_tram"])
    assert [data["loai_tram"][p["loai"]] for p in data["de_xuat"]] == list(s["loai_tram"])
    assert [p["tong"] for p in data["de_xuat"]] == [round(x) for x in s["tong_chi_phi"]]
    assert len(data["tram"]) == len(r.towers) and len(data["huyen"]) == 2
    assert set(data["mau"]) == set(layers.STATUS) and data["mau"]["white"] == layers.KML_STYLE["villages"]["white"][0]


def test_map_is_deterministic(run, tmp_path):
    r, out, d = run
    again = phusong.run_scenario(d / "s.yaml", out_dir=tmp_path / "again")
    assert (tmp_path / "again" / "map.html").read_bytes() == (out / "map.html").read_bytes()
    del again


@needs_chromium
def test_map_loads_in_headless_chromium(run, tmp_path):
    r, out, _ = run
    page = out / "map.html"
    res = chromium(page, tmp_path, "--dump-dom")
    assert res.returncode == 0, res.stderr[-2000:]
    assert not console_errors(res.stderr), console_errors(res.stderr)
    dom = Dom()
    dom.feed(res.stdout)
    assert any(a.get("data-phusong-ready") == "1" for _, a in dom.attrs), "the page's script did not finish"
    assert dom.classes.get("leaflet-container", 0) == 1
    assert dom.classes.get("leaflet-control-layers", 0) == 1
    assert dom.classes.get("ps-legend", 0) == 1
    data = page_data(page)
    n_poly = sum(len(d["poly"]) for d in data["huyen"]) + sum(len(c["poly"]) for c in data["vung_phu"])
    assert dom.tags.get("path", 0) == len(r.villages) + len(r.towers) + n_poly
    assert dom.classes.get("leaflet-marker-icon", 0) == len(r.plan.chosen) > 0
    # One checkbox per overlay: districts, towers, bản, proposed sites (+ coverage when present).
    boxes = [a for t, a in dom.attrs if t == "input" and a.get("type") == "checkbox"]
    assert len(boxes) == 4 + len(data["vung_phu"])
    text = res.stdout
    for label in ("Chú giải", "Ranh giới huyện", "Trạm đề xuất", "Bản – trạng thái sau quy hoạch", "bản trắng"):
        assert label in text

    shot = tmp_path / "map.png"
    res = chromium(page, tmp_path, f"--screenshot={shot}", "--window-size=1280,900", "--hide-scrollbars")
    assert res.returncode == 0 and shot.is_file(), res.stderr[-2000:]
    assert not console_errors(res.stderr), console_errors(res.stderr)
    import matplotlib.image as mpimg

    img = mpimg.imread(shot)[..., :3]
    white_bg = np.all(img > 0.93, axis=-1)
    assert (~white_bg).mean() > 0.02, "the screenshot is (nearly) blank"
    # The covered / newly covered colours of the bản are on screen.
    for hexc in (layers.KML_STYLE["villages"]["covered_by_plan"][0],):
        rgb = np.array([int(hexc[i:i + 2], 16) for i in (1, 3, 5)]) / 255
        assert (np.abs(img - rgb).max(axis=-1) < 0.03).sum() > 20, f"no {hexc} pixels in {shot}"


@needs_chromium
def test_map_with_coverage_polygons(run, tmp_path):
    """Coverage polygons found in the output folder (coverage_*.gpkg) are drawn and toggled."""
    from phusong import _core

    r, out, _ = run
    work = tmp_path / "o"
    shutil.copytree(out, work)
    gt = [105.1, 0.01, 0.0, 21.4, 0.0, -0.01]
    yy, xx = np.mgrid[0:30, 0:30]
    mask = (((xx - 10) ** 2 + (yy - 12) ** 2) < 40) | (((xx - 22) ** 2 + (yy - 20) ** 2) < 20)
    _core.write_polygons(str(work / "coverage_after.gpkg"), "GPKG", mask.astype(np.uint8), gt,
                         _core.crs_wkt("WGS84"), "coverage", "covered")
    webmap.write(work, r)
    data = page_data(work / "map.html")
    assert len(data["vung_phu"]) == 1 and data["vung_phu"][0]["nhan"] == "Vùng phủ sóng sau quy hoạch"
    assert len(data["vung_phu"][0]["poly"]) == 2
    res = chromium(work / "map.html", tmp_path, "--dump-dom")
    assert not console_errors(res.stderr), console_errors(res.stderr)
    dom = Dom()
    dom.feed(res.stdout)
    n_poly = sum(len(d["poly"]) for d in data["huyen"]) + 2
    assert dom.tags.get("path", 0) == len(r.villages) + len(r.towers) + n_poly
    assert "Vùng phủ sóng sau quy hoạch" in res.stdout


def test_missing_leaflet_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("PHUSONG_LEAFLET_DIR", str(tmp_path))
    with pytest.raises(phusong.InputError, match="libjs-leaflet"):
        webmap.leaflet_dir()
