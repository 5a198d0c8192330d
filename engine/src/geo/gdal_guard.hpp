// Private: turns GDAL/OGR/CPL errors into phusong exceptions that name the file.
#pragma once
#include <gdal_priv.h>

#include <memory>
#include <string>

namespace phusong::detail {

/// Closes a GDAL dataset when it goes out of scope.
struct DatasetClose {
  void operator()(GDALDataset* d) const { GDALClose(d); }
};
using DatasetPtr = std::unique_ptr<GDALDataset, DatasetClose>;

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
