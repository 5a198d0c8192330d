// Private: the incremental delta-Bullington sweep along one ray (P.452-18 §4.5 / P.526-16
// §4.5.2 on every prefix of a ray profile), used by the raster engine (raster.cpp) and checked
// prefix by prefix against radio::delta_bullington in tests/cpp/test_raster.cpp.
#pragma once
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

#include "phusong/radio.hpp"
#include "phusong/radio/diffraction.hpp"

namespace phusong::coverage::sweep {


struct HullPt {
  double x, y;
  int i;  // sample index
};

// The vertices each point removed from an upper hull when it was added (the upper chain of the
// points under its left edge), so every point can be reached from the hull (see max_under).
// Shared by a ray and the rays branching off it: a branch runs to its end before its parent goes
// on, and only appends; the parent then truncates `removed` back (see trace_p526) and rewrites
// the ranges of the samples it adds after the branch point.
struct HullHistory {
  std::vector<HullPt> removed;
  std::vector<int> lo, hi;                          // per sample index: its range in `removed`
  struct Edge {
    HullPt a, b;
    double bound;
  };
  std::vector<Edge> todo;  // scratch for max_under
  explicit HullHistory(int samples = 0) : lo(static_cast<std::size_t>(samples), 0), hi(lo) {}
};

// Upper convex hull of points added with increasing x. The searches below compare slopes by
// cross-multiplication (all denominators are positive), so they need no division.
struct UpperHull {
  using Pt = HullPt;
  std::vector<Pt> pts;
  HullHistory* history = nullptr;  // recorded when set
  void add(double x, double y, int i) {
    std::size_t m = pts.size();
    while (m >= 2) {
      const Pt& a = pts[m - 2];
      const Pt& b = pts[m - 1];
      if ((b.x - a.x) * (y - a.y) - (b.y - a.y) * (x - a.x) >= 0) --m;
      else break;
    }
    if (history) {
      HullHistory& h = *history;
      if (static_cast<std::size_t>(i) >= h.lo.size()) {
        h.lo.resize(static_cast<std::size_t>(i) + 1, 0);
        h.hi.resize(h.lo.size(), 0);
      }
      h.lo[i] = static_cast<int>(h.removed.size());
      for (std::size_t q = m; q < pts.size(); ++q) h.removed.push_back(pts[q]);
      h.hi[i] = static_cast<int>(h.removed.size());
    }
    pts.resize(m);
    pts.push_back({x, y, i});
  }
  // Max of eval(p) over the points strictly under the hull's edges (needs the history), given
  // `best` already reached (e.g. by the vertices); bound(a, b) must bound eval from above over
  // the points under edge a-b. Branch and bound: the points under edge (a, b) are b's removed
  // chain and, recursively, the points under that chain's edges.
  template <class Eval, class Bound>
  double max_under(double best, Eval&& eval, Bound&& bound) const {
    HullHistory& h = *history;
    auto& todo = h.todo;  // edges (a, b) still to search, with their bound
    todo.clear();
    auto push = [&](const Pt& a, const Pt& b) {
      if (b.i - a.i < 2) return;  // no point under the edge
      const double ub = bound(a, b);
      if (ub > best) todo.push_back({a, b, ub});
    };
    for (std::size_t e = 0; e + 1 < pts.size(); ++e) push(pts[e], pts[e + 1]);
    while (!todo.empty()) {
      const HullHistory::Edge t = todo.back();
      todo.pop_back();
      if (!(t.bound > best)) continue;
      for (int r = h.lo[t.b.i]; r < h.hi[t.b.i]; ++r) best = std::max(best, eval(h.removed[r]));
      Pt prev = t.a;
      for (int r = h.lo[t.b.i]; r < h.hi[t.b.i]; ++r) {
        push(prev, h.removed[r]);
        prev = h.removed[r];
      }
    }
    return best;
  }

