// Coverage rasters: one site over the DEM grid (LOS, delta-Bullington, ITM, P.1812) and the
// best-server composite of many sites. See coverage.hpp for the algorithms.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <mutex>

#include "common/fastmath.hpp"
#include "common/parallel.hpp"
#include "coverage/p526_sweep.hpp"
#include "phusong/coverage.hpp"
#include "phusong/radio/service.hpp"
#include "phusong/error.hpp"
#include "phusong/limits.hpp"
#include "phusong/radio/p1812.hpp"

namespace phusong::coverage {

namespace {

using sweep::P526Site;
using sweep::P526State;
using sweep::SmoothCorrectionTable;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kTwoPi = 6.283185307179586;

// Site-centred metric frame on the DEM grid: a point `e` metres east and `n` metres north of the
// site lies at fractional cell (c0 + e * col_per_m, r0 + n * row_per_m).
struct Frame {
  double c0, r0;               // site, fractional centre-based cell coordinates
  double mx, my;               // metres per column / row step
  double col_per_m, row_per_m; // signed steps per metre east / north
  double step_m;               // ray sample spacing: the smaller cell side
  double gap_m;                // largest gap between neighbouring evaluated rays (RasterParams::ray_gap_m)
};

Frame make_frame(const terrain::Dem& dem, double x0, double y0, double lat0) {
  const auto& g = dem.grid();
  Frame f{};
  f.c0 = g.col_of(x0);
  f.r0 = g.row_of(y0);
  if (dem.is_geographic()) {
    // Metres per degree on the WGS84 ellipsoid at the site's latitude (meridian and normal radii).
    const double a = 6378137.0, e2 = 0.00669437999014;
    const double s = std::sin(lat0 * M_PI / 180.0);
    const double w = 1.0 - e2 * s * s;
    const double m_lat = a * (1 - e2) / (w * std::sqrt(w)) * M_PI / 180.0;
    const double m_lon = a / std::sqrt(w) * std::cos(lat0 * M_PI / 180.0) * M_PI / 180.0;
    f.mx = std::abs(g.dx) * m_lon;
    f.my = std::abs(g.dy) * m_lat;
    f.col_per_m = 1.0 / (g.dx * m_lon);
    f.row_per_m = 1.0 / (g.dy * m_lat);
  } else {
    f.mx = std::abs(g.dx);
    f.my = std::abs(g.dy);
    f.col_per_m = 1.0 / g.dx;
    f.row_per_m = 1.0 / g.dy;
  }
  f.step_m = std::min(f.mx, f.my);
  f.gap_m = f.step_m;
  return f;
}

// Bilinear height at fractional cell (c, r); NaN outside or where a void has weight.
inline double bilinear(const terrain::Dem& dem, double c, double r) {
  const auto& g = dem.grid();
  if (!(c >= 0.0 && r >= 0.0 && c <= g.cols - 1 && r <= g.rows - 1)) return kNaN;
  int c0 = static_cast<int>(c), r0 = static_cast<int>(r);
  if (c0 >= g.cols - 1) c0 = std::max(0, g.cols - 2);
  if (r0 >= g.rows - 1) r0 = std::max(0, g.rows - 2);
  const double fc = c - c0, fr = r - r0;
  const auto& L = dem.loaded();
  double z = 0.0;
  if (L.contains(c0, r0) && L.contains(c0 + 1, r0 + 1)) {  // always on a whole DEM
    const float* p = dem.cell_ptr(c0, r0);
    const int s = dem.stride();
    if ((1 - fc) * (1 - fr) > 0) z += (1 - fc) * (1 - fr) * p[0];
    if (fc * (1 - fr) > 0) z += fc * (1 - fr) * p[1];
    if ((1 - fc) * fr > 0) z += (1 - fc) * fr * p[s];
    if (fc * fr > 0) z += fc * fr * p[s + 1];
    return z;
  }
  // A windowed DEM at the edge of its loaded cells: a corner not loaded reads as a void.
  if ((1 - fc) * (1 - fr) > 0) z += (1 - fc) * (1 - fr) * dem.cell(c0, r0);
  if (fc * (1 - fr) > 0) z += fc * (1 - fr) * dem.cell(c0 + 1, r0);
  if ((1 - fc) * fr > 0) z += (1 - fc) * fr * dem.cell(c0, r0 + 1);
  if (fc * fr > 0) z += fc * fr * dem.cell(c0 + 1, r0 + 1);
  return z;
}

struct Window {
  int c_lo, c_hi, r_lo, r_hi;  // inclusive
  int cols() const { return c_hi - c_lo + 1; }
  int rows() const { return r_hi - r_lo + 1; }
};

Window make_window(const terrain::Dem& dem, const Frame& f, double radius_m) {
  const auto& g = dem.grid();
  Window w;
  w.c_lo = std::max(0, static_cast<int>(std::floor(f.c0 - radius_m / f.mx)));
  w.c_hi = std::min(g.cols - 1, static_cast<int>(std::ceil(f.c0 + radius_m / f.mx)));
  w.r_lo = std::max(0, static_cast<int>(std::floor(f.r0 - radius_m / f.my)));
  w.r_hi = std::min(g.rows - 1, static_cast<int>(std::ceil(f.r0 + radius_m / f.my)));
  return w;
}

terrain::Grid window_grid(const terrain::Grid& g, const Window& w) {
  terrain::Grid out = g;
  out.origin_x = g.origin_x + w.c_lo * g.dx;
  out.origin_y = g.origin_y + w.r_lo * g.dy;
  out.cols = w.cols();
  out.rows = w.rows();
  return out;
}

// ---------------------------------------------------------------------------------------------
// Line of sight: reference-plane sweep over rings of cells.

SiteRaster los_raster(const terrain::Dem& dem, const Frame& f, const Window& w, const Site& site,
                      const RasterParams& p) {
  SiteRaster out;
  out.grid = window_grid(dem.grid(), w);
  const int oc = static_cast<int>(std::lround(f.c0)), orow = static_cast<int>(std::lround(f.r0));
  const float oz_ground = dem.cell(oc, orow);
  if (std::isnan(oz_ground)) throw InputError("site '" + site.id + "' stands on a DEM void");
  const double oz = oz_ground + site.height_m;
  const double radius_m = p.radius_km * 1000.0;
  const double curv = p.curvature_coeff / (2.0 * 6371000.0);
  const int cols = w.cols(), rows = w.rows();
  out.values.assign(static_cast<std::size_t>(cols) * rows, static_cast<float>(kNaN));
  // zp: the lowest height (after curvature) a cell must reach to be seen: max(terrain, horizon).
  std::vector<double> zp(static_cast<std::size_t>(cols) * rows, -std::numeric_limits<double>::infinity());
  auto at = [&](int i, int j) -> std::size_t {  // offsets from the observer cell
    return static_cast<std::size_t>(orow + j - w.r_lo) * cols + (oc + i - w.c_lo);
  };
  auto inside = [&](int i, int j) {
    const int c = oc + i, r = orow + j;
    return c >= w.c_lo && c <= w.c_hi && r >= w.r_lo && r <= w.r_hi;
  };
  const int kmax = std::max({oc - w.c_lo, w.c_hi - oc, orow - w.r_lo, w.r_hi - orow});
  auto visit = [&](int i, int j, std::int64_t& voids) {
    if (!inside(i, j)) return;
    const double dist = std::hypot(i * f.mx, j * f.my);
    if (dist > radius_m) return;
    const float zc = dem.cell(oc + i, orow + j);
    const double z = std::isnan(zc) ? kNaN : zc - curv * dist * dist;
    double horizon = -std::numeric_limits<double>::infinity();
    const int ai = std::abs(i), aj = std::abs(j);
    if (ai > 1 || aj > 1) {
      // The sightline crosses the previous ring between two cells: interpolate their zp there
      // and project that height from the observer out to this cell.
      const bool xdom = ai >= aj;
      const int a = xdom ? ai : aj;                       // dominant offset
      const double t = static_cast<double>(a - 1) / a;    // fraction of the way at the crossing
      const double minor = (xdom ? j : i) * t;            // minor-axis offset at the crossing
      const int m0 = static_cast<int>(std::floor(minor));
      const double fm = minor - m0;
      const int di = xdom ? (i > 0 ? i - 1 : i + 1) : 0, dj = xdom ? 0 : (j > 0 ? j - 1 : j + 1);
      auto zp_at = [&](int mm) {
        return xdom ? zp[at(di, mm)] : zp[at(mm, dj)];
      };
      double zc_cross;
      if (fm == 0.0) zc_cross = zp_at(m0);
      else zc_cross = (1 - fm) * zp_at(m0) + fm * zp_at(m0 + 1);
      horizon = oz + (zc_cross - oz) / t;
    }
    const std::size_t k = at(i, j);
    if (std::isnan(z)) {
      zp[k] = horizon;  // a void carries the horizon on
      ++voids;
      return;
    }
    out.values[k] = (z + p.rx_height_m >= horizon) ? 1.0f : 0.0f;
    zp[k] = std::max(z, horizon);
  };
  if (inside(0, 0)) {
    out.values[at(0, 0)] = 1.0f;
    zp[at(0, 0)] = oz_ground;
  }
  // A cell's sightline crosses the previous ring inside its own quadrant (or on its axes), so
  // the four half-axes are swept first and then the four open quadrants in parallel.
  std::int64_t axis_voids = 0;
  for (int k = 1; k <= kmax; ++k) {
    visit(k, 0, axis_voids);
    visit(-k, 0, axis_voids);
    visit(0, k, axis_voids);
    visit(0, -k, axis_voids);
  }
  std::int64_t quad_voids[4] = {0, 0, 0, 0};
  detail::parallel_for(4, p.threads, [&](std::size_t q) {
    const int si = (q & 1) ? -1 : 1, sj = (q & 2) ? -1 : 1;
    for (int k = 1; k <= kmax; ++k) {
      for (int a = 1; a <= k; ++a) visit(si * a, sj * k, quad_voids[q]);   // the ring's row side
      for (int b = 1; b < k; ++b) visit(si * k, sj * b, quad_voids[q]);    // and its column side
    }
  });
  out.void_cells = axis_voids + quad_voids[0] + quad_voids[1] + quad_voids[2] + quad_voids[3];
  return out;
}

// ---------------------------------------------------------------------------------------------
// Rays: sample the terrain once per cell size along each of n rays.

// Near the site they are much closer than a cell, so at sample k only every stride[k]-th ray is
// evaluated (stride[k]: the largest power of two, at most `top`, with stride * dtheta * k <= the
// gap in samples, 1 unless RasterParams::ray_gap_m says more, i.e. the evaluated rays stay within
// a cell of each other); n is a multiple of `top`. A cell
// between samples k and k+1 uses stride[k+1]. The rays whose index is a multiple of `top` are
// the roots: sampled from the site. For p526 every other ray j branches off its parent
// j - lowbit(j) a quarter of the way to its birth (the first sample at which it is evaluated),
// with a copy of the parent's running state: its first samples are the parent's, at most 1/8 of
// a cell away.
struct Rays {
  int n = 0, samples = 0;   // rays; samples per ray (index 0 = the site)
  int top = 1;              // the largest stride (a power of two)
  double dtheta = 0, step_m = 0;
  std::vector<int> stride;  // per sample
  std::unique_ptr<float[]> loss;  // n x samples (NaN where not evaluated); each row set by its ray's worker
  bool evaluated(int j, int k) const { return k + 1 >= samples || (j & (stride[k + 1] - 1)) == 0; }
  // Per power of two `low` < top (indexed by `low`): the sample at which a ray whose lowest set
  // bit is `low` branches off its parent, a quarter of the way to its birth (the first sample at
  // which it is evaluated), where it is at most 1/8 of a cell from the parent (measured:
  // inheriting up to the birth itself, half a cell away, raised the p90 error against exact
  // profiles from 0.60 to 0.94 dB on the 30 m grid). Set with the strides.
  std::vector<int> branch_at;
  int branch(int low) const { return branch_at[static_cast<std::size_t>(low)]; }
  // Point sampling (itm, p1812: see rasterize): every ray is sampled from the site, and a sample
  // is evaluated only where it is the nearest of some cell (`wanted`, n x samples); length[j] is
  // the number of samples of ray j on the DEM.
  bool point = false;
  std::unique_ptr<std::atomic<std::uint8_t>[]> wanted;
  std::vector<int> length;
  // The nearest ray and sample to a cell dist metres from the site at azimuth th (rad, [0, 2 pi)).
  void nearest(double dist, double th, int& j, int& k) const {
    k = std::min(static_cast<int>(dist / step_m + 0.5), samples - 1);
    j = static_cast<int>(th / dtheta + 0.5);
    if (j >= n) j -= n;
  }
};

// Correction tables by frequency, shared by the sites of one call (built before the parallel work,
// in site order, so the result never depends on scheduling).
using CorrectionTables = std::map<double, std::unique_ptr<SmoothCorrectionTable>>;

// Terrain along ray j (direction j * dtheta from north, clockwise) at sample k: the bilinear
// height; a DEM void is bridged with the previous height (the cell itself stays NaN in the
// raster); false once the ray has left the DEM.
struct RaySampler {
  const terrain::Dem& dem;
  const Frame& f;
  std::vector<double> dc, dr;  // per ray: column and row steps per sample
  RaySampler(const terrain::Dem& d, const Frame& fr, int n, double dtheta) : dem(d), f(fr), dc(n), dr(n) {
    for (int j = 0; j < n; ++j) {
      dc[j] = f.step_m * std::sin(j * dtheta) * f.col_per_m;
      dr[j] = f.step_m * std::cos(j * dtheta) * f.row_per_m;
    }
  }
  bool at(int j, int k, double& last) const {
    const double c = f.c0 + k * dc[j], r = f.r0 + k * dr[j];
    const double z = bilinear(dem, c, r);
    if (!std::isnan(z)) {
      last = z;
      return true;
    }
    const auto& g = dem.grid();
    return c >= 0 && r >= 0 && c <= g.cols - 1 && r <= g.rows - 1;
  }
};

// Calls cell(band, rr, cc, c, r, dist, th) for every cell of window w within radius_m of the
// site that has DEM data (rr, cc: window row and column; c, r: DEM cell; dist: metres from the
// site; th: azimuth in [0, 2 pi) clockwise from north), and on_void(band) for each void, in tiles
// of 32 x 32 cells (so the ray samples they read stay in cache), parallel over bands of 32 rows.
template <class Cell, class Void>
void for_each_cell(const terrain::Dem& dem, const Frame& f, const Window& w, double radius_m, int threads,
                   Cell&& cell, Void&& on_void) {
  constexpr int kTile = 32;
  const int cols = w.cols(), rows = w.rows();
  const int bands = (rows + kTile - 1) / kTile;
  detail::parallel_for(static_cast<std::size_t>(bands), threads, [&](std::size_t band) {
    const int rr_lo = static_cast<int>(band) * kTile, rr_hi = std::min(rows, rr_lo + kTile);
    for (int cc_lo = 0; cc_lo < cols; cc_lo += kTile) {
      const int cc_hi = std::min(cols, cc_lo + kTile);
      for (int rr = rr_lo; rr < rr_hi; ++rr) {
        const int r = w.r_lo + rr;
        const double n = (r - f.r0) / f.row_per_m;
        for (int cc = cc_lo; cc < cc_hi; ++cc) {
          const int c = w.c_lo + cc;
          const double e = (c - f.c0) / f.col_per_m;
          const double dist = std::sqrt(e * e + n * n);
          if (dist > radius_m) continue;
          if (std::isnan(dem.cell(c, r))) {
            on_void(band);
            continue;
          }
          double th = detail::fast_atan2(e, n);
          if (th < 0) th += kTwoPi;
          cell(band, rr, cc, c, r, dist, th);
        }
      }
    }
  });
}

// p526 over the tree of rays (see Rays): ray j from sample st.k on, then its children.
void trace_p526(const Rays& rays, const RaySampler& sampler, const P526Site& site, int j, int low, P526State st) {
  float* out = rays.loss.get() + static_cast<std::size_t>(j) * rays.samples;
  std::fill(out, out + rays.samples, static_cast<float>(kNaN));
  int child = low / 2;
  int child_start = child >= 1 ? rays.branch(child) : rays.samples;
  double last = st.h_prev;
  int k = st.k;
  for (; k < rays.samples; ++k) {
    while (child >= 1 && child_start <= k) {
      const std::size_t mark = st.hull_u.history->removed.size();
      trace_p526(rays, sampler, site, j + child, child, st);
      st.hull_u.history->removed.resize(mark);
      child /= 2;
      child_start = child >= 1 ? rays.branch(child) : rays.samples;
    }
    if (!sampler.at(j, k, last)) break;  // left the DEM
    out[k] = p526_step(site, st, last, rays.evaluated(j, k));
  }
  // Children born after this ray left the DEM start from the site on their own.
  for (; child >= 1; child /= 2) {
    const std::size_t mark = st.hull_u.history->removed.size();
    P526State fresh;
    fresh.hull_u.history = st.hull_u.history;
    trace_p526(rays, sampler, site, j + child, child, std::move(fresh));
    st.hull_u.history->removed.resize(mark);
  }
}

Rays cast_rays(const terrain::Dem& dem, const Frame& f, const Window& w, const Site& site, const RasterParams& p,
               const ProgressFn& progress, SmoothCorrectionTable* corr) {
  Rays rays;
  const double radius_m = p.radius_km * 1000.0;
  rays.step_m = f.step_m;
  rays.samples = static_cast<int>(std::floor(radius_m / f.step_m)) + 2;  // one beyond the radius
  const double gap = f.gap_m / f.step_m;  // in samples
  const int wanted = std::max(8, static_cast<int>(std::ceil(kTwoPi * radius_m / f.gap_m)));
  while (rays.top * 2 * 16 <= wanted) rays.top *= 2;  // at least 16 roots, for the threads
  rays.n = (wanted + rays.top - 1) / rays.top * rays.top;
  rays.dtheta = kTwoPi / rays.n;
  rays.stride.assign(rays.samples, 1);
  for (int k = 0; k < rays.samples; ++k) {
    int st = rays.top;
    while (st > 1 && st * rays.dtheta * k > gap) st /= 2;
    rays.stride[k] = st;
  }
  rays.branch_at.assign(static_cast<std::size_t>(rays.top) + 1, 0);
  for (int low = 1; low < rays.top; low *= 2) {
    int birth = 0;
    while (birth + 1 < rays.samples && rays.stride[birth + 1] > low) ++birth;
    rays.branch_at[static_cast<std::size_t>(low)] = birth / 4;
  }
  rays.loss.reset(new float[static_cast<std::size_t>(rays.n) * rays.samples]);
  rays.point = p.model != RasterModel::p526;
  if (rays.point) {  // the nearest sample of each cell
    const std::size_t total = static_cast<std::size_t>(rays.n) * rays.samples;
    rays.wanted.reset(new std::atomic<std::uint8_t>[total]);
    for (std::size_t q = 0; q < total; ++q) rays.wanted[q].store(0, std::memory_order_relaxed);
    rays.length.assign(static_cast<std::size_t>(rays.n), 0);
    for_each_cell(dem, f, w, radius_m, p.threads,
                  [&](std::size_t, int, int, int, int, double dist, double th) {
                    int j, k;
                    rays.nearest(dist, th, j, k);
                    rays.wanted[static_cast<std::size_t>(j) * rays.samples + k].store(1, std::memory_order_relaxed);
                  },
                  [](std::size_t) {});
  }
  double h0 = bilinear(dem, f.c0, f.r0);
  if (std::isnan(h0)) {
    // Beside a void (SRTM voids cluster on peaks, where candidates stand), the ground is the
    // nearest measured cell within two cells; a site farther into a void is refused.
    double best = std::numeric_limits<double>::infinity();
    const int c0 = static_cast<int>(std::lround(f.c0)), r0 = static_cast<int>(std::lround(f.r0));
    for (int dr = -2; dr <= 2; ++dr)
      for (int dc = -2; dc <= 2; ++dc) {
        const int c = c0 + dc, r = r0 + dr;
        if (c < 0 || r < 0 || c >= dem.grid().cols || r >= dem.grid().rows) continue;
        const float z = dem.cell(c, r);
        const double d2 = (c - f.c0) * (c - f.c0) + (r - f.r0) * (r - f.r0);
        if (!std::isnan(z) && d2 < best) {
          best = d2;
          h0 = z;
        }
      }
  }
  if (std::isnan(h0)) throw InputError("site '" + site.id + "' stands on a DEM void or outside the DEM");
  const double hts = h0 + site.height_m;
  const double s_km = f.step_m / 1000.0;
  const RaySampler sampler(dem, f, rays.n, rays.dtheta);
  if (p.model == RasterModel::p526) {
    std::vector<double> fs_db(static_cast<std::size_t>(rays.samples));
    const P526Site ps = sweep::make_p526_site(s_km, hts, p.rx_height_m, p.k_factor, site.freq_mhz, corr, fs_db);
    detail::parallel_for(
        static_cast<std::size_t>(rays.n / rays.top), p.threads,
        [&](std::size_t root) {
          sweep::HullHistory history(rays.samples);
          P526State st;
          st.h_prev = h0;
          st.hull_u.history = &history;
          trace_p526(rays, sampler, ps, static_cast<int>(root) * rays.top, rays.top, std::move(st));
        },
        progress);
    return rays;
  }
  detail::parallel_for(
      static_cast<std::size_t>(rays.n), p.threads,
      [&](std::size_t j) {
        thread_local std::vector<double> h;
        h.resize(rays.samples);
        int n = rays.samples;
        double last = h0;
        for (int k = 0; k < rays.samples; ++k) {
          if (!sampler.at(static_cast<int>(j), k, last)) {
            n = k;
            break;
          }
          h[k] = last;
        }
        float* out = rays.loss.get() + j * rays.samples;
        std::fill(out, out + rays.samples, static_cast<float>(kNaN));
        rays.length[j] = n;
        if (n < 1) return;
        // Samples wanted by cells; cells whose nearest sample is beyond the DEM's edge take the
        // ray's last sample on the DEM.
        const std::atomic<std::uint8_t>* want = rays.wanted.get() + j * rays.samples;
        bool beyond = false;
        for (int k = n; k < rays.samples && !beyond; ++k) beyond = want[k].load(std::memory_order_relaxed) != 0;
        auto needed = [&](int k) { return want[k].load(std::memory_order_relaxed) != 0 || (beyond && k == n - 1); };
        if (p.model == RasterModel::p1812) {  // P.1812 on each prefix of the ray
          thread_local radio::P1812Input in;
          in = radio::p1812_input(p, site.height_m, p.rx_height_m, site.freq_mhz, site.lat);
          out[0] = static_cast<float>(radio::free_space_3d_db(0.0, p.rx_height_m - site.height_m, site.freq_mhz));
          if (n > 1) {  // one sample out: free space (P.1812 needs a profile of three points)
            out[1] = static_cast<float>(
                radio::free_space_3d_db(s_km, h[1] + p.rx_height_m - h[0] - site.height_m, site.freq_mhz));
          }
          for (int k = 2; k < n; ++k) {
            if (!needed(k)) continue;
            in.d_km.resize(k + 1);
            in.h_m.resize(k + 1);
            for (int q = 0; q <= k; ++q) {
              in.d_km[q] = q * s_km;
              in.h_m[q] = h[q];
            }
            out[k] = static_cast<float>(radio::p1812(in).lb_db);
          }
        } else {  // ITM along the ray, incrementally (radio::ItmRay: same loss as itm_p2p_tls on each prefix)
          {
            const radio::ItmParams ip = radio::itm_params(p, site.height_m, p.rx_height_m, site.freq_mhz);
            radio::ItmRayOptions opt;
            opt.dh_anchor_spacing = p.itm_dh_anchor_spacing;
            opt.dh_rel_tolerance = p.itm_dh_rel_tolerance;
            radio::ItmRay itm(ip, p.time_pct, p.location_pct, p.situation_pct, opt);  // cheap: per ray
            out[0] = static_cast<float>(radio::free_space_3d_db(0.0, p.rx_height_m - site.height_m, site.freq_mhz));
            itm.run(h.data(), static_cast<std::size_t>(n), f.step_m, out,
                    [&](std::size_t k) { return needed(static_cast<int>(k)); });
          }
        }
      },
      progress);
  return rays;
}

// Each cell within the radius takes, for p526, the bilinear value of the two nearest evaluated
// rays and samples (the sweep's loss is continuous along and across rays); for the point models
// (itm, p1812), the value of its nearest sample, with the free-space term moved from the sample's
// distance to the cell's (20 log10(dist / (k step))). Those models evaluate each ray prefix from
// its own profile, and their loss jumps from one sample to the next (ITM: by more than 1 dB
// between neighbours at two thirds of the samples on SRTM, from Delta h's resampling and the
// horizons), so blending neighbours smooths rather than approaches the cell's own value; the
// nearest sample (as SPLAT! takes the radial through a cell) keeps about one evaluation per cell.
SiteRaster rasterize(const terrain::Dem& dem, const Frame& f, const Window& w, const Rays& rays,
                     const RasterParams& p, const Site& site) {
  // A directional antenna adds its attenuation towards each cell (azimuth of the cell, elevation
  // from the antenna to the receiver over the curved earth).
  const double hts = bilinear(dem, f.c0, f.r0) + site.height_m;
  const double ae_m = p.k_factor * 6371000.0;
  const double max_gain = site.antenna ? site.antenna->max_gain_dbi() : 0.0;
  SiteRaster out;
  out.grid = window_grid(dem.grid(), w);
  const int cols = w.cols(), rows = w.rows();
  out.values.assign(static_cast<std::size_t>(cols) * rows, static_cast<float>(kNaN));
  const double radius_m = p.radius_km * 1000.0;
  const double inv_step = 1.0 / rays.step_m, inv_dtheta = 1.0 / rays.dtheta;
  const int bands = (rows + 31) / 32;
  std::vector<std::int64_t> voids(static_cast<std::size_t>(bands), 0);
  auto bilinear_value = [&](double dist, double th, double& v) {
    const double sidx = dist * inv_step;
    const int k0 = std::min(static_cast<int>(sidx), rays.samples - 2);
    const double fs = sidx - k0;
    const int st = rays.stride[k0 + 1];  // evaluated rays here: multiples of st (a power of two)
    const double tj = th * inv_dtheta;
    int j0 = static_cast<int>(tj) & ~(st - 1);
    if (j0 >= rays.n) j0 = rays.n - st;
    const double fa = std::clamp((tj - j0) / st, 0.0, 1.0);
    const int j1 = (j0 + st >= rays.n) ? 0 : j0 + st;  // ray 0 again at 2 pi
    const float* r0 = rays.loss.get() + static_cast<std::size_t>(j0) * rays.samples;
    const float* r1 = rays.loss.get() + static_cast<std::size_t>(j1) * rays.samples;
    const double ws[4] = {(1 - fa) * (1 - fs), (1 - fa) * fs, fa * (1 - fs), fa * fs};
    const float vs[4] = {r0[k0], r0[k0 + 1], r1[k0], r1[k0 + 1]};
    if (!std::isnan(vs[0] + vs[1] + vs[2] + vs[3])) {  // the usual case: all four computed
      v = ws[0] * vs[0] + ws[1] * vs[1] + ws[2] * vs[2] + ws[3] * vs[3];
      return true;
    }
    double acc = 0, wsum = 0;  // next to the DEM's edge: the computed ones, reweighted
    for (int q = 0; q < 4; ++q)
      if (ws[q] > 0 && !std::isnan(vs[q])) {
        acc += ws[q] * vs[q];
        wsum += ws[q];
      }
    if (!(wsum > 0)) return false;
    v = acc / wsum;
    return true;
  };
  auto point_value = [&](double dist, double th, double& v) {
    int j, k;
    rays.nearest(dist, th, j, k);
    k = std::min(k, rays.length[static_cast<std::size_t>(j)] - 1);  // beyond the DEM's edge: its last sample
    if (k < 0) return false;
    const float x = rays.loss[static_cast<std::size_t>(j) * rays.samples + k];
    if (std::isnan(x)) return false;
    v = x + (k >= 1 ? 20.0 * std::log10(dist / (k * rays.step_m)) : 0.0);
    return true;
  };
  for_each_cell(
      dem, f, w, radius_m, p.threads,
      [&](std::size_t, int rr, int cc, int c, int r, double dist, double th) {
        double v;
        if (!(rays.point ? point_value(dist, th, v) : bilinear_value(dist, th, v))) return;
        if (site.antenna && dist > 0) {
          const double el = std::atan((dem.cell(c, r) + p.rx_height_m - hts) / dist) - dist / (2.0 * ae_m);
          v += max_gain - site.antenna->gain_dbi(th * 180.0 / M_PI, el * 180.0 / M_PI);
        }
        out.values[static_cast<std::size_t>(rr) * cols + cc] = static_cast<float>(v);
      },
      [&](std::size_t band) { ++voids[band]; });
  for (auto v : voids) out.void_cells += v;
  return out;
}

}  // namespace

RasterModel raster_model_from_string(const std::string& name) {
  if (name == "los") return RasterModel::los;
  if (name == "p526" || name == "delta_bullington") return RasterModel::p526;
  if (name == "itm") return RasterModel::itm;
  if (name == "p1812") return RasterModel::p1812;
  throw InputError("unknown model '" + name + "' (known: " + radio::model_names(&radio::ModelInfo::raster) + ")");
}

std::string to_string(RasterModel m) {
  switch (m) {
    case RasterModel::los: return "los";
    case RasterModel::p526: return "p526";
    case RasterModel::itm: return "itm";
    case RasterModel::p1812: return "p1812";
  }
  return "?";
}

namespace {

Frame site_frame(const terrain::Dem& dem, const Site& site, const RasterParams& p) {
  if (!(p.radius_km > 0)) throw InputError("raster: radius_km must be > 0, got " + std::to_string(p.radius_km));
  const auto xy = dem.lonlat_to_dem(site.lon, site.lat);
  if (!dem.contains(xy.first, xy.second))
    throw InputError("site '" + site.id + "' at (" + std::to_string(site.lon) + ", " + std::to_string(site.lat) +
                     ") lies outside the DEM");
  Frame f = make_frame(dem, xy.first, xy.second, site.lat);
  if (!(p.ray_spacing_m >= 0)) throw InputError("raster: ray_spacing_m must be >= 0, got " + std::to_string(p.ray_spacing_m));
  if (!(p.ray_gap_m >= 0)) throw InputError("raster: ray_gap_m must be >= 0, got " + std::to_string(p.ray_gap_m));
  if (p.itm_dh_anchor_spacing < 0)
    throw InputError("raster: itm_dh_anchor_spacing must be >= 0, got " + std::to_string(p.itm_dh_anchor_spacing));
  if (!(p.itm_dh_rel_tolerance >= 0))
    throw InputError("raster: itm_dh_rel_tolerance must be >= 0, got " + std::to_string(p.itm_dh_rel_tolerance));
  if (p.ray_spacing_m > 0) f.step_m = p.ray_spacing_m;
  f.gap_m = p.ray_gap_m > 0 ? p.ray_gap_m : f.step_m;
  return f;
}

// The correction table for a site's frequency, added to `tables` if missing. Its sample spacing is
// the grid's (ray_spacing_m, or the cell size at the grid's central latitude): a property of the
// grid, not of whichever site asks first, so that a composite computed tile by tile, each tile
// with the sites that reach it, equals the whole one bit for bit (windowed DEMs keep the grid).
SmoothCorrectionTable* correction_for(CorrectionTables& tables, const terrain::Dem& dem, const Site& site,
                                      const RasterParams& p) {
  if (p.model != RasterModel::p526) return nullptr;
  auto& t = tables[site.freq_mhz];
  if (!t) {
    const auto& g = dem.grid();
    const double step_m = p.ray_spacing_m > 0
                              ? p.ray_spacing_m
                              : make_frame(dem, g.x_of(g.cols / 2.0), g.y_of(g.rows / 2.0),
                                           dem.is_geographic() ? g.y_of(g.rows / 2.0) : 0.0).step_m;
    const double s_km = step_m / 1000.0;
    t = std::make_unique<SmoothCorrectionTable>(site.freq_mhz, p.k_factor, s_km, p.radius_km + 2 * s_km, p.rx_height_m,
                                                p.pol);
  }
  return t.get();
}

// Up front, before any work: a radius or a sample spacing that no real request has.
void check_raster_params(const RasterParams& p) {
  if (!(p.radius_km > 0)) throw InputError("raster: radius_km must be > 0, got " + std::to_string(p.radius_km));
  if (!limits::kRasterRadiusKm.contains(p.radius_km))
    throw InputError("raster: radius_km is " + limits::fmt(p.radius_km) +
                     " km: beyond the reach of any cellular site (expected " +
                     limits::describe(limits::kRasterRadiusKm, "radius_km", "km") +
                     "; fix: give the radius in km, e.g. 30)");
  auto spacing = [](const char* name, double v) {
    if (!std::isfinite(v) || (v > 0 && v < limits::kMinResolutionM))
      throw InputError(std::string("raster: ") + name + " is " + limits::fmt(v) + " m: finer than any DEM (expected 0 " +
                       "(the DEM cell size) or " + name + " ≥ " + limits::fmt(limits::kMinResolutionM) +
                       " m; fix: give the spacing in metres, e.g. 30, or 0)");
  };
  spacing("ray_spacing_m", p.ray_spacing_m);
  spacing("ray_gap_m", p.ray_gap_m);
}

// Up front: every site's frequency within the model's validity range (RangeError).
void check_site_frequency(const Site& site, const RasterParams& p) {
  const limits::Range* r = p.model == RasterModel::p526    ? &limits::kP526FreqMhz
                           : p.model == RasterModel::p1812 ? &limits::kP1812FreqMhz
                           : p.model == RasterModel::itm   ? &limits::kItmFreqMhz
                                                           : nullptr;
  if (r && !r->contains(site.freq_mhz))
    throw RangeError("site '" + site.id + "'" + (site.row > 0 ? " (row " + std::to_string(site.row) + ")" : "") +
                     ": freq_mhz is " + limits::fmt(site.freq_mhz) + " MHz, outside the validity range of the " +
                     to_string(p.model) + " raster model (expected " + limits::describe(*r, "freq_mhz", "MHz") +
                     "; fix: correct the site's frequency or choose a model that covers it: p526 30-50000 MHz, "
                     "itm 20-20000 MHz, p1812 30-6000 MHz)");
}

// Bytes the raster of one site allocates (cells x bytes per cell of every buffer), computed in
// floating point from the same formulas as cast_rays/rasterize/los_raster before any allocation.
double site_raster_bytes(const Frame& f, const Window& w, const RasterParams& p, int threads) {
  const double cells = static_cast<double>(w.cols()) * w.rows();
  if (p.model == RasterModel::los) return cells * (sizeof(float) + sizeof(double));  // values + zp
  const double radius_m = p.radius_km * 1000.0;
  const double samples = std::floor(radius_m / f.step_m) + 2;
  const double wanted = std::max(8.0, std::ceil(kTwoPi * radius_m / f.gap_m));
  double top = 1;
  while (top * 2 * 16 <= wanted) top *= 2;
  const double n = std::ceil(wanted / top) * top;
  double bytes = n * samples * sizeof(float)                       // Rays::loss
                 + cells * sizeof(float)                           // SiteRaster::values
                 + n * 2 * sizeof(double)                          // RaySampler
                 + samples * (sizeof(int) + sizeof(double))        // strides, free-space table
                 + threads * samples * (sizeof(double) + 2 * sizeof(int));  // per thread: heights, hull history
  if (p.model != RasterModel::p526) bytes += n * samples * 1 + n * sizeof(int);  // Rays::wanted, length
  return bytes;
}

std::string memory_fix() {
  return "use a smaller radius_km or a coarser resolution_m (resample the DEM) or a larger ray_spacing_m";
}

SiteRaster site_raster_with(const terrain::Dem& dem, const Site& site, const RasterParams& p, const ProgressFn& progress,
                            CorrectionTables& tables) {
  const Frame f = site_frame(dem, site, p);
  const Window w = make_window(dem, f, p.radius_km * 1000.0);
  if (p.model == RasterModel::los) {
    if (progress) progress(0, 1);
    auto r = los_raster(dem, f, w, site, p);
    if (progress) progress(1, 1);
    return r;
  }
  const Rays rays = cast_rays(dem, f, w, site, p, progress, correction_for(tables, dem, site, p));
  return rasterize(dem, f, w, rays, p, site);
}

}  // namespace

SiteRaster site_raster(const terrain::Dem& dem, const Site& site, const RasterParams& p, const ProgressFn& progress) {
  check_raster_params(p);
  check_site_frequency(site, p);
  {
    const Frame f = site_frame(dem, site, p);
    const Window w = make_window(dem, f, p.radius_km * 1000.0);
    limits::check_memory("the " + std::string(to_string(p.model)) + " raster of site '" + site.id + "' (radius " +
                             limits::fmt(p.radius_km) + " km, " + std::to_string(w.rows()) + " x " +
                             std::to_string(w.cols()) + " cells)",
                         site_raster_bytes(f, w, p, detail::resolve_threads(p.threads)), memory_fix());
  }
  CorrectionTables tables;
  return site_raster_with(dem, site, p, progress, tables);
}

namespace {
// Received powers summed exactly: integer units of 1e-19 mW (-190 dBm); a site's RSRP is capped
// at -30 dBm (1e16 units, so even 1,000 sites at the cap fit in 64 bits).
constexpr double kPowerUnitMw = 1e-19;
std::uint64_t power_units(double rsrp_dbm) {
  const double mw = std::pow(10.0, std::min(rsrp_dbm, -30.0) / 10.0);
  return static_cast<std::uint64_t>(std::llround(mw / kPowerUnitMw));
}
// RSRP is per 15 kHz resource element in the engine; 5G at >= 2.5 GHz (numerology 1) has 30 kHz
// elements: 3 dB more per element (and noise).
double scs_offset_db(const Site& site) {
  return site.technologies.find("5G") != std::string::npos && site.freq_mhz >= 2500.0 ? 10.0 * std::log10(2.0)
                                                                                      : 0.0;
}
std::size_t sinr_groups(const std::vector<Site>& sites) {
  std::vector<double> f;
  for (const Site& s : sites)
    if (std::find(f.begin(), f.end(), s.freq_mhz) == f.end()) f.push_back(s.freq_mhz);
  return std::max<std::size_t>(f.size(), 1);
}
}  // namespace

Composite best_server(const terrain::Dem& dem, const std::vector<Site>& sites, const RasterParams& params,
                      double threshold_dbm, const ProgressFn& progress, terrain::CellWindow window) {
  if (params.model == RasterModel::los) throw InputError("best_server needs a path-loss model (p526, p1812 or itm), not los");
  check_raster_params(params);
  if (window.empty()) {
    if (window.cols < 0 || window.rows < 0)
      throw InputError("best_server: window of " + std::to_string(window.rows) + " x " + std::to_string(window.cols) +
                       " cells (rows and cols must be >= 0; 0 x 0 = the DEM's loaded cells)");
    window = dem.loaded();
  }
  {
    const auto& g = dem.grid();
    if (window.col_off < 0 || window.row_off < 0 || window.col_off + window.cols > g.cols ||
        window.row_off + window.rows > g.rows)
      throw InputError("best_server: window of " + std::to_string(window.rows) + " x " + std::to_string(window.cols) +
                       " cells at row " + std::to_string(window.row_off) + ", col " + std::to_string(window.col_off) +
                       " is not inside the DEM's grid of " + std::to_string(g.rows) + " x " + std::to_string(g.cols) +
                       " cells");
  }
  for (const Site& site : sites) check_site_frequency(site, params);
  {  // Memory before allocating: the composite, plus one site raster per thread at a time.
    RasterParams one = params;
    one.threads = 1;
    double per_site = 0;
    for (const Site& site : sites) {
      const Frame f = site_frame(dem, site, one);
      per_site = std::max(per_site, site_raster_bytes(f, make_window(dem, f, params.radius_km * 1000.0), one, 1));
    }
    const double cells = static_cast<double>(window.cells());
    const double concurrent =
        static_cast<double>(std::min<std::size_t>(static_cast<std::size_t>(detail::resolve_threads(params.threads)),
                                                  std::max<std::size_t>(sites.size(), 1)));
    limits::check_memory("the " + std::string(to_string(params.model)) + " best-server composite of " +
                             std::to_string(sites.size()) + " sites (" + std::to_string(window.rows) + " x " +
                             std::to_string(window.cols) + " cells, radius " + limits::fmt(params.radius_km) + " km)",
                         cells * (sizeof(float) + sizeof(std::int32_t) + sizeof(std::uint16_t) +
                                  (params.sinr ? 2 * sizeof(float) + sizeof(std::uint64_t) * sinr_groups(sites)
                                               : 0)) +
                             concurrent * per_site,
                         memory_fix() + ", or fewer threads");
  }
  Composite out;
  out.grid = dem.grid();
  out.grid.origin_x = dem.grid().origin_x + window.col_off * dem.grid().dx;
  out.grid.origin_y = dem.grid().origin_y + window.row_off * dem.grid().dy;
  out.grid.cols = window.cols;
  out.grid.rows = window.rows;
  const std::size_t n = static_cast<std::size_t>(out.grid.cols) * out.grid.rows;
  out.best_rsrp_dbm.assign(n, static_cast<float>(kNaN));
  out.server.assign(n, -1);
  out.n_servers.assign(n, 0);
  // SINR: the received power of every site summed per cell and frequency in integer units of
  // -190 dBm (exact, so the sum does not depend on the order the threads add in).
  std::vector<int> group(sites.size(), 0);
  std::vector<std::uint64_t> power;
  if (params.sinr) {
    if (!(params.sinr_load >= 0 && params.sinr_load <= 1))
      throw InputError("best_server: sinr_load " + limits::fmt(params.sinr_load) + " (must be in [0, 1])");
    if (params.mimo_layers < 1 || params.mimo_layers > 8)
      throw InputError("best_server: mimo_layers " + std::to_string(params.mimo_layers) + " (must be 1..8)");
    if (!(params.overhead >= 0 && params.overhead < 1))
      throw InputError("best_server: overhead " + limits::fmt(params.overhead) + " (must be in [0, 1))");
    std::vector<double> freqs;
    for (std::size_t s = 0; s < sites.size(); ++s) {
      auto it = std::find(freqs.begin(), freqs.end(), sites[s].freq_mhz);
      group[s] = static_cast<int>(it - freqs.begin());
      if (it == freqs.end()) freqs.push_back(sites[s].freq_mhz);
    }
    power.assign(n * std::max<std::size_t>(freqs.size(), 1), 0);
  }
  // Rows are merged under one lock per band of 64 rows; max-with-lowest-index and counting are
  // order-independent, so any schedule gives the same composite.
  const int bands = (out.grid.rows + 63) / 64;
  std::vector<std::mutex> locks(static_cast<std::size_t>(bands));
  RasterParams one = params;
  one.threads = 1;  // parallel over sites instead
  CorrectionTables tables;  // one per frequency, shared by all sites (and filled as they need it)
  for (const Site& site : sites) correction_for(tables, dem, site, one);
  detail::parallel_for(
      sites.size(), params.threads,
      [&](std::size_t s) {
        const Site& site = sites[s];
        const SiteRaster r = site_raster_with(dem, site, one, {}, tables);
        const double offset = site.eirp_dbm - 10.0 * std::log10(12.0 * radio::lte_resource_blocks(site.bandwidth_mhz));
        // The site's window and the composite's, in cells of the DEM's grid (exact integers).
        const int c_lo = static_cast<int>(std::lround((r.grid.origin_x - dem.grid().origin_x) / dem.grid().dx)) -
                         window.col_off;
        const int r_lo = static_cast<int>(std::lround((r.grid.origin_y - dem.grid().origin_y) / dem.grid().dy)) -
                         window.row_off;
        const int rr_begin = std::max(0, -r_lo), rr_end = std::min(r.grid.rows, window.rows - r_lo);
        const int cc_begin = std::max(0, -c_lo), cc_end = std::min(r.grid.cols, window.cols - c_lo);
        for (int rr = rr_begin; rr < rr_end; ++rr) {
          const int row = r_lo + rr;
          std::lock_guard<std::mutex> lock(locks[static_cast<std::size_t>(row / 64)]);
          for (int cc = cc_begin; cc < cc_end; ++cc) {
            const float loss = r.values[static_cast<std::size_t>(rr) * r.grid.cols + cc];
            if (std::isnan(loss)) continue;
            const float rsrp = static_cast<float>(offset - loss);
            const std::size_t k = static_cast<std::size_t>(row) * out.grid.cols + (c_lo + cc);
            const float best = out.best_rsrp_dbm[k];
            if (std::isnan(best) || rsrp > best || (rsrp == best && static_cast<int>(s) < out.server[k])) {
              out.best_rsrp_dbm[k] = rsrp;
              out.server[k] = static_cast<std::int32_t>(s);
            }
            if (rsrp >= threshold_dbm && out.n_servers[k] < 65535) ++out.n_servers[k];
            if (params.sinr) {
              std::uint64_t& acc = power[static_cast<std::size_t>(group[s]) * n + k];
              const std::uint64_t add = power_units(rsrp + scs_offset_db(site));
              acc = add > UINT64_MAX - acc ? UINT64_MAX : acc + add;
            }
          }
        }
      },
      progress);
  if (params.sinr) {
    out.sinr_db.assign(n, static_cast<float>(kNaN));
    out.throughput_mbps.assign(n, static_cast<float>(kNaN));
    const double n15 = radio::thermal_noise_dbm(15e3, params.ue_noise_figure_db);
    for (std::size_t k = 0; k < n; ++k) {
      const int s = out.server[k];
      if (s < 0) continue;
      const Site& site = sites[static_cast<std::size_t>(s)];
      const double offset = scs_offset_db(site);
      const double best = out.best_rsrp_dbm[k] + offset;
      const std::uint64_t total = power[static_cast<std::size_t>(group[static_cast<std::size_t>(s)]) * n + k];
      const std::uint64_t own = power_units(best);
      const double interference_mw = total > own ? static_cast<double>(total - own) * kPowerUnitMw : 0.0;
      const double noise_mw = std::pow(10.0, (n15 + offset) / 10.0);
      const double sinr = best - 10.0 * std::log10(params.sinr_load * interference_mw + noise_mw);
      out.sinr_db[k] = static_cast<float>(sinr);
      out.throughput_mbps[k] = static_cast<float>(
          radio::throughput_mbps(radio::attenuated_shannon_bps_hz(sinr, radio::kShannonDownlink), site.bandwidth_mhz,
                                 params.mimo_layers, params.overhead));
    }
  }
  return out;
}

}  // namespace phusong::coverage
