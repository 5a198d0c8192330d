// Shared helpers of the binding files (one file per engine layer).
#pragma once
#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <vector>

#include "phusong/terrain.hpp"
#include "phusong/types.hpp"

namespace py = pybind11;

namespace phusong::bind {

void init_geo(py::module_& m);
void init_terrain(py::module_& m);
void init_radio(py::module_& m);
void init_coverage(py::module_& m);
void init_planning(py::module_& m);
void init_io(py::module_& m);

/// Wraps an optional Python callable progress(done, total) so that the engine can call it
/// with the GIL released.
inline ProgressFn wrap_progress(const py::object& cb) {
  if (cb.is_none()) return {};
  auto holder = std::make_shared<py::object>(cb);
  return [holder](std::size_t done, std::size_t total) {
    py::gil_scoped_acquire gil;
    (*holder)(done, total);
  };
}

/// A NumPy array that owns a moved-in std::vector (no copy).
template <class T>
py::array_t<T> to_numpy(std::vector<T>&& v) {
  auto* heap = new std::vector<T>(std::move(v));
  py::capsule owner(heap, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>({heap->size()}, {sizeof(T)}, heap->data(), owner);
}

/// A north-up grid from a GDAL geotransform (6 values; ValueError otherwise) and its shape.
inline terrain::Grid grid_from_geotransform(const std::vector<double>& gt, int rows, int cols) {
  if (gt.size() != 6) throw py::value_error("geotransform needs 6 values, got " + std::to_string(gt.size()));
  terrain::Grid g;
  g.origin_x = gt[0];
  g.dx = gt[1];
  g.origin_y = gt[3];
  g.dy = gt[5];
  g.rows = rows;
  g.cols = cols;
  return g;
}

/// A contiguous float64 view/copy of any array-like.
using Doubles = py::array_t<double, py::array::c_style | py::array::forcecast>;
inline std::vector<double> to_vector(const Doubles& a) {
  return std::vector<double>(a.data(), a.data() + a.size());
}

}  // namespace phusong::bind
