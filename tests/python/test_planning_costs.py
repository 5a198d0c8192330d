"""The cost model of the plan: kinds, backhaul (fibre / microwave with line of sight), power
(grid / solar), groups of candidates on one tower, required bản; worked by hand."""

import json
import math

import numpy as np
import pytest

import phusong
from conftest import base_scenario
from phusong.plan import backhaul


def lines_geojson(path, coords_list):
    feats = [{"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": c}}
             for c in coords_list]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    return path


def test_distance_to_lines_by_hand():
    from shapely.geometry import LineString

    # A north-south line at lon 105.2; a point 0.01 deg east at lat 21.2:
    # 0.01 * 111.32 * cos(21.2 deg) = 1.0378 km.
    d = backhaul.distance_km(LineString([(105.2, 21.0), (105.2, 21.4)]), np.array([105.21]), np.array([21.2]))
    assert d[0] == pytest.approx(0.01 * 111.32 * math.cos(math.radians(21.2)), rel=1e-6)


def test_costs_fibre_microwave_power(scenario_dir):
    d, write = scenario_dir
    # Fibre along lon 105.30 (through the middle of the demo area), power grid along lat 21.10.
    lines_geojson(d / "fibre.geojson", [[[105.30, 21.0], [105.30, 21.45]]])
    lines_geojson(d / "grid.geojson", [[[105.0, 21.10], [105.45, 21.10]]])
    text = base_scenario().replace("  towers: demo_n21e105_towers.GENERATED.csv",
                                   "  towers: demo_n21e105_towers.GENERATED.csv\n  fibre: fibre.geojson\n"
                                   "  power_grid: grid.geojson")
    text = text.replace("  grid_spacing_km: 3", "  grid_spacing_km: 3\n  candidates: [upgrade, colocation, grid]\n"
                        "  method: exact")
    r = phusong.run_scenario(write(text), out_dir=d / "out")
    costs = r.scenario.planning.costs
    annuity = sum(1 / 1.08 ** t for t in range(1, 11))
    for j, b in zip(r.plan["chosen"], r.plan["cost_breakdown"]):
        c = r.candidates[j]
        capex, opex, bh, pw, total, bh_kind, pw_kind = b.capex, b.opex_pv, b.backhaul, b.power, b.total, \
            b.backhaul_kind, b.power_kind
        if c.kind in ("upgrade", "colocation"):
            assert capex == {"upgrade": 2.5e8, "colocation": 3.5e8}[c.kind]
        else:  # a new tower: 1.5e9 + the sharing penalty (1e7 per covered bản nearby)
            assert capex >= 1.5e9 and (capex - 1.5e9) / 1e7 == pytest.approx(round((capex - 1.5e9) / 1e7))
        assert opex == pytest.approx({"upgrade": 3e7, "colocation": 9e7}.get(c.kind, 1.5e8) * annuity)
        assert total == pytest.approx(capex + opex + bh + pw)
        d_fibre = abs(c.lon - 105.30) * 111.32 * math.cos(math.radians(c.lat))
        if bh_kind == "fibre":
            assert d_fibre <= costs.fibre_max_km + 1e-6
            assert bh == pytest.approx(d_fibre * costs.fibre_cost_per_km, rel=1e-3)
        elif bh_kind == "microwave":
            assert b.backhaul_hub and b.backhaul_km > 0
            assert bh == next(cost for limit, cost in costs.microwave_bands_km_cost if b.backhaul_km <= limit)
        if c.kind in ("upgrade", "colocation"):
            assert pw == 0 and pw_kind == "existing"
        else:
            d_grid = abs(c.lat - 21.10) * 110.57
            assert pw == (pytest.approx(d_grid * costs.grid_cost_per_km, rel=1e-2) if d_grid <= costs.grid_max_km
                          else costs.solar)
    kinds = {b.backhaul_kind for b in r.plan["cost_breakdown"]}
    assert kinds and kinds <= {"fibre", "microwave", "fibre_no_los"}
    # One tower is never both upgraded and shared.
    hosts = [r.candidates[j].id[3:] for j in r.plan["chosen"] if r.candidates[j].id[:3] in ("UP-", "CO-")]
    assert len(hosts) == len(set(hosts))


