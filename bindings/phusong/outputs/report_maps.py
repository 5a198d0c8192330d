"""The report's maps at print resolution (DPI dots per inch): villages by status before and
after the plan over a hillshade of the scenario's DEM, proposed sites with one symbol per kind
(4G upgrade, co-location, new tower), district boundaries and labels (commune labels when there
are few communes), a scale bar, a north arrow and a legend; and the cost-versus-people curve.
matplotlib with the Agg backend (no display needed); PNG files stamped with their resolution."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from ..inputs import admin
from .report_text import T, num

DPI = 220
COLORS = {"covered": "#2e7d32", "white": "#d32f2f", "covered_by_plan": "#1565c0", "uncoverable": "#6a1b9a",
          "satellite": "#00838f"}
# Site kinds: (marker, face colour, size); every new-tower kind shares the star.
SITE_SYMBOL = {"upgrade": ("^", "#ff9800", 46), "colocation": ("s", "#fdd835", 34), "new": ("*", "#d84315", 110),
               "file": ("D", "#00acc1", 30)}
GROUPS = ("upgrade", "colocation", "new", "file")
MAX_COMMUNE_LABELS = 40


def site_group(kind: str) -> str:
    """upgrade, colocation, file (a candidate site from a file) or new (the new-tower kinds)."""
    if kind in ("upgrade", "colocation"):
        return kind
    return "file" if kind in ("candidate", "existing") else "new"


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "phusong"
    return plt


def _hillshade(dem, max_px: int = 1600):
    h = dem.heights_m
    step = max(1, int(math.ceil(max(h.shape) / max_px)))
    z = np.nan_to_num(h[::step, ::step], nan=float(np.nanmin(h)))
    gt = dem.geotransform
    dx = abs(gt[1]) * step * (111320 * math.cos(math.radians(gt[3])) if dem.is_geographic else 1)
    dy = abs(gt[5]) * step * (110570 if dem.is_geographic else 1)
    gy, gx = np.gradient(z, dy, dx)
    slope = np.arctan(np.hypot(gx, gy))
    aspect = np.arctan2(-gx, gy)
    az, alt = math.radians(315), math.radians(45)
    shade = np.sin(alt) * np.cos(slope) + np.cos(alt) * np.sin(slope) * np.cos(az - aspect)
    extent = (gt[0], gt[0] + gt[1] * h.shape[1], gt[3] + gt[5] * h.shape[0], gt[3])
    return np.clip(shade, 0, 1), extent


def _nice(x: float) -> float:
    """1, 2 or 5 times a power of ten, at most x."""
    p = 10 ** math.floor(math.log10(x))
    return max(m * p for m in (1, 2, 5) if m * p <= x)


def _scale_bar(ax, lang: str) -> None:
    from matplotlib.patches import Rectangle

    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    lat = (y0 + y1) / 2
    km_per_deg = 111.320 * math.cos(math.radians(lat))
    width_km = (x1 - x0) * km_per_deg
    length = _nice(width_km / 4)
    seg = length / 2
    bx, by = x0 + 0.04 * (x1 - x0), y0 + 0.035 * (y1 - y0)
    h = 0.010 * (y1 - y0)
    ax.add_patch(Rectangle((bx - 0.01 * (x1 - x0), by - 0.6 * h), length / km_per_deg + 0.05 * (x1 - x0), 5.2 * h,
                           facecolor="white", edgecolor="none", alpha=0.8, zorder=5))
    for k in range(2):
        ax.add_patch(Rectangle((bx + k * seg / km_per_deg, by), seg / km_per_deg, h,
                               facecolor="black" if k == 0 else "white", edgecolor="black", lw=0.6, zorder=6))
    for k, d in enumerate((0, seg, length)):
        txt = num(d, 0 if float(d).is_integer() else 1, lang) + (" km" if k == 2 else "")
        ax.text(bx + d / km_per_deg, by + 1.6 * h, txt, ha="center", va="bottom", fontsize=7, zorder=6)


def _north_arrow(ax, lang: str) -> None:
    ax.annotate(T[lang]["north"], xy=(0.95, 0.95), xytext=(0.95, 0.85), xycoords="axes fraction",
                ha="center", va="center", fontsize=11, fontweight="bold", zorder=7,
                arrowprops=dict(facecolor="black", edgecolor="black", width=3, headwidth=10, headlength=10),
                bbox=dict(boxstyle="circle,pad=0.2", facecolor="white", edgecolor="none", alpha=0.8))


def _halo():
    from matplotlib import patheffects

    return [patheffects.withStroke(linewidth=2.2, foreground="white")]


def _short_name(name: str) -> str:
    for p in ("Thành phố ", "Thị xã ", "Huyện ", "Quận "):
        if name.startswith(p):
            return name[len(p):]
    return name


def _start(result, dem):
    """A map's figure: the hillshade of the DEM and the district boundaries (when given)."""
    plt = _plt()
    shade, extent = _hillshade(dem)
    fig, ax = plt.subplots(figsize=(8.0, 7.2), dpi=DPI)
    ax.imshow(shade, cmap="gray", extent=extent, alpha=0.55, interpolation="bilinear")
    communes = getattr(result, "communes", None)
    for c in (communes.communes if communes is not None else ()):  # the communes of 2025, thin
        for poly in getattr(c.geometry, "geoms", [c.geometry]):
            for ring in [poly.exterior, *poly.interiors]:
                xy = np.asarray(ring.coords)
                ax.plot(xy[:, 0], xy[:, 1], color="#8d6e63", lw=0.35, zorder=2)
    districts = admin.read_districts(result.scenario.inputs.admin) if result.scenario.inputs.admin else ()
    for d in districts:
        for ring in d.rings():
            ax.plot(ring[:, 0], ring[:, 1], color="#37474f", lw=0.8, zorder=2)
    return fig, ax, districts


