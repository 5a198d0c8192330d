"""From signal to service (radio.service): a planning-grade link budget over an area of each bản,
downlink SINR and throughput, the uplink, and a service class per bản; 2G/3G coverage and the
switch-off (radio.switch_off).

Per bản, `sample_points` points: its centre and rings of points at sample_radius_m (households are
taken as spread evenly over them). At each point, for every site within the radius (exact
profiles, the engine's village evaluation):

* downlink: the serving site is the one with the best RSRP after the margins (location
  variability σ·Φ⁻¹(p), body loss, building entry loss indoors); SINR = S / (load · Σ I + N) per
  resource element on median levels (the receiver's body and building losses weaken S and I alike;
  the location margin is a coverage margin, on the RSRP and the uplink), I the co-channel sites
  (same operator, same frequency) within range, N =
  kT·15 kHz + the UE noise figure. Spectral efficiency from SINR by TR 36.942's attenuated Shannon
  bound (or a CQI table of TS 36.213 / 38.214), peak rate = efficiency × bandwidth × MIMO layers ×
  (1 − overhead); the busy-hour rate per user = peak / the active users of the serving site (people
  it serves × adoption × busy-hour activity, at least 1);
* uplink: SNR = UE power + BS antenna gain − path loss − margins − (kT·B_ul + BS noise figure),
  with B_ul the resource blocks a cell-edge user gets; it closes at ul_required_sinr_db;
* served (4G/5G) when the RSRP after margins reaches rsrp_min_dbm (the cell-edge design value), the
  downlink SINR reaches dl_required_sinr_db and the uplink closes.

A bản's share of households served is the share of its points served; it has 4G/5G service when that
share reaches covered_share_pct. Its class (SERVICE_CLASSES, Vietnamese in the outputs):
`ge50` when it has 4G/5G service and the rate at its median served point — the peak rate (class_rate
peak, the default) or the busy-hour rate per user — reaches target_mbps; `lt50` with 4G/5G service
below that; `3g` / `2g` when a 3G site's RSCP (2G: RxLev) at its centre reaches
thresholds_2g3g_dbm and it has no 4G/5G service; `none` otherwise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .. import _core

CPICH_DB = 10.0
"""The 3G pilot (CPICH) carries 10 % of the carrier's power: RSCP = carrier power - 10 dB."""
SERVICE_CLASSES = ("ge50", "lt50", "3g", "2g", "none")
SERVICE_VI = {"ge50": "băng rộng ≥ 50 Mbps", "lt50": "4G/5G < 50 Mbps", "3g": "chỉ có 3G", "2g": "chỉ có 2G",
              "none": "không có dịch vụ"}
SERVICE_EN = {"ge50": "≥ 50 Mbps", "lt50": "4G/5G < 50 Mbps", "3g": "3G only", "2g": "2G only", "none": "none"}


@dataclass
class ServiceResult:
    """Per bản (index into the run's villages)."""

    klass: list[str]                 #: a key of SERVICE_CLASSES
    share_served: np.ndarray         #: share of the bản's points (households) with 4G/5G service
    sinr_db: np.ndarray              #: downlink SINR at the bản's median served point (NaN: none served)
    peak_mbps: np.ndarray            #: the serving site's peak rate there
    user_mbps: np.ndarray            #: busy-hour rate per user there
    ul_margin_db: np.ndarray         #: uplink SNR - required, at the centre point (NaN: no site)
    served: np.ndarray               #: bool: 4G/5G service (share_served >= covered_share_pct)
    legacy: list[frozenset] = field(default_factory=list)  #: per bản the legacy services at its centre: {"3g", "2g"}


