"""Every parameter of every model changes the result, in the expected direction: rasters
(phusong.site_raster, and `phusong coverage`), links (phusong.link, and `phusong link`) and village
coverage (phusong.evaluate_villages). A parameter that is accepted and ignored fails here.

Each row: model, parameter, two values (low, high), and what going from low to high does to the
loss (or to the visible cells for los): "up", "down", "differs" or "same" (threads; ITM location). On the real
SRTM tile N21E105, small radii, coarse rays: a few seconds."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

import phusong
from conftest import TILE
from phusong import _core
from phusong.cli import main
from phusong.inputs.profiles import profile_from_dem

LON, LAT = 105.5, 21.5  # hills north-west of Hà Nội
FAST = dict(radius_km=3.0, ray_spacing_m=90.0, threads=2)


def _site(freq_mhz=900.0, height_m=30.0):
    s = _core.Site()
    s.id, s.lon, s.lat, s.height_m = "S", LON, LAT, height_m
    s.freq_mhz, s.eirp_dbm, s.bandwidth_mhz = freq_mhz, 60.0, 10.0
    return s


def _compare(a: np.ndarray, b: np.ndarray, expect: str, what: str, min_values: int = 100) -> None:
    """a: the result at the low value, b: at the high value (same shape)."""
    assert a.shape == b.shape, what
    ok = ~np.isnan(a) & ~np.isnan(b)
    assert ok.sum() >= min_values, what
    d = b[ok].astype(float) - a[ok].astype(float)
    if expect == "same":
        assert np.array_equal(a[ok], b[ok]), what
    elif expect == "differs":
        assert np.abs(d).max() > 0, f"{what}: no cell changed"  # (P.1812 N0 acts only through troposcatter: tiny here)
    elif expect == "up":
        assert d.mean() > 1e-3, f"{what}: mean change {d.mean()}"
    elif expect == "down":
        assert d.mean() < -1e-3, f"{what}: mean change {d.mean()}"
    else:
        raise AssertionError(expect)


# model, parameter, low, high, effect on the loss (los: on visibility) from low to high
RASTER_TABLE = [
    ("p526", "rx_height_m", 1.5, 10.0, "down"),
    ("p526", "k_factor", 1.0, 4.0, "down"),
    ("p526", "pol", "horizontal", "vertical", "differs"),
    ("p526", "ray_spacing_m", 90.0, 180.0, "differs"),
    ("p526", "ray_gap_m", 0.0, 400.0, "differs"),
    ("p526", "threads", 1, 2, "same"),
    ("p1812", "time_pct", 10.0, 50.0, "up"),  # P.1812: less loss exceeded for a smaller time percentage
    ("p1812", "location_pct", 10.0, 90.0, "up"),
    ("p1812", "rx_height_m", 1.5, 10.0, "down"),
    ("p1812", "pol", "horizontal", "vertical", "differs"),
    ("p1812", "delta_n", 30.0, 60.0, "differs"),
    ("p1812", "n0", 300.0, 360.0, "differs"),
    ("itm", "time_pct", 10.0, 90.0, "up"),
    # ITM runs in NTIA's mode of variability 12 (mobile, location variability removed:
    # radio::ItmParams::mdvar), so its location percentage has no effect, by design, everywhere.
    ("itm", "location_pct", 10.0, 90.0, "same"),
    ("itm", "situation_pct", 10.0, 90.0, "up"),
    ("itm", "rx_height_m", 1.5, 10.0, "down"),
    ("itm", "pol", "horizontal", "vertical", "differs"),
    ("itm", "eps_r", 5.0, 80.0, "differs"),
    ("itm", "sigma_s_per_m", 0.001, 5.0, "differs"),
    ("itm", "itm_n0", 250.0, 400.0, "differs"),
    ("itm", "climate", 1, 5, "differs"),
    ("itm", "threads", 1, 2, "same"),
    ("los", "rx_height_m", 1.5, 30.0, "up"),  # more cells visible
    ("los", "curvature_coeff", 0.0, 30.0, "differs"),
]


def _raster(dem, model, **kw):
    p = {**FAST, "model": model, **kw}
    return phusong.site_raster(dem, _site(), **p).values


@pytest.mark.parametrize("model,param,low,high,expect", RASTER_TABLE,
                         ids=[f"{r[0]}-{r[1]}" for r in RASTER_TABLE])
def test_raster_parameter_changes_the_result(dem, model, param, low, high, expect):
    a, b = _raster(dem, model, **{param: low}), _raster(dem, model, **{param: high})
    _compare(a, b, expect, f"site_raster {model} {param}")


def test_raster_radius_changes_the_extent(dem):
    small, large = _raster(dem, "p526", radius_km=2.0), _raster(dem, "p526", radius_km=3.0)
    assert large.shape[0] > small.shape[0] and large.shape[1] > small.shape[1]
    assert np.isfinite(large).sum() > np.isfinite(small).sum()


def test_itm_anchors_change_the_result(dem):
    # (6 km: at 3 km with 90 m samples every needed sample is exact)
    exact = _raster(dem, "itm", radius_km=6.0)
    _compare(exact, _raster(dem, "itm", radius_km=6.0, itm_dh_anchor_spacing=16), "differs",
             "site_raster itm itm_dh_anchor_spacing")
    a = _raster(dem, "itm", radius_km=6.0, itm_dh_anchor_spacing=16, itm_dh_rel_tolerance=0.0)
    b = _raster(dem, "itm", radius_km=6.0, itm_dh_anchor_spacing=16, itm_dh_rel_tolerance=10.0)
    _compare(a, b, "differs", "site_raster itm itm_dh_rel_tolerance")
    _compare(exact, a, "same", "tolerance 0: every needed sample exact")


def test_raster_params_instance_equals_keywords(dem):
    p = phusong.RasterParams(model="p1812", time_pct=10.0, **FAST)
    a = phusong.site_raster(dem, _site(), params=p).values
    b = _raster(dem, "p1812", time_pct=10.0)
    assert np.array_equal(a, b, equal_nan=True)
    # keywords override the instance's fields
    c = phusong.site_raster(dem, _site(), params=p, time_pct=50.0).values
    assert np.array_equal(c, _raster(dem, "p1812", time_pct=50.0), equal_nan=True)


def test_former_itm_keywords_still_work(dem):
    a = _raster(dem, "itm", itm_eps_r=5.0, itm_pol=0, itm_time_pct=10.0, itm_climate=1)
    b = _raster(dem, "itm", eps_r=5.0, pol="horizontal", time_pct=10.0, climate=1)
    assert np.array_equal(a, b, equal_nan=True)


def test_best_server_takes_the_raster_parameters(dem):
    sites = [_site(), _site()]
    sites[1].lon += 0.01
    a = phusong.best_server(dem, sites, model="p1812", time_pct=10.0, **FAST).best_rsrp_dbm
    b = phusong.best_server(dem, sites, model="p1812", time_pct=50.0, **FAST).best_rsrp_dbm
    _compare(a, b, "down", "best_server p1812 time_pct (RSRP)")
    few = phusong.best_server(dem, sites, threshold_dbm=-60.0, **FAST).n_servers
    many = phusong.best_server(dem, sites, threshold_dbm=-120.0, **FAST).n_servers
    assert many.sum() > few.sum()


# --- the same through `phusong coverage` ----------------------------------------------------

CLI_RASTER_TABLE = [
    ("p1812", "--time-pct", 10, 50, "up"),
    ("p1812", "--location-pct", 10, 90, "up"),
    ("p1812", "--pol", "horizontal", "vertical", "differs"),
    ("p1812", "--delta-n", 30, 60, "differs"),
    ("p1812", "--n0", 300, 360, "differs"),
    ("p526", "--rx-height-m", 1.5, 10, "down"),
    ("p526", "--k-factor", 1.0, 4.0, "down"),
    ("p526", "--pol", "horizontal", "vertical", "differs"),
    ("p526", "--ray-gap-m", 0, 400, "differs"),
    ("itm", "--time-pct", 10, 90, "up"),
    ("itm", "--location-pct", 10, 90, "same"),  # mode of variability 12, see above
    ("itm", "--situation-pct", 10, 90, "up"),
    ("itm", "--pol", "horizontal", "vertical", "differs"),
    ("itm", "--eps-r", 5, 80, "differs"),
    ("itm", "--sigma-s-per-m", 0.001, 5, "differs"),
    ("itm", "--itm-n0", 250, 400, "differs"),
    ("itm", "--climate", 1, 5, "differs"),
    ("los", "--rx-height-m", 1.5, 30, "up"),
    ("los", "--curvature-coeff", 0, 30, "differs"),
]


def _cli_raster(tmp_path, model, *opts) -> np.ndarray:
    out = tmp_path / f"r{len(list(tmp_path.iterdir()))}.tif"
    quantity = "visible" if model == "los" else "path-loss"
    r = CliRunner().invoke(main, ["coverage", "--dem", str(TILE), "--site", f"{LON},{LAT},30", "--freq-mhz", "900",
                                  "--radius-km", "3", "--ray-spacing-m", "90", "--threads", "2", "--model", model,
                                  "--quantity", quantity, "--out", str(out), "--quiet", *map(str, opts)])
    assert r.exit_code == 0, r.output
    v = _core.Dem.open([str(out)]).heights_m.astype(float)
    return np.where(v == 255, np.nan, v) if model == "los" else v


@pytest.mark.parametrize("model,option,low,high,expect", CLI_RASTER_TABLE,
                         ids=[f"{r[0]}{r[1]}" for r in CLI_RASTER_TABLE])
def test_coverage_option_changes_the_raster(tmp_path, model, option, low, high, expect):
    a, b = _cli_raster(tmp_path, model, option, low), _cli_raster(tmp_path, model, option, high)
    _compare(a, b, expect, f"phusong coverage --model {model} {option}")


def test_coverage_itm_anchor_options_change_the_raster(tmp_path):
    exact = _cli_raster(tmp_path, "itm", "--radius-km", 6)
    a = _cli_raster(tmp_path, "itm", "--radius-km", 6, "--itm-dh-anchor-spacing", 16, "--itm-dh-tolerance", 0)
    b = _cli_raster(tmp_path, "itm", "--radius-km", 6, "--itm-dh-anchor-spacing", 16, "--itm-dh-tolerance", 10)
    _compare(exact, b, "differs", "phusong coverage --itm-dh-anchor-spacing")
    _compare(a, b, "differs", "phusong coverage --itm-dh-tolerance")


def test_coverage_p1812_time_pct_matches_the_api(tmp_path, dem):
    cli = _cli_raster(tmp_path, "p1812", "--time-pct", 10)
    api = _raster(dem, "p1812", time_pct=10.0)
    ok = ~np.isnan(api)
    assert np.allclose(cli[ok], api[ok], atol=1e-3)


# --- links: phusong.link and `phusong link` --------------------------------------------------

FROM, TO = (LON, LAT), (LON + 0.1, LAT - 0.1)  # about 15 km over the hills


@pytest.fixture(scope="module")
def profile():
    return profile_from_dem([str(TILE)], *FROM, *TO, 90.0)


# model, keyword, low, high, effect on loss_db from low to high
LINK_TABLE = [
    ("fspl", "freq_mhz", 900.0, 1800.0, "up"),
    ("p526", "rx_height_m", 1.5, 10.0, "down"),
    ("p526", "k", 1.0, 4.0, "down"),
    ("p526", "freq_mhz", 900.0, 1800.0, "up"),
    ("p526", "vertical", False, True, "differs"),
    ("p1812", "time_pct", 10.0, 50.0, "up"),
    ("p1812", "location_pct", 10.0, 90.0, "up"),
    ("p1812", "rx_height_m", 1.5, 10.0, "down"),
    ("p1812", "vertical", False, True, "differs"),
    ("p1812", "delta_n", 30.0, 60.0, "differs"),
    ("p1812", "n0", 300.0, 360.0, "differs"),
    ("itm", "time_pct", 10.0, 90.0, "up"),
    ("itm", "location_pct", 10.0, 90.0, "same"),  # mode of variability 12, see above
    ("itm", "situation_pct", 10.0, 90.0, "up"),
    ("itm", "rx_height_m", 1.5, 10.0, "down"),
    ("itm", "vertical", False, True, "differs"),
    ("itm", "eps_r", 5.0, 80.0, "differs"),
    ("itm", "sigma_s_per_m", 0.001, 5.0, "differs"),
    ("itm", "itm_n0", 250.0, 400.0, "differs"),
    ("itm", "climate", 1, 5, "differs"),
    ("hata", "rx_height_m", 1.5, 10.0, "down"),
    ("hata", "environment", "open_rural", "urban_large_city", "up"),
]


def _link(profile, model, **kw):
    args = dict(freq_mhz=900.0, tx_height_m=30.0, rx_height_m=1.5, lat_deg=profile["lat_deg"])
    args.update(kw)
    return phusong.link(profile["d_km"], profile["h_m"], model, args.pop("freq_mhz"), args.pop("tx_height_m"),
                        args.pop("rx_height_m"), **args)["loss_db"]


def _direction(a: float, b: float, expect: str, what: str) -> None:
    if expect == "same":
        assert b == a, f"{what}: {a} -> {b}"
    elif expect == "up":
        assert b > a + 1e-6, f"{what}: {a} -> {b}"
    elif expect == "down":
        assert b < a - 1e-6, f"{what}: {a} -> {b}"
    else:
        assert b != a, f"{what}: {a} -> {b}"


@pytest.mark.parametrize("model,param,low,high,expect", LINK_TABLE, ids=[f"{r[0]}-{r[1]}" for r in LINK_TABLE])
def test_link_parameter_changes_the_loss(profile, model, param, low, high, expect):
    _direction(_link(profile, model, **{param: low}), _link(profile, model, **{param: high}), expect,
               f"link {model} {param}")


def test_link_p1812_latitude_changes_beta0(profile):
    a = phusong.link(profile["d_km"], profile["h_m"], "p1812", 900.0, 30.0, 1.5, time_pct=1.0, lat_deg=0.0)
    b = phusong.link(profile["d_km"], profile["h_m"], "p1812", 900.0, 30.0, 1.5, time_pct=1.0, lat_deg=60.0)
    assert a["values"]["beta0_pct"] != b["values"]["beta0_pct"]


CLI_LINK_TABLE = [
    ("p526", "--k-factor", 1.0, 4.0, "down"),
    ("p526", "--pol", "horizontal", "vertical", "differs"),
    ("p1812", "--time-pct", 10, 50, "up"),
    ("p1812", "--location-pct", 10, 90, "up"),
    ("p1812", "--pol", "horizontal", "vertical", "differs"),
    ("p1812", "--delta-n", 30, 60, "differs"),
    ("p1812", "--n0", 300, 360, "differs"),
    ("itm", "--time-pct", 10, 90, "up"),
    ("itm", "--location-pct", 10, 90, "same"),  # mode of variability 12, see above
    ("itm", "--situation-pct", 10, 90, "up"),
    ("itm", "--pol", "horizontal", "vertical", "differs"),
    ("itm", "--eps-r", 5, 80, "differs"),
    ("itm", "--sigma-s-per-m", 0.001, 5, "differs"),
    ("itm", "--itm-n0", 250, 400, "differs"),
    ("itm", "--climate", 1, 5, "differs"),
    ("hata", "--environment", "open_rural", "urban_large_city", "up"),
]


def _cli_link(model, *opts) -> float:
    r = CliRunner().invoke(main, ["link", "--dem", str(TILE), "--from", f"{FROM[0]},{FROM[1]}", "--to",
                                  f"{TO[0]},{TO[1]}", "--spacing-m", "90", "--freq-mhz", "900", "--tx-height-m", "30",
                                  "--rx-height-m", "1.5", "--model", model, *map(str, opts)])
    assert r.exit_code == 0, r.output
    return json.loads(r.output)["loss_db"]


@pytest.mark.parametrize("model,option,low,high,expect", CLI_LINK_TABLE,
                         ids=[f"{r[0]}{r[1]}" for r in CLI_LINK_TABLE])
def test_link_option_changes_the_loss(model, option, low, high, expect):
    _direction(_cli_link(model, option, low), _cli_link(model, option, high), expect, f"phusong link {model} {option}")


# --- village coverage: phusong.evaluate_villages -----------------------------------------------

VILLAGE_TABLE = [
    ("p526", "rx_height_m", 1.5, 10.0, "down"),
    ("p526", "k_factor", 1.0, 4.0, "down"),
    ("p526", "pol", "horizontal", "vertical", "differs"),
    ("p1812", "time_pct", 10.0, 50.0, "up"),
    ("p1812", "location_pct", 10.0, 90.0, "up"),
    ("p1812", "delta_n", 30.0, 60.0, "differs"),
    ("itm", "time_pct", 10.0, 90.0, "up"),
    ("itm", "situation_pct", 10.0, 90.0, "up"),
    ("itm", "eps_r", 5.0, 80.0, "differs"),
    ("itm", "sigma_s_per_m", 0.001, 5.0, "differs"),
    ("itm", "itm_n0", 250.0, 400.0, "differs"),
    ("itm", "climate", 1, 5, "differs"),
    ("itm", "pol", "horizontal", "vertical", "differs"),
]


@pytest.fixture(scope="module")
def villages():
    out = []
    for k, (dx, dy) in enumerate([(0.03, 0.02), (-0.04, 0.03), (0.05, -0.04), (-0.02, -0.05), (0.07, 0.06)]):
        v = _core.Village()
        v.id, v.name, v.lon, v.lat, v.population, v.households = f"V{k}", f"V{k}", LON + dx, LAT + dy, 100.0, 20.0
        out.append(v)
    return out


@pytest.mark.parametrize("model,param,low,high,expect", VILLAGE_TABLE, ids=[f"{r[0]}-{r[1]}" for r in VILLAGE_TABLE])
def test_village_parameter_changes_the_loss(dem, villages, model, param, low, high, expect):
    def loss(value):
        r = phusong.evaluate_villages(dem, villages, [_site()], model=model, radius_km=15.0, spacing_m=90.0,
                                      threads=1, **{param: value})
        return r.links.loss_db

    a, b = loss(low), loss(high)
    _compare(a, b, expect, f"evaluate_villages {model} {param}", min_values=len(villages))


def test_coverage_params_reject_unknown_names_listing_the_valid_ones():
    with pytest.raises(phusong.InputError, match=r"unknown parameter 'radius_kms' \(valid: model, radius_km"):
        phusong.RasterParams(radius_kms=3)
    with pytest.raises(phusong.InputError, match="CoverageParams: unknown parameter 'tyme_pct'"):
        phusong.evaluate_villages(phusong.Dem.open([str(TILE)]), [], [], tyme_pct=10)
    with pytest.raises(phusong.InputError, match="SolveOptions: unknown parameter 'budjet'"):
        phusong.solve_cover([[0]], [1.0], [1.0], budjet=3)
    with pytest.raises(phusong.InputError, match=r"unknown model 'x' \(known: los, p526, p1812, itm\)"):
        phusong.RasterParams(model="x")
