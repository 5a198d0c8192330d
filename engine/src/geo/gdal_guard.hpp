// Private: turns GDAL/OGR/CPL errors into phusong exceptions that name the file.
#pragma once
#include <string>

namespace phusong::detail {

/// Registers GDAL drivers once (thread-safe).
void ensure_gdal();

/// RAII guard: while alive, GDAL errors are captured instead of printed. `message()` gives the
/// last captured error text (empty if none).
class GdalErrorGuard {
 public:
  GdalErrorGuard();
  ~GdalErrorGuard();
  GdalErrorGuard(const GdalErrorGuard&) = delete;
  GdalErrorGuard& operator=(const GdalErrorGuard&) = delete;
  const std::string& message() const { return message_; }
  static void handler(int err_class, int err_no, const char* msg);

 private:
  std::string message_;
};

}  // namespace phusong::detail
