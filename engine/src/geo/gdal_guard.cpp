// GDAL drivers registered once per process, and GdalErrorGuard, which keeps the message of the
// last GDAL error for the exception thrown after a failed call.
#include "geo/gdal_guard.hpp"

#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>

#include <mutex>

namespace phusong::detail {

void ensure_gdal() {
  static std::once_flag once;
  std::call_once(once, [] {
    GDALAllRegister();
    OGRRegisterAll();
  });
}

void GdalErrorGuard::handler(int err_class, int /*err_no*/, const char* msg) {
  if (err_class < CE_Failure) return;  // warnings are not errors
  auto* self = static_cast<GdalErrorGuard*>(CPLGetErrorHandlerUserData());
  if (self && msg) self->message_ = msg;
}

static void CPL_STDCALL c_handler(CPLErr cls, CPLErrorNum no, const char* msg) {
  GdalErrorGuard::handler(static_cast<int>(cls), static_cast<int>(no), msg);
}

GdalErrorGuard::GdalErrorGuard() { CPLPushErrorHandlerEx(c_handler, this); }
GdalErrorGuard::~GdalErrorGuard() { CPLPopErrorHandler(); }

}  // namespace phusong::detail
