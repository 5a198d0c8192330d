// libFuzzer target for the OR-Library set-covering reader (planning::read_orlib_scp_text, the
// text form of read_orlib_scp; both share one parser). Any phusong::Error is an expected outcome
// of a malformed input; a crash, a sanitizer report, another exception or a hang is a bug.
// A problem the reader accepts must be well formed (sizes agree, row indices in range).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "phusong/error.hpp"
#include "phusong/planning.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  phusong::planning::CoverProblem p;
  try {
    p = phusong::planning::read_orlib_scp_text(text, "fuzz.txt");
  } catch (const phusong::Error&) {
    return 0;  // refused with a message: expected
  }
  // Accepted: the sizes must agree and every row index must be in range.
  if (p.sets.size() != p.cost.size() || p.weight.empty()) std::abort();
  for (const auto& s : p.sets)
    for (int i : s)
      if (i < 0 || static_cast<std::size_t>(i) >= p.weight.size()) std::abort();
  return 0;
}