def village_map(path: Path, result, dem, statuses, title: str, lang: str, sites=None, towers=False) -> Path:
    """One map of the villages coloured by `statuses` (keys of COLORS), with proposed `sites`."""
    t = T[lang]
    fig, ax, districts = _start(result, dem)
    lon = np.array([v.lon for v in result.villages])
    lat = np.array([v.lat for v in result.villages])
    st = np.array(statuses)
    if towers and result.towers:
        ax.scatter([s.lon for s in result.towers], [s.lat for s in result.towers], marker="o", s=10, facecolors="none",
                   edgecolors="#424242", linewidths=0.5, label=f"{t['towers_legend']}: {num(len(result.towers), 0, lang)}",
                   zorder=3)
    for key in ("covered", "covered_by_plan", "white", "uncoverable", "satellite"):
        m = st == key
        if m.any():
            ax.scatter(lon[m], lat[m], s=5 if key == "covered" else 10, c=COLORS[key], linewidths=0, zorder=3,
                       label=f"{t['st'][key]}: {num(int(m.sum()), 0, lang)}")
    if sites:
        groups = np.array([site_group(s.kind) for s in sites])
        for g in GROUPS:
            m = groups == g
            if m.any():
                marker, colour, size = SITE_SYMBOL[g]
                ax.scatter([s.lon for s, k in zip(sites, m) if k], [s.lat for s, k in zip(sites, m) if k],
                           marker=marker, s=size, c=colour, edgecolors="black", linewidths=0.5, zorder=4,
                           label=f"{t['sym'][g]}: {num(int(m.sum()), 0, lang)}")
    return _finish(fig, ax, path, result, districts, lon, lat, title, lang)


def _finish(fig, ax, path: Path, result, districts, lon, lat, title: str, lang: str) -> Path:
    """Extent, district and commune labels, axes, legend, scale bar and north arrow; saves the map."""
    plt = _plt()
    t = T[lang]
    if districts:
        xs = np.concatenate([r[:, 0] for d in districts for r in d.rings()])
        ys = np.concatenate([r[:, 1] for d in districts for r in d.rings()])
    else:
        xs, ys = lon, lat
    pad_x, pad_y = 0.04 * (xs.max() - xs.min()) + 0.01, 0.04 * (ys.max() - ys.min()) + 0.01
    ax.set_xlim(xs.min() - pad_x, xs.max() + pad_x)
    ax.set_ylim(ys.min() - pad_y, ys.max() + pad_y)
    ax.set_aspect(1 / math.cos(math.radians(float(np.mean(ys)))))
    for d in districts:
        p = d.geometry.representative_point()
        ax.text(p.x, p.y, _short_name(d.name), ha="center", va="center", fontsize=7.5, fontweight="bold",
                color="#263238", zorder=6, path_effects=_halo())
    communes: dict = {}
    for v in result.villages:
        if v.commune:
            communes.setdefault((v.district, v.commune), []).append((v.lon, v.lat))
    if 0 < len(communes) <= MAX_COMMUNE_LABELS:
        for (_, name), pts in sorted(communes.items()):
            c = np.mean(np.array(pts), axis=0)
            ax.text(c[0], c[1], name, ha="center", va="bottom", fontsize=6, fontstyle="italic", color="#37474f",
                    zorder=5, path_effects=_halo())
    ax.set_title(title, fontsize=11)
    ax.set_xlabel(t["lon"], fontsize=8)
    ax.set_ylabel(t["lat"], fontsize=8)
    ax.tick_params(labelsize=7)
    fmt = lambda v, _pos: num(v, 2, lang)  # noqa: E731
    ax.xaxis.set_major_formatter(fmt)
    ax.yaxis.set_major_formatter(fmt)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.07), ncol=3, fontsize=7, frameon=False,
              handletextpad=0.3, columnspacing=1.2)
    _scale_bar(ax, lang)
    _north_arrow(ax, lang)
    fig.tight_layout()
    fig.savefig(path, dpi=DPI, metadata={"Software": "phusong"})
    plt.close(fig)
    return path


