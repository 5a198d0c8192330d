// Test helpers: where the shared data and oracles are (PHUSONG_DATA / PHUSONG_ORACLES, set by
// ctest; default ../shared relative to the working directory). Missing data fails, never skips.
#pragma once
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace phusong::test {
inline std::string data_path(const std::string& rel) {
  const char* env = std::getenv("PHUSONG_DATA");
  const std::string p = std::string(env ? env : "../shared/data") + "/" + rel;
  if (!std::filesystem::exists(p)) throw std::runtime_error("test data missing: " + p);
  return p;
}
inline std::string tmp_dir(const std::string& name) {
  auto d = std::filesystem::temp_directory_path() / ("phusong-test-" + name);
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d.string();
}
}  // namespace phusong::test