def test_required_villages(scenario_dir):
    d, write = scenario_dir
    base = phusong.run_scenario(write(base_scenario()), out_dir=d / "a")
    coverable = [i for i in base.white if i not in base.plan["uncoverable"]]
    target = base.villages[coverable[-1]].id
    text = base_scenario().replace("  grid_spacing_km: 3", f"  grid_spacing_km: 3\n  required_villages: [{target}]\n"
                                   "  objective: population\n  budget: 1.0")
    with pytest.raises(phusong.InputError, match="required_villages"):
        phusong.run_scenario(write(text, "b.yaml"), out_dir=d / "b")  # a budget of 1 VND cannot do it
    text = base_scenario().replace("  grid_spacing_km: 3", "  grid_spacing_km: 3\n  required_villages: [NOPE]")
    with pytest.raises(phusong.InputError, match="no village with id 'NOPE'"):
        phusong.run_scenario(write(text, "c.yaml"), out_dir=d / "c")


def test_sharing_penalty_on_new_towers(scenario_dir):
    d, write = scenario_dir
    text = base_scenario().replace("  grid_spacing_km: 3", "  grid_spacing_km: 3\n  costs:\n"
                                   "    sharing_penalty_per_village: 1.0e8\n    sharing_penalty_radius_km: 6")
    r = phusong.run_scenario(write(text), out_dir=d / "o")
    covered = [v for v, c in zip(r.villages, r.coverage["covered"]) if c]
    for j, b in zip(r.plan["chosen"], r.plan["cost_breakdown"]):
        c = r.candidates[j]
        if c.kind in ("upgrade", "colocation"):
            continue
        kx = 111.32 * math.cos(math.radians(c.lat))
        n = sum(1 for v in covered if math.hypot((v.lon - c.lon) * kx, (v.lat - c.lat) * 110.57) <= 6)
        assert b[0] == pytest.approx(1.5e9 + n * 1.0e8)  # the penalty is carried in CAPEX


def test_host_groups_by_tower_and_by_candidate():
    from phusong.plan.planner import host_groups

    ids = ["UP-T1", "CO-T1", "T1", "T1-H60", "G001", "CO-T2", "UP-T1-H60"]
    base_of = {"T1-H60": "T1", "UP-T1-H60": "UP-T1"}  # second-pass variants (a taller mast)
    tower_of = {"UP-T1": "T1", "CO-T1": "T1", "CO-T2": "T2"}
    g = host_groups(ids, base_of, tower_of)
    # The upgrade, the co-location and the variant of the upgrade share tower T1's group; the
    # candidate named T1 (from a candidate file) and its variant are another group, not the tower's.
    assert g[0] == g[1] == g[6] and g[0] >= 0
    assert g[2] == g[3] and g[2] >= 0 and g[2] != g[0]
    assert g[4] == -1  # a grid site with no variant is free
    assert g[5] >= 0 and g[5] not in (g[0], g[2])
    assert g == [0, 0, 1, 1, -1, 2, 0]


def test_candidate_ids_must_be_unique(scenario_dir):
    d, write = scenario_dir
    header = "id,operator,technologies,height_m,freq_mhz,eirp_dbm,lon,lat\n"
    (d / "a.csv").write_text(header + "X1,NEW,4G,40,1800,60,105.27,21.27\n")
    (d / "b.csv").write_text(header + "X2,NEW,4G,40,1800,60,105.25,21.13\nX1,NEW,4G,40,1800,60,105.30,21.20\n")
    text = base_scenario().replace("  grid_spacing_km: 3", "  grid_spacing_km: 3\n  candidates: [grid, a.csv, b.csv]")
    with pytest.raises(phusong.InputError, match=r"b\.csv: row 2: candidate id 'X1' is already the id of another"):
        phusong.run_scenario(write(text), out_dir=d / "o")
    assert not (d / "o").exists() or not any((d / "o").iterdir())