def fibre_map(path: Path, result, dem, title: str, lang: str) -> Path:
    """The fibre plan: existing and new routes, facilities by fibre status after the plan and the
    bản the plan passes, over the hillshade and district boundaries."""
    t = T[lang]
    fp = result.fibre
    fig, ax, districts = _start(result, dem)
    styles = {("existing", ""): ("#1565c0", 1.2), ("new", "facilities"): ("#e65100", 1.4),
              ("new", "households"): ("#ffb300", 1.0)}
    labelled = set()
    for r in fp.routes:
        key = (r.status, r.stage)
        colour, width = styles.get(key, ("#e65100", 1.2))
        xy = np.array(r.coords)
        label = None
        if key not in labelled:
            km = sum(x.length_km for x in fp.routes if (x.status, x.stage) == key)
            label = f"{t['fibre_legend'][key[0] + ('_' + key[1] if key[1] else '')]}: {num(km, 0, lang)} km"
            labelled.add(key)
        ax.plot(xy[:, 0], xy[:, 1], color=colour, lw=width, zorder=3, label=label, solid_capstyle="round")
    new_v = np.nonzero(fp.village_after & ~fp.village_before)[0]
    lon = np.array([v.lon for v in result.villages])
    lat = np.array([v.lat for v in result.villages])
    if len(new_v):
        ax.scatter(lon[new_v], lat[new_v], s=4, c="#6d4c41", linewidths=0, zorder=4,
                   label=f"{t['fibre_legend']['villages']}: {num(len(new_v), 0, lang)}")
    fac_lon = np.array([f.lon for f in fp.facilities])
    fac_lat = np.array([f.lat for f in fp.facilities])
    for flag, colour, key in ((True, "#2e7d32", "fac_on"), (False, "#c62828", "fac_off")):
        m = np.asarray(fp.facility_after, bool) == flag
        if m.any():
            ax.scatter(fac_lon[m], fac_lat[m], marker="P", s=16, c=colour, edgecolors="black", linewidths=0.3,
                       zorder=5, label=f"{t['fibre_legend'][key]}: {num(int(m.sum()), 0, lang)}")
    return _finish(fig, ax, path, result, districts, lon, lat, title, lang)


def curve_map(path: Path, plan, lang: str, scale: float, unit: str) -> Path:
    plt = _plt()
    t = T[lang]
    c = np.array([[0, 0, 0]] + [list(x) for x in plan.curve], float)
    fig, ax = plt.subplots(figsize=(8.0, 4.0), dpi=DPI)
    ax.step(c[:, 0] / scale, c[:, 1], where="post", color="#1565c0")
    ax.set_xlabel(t["curve_x"].format(unit=unit), fontsize=9)
    ax.set_ylabel(t["curve_y"], fontsize=9)
    ax.set_title(t["map_curve"], fontsize=11)
    ax.tick_params(labelsize=8)
    ax.xaxis.set_major_formatter(lambda v, _p: num(v, 0 if abs(v) >= 10 or float(v).is_integer() else 1, lang))
    ax.yaxis.set_major_formatter(lambda v, _p: num(v, 0, lang))
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=DPI, metadata={"Software": "phusong"})
    plt.close(fig)
    return path
