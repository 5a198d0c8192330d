// phusong — coverage layer: received signal at villages from sites, over the terrain.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "phusong/radio.hpp"
#include "phusong/radio/itm.hpp"
#include "phusong/radio/antenna.hpp"
#include "phusong/radio/clutter.hpp"
#include "phusong/terrain.hpp"
#include "phusong/types.hpp"

namespace phusong::coverage {

/// RSRP (dBm) at or above which a place counts as covered, unless told otherwise (village
/// coverage, best-server composites).
inline constexpr double kDefaultThresholdDbm = -110;

/// Parameters of the village coverage (evaluate_villages, evaluate_link). The defaults here are the
/// only ones: the Python class phusong.CoverageParams and the keyword arguments of
/// phusong.evaluate_villages default-construct this struct. The model settings (polarisation,
/// percentages, P.1812 and ITM environment) are radio::PropagationParams'.
struct CoverageParams : radio::PropagationParams {
  radio::PathModel model = radio::PathModel::p526;
  double radius_km = 30;       ///< sites farther than this from a village are not evaluated
  double rx_height_m = 1.5;    ///< receiver height above ground at the village
  double k_factor = 4.0 / 3.0;
  double spacing_m = 0;        ///< profile sample spacing; 0 = the DEM's cell size
  double threshold_dbm = kDefaultThresholdDbm;  ///< RSRP at or above which a village counts as covered
  double rx_gain_dbi = 0;
  int threads = 0;             ///< 0 = all cores; the result does not depend on it
  /// Optional land-cover raster (class codes) and class table: at each village the P.2108
  /// terminal clutter loss of its class is added (the path is computed to the height the class
  /// asks for, see radio::TerminalClutter).
  std::shared_ptr<const terrain::Dem> clutter;
  std::shared_ptr<const radio::ClutterTable> clutter_table;
};

/// One evaluated village-site path.
struct Link {
  std::int32_t village, site;
  double distance_km, loss_db, rsrp_dbm;
  bool line_of_sight;
  std::int32_t void_samples;  ///< DEM voids bridged by interpolation along the profile
  double antenna_attenuation_db = 0;  ///< transmit pattern: max gain - gain towards the village
  double clutter_loss_db = 0;         ///< receiver clutter loss (P.2108) of the village's class
};

struct VillageCoverage {
  std::vector<Link> links;               ///< ordered by village, then site
  std::vector<double> best_rsrp_dbm;     ///< per village; -inf when no site is in range
  std::vector<std::int32_t> best_site;   ///< per village; -1 when none
  std::vector<std::int32_t> servers;     ///< per village: sites at or above the threshold
  std::vector<std::uint8_t> covered;     ///< per village: best_rsrp_dbm >= threshold
};

/// Signal at every village from every site within `radius_km`, from an exact point-to-point
/// terrain profile per path. Villages or sites outside the DEM raise InputError.
VillageCoverage evaluate_villages(const terrain::Dem& dem, const std::vector<Village>& villages,
                                  const std::vector<Site>& sites, const CoverageParams& params,
                                  const ProgressFn& progress = {});

/// Path loss and RSRP of one site at one point (lon/lat); `clutter_code` >= 0 adds that class's
/// receiver clutter loss (needs params.clutter_table).
Link evaluate_link(const terrain::Dem& dem, const Site& site, double lon, double lat,
                   const CoverageParams& params, int clutter_code = -1);

/// Class code of the clutter raster at a lon/lat (nearest cell), -1 outside or nodata.
int clutter_code_at(const terrain::Dem& clutter, double lon, double lat);

/// Attenuation (dB >= 0) of the site's antenna towards a receiver at (lon, lat, rx height AMSL),
/// the elevation angle following the earth curvature for factor k; 0 for an omni site.
double antenna_attenuation_db(const Site& site, double site_ground_m, double lon, double lat,
                              double rx_height_amsl_m, double k_factor);

// ---------------------------------------------------------------------------------------------
// Rasters: one site over the DEM grid, and the best-server composite of many sites.

enum class RasterModel {
  los,   ///< line of sight (viewshed), as gdal_viewshed computes it
  p526,  ///< free space + ITU-R P.526 delta-Bullington diffraction
  itm,   ///< Longley-Rice ITM point-to-point
  p1812, ///< ITU-R P.1812 (time/location percentages of RasterParams), exact on each ray prefix
};
/// "los", "p526" (alias "delta_bullington"), "p1812" or "itm"; InputError "unknown model 'x'
/// (known: ...)" listing the raster models of radio::models().
RasterModel raster_model_from_string(const std::string& name);
std::string to_string(RasterModel m);

/// Parameters of the rasters (site_raster, best_server). The defaults here are the only ones:
/// the Python class phusong.RasterParams, the keyword arguments of phusong.site_raster and
/// phusong.best_server and the options of `phusong coverage` default-construct this struct. The
/// model settings (polarisation, percentages, P.1812 ΔN/N0, ITM ground and climate) are
/// radio::PropagationParams', the same as a link's: p526 uses pol (its smooth-earth term), P.1812
/// pol, time_pct, location_pct, delta_n and n0 (the site's latitude for β0), ITM pol, the three
/// percentages, itm_n0, eps_r, sigma_s_per_m and climate.
struct RasterParams : radio::PropagationParams {
  RasterModel model = RasterModel::p526;
  double radius_km = 30;
  double rx_height_m = 1.5;          ///< receiver (target) height above ground
  double k_factor = 4.0 / 3.0;       ///< effective earth radius factor for the radio models
  double curvature_coeff = 0.85714;  ///< LOS: height drop cc * d^2 / (2 R) (gdal_viewshed's -cc)
  /// ITM rasters: 0 = exact ITM on every prefix; m > 0 = terrain irregularity (Delta h) computed
  /// at anchors m samples apart and interpolated (radio::ItmRayOptions; faster, errors of
  /// ~0.03-0.07 dB on average, up to a few dB at single cells).
  int itm_dh_anchor_spacing = 0;
  /// With anchors: the needed samples of an anchor interval are exact where the ranges at its
  /// ends differ by more than this fraction of the larger (radio::ItmRayOptions::dh_rel_tolerance).
  double itm_dh_rel_tolerance = 0.05;
  /// Ray sample spacing (m) for p526/itm/p1812: the terrain is sampled, and the model evaluated,
  /// this far apart along rays that are this far apart at the radius (unless ray_gap_m says
  /// otherwise); cells interpolate between them (p526) or take the nearest (itm, p1812).
  /// 0 = the DEM cell size (the default, most accurate); larger values trade accuracy for speed.
  double ray_spacing_m = 0;
  /// The largest gap (m) between neighbouring evaluated rays, at any distance (rays branch where
  /// their gap would exceed it); 0 = ray_spacing_m. A wider gap than the sample spacing keeps the
  /// terrain sampled finely along rays with fewer rays (see README for the error and speed).
  double ray_gap_m = 0;
  int threads = 0;  ///< 0 = all cores; the result does not depend on it
  /// best_server only: also the downlink SINR and peak rate of the best server per cell
  /// (Composite::sinr_db, throughput_mbps). Interference: every other site of the composite on the
  /// same frequency (a composite is one operator's sites in the scenario rasters), times
  /// sinr_load; noise kT per resource element (15 kHz; 30 kHz for 5G at >= 2.5 GHz) + the UE
  /// noise figure; rate: TR 36.942's attenuated Shannon bound x bandwidth x layers x (1 - overhead).
  bool sinr = false;
  double sinr_load = 0.5;
  double ue_noise_figure_db = 7.0;
  int mimo_layers = 2;
  double overhead = 0.25;
};

/// A raster on a window of the DEM grid. NaN = no value (outside the radius, or a DEM void at
/// the cell: never guessed).
struct SiteRaster {
  terrain::Grid grid;           ///< window of the DEM's grid (same CRS)
  std::vector<float> values;    ///< rows x cols: path loss (dB) plus the antenna's attenuation towards
                                ///< the cell (directional sites), or 1/0 visibility for los
  std::int64_t void_cells = 0;  ///< cells inside the radius left NaN because the DEM is void there
};

/// Path loss (dB; LOS: 1 visible / 0 hidden) from one site to every cell of the DEM grid within
/// the radius, at rx_height_m above ground.
///
/// Checked before any work (site_raster and best_server): radius_km finite in (0, 500] and
/// ray_spacing_m, ray_gap_m 0 or >= 1 m (InputError); every site's freq_mhz within the model's
/// validity range, p526 30-50000 MHz, p1812 30-6000 MHz, itm 20-20000 MHz, los any (RangeError
/// naming the site, the value and the range; phusong/limits.hpp); and the memory the call will
/// allocate (cells x bytes per cell of every buffer: the raster window, the ray samples, and for
/// best_server the composite plus one window per thread), an InputError with the estimate in GB,
/// the limit and how to reduce it when above the limit: half the machine's physical memory, or
/// the environment variable PHUSONG_MAX_MEMORY_GB (in GB) when set.
///
/// Algorithms (cost per cell close to constant; see README for the measured error against the
/// exact per-cell profile):
///  * los: rings of cells outward from the observer; each cell's line of sight crosses the
///    previous ring between two cells whose "visibility height" is interpolated and projected
///    (the reference-plane method of Wang, Robinson & White 2000); O(1) per cell.
///  * p526: rays from the site, one sample per cell size, branching off each other as they
///    spread (a branch starts with a copy of its parent's state); along a ray, delta-Bullington
///    is updated incrementally: running maxima for the transmitter-side slopes, upper convex
///    hulls of the profile (with their history, so the line-of-sight nu is taken over every
///    point) for the receiver-side slope and the smooth-earth obstruction terms, running
///    trapezoid sums for the least-squares smooth surface, and tables for the knife-edge loss and
///    the smooth-earth correction (filled on demand, shared by the sites of a call); cells take
///    the bilinear value of the two nearest rays and samples.
///  * itm: rays as for p526, each from the site; ITM along each ray incrementally
///    (radio::ItmRay, exact per prefix); each cell takes its nearest ray sample with the free-space
///    term moved to the cell's distance, and only those samples are evaluated (ITM jumps from one
///    prefix to the next, so blending neighbours would smooth rather than approach the cell).
///  * p1812: as itm, with P.1812 on each evaluated ray prefix (exact, O(n) per cell: the slowest).
SiteRaster site_raster(const terrain::Dem& dem, const Site& site, const RasterParams& params,
                       const ProgressFn& progress = {});

/// Best-server composite over the whole DEM grid.
struct Composite {
  terrain::Grid grid;
  std::vector<float> best_rsrp_dbm;      ///< NaN where no site reaches (or DEM void)
  std::vector<std::int32_t> server;      ///< index of the best site, -1 where none
  std::vector<std::uint16_t> n_servers;  ///< sites at or above the threshold
  std::vector<float> sinr_db;            ///< with RasterParams::sinr: downlink SINR (dB), NaN where no site
  std::vector<float> throughput_mbps;    ///< with RasterParams::sinr: the best server's peak rate there
};

/// RSRP composite of many sites (RSRP = EIRP - loss - 10 log10(12 N_RB)); ties go to the lower
/// site index, so the result is the same for any thread count. Memory: the composite plus one
/// site window per thread.
///
/// `window`: the cells of the DEM's grid the composite covers (Composite::grid is that window);
/// empty = the DEM's loaded cells (the whole grid unless the DEM is windowed). Each site's raster
/// is computed whole and only its cells inside the window are kept, so a composite tiled into
/// windows, each with the sites that reach it, equals the whole one cell for cell (tested), and
/// composites of disjoint site batches on one window merge by the same rule (the best RSRP, ties
/// to the lower index; n_servers summed).
Composite best_server(const terrain::Dem& dem, const std::vector<Site>& sites, const RasterParams& params,
                      double threshold_dbm, const ProgressFn& progress = {}, terrain::CellWindow window = {});

}  // namespace phusong::coverage