def sample_points(villages: list, radius_m: float, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(owner village index, lon, lat) of n points per bản: the centre, then rings of 6 at
    radius_m/2 and radius_m (as many as n asks, evenly rotated)."""
    offsets = [(0.0, 0.0)]
    ring = 0
    while len(offsets) < n:
        ring += 1
        r = radius_m * ring / max(1, math.ceil((n - 1) / 6))
        for k in range(6):
            a = 2 * math.pi * (k + 0.5 * (ring - 1)) / 6
            offsets.append((r * math.cos(a), r * math.sin(a)))
    offsets = offsets[:n]
    owner, lon, lat = [], [], []
    for i, v in enumerate(villages):
        kx = 111320.0 * math.cos(math.radians(v.lat))
        for dx, dy in offsets:
            owner.append(i)
            lon.append(v.lon + dx / kx)
            lat.append(v.lat + dy / 110574.0)
    return np.array(owner, dtype=np.int64), np.array(lon), np.array(lat)


def margins_db(svc, freq_mhz: float) -> float:
    """Location-variability margin σ·Φ⁻¹(p) + body loss (+ the ITU-R P.2109 building entry loss
    indoors, at the site's frequency, horizontal incidence) of the link budget."""
    m = _core.location_margin_db(svc.shadowing_sigma_db, svc.edge_probability) + svc.body_loss_db
    if svc.indoor:
        m += _core.building_entry_loss_db(freq_mhz, svc.indoor_probability_pct, svc.indoor_building, 0.0)
    return m


def subcarrier_khz(site) -> float:
    """15 kHz (LTE; NR below 2.5 GHz, e.g. n28 700 MHz) or 30 kHz (NR numerology 1 at and above
    2.5 GHz, e.g. n78 3.5 GHz): the resource element RSRP and the noise are counted over."""
    return 30.0 if "5G" in site.technologies.split(";") and site.freq_mhz >= 2500.0 else 15.0


def _points_as_villages(owner, lon, lat, villages, dem):
    pts = []
    for k, (i, x, y) in enumerate(zip(owner, lon, lat)):
        q = _core.Village()
        v = villages[int(i)]
        q.id, q.name, q.commune, q.district = f"{v.id}#{k}", v.name, v.commune, v.district
        q.lon, q.lat = (float(x), float(y)) if dem.contains_lonlat(float(x), float(y)) else (v.lon, v.lat)
        q.population, q.households, q.row = 1.0, 1.0, k + 1
        pts.append(q)
    return pts


def evaluate(sc, dem, villages: list, sites: list, legacy: list, clutter=None, progress=None,
             switched_off: tuple = ()) -> ServiceResult:
    """The service of every bản from `sites` (broadband sites: existing, or with the plan's) and
    `legacy` (2G/3G sites, for the 3G/2G classes); `switched_off`: legacy technologies gone
    (radio.switch_off: their service no longer counts)."""
    r = sc.radio
    svc = r.service
    owner, lon, lat = sample_points(villages, svc.sample_radius_m, svc.sample_points)
    pts = _points_as_villages(owner, lon, lat, villages, dem)
    n_pts, n_v = len(pts), len(villages)
    kw = dict(model=r.model, radius_km=r.radius_km, rx_height_m=r.rx_height_m, threshold_dbm=r.threshold_dbm,
              k=r.k_factor, spacing_m=r.profile_spacing_m, threads=sc.threads, clutter=clutter,
              clutter_classes=r.clutter_classes)
    best = np.full(n_pts, -np.inf)
    server = np.full(n_pts, -1)
    sinr = np.full(n_pts, np.nan)
    ul_margin = np.full(n_pts, np.nan)
    if sites:
        cov = _core.evaluate_villages(dem, pts, sites, progress=progress, **kw)
        links = cov["links"]
        pv = np.asarray(links["village"], dtype=np.int64)
        ps = np.asarray(links["site"], dtype=np.int64)
        margin = np.array([margins_db(svc, s.freq_mhz) for s in sites])
        # The engine counts RSRP over 15 kHz resource elements; NR at 30 kHz has half as many, each 3 dB stronger.
        scs = np.array([subcarrier_khz(s) for s in sites])
        raw = np.asarray(links["rsrp_dbm"], dtype=float) + 10.0 * np.log10(scs[ps] / 15.0)
        rsrp = raw - margin[ps]
        # The serving site: the best RSRP after the margins (ties: the lower site index).
        order = np.lexsort((ps, -rsrp, pv))
        first = np.ones(len(order), dtype=bool)
        first[1:] = pv[order][1:] != pv[order][:-1]
        lead = order[first]
        best[pv[lead]] = rsrp[lead]
        server[pv[lead]] = ps[lead]
        # Co-channel interference: the other sites of the serving site's operator and frequency.
        key = {}
        site_key = np.array([key.setdefault((s.operator, round(s.freq_mhz, 3)), len(key)) for s in sites])
        same = (site_key[ps] == site_key[np.maximum(server[pv], 0)]) & (ps != server[pv]) & (server[pv] >= 0)
        interference_mw = np.zeros(n_pts)
        np.add.at(interference_mw, pv[same], 10.0 ** (raw[same] / 10.0))
        has = server >= 0
        noise_mw = np.array([10.0 ** (_core.thermal_noise_dbm(k * 1e3, svc.ue_noise_figure_db) / 10.0)
                             for k in (15.0, 30.0)])
        noise = np.where(scs[np.maximum(server, 0)] > 15.0, noise_mw[1], noise_mw[0])
        # SINR on median levels: the receiver's losses (body, building) weaken the serving and the
        # interfering signals alike; the location-variability margin is a coverage margin (RSRP
        # and uplink), not applied to the signal against median interference.
        rx_loss = margin - _core.location_margin_db(svc.shadowing_sigma_db, svc.edge_probability)
        s_med = best + _core.location_margin_db(svc.shadowing_sigma_db, svc.edge_probability)
        i_mw = svc.load * interference_mw[has] * 10.0 ** (-rx_loss[server[has]] / 10.0)
        sinr[has] = s_med[has] - 10.0 * np.log10(i_mw + noise[has])
        # Uplink: path loss = EIRP - (RSRP + 10 log10(12 N_RB)) of the serving link (before margins).
        n_rb = {s_: _n_rb(sites[s_].bandwidth_mhz) for s_ in set(server[has].tolist())}
        ul_noise = _core.thermal_noise_dbm(svc.ul_resource_blocks * 180e3, svc.bs_noise_figure_db)
        served_rsrp = np.full(n_pts, np.nan)
        served_rsrp[pv[lead]] = raw[lead]
        for k in np.nonzero(has)[0]:
            s_ = int(server[k])
            loss = sites[s_].eirp_dbm - (served_rsrp[k] - 10 * math.log10(scs[s_] / 15.0) + 10 * math.log10(12 * n_rb[s_]))
            snr = svc.ue_power_dbm + svc.bs_antenna_gain_dbi - loss - margin[s_] - ul_noise
            ul_margin[k] = snr - svc.ul_required_sinr_db
    ok = (best >= svc.rsrp_min_dbm) & (sinr >= svc.dl_required_sinr_db) & (ul_margin >= 0)
    eff = _efficiency(svc, sinr)
    bw = np.array([sites[int(s_)].bandwidth_mhz if s_ >= 0 else 0.0 for s_ in server])
    peak = eff * bw * svc.mimo_layers * (1.0 - svc.overhead)
    # Busy-hour load: people whose bản centre each site serves.
    people = np.zeros(len(sites))
    centre = np.arange(n_v) * svc.sample_points
    for i in range(n_v):
        s_ = server[centre[i]]
        if s_ >= 0 and ok[centre[i]]:
            people[s_] += villages[i].population
    active = np.maximum(1.0, people * svc.adoption_pct / 100.0 * svc.busy_hour_activity_pct / 100.0)
    user = np.where(server >= 0, peak / active[np.maximum(server, 0)], 0.0)
    share = np.bincount(owner, weights=ok.astype(float), minlength=n_v) / svc.sample_points
    served = share >= svc.covered_share_pct / 100.0 - 1e-12
    med_sinr, med_peak, med_user = np.full(n_v, np.nan), np.full(n_v, np.nan), np.full(n_v, np.nan)
    for i in range(n_v):
        ks = np.nonzero(ok[i * svc.sample_points:(i + 1) * svc.sample_points])[0] + i * svc.sample_points
        if len(ks):  # the median served point, by the rate the class is checked on (lower median: conservative)
            rate = peak if svc.class_rate == "peak" else user
            k = ks[np.argsort(rate[ks], kind="stable")[(len(ks) - 1) // 2]]
            med_sinr[i], med_peak[i], med_user[i] = sinr[k], peak[k], user[k]
    legacy_cls = _legacy(sc, dem, villages, legacy, clutter)
    gone = {t.lower() for t in switched_off}
    klass = []
    for i in range(n_v):
        left = legacy_cls[i] - gone
        if served[i]:
            rate = med_peak[i] if svc.class_rate == "peak" else med_user[i]
            klass.append("ge50" if rate >= svc.target_mbps else "lt50")
        else:
            klass.append("3g" if "3g" in left else ("2g" if "2g" in left else "none"))
    return ServiceResult(klass, share, med_sinr, med_peak, med_user, ul_margin[centre], served, legacy_cls)


def _n_rb(bandwidth_mhz: float) -> int:
    """LTE resource blocks of a channel (1.4 -> 6 ... 20 -> 100; 90 % of the band in 180 kHz blocks)."""
    table = {1.4: 6, 3.0: 15, 5.0: 25, 10.0: 50, 15.0: 75, 20.0: 100}
    for bw, n in table.items():
        if abs(bandwidth_mhz - bw) < 1e-6:
            return n
    return max(1, int(bandwidth_mhz * 1000 * 0.9 // 180))


def _efficiency(svc, sinr_db: np.ndarray) -> np.ndarray:
    out = np.zeros(len(sinr_db))
    ok = np.isfinite(sinr_db)
    if ok.any():
        if svc.efficiency == "shannon":
            out[ok] = _core.attenuated_shannon(sinr_db[ok], "downlink")
        else:
            out[ok] = _core.cqi_efficiency(sinr_db[ok], svc.cqi_table, svc.cqi_gap_db)
    return out


def _legacy(sc, dem, villages, legacy: list, clutter) -> list[frozenset]:
    """Per bản the legacy services at its centre: "3g" when a 3G site's received power reaches
    the 3G threshold, "2g" likewise for a 2G site."""
    r = sc.radio
    out = [set() for _ in villages]
    if not legacy:
        return [frozenset()] * len(villages)
    cov = _core.evaluate_villages(dem, villages, legacy, model=r.model, radius_km=r.radius_km,
                                  rx_height_m=r.rx_height_m, threshold_dbm=r.threshold_dbm, k=r.k_factor,
                                  spacing_m=r.profile_spacing_m, threads=sc.threads, clutter=clutter,
                                  clutter_classes=r.clutter_classes)
    links = cov["links"]
    th = r.service.thresholds_2g3g_dbm
    for v, s, rsrp in zip(links["village"], links["site"], links["rsrp_dbm"]):
        site = legacy[int(s)]
        power = float(rsrp) + 10 * math.log10(12 * _n_rb(site.bandwidth_mhz))  # the carrier's received power
        techs = set(site.technologies.split(";"))
        if "2G" in techs and power >= th["2G"]:  # RxLev: the BCCH carrier at full power
            out[int(v)].add("2g")
        if "3G" in techs and power - CPICH_DB >= th["3G"]:  # RSCP: the pilot, 10 % of the power
            out[int(v)].add("3g")
    return [frozenset(x) for x in out]


def switch_off_losses(villages: list, service: ServiceResult, covered: np.ndarray, switch_off: list[str]) -> list[int]:
    """The bản that lose all service when the technologies in `switch_off` go: no 4G/5G today
    (`covered`: the run's coverage) and only the switched-off legacy service."""
    lost = []
    gone = {t.lower() for t in switch_off}
    for i in range(len(villages)):
        if not covered[i] and service.legacy[i] and service.legacy[i] <= gone:
            lost.append(i)
    return lost
