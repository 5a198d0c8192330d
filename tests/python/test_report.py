"""The ministry report (issue 15, defect 7): Vietnamese by default (English as an option), every
proposed site with 5-decimal WGS84 and VN-2000 X/Y coordinates, CAPEX and OPEX apart with their
horizon and discount rate, input checksums, a readable parameter table, one number format, HTML
and PDF, maps at print resolution."""

import hashlib
import html as _html
import re
import shutil
import struct
import subprocess
import sys
import zlib

import numpy as np
import pytest

import phusong
from conftest import base_scenario
from phusong.outputs import report_render
from phusong.outputs.layers import REASON_VI
from phusong.scenario import input_files

# A candidate file with two sites: most white bản stay out of reach (both reasons), so the
# report lists unreachable bản with their shortfall; upgrades come from the demo's 2G/3G towers.
CANDIDATES = """id,operator,technologies,height_m,freq_mhz,eirp_dbm,lon,lat
K1,Viettel,4G,30,1800,55,105.13583,21.30333
K2,VNPT,4G,30,1800,55,105.39667,21.09333
"""
EPOCH = "1767225600"  # 2026-01-01


def _scenario(write, d, language="vi", pdf=True):
    (d / "cands.csv").write_text(CANDIDATES, encoding="utf-8")
    text = base_scenario().replace("  grid_spacing_km: 3", "  candidates: [upgrade, colocation, cands.csv]")
    text = text.replace("  dir: out", f"  dir: out\n  report: true\n  report_pdf: {str(pdf).lower()}\n"
                                      f"  language: {language}")
    return write(text, f"s_{language}.yaml")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The demo scenario run once in Vietnamese (HTML + PDF) and once in English (HTML)."""
    import os

    from conftest import GENERATED

    d = tmp_path_factory.mktemp("report")
    for f in GENERATED.glob("demo_n21e105_*.csv"):
        shutil.copy(f, d / f.name)

    def write(text, name):
        p = d / name
        p.write_text(text, encoding="utf-8")
        return p

    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        vi = phusong.run_scenario(_scenario(write, d, "vi", True), out_dir=d / "vi")
        en = phusong.run_scenario(_scenario(write, d, "en", False), out_dir=d / "en")
    finally:
        if saved is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved
    return {"vi": (vi, d / "vi"), "en": (en, d / "en")}


def _text(page: str) -> str:
    """The visible text of an HTML page (tags and embedded images removed)."""
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    page = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", " ", page)
    return _html.unescape(re.sub(r"<[^>]+>", " ", page))


def _vi(x: float, decimals: int) -> str:
    return f"{x:,.{decimals}f}".replace(",", "\0").replace(".", ",").replace("\0", ".")


# A Vietnamese text takes "." for thousands and "," for decimals: "66,784.00" (the old report's
# format), English thousands or English decimal points are errors there; and the reverse in English.
MIXED = re.compile(r"\d,\d{3}\.\d")
EN_IN_VI = re.compile(r"\d,\d{3}(?![\d])|\d\.\d{1,2}(?!\d)|\d\.\d{4,}")
VI_IN_EN = re.compile(r"\d\.\d{3}(?![\d])|\d,\d{1,2}(?!\d)|\d,\d{4,}")


def test_number_format_regexes_catch_mixed_formats():
    old = "cost 66,784.00 beside 163,881 people"  # the report before (issue 15, defect 7)
    assert MIXED.search(old) and EN_IN_VI.search(old)
    assert not EN_IN_VI.search("66.784,00 bên cạnh 163.881 người; 21,30333; 2.356.957,12; 30,47 %")
    assert not VI_IN_EN.search("66,784.00 beside 163,881 people; 21.30333; 2,356,957.12; 30.47 %")


def test_report_is_vietnamese(runs):
    r, out = runs["vi"]
    page = (out / "report.html").read_text(encoding="utf-8")
    assert '<html lang="vi">' in page
    text = _text(page)
    for words in ("Báo cáo quy hoạch phủ sóng", "Tóm tắt", "Các chỉ tiêu so với mục tiêu", "Kết quả theo huyện",
                  "Kết quả theo xã", "Danh sách trạm đề xuất", "Nguồn dữ liệu", "Tham số tính toán",
                  "ngày 1 tháng 1 năm 2026", f"phusong {phusong.__version__}", "nâng cấp 4G", "sẵn có",
                  "trạm ứng viên (từ tệp)"):
        assert words in text, words
    for english in ("Summary", "Proposed sites", "Data sources", "Parameters", "people covered", "Targets of"):
        assert english not in text, english
    # Targets: the demo sets none, so the target column is empty and says why.
    assert "Kịch bản không đặt mục tiêu" in text
    md = (out / "report.md").read_text(encoding="utf-8")
    assert md.startswith("# Báo cáo quy hoạch phủ sóng")


def test_english_option(runs):
    r, out = runs["en"]
    page = (out / "report.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in page
    text = _text(page).replace(phusong.__version__, "")
    assert "Proposed sites" in text and "Data sources" in text and "Tóm tắt" not in text
    assert not re.search(r"\d\.\d{3},\d", text) and not VI_IN_EN.search(text), VI_IN_EN.search(text)
    assert not (out / "report.pdf").exists()


def test_one_number_format(runs):
    r, out = runs["vi"]
    for name in ("report.html", "report.md"):
        text = (out / name).read_text(encoding="utf-8")
        text = _text(text) if name.endswith(".html") else text
        text = text.replace(phusong.__version__, "")
        assert not MIXED.search(text), MIXED.search(text)
        m = EN_IN_VI.search(text)
        assert m is None, text[max(0, m.start() - 60):m.end() + 60]
    # Counts are integers: the number of bản and people in the summary.
    s = r.summary
    text = _text((out / "report.html").read_text(encoding="utf-8"))
    assert f"{_vi(s['villages'], 0)} bản, {_vi(s['population'], 0)} người" in text


def test_every_site_listed_with_wgs84_and_vn2000(runs):
    r, out = runs["vi"]
    text = _text((out / "report.html").read_text(encoding="utf-8"))
    chosen = [r.candidates[j] for j in r.plan.chosen]
    assert len(chosen) >= 5
    lon = np.array([c.lon for c in chosen])
    lat = np.array([c.lat for c in chosen])
    east, north = phusong.transform(lon, lat, "WGS84", "VN2000-TM3-104")
    for k, c in enumerate(chosen):  # rank, id, kind, operator, lon, lat, X (north), Y (east)
        pattern = r"\s+".join([str(k + 1), re.escape(c.id), r".+?", re.escape(c.operator)]
                              + [re.escape(_vi(v, d)) for v, d in ((c.lon, 5), (c.lat, 5), (north[k], 2), (east[k], 2))])
        assert re.search(pattern, text), (k, c.id)
    # The engine's VN-2000 against PROJ's command-line tools (EPSG:9206, VN-2000 / TM-3 104-00).
    tool = shutil.which("gdaltransform") or shutil.which("cs2cs")
    if tool is None:
        pytest.skip("neither gdaltransform nor cs2cs")
    if tool.endswith("gdaltransform"):
        res = subprocess.run([tool, "-s_srs", "EPSG:4326", "-t_srs", "EPSG:9206"], input=f"{lon[0]} {lat[0]}\n",
                             capture_output=True, text=True, check=True)
        x, y = map(float, res.stdout.split()[:2])
    else:
        res = subprocess.run([tool, "-f", "%.4f", "EPSG:4326", "EPSG:9206"], input=f"{lat[0]} {lon[0]}\n",
                             capture_output=True, text=True, check=True)
        x, y = map(float, res.stdout.split()[:2])
    assert abs(x - east[0]) < 0.02 and abs(y - north[0]) < 0.02


def test_capex_and_opex_apart_with_horizon_and_rate(runs):
    r, out = runs["vi"]
    text = _text((out / "report.html").read_text(encoding="utf-8"))
    costs = r.plan.cost_breakdown
    cc = r.scenario.planning.costs
    assert f"trong {cc.horizon_years} năm" in text and f"lãi suất chiết khấu {round(100 * cc.discount_rate)} %" in text
    capex = sum(b.capex + b.backhaul + b.power for b in costs)
    opex = sum(b.opex_pv for b in costs)
    assert re.search(r"Tổng CAPEX \(đầu tư ban đầu\)\s+" + re.escape(_vi(capex / 1e6, 1)), text)
    assert re.search(r"OPEX 10 năm, quy về hiện tại\s+" + re.escape(_vi(opex / 1e6, 1)), text)
    # The whole-life cost says what it adds up.
    assert re.search(r"Tổng chi phí vòng đời = tổng CAPEX \+ OPEX quy về hiện tại\s+"
                     + re.escape(_vi(sum(b.total for b in costs) / 1e6, 1)), text)
    assert "Chi phí theo nhà mạng" in text
    for op in {r.candidates[j].operator for j in r.plan.chosen}:
        assert op in text


def test_unreachable_bản_with_reason_and_shortfall(runs):
    r, out = runs["vi"]
    text = _text((out / "report.html").read_text(encoding="utf-8"))
    plan = r.plan
    assert plan.uncoverable
    thr = r.scenario.radio.threshold_dbm
    for i, why in plan.uncoverable.items():
        v = r.villages[i]
        best = plan.uncoverable_best_rsrp_dbm.get(i)
        pattern = r"\s+".join([re.escape(v.id), re.escape(v.name), re.escape(v.commune), re.escape(v.district)])
        m = re.search(pattern + r"\s+" + re.escape(REASON_VI[why]) + r"\s+(\S+)\s+(\S+)\s", text)
        assert m, v.id
        if best is None:
            assert m.group(1) == "–" and m.group(2) == "–"
        else:
            assert m.group(1) == _vi(best, 1) and m.group(2) == _vi(thr - best, 1)


def test_checksums_of_every_input(runs):
    r, out = runs["vi"]
    text = _text((out / "report.html").read_text(encoding="utf-8"))
    files = input_files(r.scenario)
    assert len(files) >= 5  # scenario, DEM, villages, towers, candidates
    for f in files:
        digest = hashlib.sha256(open(f, "rb").read()).hexdigest()
        assert digest in text, f
    assert text.count("dữ liệu do phusong tạo (GENERATED)") == 2  # the demo's villages and towers
    assert "dữ liệu công khai" in text  # the SRTM tile, from the registry


def test_parameters_as_a_table_without_threads(runs):
    r, out = runs["vi"]
    page = (out / "report.html").read_text(encoding="utf-8")
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "threads" not in page and "threads" not in md
    assert "```" not in md and '"radio": {' not in md
    text = _text(page)
    assert re.search(r"radio\.threshold_dbm\s+-110\s+ngưỡng RSRP", text)
    assert re.search(r"planning\.costs\.discount_rate\s+8 %\s+lãi suất chiết khấu", text)


def _png_dpi(data: bytes) -> tuple[int, int, float]:
    """(width, height, dots per inch) of a PNG, from its IHDR and pHYs chunks."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, w, h, dpi = 8, 0, 0, 0.0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        assert zlib.crc32(kind + body) == struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])[0]
        if kind == b"IHDR":
            w, h = struct.unpack(">II", body[:8])
        elif kind == b"pHYs":
            px, _, unit = struct.unpack(">IIB", body)
            dpi = px * 0.0254 if unit == 1 else 0.0
        elif kind == b"IEND":
            break
        pos += 12 + n
    return w, h, dpi