  // The first vertex m in [0, last] where the monotone predicate pred(m) (true, ..., true,
  // false, ...; pred(last) is taken as false) is false, searched from `hint` outwards by doubling
  // steps, then bisection: the same vertex a bisection over the whole hull finds, in O(log of the
  // distance from the hint). Along a ray the answer moves little between samples, so starting
  // from the previous sample's answer saves most of the (poorly predicted) bisection steps.
  template <class Pred>
  int first_false(Pred&& pred, int hint) const {
    const int last = static_cast<int>(pts.size()) - 1;
    const int h = std::clamp(hint, 0, last);
    int lo, hi;
    if (h < last && pred(h)) {  // the answer is right of h
      lo = h + 1;
      hi = last;
      for (int step = 1; lo < last; step *= 2) {
        const int probe = std::min(lo + step - 1, last - 1);
        if (!pred(probe)) {
          hi = probe;
          break;
        }
        lo = probe + 1;
      }
    } else {  // at h or left of it
      lo = 0;
      hi = h;
      for (int step = 1; hi > 0; step *= 2) {
        const int probe = std::max(hi - step, 0);
        if (pred(probe)) {
          lo = probe + 1;
          break;
        }
        hi = probe;
      }
    }
    while (lo < hi) {
      const int m = (lo + hi) / 2;
      if (pred(m)) lo = m + 1;
      else hi = m;
    }
    return lo;
  }

  // The vertex maximising y - slope * x (a linear objective is unimodal along the hull); `hint`
  // (updated) is where the search starts.
  int argmax_linear(double slope, int& hint) const {
    hint = first_false([&](int m) { return pts[m + 1].y - pts[m].y > slope * (pts[m + 1].x - pts[m].x); }, hint);
    return hint;
  }
  // The largest slope (y - Y) / (X - x) from a point (X, Y) right of every vertex: the tangent.
  double max_slope_to(double X, double Y, int& hint) const {
    hint = first_false(
        [&](int m) { return (pts[m].y - Y) * (X - pts[m + 1].x) < (pts[m + 1].y - Y) * (X - pts[m].x); }, hint);
    return (pts[hint].y - Y) / (X - pts[hint].x);
  }
};

// Lbull (P.452 eq. (22)) as a function of nu and d: J(nu) + (1 - exp(-J(nu) / 6)) (10 + 0.02 d),
// with J(nu) and 1 - exp(-J / 6) read from tables every 1/256 in nu (linear interpolation:
// within 2e-5 dB of the formulas; they are used beyond the table).
class KnifeEdgeTable {
 public:
  static const KnifeEdgeTable& get() {
    static const KnifeEdgeTable table;
    return table;
  }
  double lbull_db(double nu, double d_km) const {
    if (nu <= kNuMin) return 0.0;  // J = 0 below -0.78 (P.526 eq. (31))
    const double f = (nu - kNuMin) * kPerNu;
    if (f >= kSize - 1) {
      const double t = nu - 0.1;
      const double j = 6.9 + 20.0 * std::log10(std::sqrt(t * t + 1.0) + t);
      return j + (1.0 - std::exp(-j / 6.0)) * (10.0 + 0.02 * d_km);
    }
    const int i = static_cast<int>(f);
    const double w = f - i;
    const double j = j_[i] + w * (j_[i + 1] - j_[i]);
    const double e = e_[i] + w * (e_[i + 1] - e_[i]);
    return j + e * (10.0 + 0.02 * d_km);
  }

