// The radio layer's link entry points: free-space loss, path loss and link reports on a profile
// with any model, the model list, and the link budget (RSRP).
#include <cmath>

#include "phusong/error.hpp"
#include "phusong/radio.hpp"

namespace phusong::radio {

double free_space_loss_db(double distance_km, double freq_mhz) {
  if (!(freq_mhz > 0)) throw RangeError("free-space loss: freq_mhz must be > 0, got " + std::to_string(freq_mhz));
  if (!(distance_km > 0)) throw RangeError("free-space loss: distance_km must be > 0, got " + std::to_string(distance_km));
  return 32.45 + 20.0 * std::log10(freq_mhz) + 20.0 * std::log10(distance_km);
}

double free_space_3d_db(double ground_km, double height_diff_m, double freq_mhz) {
  return free_space_loss_db(std::max(std::hypot(ground_km, height_diff_m / 1000.0), 1e-3), freq_mhz);
}

const std::vector<ModelInfo>& models() {
  static const std::vector<ModelInfo> all(std::begin(kModels), std::end(kModels));
  return all;
}

std::string model_names(bool ModelInfo::*use) {
  std::string s;
  for (const auto& m : kModels)
    if (m.*use) s += (s.empty() ? "" : ", ") + std::string(m.name);
  return s;
}

PathModel path_model_from_string(const std::string& name) {
  if (name == "fspl" || name == "free_space") return PathModel::free_space;
  if (name == "p526" || name == "delta_bullington") return PathModel::p526;
  if (name == "p1812") return PathModel::p1812;
  if (name == "itm") return PathModel::itm;
  if (name == "hata") return PathModel::hata;
  throw InputError("unknown model '" + name + "' (known: " + model_names(&ModelInfo::link) + ")");
}

ItmParams itm_params(const PropagationParams& p, double tx_height_m, double rx_height_m, double freq_mhz) {
  ItmParams ip;
  ip.h_tx_m = tx_height_m;
  ip.h_rx_m = rx_height_m;
  ip.freq_mhz = freq_mhz;
  ip.n0 = p.itm_n0;
  ip.eps_r = p.eps_r;
  ip.sigma_s_per_m = p.sigma_s_per_m;
  ip.pol = p.pol == Polarization::vertical ? 1 : 0;
  ip.climate = p.climate;
  return ip;
}

P1812Input p1812_input(const PropagationParams& p, double tx_height_m, double rx_height_m, double freq_mhz,
                       double lat_deg) {
  P1812Input in;
  in.freq_mhz = freq_mhz;
  in.p_pct = p.time_pct;
  in.pl_pct = p.location_pct;
  in.htg_m = tx_height_m;
  in.hrg_m = rx_height_m;
  in.pol = p.pol;
  in.delta_n = p.delta_n;
  in.n0 = p.n0;
  if (std::isfinite(lat_deg)) in.lat_deg = lat_deg;
  return in;
}

std::string to_string(PathModel m) {
  switch (m) {
    case PathModel::free_space: return "fspl";
    case PathModel::p526: return "p526";
    case PathModel::p1812: return "p1812";
    case PathModel::itm: return "itm";
    case PathModel::hata: return "hata";
  }
  return "?";
}

PathLoss path_loss(const std::vector<double>& distance_m, const std::vector<double>& terrain_m,
                   const PathInput& in) {
  const std::size_t n = distance_m.size();
  if (n < 2 || terrain_m.size() != n)
    throw InputError("path loss: profile needs >= 2 points with as many heights, got " +
                     std::to_string(n) + " distances and " + std::to_string(terrain_m.size()) + " heights");
  const double d_m = distance_m.back();
  const double htx = terrain_m.front() + in.tx_height_m;
  const double hrx = terrain_m.back() + in.rx_height_m;
  PathLoss r{};
  r.free_space_db = free_space_3d_db(d_m / 1000.0, htx - hrx, in.freq_mhz);
  r.line_of_sight = true;
  if (in.model == PathModel::p1812 || in.model == PathModel::itm || in.model == PathModel::hata) {
    std::vector<double> d_km(n);
    for (std::size_t i = 0; i < n; ++i) d_km[i] = distance_m[i] / 1000.0;
    const LinkReport rep = link_report(d_km, terrain_m, {}, {}, in);
    r.loss_db = rep.loss_db;
    r.diffraction_db = rep.loss_db - r.free_space_db;
    r.line_of_sight = rep.mode == "line_of_sight";
    return r;
  }
  if (in.model == PathModel::p526 && n >= 3) {
    std::vector<double> d_km(n);
    for (std::size_t i = 0; i < n; ++i) d_km[i] = distance_m[i] / 1000.0;
    const auto db = delta_bullington(d_km, terrain_m, htx, hrx, in.freq_mhz,
                                     in.k_factor * 6371.0, in.pol);
    r.diffraction_db = db.ld_db;
    r.line_of_sight = db.line_of_sight;
  }
  r.loss_db = r.free_space_db + r.diffraction_db;
  return r;
}

namespace {
// Heights that are not finite (DEM voids) bridged linearly in distance between their finite
// neighbours; before the first or after the last finite sample, the nearest finite height.
// Returns how many were bridged; InputError when no height is finite.
std::size_t bridge_voids(const std::vector<double>& d, std::vector<double>& h) {
  std::vector<std::size_t> ok;
  for (std::size_t i = 0; i < h.size(); ++i)
    if (std::isfinite(h[i])) ok.push_back(i);
  if (ok.empty()) throw InputError("link: no finite terrain height in the profile (all DEM voids?)");
  if (ok.size() == h.size()) return 0;
  std::size_t k = 0;
  for (std::size_t i = 0; i < h.size(); ++i) {
    if (std::isfinite(h[i])) continue;
    while (k + 1 < ok.size() && ok[k + 1] < i) ++k;
    const std::size_t a = ok[k];
    if (i < a || k + 1 == ok.size()) {
      h[i] = h[i < a ? ok.front() : ok.back()];
    } else {
      const std::size_t b = ok[k + 1];
      h[i] = h[a] + (h[b] - h[a]) * (d[i] - d[a]) / (d[b] - d[a]);
    }
  }
  return h.size() - ok.size();
}
}  // namespace

LinkReport link_report(const std::vector<double>& d_km, const std::vector<double>& h_given,
                       const std::vector<double>& clutter_m, const std::vector<int>& zone, const PathInput& in) {
  const std::size_t n = d_km.size();
  if (n < 2 || h_given.size() != n)
    throw InputError("link: profile needs >= 2 points with as many heights, got " + std::to_string(n) +
                     " distances and " + std::to_string(h_given.size()) + " heights");
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isfinite(d_km[i])) throw InputError("link: d_km[" + std::to_string(i) + "] is not finite");
  std::vector<double> h_m = h_given;
  const std::size_t voids = bridge_voids(d_km, h_m);
  if (!clutter_m.empty() && clutter_m.size() != n)
    throw InputError("link: clutter_h_m has " + std::to_string(clutter_m.size()) + " values for " + std::to_string(n) + " points");
  if (!zone.empty() && zone.size() != n)
    throw InputError("link: zone has " + std::to_string(zone.size()) + " values for " + std::to_string(n) + " points");
  LinkReport rep;
  rep.model = to_string(in.model);
  if (voids > 0)
    rep.warnings.push_back(std::to_string(voids) + " profile samples had no terrain height (DEM voids) and were "
                           "bridged linearly between their neighbours");
  const double d_total_km = d_km.back() - d_km.front();
  const double hts = h_m.front() + in.tx_height_m, hrs = h_m.back() + in.rx_height_m;
  auto add = [&](const char* name, double v) { rep.values.emplace_back(name, v); };
  add("distance_km", d_total_km);
  switch (in.model) {
    case PathModel::free_space: {
      rep.loss_db = free_space_3d_db(d_total_km, hts - hrs, in.freq_mhz);
      rep.mode = "free_space";
      add("free_space_db", rep.loss_db);
      break;
    }
    case PathModel::p526: {
      if (n < 3) throw InputError("link: p526 needs a profile of at least 3 points");
      const double fs = free_space_3d_db(d_total_km, hts - hrs, in.freq_mhz);
      const auto db = delta_bullington(d_km, h_m, hts, hrs, in.freq_mhz, in.k_factor * 6371.0, in.pol);
      rep.loss_db = fs + db.ld_db;
      rep.mode = db.line_of_sight ? "line_of_sight" : "diffraction";
      add("free_space_db", fs);
      add("diffraction_db", db.ld_db);
      add("bullington_actual_db", db.lba_db);
      add("bullington_smooth_db", db.lbs_db);
      add("spherical_earth_db", db.lsph_db);
      add("hts_smooth_m", db.hts_smooth_m);
      add("hrs_smooth_m", db.hrs_smooth_m);
      break;
    }
    case PathModel::p1812: {
      P1812Input p = p1812_input(in, in.tx_height_m, in.rx_height_m, in.freq_mhz, in.lat_deg);
      p.d_km = d_km;
      p.h_m = h_m;
      p.r_m = clutter_m;
      for (int z : zone) p.zone.push_back(static_cast<RadioClimaticZone>(z));
      const P1812Result r = p1812(p);
      rep.loss_db = r.lb_db;
      rep.mode = r.trans_horizon ? "trans_horizon" : "line_of_sight";
      rep.warnings = r.warnings;
      add("free_space_db", r.lbfs_db);
      add("lb0p_db", r.lb0p_db);
      add("ldp_db", r.ldp_db);
      add("ld50_db", r.ld50_db);
      add("lbd_db", r.lbd_db);
      add("lbs_troposcatter_db", r.lbs_db);
      add("lba_ducting_db", r.lba_db);
      add("lbc_db", r.lbc_db);
      add("sigma_loc_db", r.sigma_loc_db);
      add("theta_t_mrad", r.theta_t_mrad);
      add("theta_r_mrad", r.theta_r_mrad);
      add("beta0_pct", r.beta0_pct);
      add("ae_km", r.ae_km);
      break;
    }
    case PathModel::itm: {
      const ItmParams p = itm_params(in, in.tx_height_m, in.rx_height_m, in.freq_mhz);
      // ITM needs equally spaced heights.
      const double spacing_m = (d_km.back() - d_km.front()) * 1000.0 / static_cast<double>(n - 1);
      for (std::size_t i = 1; i < n; ++i)
        if (std::abs((d_km[i] - d_km[i - 1]) * 1000.0 - spacing_m) > 1e-3 * std::max(1.0, spacing_m))
          throw InputError("link: itm needs equally spaced profile points; point " + std::to_string(i) +
                           " breaks the spacing of " + std::to_string(spacing_m) + " m");
      const ItmResult r = itm_p2p_tls(h_m, spacing_m, p, in.time_pct, in.location_pct, in.situation_pct);
      rep.loss_db = r.loss_db;
      rep.mode = r.mode == 1 ? "line_of_sight" : r.mode == 2 ? "diffraction" : "troposcatter";
      rep.warnings = itm_warning_messages(r.warnings);
      add("free_space_db", r.a_fs_db);
      add("a_ref_db", r.a_ref_db);
      add("delta_h_m", r.delta_h_m);
      add("h_e_tx_m", r.h_e_tx_m);
      add("h_e_rx_m", r.h_e_rx_m);
      add("d_hzn_tx_m", r.d_hzn_tx_m);
      add("d_hzn_rx_m", r.d_hzn_rx_m);
      add("theta_hzn_tx_rad", r.theta_hzn_tx);
      add("theta_hzn_rx_rad", r.theta_hzn_rx);
      add("n_s", r.n_s);
      add("warning_flags", static_cast<double>(r.warnings));
      break;
    }
    case PathModel::hata: {
      EmpiricalInput e;
      e.freq_mhz = in.freq_mhz;
      e.distance_km = d_total_km;
      e.tx_height_m = in.tx_height_m;
      e.rx_height_m = in.rx_height_m;
      e.environment = in.environment;
      e.allow_extrapolation = in.allow_extrapolation;
      const EmpiricalResult r = empirical_path_loss(EmpiricalModel::hata, e);
      rep.loss_db = r.loss_db;
      rep.mode = std::string("median ") + to_string(r.model) + " " + to_string(in.environment);
      if (!r.warning.empty()) rep.warnings.push_back(r.warning);
      add("a_hm_db", r.a_hm_db);
      add("urban_loss_db", r.urban_loss_db);
      add("environment_correction_db", r.environment_correction_db);
      break;
    }
  }
  return rep;
}

int lte_resource_blocks(double bandwidth_mhz) {
  struct Bw { double mhz; int rb; };
  static const Bw table[] = {{1.4, 6}, {3, 15}, {5, 25}, {10, 50}, {15, 75}, {20, 100}};
  for (const auto& b : table)
    if (std::abs(b.mhz - bandwidth_mhz) < 1e-6) return b.rb;
  // NR and other widths: 180 kHz blocks with 10% guard bands.
  if (bandwidth_mhz > 0 && bandwidth_mhz <= 400) return static_cast<int>(std::floor(bandwidth_mhz * 0.9 / 0.18));
  throw InputError("bandwidth_mhz " + std::to_string(bandwidth_mhz) + " is not a channel bandwidth");
}

double rsrp_dbm(double eirp_dbm, double loss_db, double bandwidth_mhz, double rx_gain_dbi) {
  const int n_rb = lte_resource_blocks(bandwidth_mhz);
  return eirp_dbm - loss_db + rx_gain_dbi - 10.0 * std::log10(12.0 * n_rb);
}

}  // namespace phusong::radio
