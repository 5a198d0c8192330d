"""Antennas and receiver clutter through the whole chain: towers files with antenna columns, a
land-cover raster in the scenario."""

import csv

import numpy as np
import pytest

import phusong
from conftest import base_scenario


def test_tower_antenna_columns_and_clutter_raster(scenario_dir):
    d, write = scenario_dir
    src = d / "demo_n21e105_towers.GENERATED.csv"
    rows = list(csv.DictReader(open(src, encoding="utf-8")))
    with open(d / "t.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()) + ["antenna", "azimuth_deg", "downtilt_deg"])
        w.writeheader()
        for r in rows:
            w.writerow({**r, "antenna": "3gpp", "azimuth_deg": "0", "downtilt_deg": "2"})
    omni = phusong.run_scenario(write(base_scenario()), out_dir=d / "o1")
    sector = phusong.run_scenario(write(base_scenario(towers="t.csv"), "s2.yaml"), out_dir=d / "o2")
    att = sector.coverage["links"]["antenna_attenuation_db"]
    assert att.min() >= 0 and att.max() > 10  # villages behind the sectors lose up to Am = 30 dB
    np.testing.assert_allclose(omni.coverage["links"]["rsrp_dbm"] - att, sector.coverage["links"]["rsrp_dbm"])
    assert sector.summary["white_villages"] >= omni.summary["white_villages"]

    # Tree cover (ESA WorldCover class 10, R = 10 m) everywhere: every village loses its P.2108 loss.
    h = np.full((600, 600), 10, dtype=np.uint8)
    phusong.write_raster(str(d / "landcover.tif"), [("class", h, 0)], [105.0, 0.001, 0, 21.6, 0, -0.001], "WGS84")
    text = base_scenario().replace("  towers: demo_n21e105_towers.GENERATED.csv",
                                   "  towers: demo_n21e105_towers.GENERATED.csv\n  clutter: landcover.tif")
    cl = phusong.run_scenario(write(text, "s3.yaml"), out_dir=d / "o3")
    loss = cl.coverage["links"]["clutter_loss_db"]
    assert np.all(loss > 5)
    assert cl.summary["white_villages"] >= omni.summary["white_villages"]


def test_bad_antenna_and_unknown_class(scenario_dir):
    d, write = scenario_dir
    (d / "t.csv").write_text("id,operator,technologies,height_m,freq_mhz,eirp_dbm,antenna,azimuth_deg,lon,lat\n"
                             "T1,Viettel,4G,30,1800,60,nowhere.msi,10,105.2,21.2\n", encoding="utf-8")
    with pytest.raises(phusong.InputError, match="row 1: field 'antenna': pattern file .*nowhere.msi' not found"):
        phusong.run_scenario(write(base_scenario(towers="t.csv")))
    (d / "t.csv").write_text("id,operator,technologies,height_m,freq_mhz,eirp_dbm,antenna,azimuth_deg,lon,lat\n"
                             "T1,Viettel,4G,30,1800,60,3gpp,400,105.2,21.2\n", encoding="utf-8")
    with pytest.raises(phusong.InputError, match="field 'azimuth_deg' must be in \\[0, 360\\), got 400"):
        phusong.run_scenario(write(base_scenario(towers="t.csv"), "b.yaml"))
    h = np.full((600, 600), 77, dtype=np.uint8)
    phusong.write_raster(str(d / "lc.tif"), [("class", h, 0)], [105.0, 0.001, 0, 21.6, 0, -0.001], "WGS84")
    text = base_scenario().replace("  towers: demo_n21e105_towers.GENERATED.csv",
                                   "  towers: demo_n21e105_towers.GENERATED.csv\n  clutter: lc.tif")
    with pytest.raises(phusong.InputError, match="class 77 .* not in the clutter class table"):
        phusong.run_scenario(write(text, "c.yaml"))