 private:
  static constexpr double kNuMin = -0.78, kPerNu = 256.0;
  static constexpr int kSize = 40 * 256;  // nu up to about 39
  KnifeEdgeTable() : j_(kSize), e_(kSize) {
    for (int i = 0; i < kSize; ++i) {
      const double t = kNuMin + i / kPerNu - 0.1;  // radio::knife_edge_loss_db, also at the first node
      j_[i] = 6.9 + 20.0 * std::log10(std::sqrt(t * t + 1.0) + t);
      e_[i] = 1.0 - std::exp(-j_[i] / 6.0);
    }
  }
  std::vector<double> j_, e_;
};

// Bullington loss, P.452 eqs. (17)-(22): LoS from nu (eq. (18)); trans-horizon from the slopes
// Stim > Str and Srim, where eqs. (19)-(20) reduce to nu_b = sqrt(0.002 d (Stim - Str) (Srim + Str)
// / lambda) (dbp = d (Str + Srim) / (Stim + Srim), d - dbp = d (Stim - Str) / (Stim + Srim)).
inline double bullington_los(double nu, double d) { return KnifeEdgeTable::get().lbull_db(nu, d); }
inline double bullington_nlos(double stim, double srim, double str, double d, double lambda_m) {
  const double nu = std::sqrt(std::max(0.002 * d / lambda_m * (stim - str) * (srim + str), 0.0));
  return KnifeEdgeTable::get().lbull_db(nu, d);
}

inline double signed_sqrt(double v) { return std::copysign(std::sqrt(std::fabs(v)), v); }

// Bullington loss of the zero-height smooth profile sampled at i * s_km (i = 1..k-1), heights
// a = hts', b = hrs' (P.452 eq. (38)). Each slope is a concave function of the position, so its
// maximum is found at the analytic optimum's neighbours (or by a binary search for LoS).
inline double smooth_bullington(int k, double s_km, double a, double b, double ce, double lambda_m) {
  const double d = k * s_km;
  auto clampi = [&](double v) { return std::clamp(static_cast<int>(v), 1, k - 1); };
  // Stim = max Ce (d - x) - a / x, optimum x = sqrt(a / Ce).
  double stim = -std::numeric_limits<double>::infinity();
  {
    const double xo = std::sqrt(std::max(a, 0.0) / ce) / s_km;
    for (int i : {clampi(std::floor(xo)), clampi(std::floor(xo) + 1)}) {
      const double x = i * s_km;
      stim = std::max(stim, ce * (d - x) - a / x);
    }
  }
  const double str = (b - a) / d;
  if (stim < str) {
    // LoS: max over x of c(x) / sqrt(x (d - x)), c = Ce x (d - x) - (a (d - x) + b x) / d: unimodal.
    auto F = [&](int i) {
      const double x = i * s_km;
      const double c = ce * x * (d - x) - (a * (d - x) + b * x) / d;
      return c / std::sqrt(x * (d - x));
    };
    int lo = 1, hi = k - 1;
    while (lo < hi) {
      const int m = (lo + hi) / 2;
      if (F(m) < F(m + 1)) lo = m + 1;
      else hi = m;
    }
    const double nu = F(lo) * std::sqrt(0.002 * d / lambda_m);
    return bullington_los(nu, d);
  }
  // Srim = max Ce x - b / (d - x), optimum d - x = sqrt(b / Ce).
  double srim = -std::numeric_limits<double>::infinity();
  {
    const double xo = (d - std::sqrt(std::max(b, 0.0) / ce)) / s_km;
    for (int i : {clampi(std::floor(xo)), clampi(std::floor(xo) + 1)}) {
      const double x = i * s_km;
      srim = std::max(srim, ce * x - b / (d - x));
    }
  }
  return bullington_nlos(stim, srim, str, d, lambda_m);
}

// The smooth-earth correction of delta-Bullington, max(Lsph - Lbs, 0) (P.452 eq. (40)), for a
// path of k samples s_km apart with heights a, b (m) above the smooth surface. Lbs >= 0, so when
// Lsph is 0 the correction is 0 without computing Lbs.
struct SmoothEarthTerms {
  double s_km, ce, lambda_m;
  radio::SphericalEarth sph;
  double correction_db(int k, double a, double b) const {
    const double lsph = sph.loss_db(k * s_km, a, b);
    if (!(lsph > 0.0)) return 0.0;
    return std::max(lsph - smooth_bullington(k, s_km, a, b, ce, lambda_m), 0.0);
  }
};

// The correction depends on the path only through (d, a, b), and is smooth between its regimes,
// while computing it costs about as much as the rest of delta-Bullington together (spherical-earth
// first term, Bullington over the smooth arc). So the sweep reads it from a table, trilinearly
// interpolated: nodes every kDStride samples in d; in a / 1 m and b / rx height, kPerOctave nodes
// per octave, evenly spaced within each octave (steps of 6 % to 12 %: the index comes straight
// from the floating-point exponent and mantissa). Filling nodes is most of the table's cost, so
// the grid is as coarse as keeps it within 0.2 dB of the exact term (p99 0.02 dB, measured). Nodes are computed exactly when first needed
// (concurrent fills compute the same value, so the result never depends on the threads). Outside
// the table (d below 2 nodes, heights beyond 2^13 times the minimum): computed exactly. Error
// against the exact term: tests/cpp/test_raster.cpp and README.
class SmoothCorrectionTable {
 public:
  static constexpr int kDStride = 16, kPerOctave = 8, kOctaves = 13;
  SmoothCorrectionTable(double freq_mhz, double k_factor, double s_km, double max_d_km, double b_min_m,
                        radio::Polarization pol = radio::Polarization::vertical)
      : t_{s_km, 500.0 / (k_factor * 6371.0), radio::kSpeedOfLightMps / (freq_mhz * 1e6),
           radio::SphericalEarth(k_factor * 6371.0, freq_mhz, pol)},
        b_min_(std::max(b_min_m, 0.01)),
        per_d_(1.0 / (kDStride * s_km)) {
    nd_ = static_cast<int>(std::ceil(max_d_km * per_d_)) + 2;
    rows_.reset(new std::atomic<std::atomic<float>*>[static_cast<std::size_t>(nd_) * kAxis]());  // all null
  }
  ~SmoothCorrectionTable() {
    for (std::size_t r = 0; r < static_cast<std::size_t>(nd_) * kAxis; ++r) delete[] rows_[r].load();
  }
  SmoothCorrectionTable(const SmoothCorrectionTable&) = delete;
  SmoothCorrectionTable& operator=(const SmoothCorrectionTable&) = delete;
  const SmoothEarthTerms& terms() const { return t_; }
  // Correction for a path of d_km (sampled about s_km apart, as the table's own paths are) with
  // heights a, b (m) above the smooth surface.
  // (Forced inline: the shared-library build left these out of line, ~5 % of a composite.)
  __attribute__((always_inline)) double correction_db(double d_km, double a, double b) {
    const double fd = d_km * per_d_;
    int ia, ib;
    double wa, wb;
    if (!(fd >= 2.0 && fd < nd_ - 1 && axis(a, ia, wa) && axis(b / b_min_, ib, wb)))
      return t_.correction_db(std::max(2, static_cast<int>(std::lround(d_km / t_.s_km))), a, b);
    const int id = static_cast<int>(fd);
    const double wd = fd - id;
    const double c00 = (1 - wb) * node(id, ia, ib) + wb * node(id, ia, ib + 1);
    const double c01 = (1 - wb) * node(id, ia + 1, ib) + wb * node(id, ia + 1, ib + 1);
    const double c10 = (1 - wb) * node(id + 1, ia, ib) + wb * node(id + 1, ia, ib + 1);
    const double c11 = (1 - wb) * node(id + 1, ia + 1, ib) + wb * node(id + 1, ia + 1, ib + 1);
    return (1 - wd) * ((1 - wa) * c00 + wa * c01) + wd * ((1 - wa) * c10 + wa * c11);
  }