def test_maps_at_print_resolution(runs):
    import base64

    r, out = runs["vi"]
    for name in ("map_before.png", "map_after.png", "plan_curve.png"):
        w, h, dpi = _png_dpi((out / name).read_bytes())
        assert dpi >= 200 and w >= 1600, (name, w, dpi)
    page = (out / "report.html").read_text(encoding="utf-8")
    embedded = re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", page)
    assert len(embedded) == 3
    assert all(_png_dpi(base64.b64decode(e))[2] >= 200 for e in embedded)


def test_pdf_opens_with_the_vietnamese_title(runs):
    r, out = runs["vi"]
    pdf = out / "report.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    try:
        from pypdf import PdfReader
    except ImportError:
        PdfReader = None
    if PdfReader is not None:
        reader = PdfReader(pdf)
        text = "\n".join(p.extract_text() for p in reader.pages)
        assert len(reader.pages) >= 3
        assert reader.metadata.title.startswith("Báo cáo quy hoạch phủ sóng")
    elif shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
    else:
        pytest.skip("neither pypdf nor pdftotext")
    flat = " ".join(text.split()).casefold()
    assert "báo cáo quy hoạch phủ sóng" in flat
    assert "danh sách trạm đề xuất" in flat
    if shutil.which("pdfimages"):  # the maps keep their print resolution in the PDF
        listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
        ppi = [int(line.split()[12]) for line in listing.splitlines()[2:] if line.split()[2] == "image"]
        assert len(ppi) == 3 and min(ppi) >= 200, listing


def test_pdf_is_byte_identical_across_renders(tmp_path):
    pytest.importorskip("weasyprint")
    from phusong.outputs.layers import run_date

    page = report_render.html_page([("h", 1, "Báo cáo"), ("p", "1.248.415 người")], "vi", "Báo cáo", {})
    a = report_render.pdf(page, tmp_path / "a.pdf", run_date())
    b = report_render.pdf(page, tmp_path / "b.pdf", run_date())
    assert a.read_bytes() == b.read_bytes()


def test_missing_weasyprint_names_the_extra(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import weasyprint -> ImportError
    from phusong.outputs.layers import run_date

    with pytest.raises(phusong.InputError, match=r"pip install phusong\[report\]"):
        report_render.pdf("<html></html>", tmp_path / "r.pdf", run_date())


def test_number_formats():
    from phusong.outputs.report_text import num

    assert num(1248415, 0, "vi") == "1.248.415" and num(1248415, 0, "en") == "1,248,415"
    assert num(66784.0, 2, "vi") == "66.784,00" and num(66784.0, 2, "en") == "66,784.00"
    assert num(-110, 0, "vi") == "-110" and num(-0.04, 1, "vi") == "0,0"
    assert num(float("nan"), 1, "vi") == "–" and num(None) == "–"
