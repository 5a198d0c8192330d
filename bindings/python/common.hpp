// Shared helpers of the binding files (one file per engine layer).
#pragma once
#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "phusong/error.hpp"
#include "phusong/terrain.hpp"
#include "phusong/types.hpp"

namespace py = pybind11;

namespace phusong::bind {

void init_geo(py::module_& m);
void init_terrain(py::module_& m);
void init_radio(py::module_& m);
void init_coverage(py::module_& m);
void init_planning(py::module_& m);
void init_fibre(py::module_& m);
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

/// A window of cells (col_off, row_off, cols, rows) from a Python sequence.
inline terrain::CellWindow cell_window(const py::object& o) {
  const auto v = o.cast<std::vector<int>>();
  if (v.size() != 4) throw py::value_error("window needs 4 integers (col_off, row_off, cols, rows), got " + std::to_string(v.size()));
  return terrain::CellWindow{v[0], v[1], v[2], v[3]};
}
/// A GDAL geotransform (origin_x, dx, 0, origin_y, 0, dy) of a grid.
inline py::tuple grid_tuple(const terrain::Grid& g) { return py::make_tuple(g.origin_x, g.dx, 0.0, g.origin_y, 0.0, g.dy); }
inline py::tuple window_tuple(const terrain::CellWindow& w) { return py::make_tuple(w.col_off, w.row_off, w.cols, w.rows); }

/// A contiguous float64 view/copy of any array-like.
using Doubles = py::array_t<double, py::array::c_style | py::array::forcecast>;
inline std::vector<double> to_vector(const Doubles& a) {
  return std::vector<double>(a.data(), a.data() + a.size());
}

// ---------------------------------------------------------------------------------------------
// Parameter structs bound as classes (as OSRM binds its per-service parameter structs): the
// defaults are the C++ header's (the struct is default-constructed), and functions taking one
// accept `params=` (an instance) and the same fields as keyword arguments.

/// The keyword names of a bound parameter struct T: its fields in order, and older names.
struct ParamFields {
  std::string cls;
  std::vector<std::string> names;
  std::map<std::string, std::string> aliases;  ///< older keyword -> field
  std::string list() const {
    std::string s;
    for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
    return s;
  }
};
template <class T>
ParamFields& param_fields() {
  static ParamFields f;
  return f;
}

/// T from `params` (an instance of T, or None for the header's defaults) with each keyword set
/// by name through the bound class's properties (their conversions and checks). An unknown name
/// or a value of the wrong type is an InputError naming the field (and listing the valid ones).
template <class T>
T build_params(const py::object& params, const py::kwargs& kw) {
  const ParamFields& f = param_fields<T>();
  if (!params.is_none() && !py::isinstance<T>(params))
    throw InputError("params must be a " + f.cls + ", got " + std::string(py::str(params.get_type().attr("__name__"))));
  T value = params.is_none() ? T{} : params.cast<T>();
  if (kw.empty()) return value;
  py::object obj = py::cast(value);  // a copy, set through the class's properties
  for (auto item : kw) {
    std::string key = py::str(item.first);
    if (auto a = f.aliases.find(key); a != f.aliases.end()) key = a->second;
    if (std::find(f.names.begin(), f.names.end(), key) == f.names.end())
      throw InputError(f.cls + ": unknown parameter '" + std::string(py::str(item.first)) + "' (valid: " + f.list() +
                       ")");
    try {
      py::setattr(obj, key.c_str(), item.second);
    } catch (py::error_already_set& e) {
      if (!e.matches(PyExc_TypeError)) throw;
      throw InputError(f.cls + ": " + key + " = " + std::string(py::repr(item.second)) + ": expected " +
                       std::string(py::str(py::getattr(obj, key.c_str()).get_type().attr("__name__"))));
    }
  }
  return obj.cast<T>();
}

/// Binds the parameter struct T as the Python class `name`: fields and properties are recorded
/// in order (for the keyword constructor, the keyword arguments of functions and the repr).
template <class T>
class ParamsClass {
 public:
  ParamsClass(py::module_& m, const char* name, const char* doc) : cls_(m, name, doc) {
    param_fields<T>().cls = name;
  }
  template <class C, class D>
  ParamsClass& field(const char* name, D C::*pm, const char* doc) {
    cls_.def_readwrite(name, pm, doc);
    param_fields<T>().names.emplace_back(name);
    return *this;
  }
  template <class Get, class Set>
  ParamsClass& property(const char* name, Get get, Set set, const char* doc) {
    cls_.def_property(name, get, set, doc);
    param_fields<T>().names.emplace_back(name);
    return *this;
  }
  /// An older keyword name of a field, still accepted by the functions and the constructor.
  ParamsClass& alias(const char* old_name, const char* field) {
    param_fields<T>().aliases[old_name] = field;
    return *this;
  }
  /// The keyword constructor and the repr; returns the class for further definitions.
  py::class_<T>& finish() {
    cls_.def(py::init([](const py::kwargs& kw) { return build_params<T>(py::none(), kw); }),
             "Defaults from the C++ header; keywords set fields by name (InputError for an unknown "
             "name, listing the valid ones).");
    cls_.def("__repr__", [](const py::object& self) {
      const ParamFields& f = param_fields<T>();
      std::string s = f.cls + "(";
      for (std::size_t i = 0; i < f.names.size(); ++i)
        s += (i ? ", " : "") + f.names[i] + "=" + std::string(py::repr(self.attr(f.names[i].c_str())));
      return s + ")";
    });
    cls_.def("__eq__", [](const py::object& self, const py::object& other) {
      if (!py::isinstance<T>(other)) return false;
      for (const auto& n : param_fields<T>().names)
        if (!self.attr(n.c_str()).equal(other.attr(n.c_str()))) return false;
      return true;
    });
    cls_.attr("__hash__") = py::none();
    return cls_;
  }

 private:
  py::class_<T> cls_;
};

/// Adds dict-style reading to a bound result class: r["name"] (KeyError for another name),
/// keys() and `"name" in r`, so code written for the former dict results keeps working.
/// `legacy(self, name)` may give a field's former dict value (e.g. a status as its name).
template <class Cls>
void add_mapping(Cls& cls, std::vector<std::string> names,
                 std::function<py::object(const py::object&, const std::string&)> legacy = {}) {
  auto shared = std::make_shared<std::vector<std::string>>(std::move(names));
  cls.def(
      "__getitem__",
      [shared, legacy](const py::object& self, const std::string& key) -> py::object {
        if (std::find(shared->begin(), shared->end(), key) == shared->end()) throw py::key_error(key);
        if (legacy) {
          py::object v = legacy(self, key);
          if (v) return v;
        }
        return self.attr(key.c_str());
      },
      py::arg("name"));
  cls.def("keys", [shared](const py::object&) { return *shared; }, "The field names (as the former dict's keys).");
  cls.def("__contains__", [shared](const py::object&, const py::object& key) {
    return py::isinstance<py::str>(key) &&
           std::find(shared->begin(), shared->end(), key.cast<std::string>()) != shared->end();
  });
}

}  // namespace phusong::bind
