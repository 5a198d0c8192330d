#include <cmath>

#include "phusong/error.hpp"
#include "phusong/radio.hpp"

namespace phusong::radio {

double free_space_loss_db(double distance_km, double freq_mhz) {
  if (!(freq_mhz > 0)) throw RangeError("free-space loss: freq_mhz must be > 0, got " + std::to_string(freq_mhz));
  if (!(distance_km > 0)) throw RangeError("free-space loss: distance_km must be > 0, got " + std::to_string(distance_km));
  return 32.45 + 20.0 * std::log10(freq_mhz) + 20.0 * std::log10(distance_km);
}

PathModel path_model_from_string(const std::string& name) {
  if (name == "fspl" || name == "free_space") return PathModel::free_space;
  if (name == "p526" || name == "delta_bullington") return PathModel::p526;
  throw InputError("unknown path-loss model '" + name + "' (expected fspl or p526)");
}

std::string to_string(PathModel m) {
  switch (m) {
    case PathModel::free_space: return "fspl";
    case PathModel::p526: return "p526";
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
  const double d3_km = std::hypot(d_m, htx - hrx) / 1000.0;
  PathLoss r{};
  r.free_space_db = free_space_loss_db(std::max(d3_km, 1e-3), in.freq_mhz);
  r.line_of_sight = true;
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
