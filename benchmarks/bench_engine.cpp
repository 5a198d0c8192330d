// Google Benchmark programs for the engine: time per evaluation of each propagation model on a
// 300-point profile, and village evaluation on the real SRTM tile.
//   build/cpp/phusong_bench --benchmark_min_time=0.2
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdlib>
#include <memory>
#include <random>

#include "phusong/coverage.hpp"
#include "phusong/radio.hpp"
#include "phusong/radio/itm.hpp"
#include "phusong/terrain.hpp"

using namespace phusong;

namespace {
// A hilly 300-point profile, 30 km (100 m spacing).
struct Hills {
  std::vector<double> d_m, d_km, h_m;
  Hills() {
    for (int i = 0; i < 300; ++i) {
      d_m.push_back(i * 100.0);
      d_km.push_back(i * 0.1);
      h_m.push_back(400 + 250 * std::sin(i * 0.05) + 80 * std::sin(i * 0.31));
    }
  }
};
const Hills& hills() {
  static Hills h;
  return h;
}
}  // namespace

static void BM_FreeSpace(benchmark::State& st) {
  const auto& p = hills();
  radio::PathInput in;
  in.model = radio::PathModel::free_space;
  for (auto _ : st) benchmark::DoNotOptimize(radio::path_loss(p.d_m, p.h_m, in));
}
BENCHMARK(BM_FreeSpace);

static void BM_DeltaBullington300(benchmark::State& st) {
  const auto& p = hills();
  for (auto _ : st)
    benchmark::DoNotOptimize(radio::delta_bullington(p.d_km, p.h_m, p.h_m.front() + 30, p.h_m.back() + 1.5,
                                                     1800, 8495, radio::Polarization::vertical));
}
BENCHMARK(BM_DeltaBullington300);

static void BM_Itm300(benchmark::State& st) {
  const auto& p = hills();
  radio::ItmParams ip;
  ip.h_tx_m = 30;
  ip.h_rx_m = 1.5;
  ip.freq_mhz = 1800;
  for (auto _ : st) benchmark::DoNotOptimize(radio::itm_p2p_tls(p.h_m, 100.0, ip, 50, 50, 50));
}
BENCHMARK(BM_Itm300);

static void BM_P1812_300(benchmark::State& st) {
  const auto& p = hills();
  radio::P1812Input in;
  in.d_km = p.d_km;
  in.h_m = p.h_m;
  in.freq_mhz = 900;
  in.p_pct = 50;
  in.pl_pct = 50;
  in.htg_m = 30;
  in.hrg_m = 1.5;
  in.lat_deg = 21.3;
  for (auto _ : st) benchmark::DoNotOptimize(radio::p1812(in));
}
BENCHMARK(BM_P1812_300);

static void BM_Hata(benchmark::State& st) {
  radio::EmpiricalInput in;
  in.freq_mhz = 900;
  in.distance_km = 10;
  for (auto _ : st) benchmark::DoNotOptimize(radio::empirical_path_loss(radio::EmpiricalModel::hata, in));
}
BENCHMARK(BM_Hata);