 private:
  static constexpr int kAxis = kOctaves * kPerOctave + 1;
  static constexpr float kEmpty = -1.0f;  // the correction is >= 0
  // Node index and weight of x (a height over its minimum): x = 2^e (1 + m), node e * N + floor(m N).
  static bool axis(double x, int& i, double& w) {
    if (!(x >= 1.0)) return false;
    std::uint64_t bits;
    std::memcpy(&bits, &x, sizeof bits);
    const int e = static_cast<int>(bits >> 52) - 1023;
    if (e >= kOctaves) return false;
    const double m = static_cast<double>(bits & 0x000fffffffffffffULL) * (kPerOctave / 4503599627370496.0);
    const int sub = static_cast<int>(m);
    i = e * kPerOctave + sub;
    w = m - sub;
    return true;
  }
  static double node_value(int i) { return std::ldexp(1.0 + static_cast<double>(i % kPerOctave) / kPerOctave, i / kPerOctave); }
  // Rows of kAxis nodes in b are allocated when first used (a site touches few of them).
  __attribute__((always_inline)) float node(int id, int ia, int ib) {
    auto& slot = rows_[static_cast<std::size_t>(id) * kAxis + ia];
    std::atomic<float>* row = slot.load(std::memory_order_acquire);
    if (!row) row = new_row(slot);
    auto& c = row[ib];
    const float v = c.load(std::memory_order_relaxed);
    return v == kEmpty ? fill(c, id, ia, ib) : v;
  }
  __attribute__((noinline)) static std::atomic<float>* new_row(std::atomic<std::atomic<float>*>& slot) {
    auto* row = new std::atomic<float>[kAxis];
    for (int i = 0; i < kAxis; ++i) row[i].store(kEmpty, std::memory_order_relaxed);
    std::atomic<float>* expected = nullptr;
    if (slot.compare_exchange_strong(expected, row, std::memory_order_acq_rel)) return row;
    delete[] row;  // another thread published one first
    return expected;
  }
  __attribute__((noinline)) float fill(std::atomic<float>& c, int id, int ia, int ib) const {
    const float v = static_cast<float>(t_.correction_db(id * kDStride, node_value(ia), b_min_ * node_value(ib)));
    c.store(v, std::memory_order_relaxed);
    return v;
  }
  SmoothEarthTerms t_;
  double b_min_, per_d_;
  int nd_ = 0;
  std::unique_ptr<std::atomic<std::atomic<float>*>[]> rows_;
};

// Incremental delta-Bullington along a ray: the constants of one site, and the state of one ray
// after its samples 0..k-1 (copied when a ray branches, see trace_p526). Every quantity of
// P.452 §4.5 that depends on the intermediate points is a running value or a query on an upper
// convex hull (the Bullington slopes, hobs, alpha_obr), updated in O(1) amortised per sample and
// queried in O(log n).
struct P526Site {
  double s_km, hts, rx_h, ce, lambda_m;
  SmoothCorrectionTable* corr;
  const double* fs_db;  // per sample k: free-space loss over the ground distance k * s_km (at least 1 m)
};

// Fills fs_db (one value per sample) and returns the constants of a site.
inline P526Site make_p526_site(double s_km, double hts, double rx_h, double k_factor, double freq_mhz,
                               SmoothCorrectionTable* corr, std::vector<double>& fs_db) {
  for (std::size_t k = 0; k < fs_db.size(); ++k) fs_db[k] = radio::free_space_3d_db(k * s_km, 0.0, freq_mhz);
  return P526Site{s_km, hts, rx_h, 500.0 / (k_factor * 6371.0), radio::kSpeedOfLightMps / (freq_mhz * 1e6), corr,
                  fs_db.data()};
}

struct P526State {
  UpperHull hull_u;  // (d_i, h_i - Ce d_i^2): the Bullington slopes; needs a HullHistory
  UpperHull hull_t;  // (d_i, h_i): hobs and alpha_obr
  double stim_run = -std::numeric_limits<double>::infinity();  // max (h_i - Ce d_i^2 - hts) / d_i
  double atm_run = -std::numeric_limits<double>::infinity();   // max (h_i - hts) / d_i
  double v1 = 0, v2 = 0;                                       // trapezoid sums, P.452 Att. 2 §5.1.6.2
  double h0 = 0, h_prev = 0;
  int k = 0;  // the next sample
  // Where the hull searches start: their answers at the previous evaluated sample.
  int hint_u_linear = 0, hint_u_tangent = 0, hint_t_linear = 0, hint_t_tangent = 0;
};

// Adds sample k = st.k (terrain height hk, m AMSL, at k * s_km) and returns its basic
// transmission loss when `evaluate` (else NaN).
inline float p526_step(const P526Site& c, P526State& st, double hk, bool evaluate) {
  const int k = st.k++;
  const double s_km = c.s_km, ce = c.ce, hts = c.hts;
  const double d = k * s_km;
  const double hrs = hk + c.rx_h;
  if (k == 0) st.h0 = hk;
  if (k >= 1) {
    const double dp = d - s_km;
    st.v1 += s_km * (hk + st.h_prev);
    st.v2 += s_km * (hk * (2.0 * d + dp) + st.h_prev * (d + 2.0 * dp));
  }
  if (k >= 2) {  // the previous sample becomes an intermediate point
    const double di = d - s_km, inv_di = 1.0 / di;
    const double ui = st.h_prev - ce * di * di;
    st.stim_run = std::max(st.stim_run, (ui - hts) * inv_di);
    st.atm_run = std::max(st.atm_run, (st.h_prev - hts) * inv_di);
    st.hull_u.add(di, ui, k - 1);
    st.hull_t.add(di, st.h_prev, k - 1);
  }
  st.h_prev = hk;
  auto free_space = [&] {  // over the 3-D distance, at least 1 m (= radio::free_space_3d_db)
    const double dh_km = 1e-3 * (hts - hrs);
    if (k == 0) return c.fs_db[0] + 10.0 * std::log10(std::max(dh_km * dh_km, 1e-6) / 1e-6);
    // fs(d) + 10 log10(1 + x), x = (dh / d)^2, by its series when x is small (error < 2e-9 dB)
    const double x = dh_km * dh_km / (d * d);
    const double corr = x < 1e-3 ? 4.3429448190325182 * x * (1.0 - x * (0.5 - x / 3.0)) : 10.0 * std::log10(1.0 + x);
    return c.fs_db[k] + corr;
  };
  if (k < 2) return static_cast<float>(free_space());
  if (!evaluate) return std::numeric_limits<float>::quiet_NaN();
  const double inv_d = 1.0 / d;
  // Bullington on the actual profile.
  const double stim = st.stim_run + ce * d;
  const double str = (hrs - hts) * inv_d;
  double lba;
  if (stim < str) {
    // LoS: nu_max from g = max over the points of c |c| / (d_i (d - d_i)), c the clearance of
    // point i above the line between the antennas (nu = sqrt(0.002 d g / lambda), signed).
    // c = y - hts - beta x for a point (x, y = u): y - beta x is largest at the hull's tangent
    // vertex t and falls away from it on both sides, so over a run of vertices c is largest at
    // the vertex nearest t. That bounds g over runs, which are searched by bisection from the
    // best of t and nu = -0.78 (J(nu) = 0 below: lower values need no precision).
    const double beta = (hrs - hts) * inv_d - ce * d;
    auto clearance = [&](double x, double y) { return y - hts - beta * x; };
    auto g_of = [&](const UpperHull::Pt& p) {
      const double cl = clearance(p.x, p.y);
      return cl * std::fabs(cl) / (p.x * (d - p.x));
    };
    const auto& pts = st.hull_u.pts;
    const int t = st.hull_u.argmax_linear(beta, st.hint_u_linear);
    double g = std::max(g_of(pts[t]), -0.6084 * c.lambda_m / (0.002 * d));
    {
      int todo[64][2];
      int n_todo = 0;
      todo[n_todo][0] = 0;
      todo[n_todo++][1] = static_cast<int>(pts.size()) - 1;
      while (n_todo > 0) {
        --n_todo;
        const int lo = todo[n_todo][0], hi = todo[n_todo][1];
        if (hi - lo < 4) {
          for (int q = lo; q <= hi; ++q) g = std::max(g, g_of(pts[q]));
          continue;
        }
        const auto& near = pts[std::clamp(t, lo, hi)];
        const double cmax = clearance(near.x, near.y);
        double bound;
        if (cmax >= 0.0) {
          const double w2 = std::min(pts[lo].x * (d - pts[lo].x), pts[hi].x * (d - pts[hi].x));
          bound = cmax * cmax / w2;
        } else {
          const double xm = std::clamp(0.5 * d, pts[lo].x, pts[hi].x);
          bound = -cmax * cmax / (xm * (d - xm));
        }
        if (!(bound > g)) continue;
        const int mid = (lo + hi) / 2;
        todo[n_todo][0] = lo;
        todo[n_todo++][1] = mid;
        todo[n_todo][0] = mid + 1;
        todo[n_todo++][1] = hi;
      }
    }
    if (g < 0.0) {
      // A positive maximum lies on a hull vertex (c / sqrt(x (d - x)) is quasi-convex along each
      // hull edge), but when every point is below the line, a point under an edge can be nearer
      // the line relative to its Fresnel radius than the edge's ends. Those are searched through
      // the hull's history, edges pruned by their bound (the largest c of the edge over the
      // largest x (d - x) along it) against the best so far and nu = -0.78 (J = 0 below).
      g = st.hull_u.max_under(
          g, g_of,
          [&](const UpperHull::Pt& a, const UpperHull::Pt& b) {
            // Points under edge a-b have c <= the edge's c, which is linear: with L = -c > 0 on
            // the edge, g <= -min L^2 / (x (d - x)), whose minimiser is x* = p d / (q d + 2 p)
            // for L = p + q x (the ratio is quasi-convex), clamped to the edge.
            const double la = -clearance(a.x, a.y), lb = -clearance(b.x, b.y);
            if (!(la > 0.0 && lb > 0.0)) return std::numeric_limits<double>::infinity();
            const double q = (lb - la) / (b.x - a.x), p = la - q * a.x;
            const double den = q * d + 2.0 * p;
            const double xs = den != 0.0 ? std::clamp(p * d / den, a.x, b.x) : (la < lb ? a.x : b.x);
            const double l = p + q * xs;
            return -l * l / (xs * (d - xs));
          });
    }
    lba = bullington_los(signed_sqrt(g * 0.002 * d / c.lambda_m), d);
  } else {
    // Srim = max (u_i + Ce d_i d - hrs) / (d - d_i): with H = hrs - Ce d^2 this is
    // max (u_i - H) / (d - d_i) - Ce d, a tangent from (d, H) to the hull of (d_i, u_i).
    const double srim = st.hull_u.max_slope_to(d, hrs - ce * d * d, st.hint_u_tangent) - ce * d;
    lba = bullington_nlos(stim, srim, str, d, c.lambda_m);
  }
  // Smooth-earth heights, P.452 Att. 2 §5.1.6.2-3.
  const double inv_d2 = inv_d * inv_d;
  const double hst = (2.0 * st.v1 * d - st.v2) * inv_d2;
  const double hsr = (st.v2 - st.v1 * d) * inv_d2;
  // hobs = max h_i - (hts (d - d_i) + hrs d_i) / d: a linear objective over the hull.
  const double slope = (hrs - hts) * inv_d;
  const auto& top = st.hull_t.pts[st.hull_t.argmax_linear(slope, st.hint_t_linear)];
  const double hobs = top.y - hts - slope * top.x;
  double hstp = hst, hsrp = hsr;
  if (hobs > 0.0) {
    const double aobr = st.hull_t.max_slope_to(d, hrs, st.hint_t_tangent);  // max (h_i - hrs) / (d - d_i)
    const double at = st.atm_run - slope;
    const double ar = aobr + slope;
    const double w = hobs / (at + ar);
    hstp = hst - at * w;
    hsrp = hsr - ar * w;
  }
  const double hts_s = hts - std::min(hstp, st.h0);
  const double hrs_s = hrs - std::min(hsrp, hk);
  return static_cast<float>(free_space() + lba + c.corr->correction_db(d, hts_s, hrs_s));
}

}  // namespace phusong::coverage::sweep
