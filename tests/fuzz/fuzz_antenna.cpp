// libFuzzer target for the MSI/Planet antenna pattern reader: radio::parse_msi_pattern (the
// parser behind read_msi_pattern and AntennaPattern::from_msi_file) on the input, then what
// from_msi_file does with an accepted table (AntennaPattern::table) and gains in a few directions.
// Any phusong::Error is an expected outcome of a malformed input; a crash, a sanitizer report,
// another exception or a hang is a bug, and so are a NaN gain from an accepted pattern and an
// accepted pattern that write_msi_pattern writes in a form parse_msi_pattern refuses.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>

#include "phusong/error.hpp"
#include "phusong/radio/antenna.hpp"

namespace pr = phusong::radio;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  std::shared_ptr<const pr::AntennaPatternTable> table;
  pr::AntennaPattern antenna;
  try {
    table = std::make_shared<const pr::AntennaPatternTable>(pr::parse_msi_pattern(in, "fuzz.msi"));
    antenna = pr::AntennaPattern::table(table, 30.0, 4.0);
  } catch (const phusong::Error&) {
    return 0;  // refused with a message: expected
  }
  // An accepted pattern gives a gain in every direction.
  for (double az_deg : {0.0, 29.0, 30.0, 120.5, 210.0, 359.9}) {
    for (double el_deg : {-90.0, -30.0, -4.0, 0.0, 4.0, 45.0, 90.0}) {
      if (std::isnan(antenna.gain_dbi(az_deg, el_deg))) {
        std::fprintf(stderr, "NaN gain at azimuth %g, elevation %g\n", az_deg, el_deg);
        std::abort();
      }
    }
  }
  // What the writer makes of an accepted pattern, the reader reads back.
  std::ostringstream out;
  pr::write_msi_pattern(*table, out);
  std::istringstream back(out.str());
  try {
    pr::parse_msi_pattern(back, "round-trip.msi");
  } catch (const phusong::Error& e) {
    std::fprintf(stderr, "written pattern refused: %s\n--- written:\n%s\n", e.what(), out.str().c_str());
    std::abort();
  }
  return 0;
}