static void BM_VillagesOnSrtmTile(benchmark::State& st) {
  const char* env = std::getenv("PHUSONG_DATA");
  const std::string path = std::string(env ? env : "../shared/data") + "/dem/N21E105.hgt";
  auto dem = terrain::Dem::open({path});
  std::mt19937 rng(1);
  std::uniform_real_distribution<double> u(0.05, 0.95);
  std::vector<Site> sites(40);
  std::vector<Village> vs(200);
  for (std::size_t i = 0; i < sites.size(); ++i) {
    sites[i].id = "S" + std::to_string(i);
    sites[i].lon = 105 + u(rng);
    sites[i].lat = 21 + u(rng);
  }
  for (std::size_t i = 0; i < vs.size(); ++i) {
    vs[i].id = "V" + std::to_string(i);
    vs[i].lon = 105 + u(rng);
    vs[i].lat = 21 + u(rng);
  }
  coverage::CoverageParams p;
  p.radius_km = 30;
  p.threads = static_cast<int>(st.range(0));
  std::size_t links = 0;
  for (auto _ : st) links = coverage::evaluate_villages(dem, vs, sites, p).links.size();
  st.counters["links"] = static_cast<double>(links);
  st.counters["links_per_s"] = benchmark::Counter(static_cast<double>(links), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_VillagesOnSrtmTile)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// One site's raster on the real tile (radius 30 km, one thread): per-cell cost of each model's
// sweep. Arg 0: 3" tile (~90 m cells); arg 1: resampled to 30 m.
static const terrain::Dem& tile_dem(int resampled_30m) {
  static std::unique_ptr<terrain::Dem> dems[2];
  if (!dems[resampled_30m]) {
    const char* env = std::getenv("PHUSONG_DATA");
    const std::string path = std::string(env ? env : "../shared/data") + "/dem/N21E105.hgt";
    auto dem = terrain::Dem::open({path});
    dems[resampled_30m] = std::make_unique<terrain::Dem>(resampled_30m ? dem.resampled(30.0) : std::move(dem));
  }
  return *dems[resampled_30m];
}

static void raster_bench(benchmark::State& st, coverage::RasterModel model, int itm_dh_anchor_spacing = 0) {
  const terrain::Dem& dem = tile_dem(static_cast<int>(st.range(0)));
  Site s;
  s.id = "S";
  s.lon = 105.50;
  s.lat = 21.45;
  s.height_m = 35;
  s.freq_mhz = 900;
  coverage::RasterParams p;
  p.model = model;
  p.radius_km = 30;
  p.threads = 1;
  p.itm_dh_anchor_spacing = itm_dh_anchor_spacing;
  p.itm_dh_rel_tolerance = 0.2;  // the fast mode of benchmarks/peers.py
  std::size_t cells = 0;
  for (auto _ : st) {
    const auto r = coverage::site_raster(dem, s, p);
    cells = 0;
    for (float v : r.values) cells += std::isfinite(v) ? 1 : 0;
  }
  st.counters["cells"] = static_cast<double>(cells);
  st.counters["ns_per_cell"] = benchmark::Counter(static_cast<double>(cells) * 1e-9,
                                                  benchmark::Counter::kIsIterationInvariantRate |
                                                      benchmark::Counter::kInvert);
}
static void BM_RasterP526(benchmark::State& st) { raster_bench(st, coverage::RasterModel::p526); }
static void BM_RasterItm(benchmark::State& st) { raster_bench(st, coverage::RasterModel::itm); }
static void BM_RasterItmAnchored16(benchmark::State& st) { raster_bench(st, coverage::RasterModel::itm, 16); }
static void BM_RasterLos(benchmark::State& st) { raster_bench(st, coverage::RasterModel::los); }
BENCHMARK(BM_RasterLos)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_RasterP526)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_RasterItm)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_RasterItmAnchored16)->Arg(0)->Unit(benchmark::kMillisecond)->UseRealTime();

// Best-server composite of 16 sites (radius 20 km) on the tile resampled to 30 m, all cores:
// the province benchmark's per-site work (benchmarks/province.py runs the full 1,000 sites).
static void BM_BestServer30m(benchmark::State& st) {
  const terrain::Dem& dem = tile_dem(1);
  std::mt19937 rng(4);
  std::uniform_real_distribution<double> u(0.2, 0.8);
  std::vector<Site> sites;
  while (sites.size() < 16) {  // on terrain (the tile has voids)
    Site s;
    s.id = "S" + std::to_string(sites.size());
    s.lon = 105 + u(rng);
    s.lat = 21 + u(rng);
    s.height_m = 35;
    s.freq_mhz = 1800;
    if (!std::isnan(dem.elevation_m(s.lon, s.lat))) sites.push_back(s);
  }
  coverage::RasterParams p;
  p.radius_km = 20;
  p.threads = 0;
  for (auto _ : st) benchmark::DoNotOptimize(coverage::best_server(dem, sites, p, -110.0).best_rsrp_dbm.data());
  st.counters["ms_per_site"] = benchmark::Counter(static_cast<double>(sites.size()) * 1e-3,
                                                  benchmark::Counter::kIsIterationInvariantRate |
                                                      benchmark::Counter::kInvert);
}
BENCHMARK(BM_BestServer30m)->Unit(benchmark::kMillisecond)->UseRealTime();

BENCHMARK_MAIN();
