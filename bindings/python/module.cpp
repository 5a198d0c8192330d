// phusong._core: the compiled engine. Exceptions: PhusongError (RuntimeError) for engine
// failures; InputError (PhusongError, ValueError) for bad input; RangeError (InputError) for
// arguments outside a model's validity range.
#include "common.hpp"
#include "phusong/error.hpp"

namespace {
// The exception types, created once at import (the translator must be a plain function).
PyObject* g_base = nullptr;
PyObject* g_input = nullptr;
PyObject* g_range = nullptr;

void translate(std::exception_ptr p) {
  try {
    if (p) std::rethrow_exception(p);
  } catch (const phusong::RangeError& e) {
    PyErr_SetString(g_range, e.what());
  } catch (const phusong::InputError& e) {
    PyErr_SetString(g_input, e.what());
  } catch (const phusong::Error& e) {
    PyErr_SetString(g_base, e.what());
  }
}

PyObject* make_exception(py::module_& m, const char* name, PyObject* bases, const char* doc) {
  const std::string full = std::string("phusong._core.") + name;
  PyObject* t = PyErr_NewExceptionWithDoc(full.c_str(), doc, bases, nullptr);
  if (!t) throw py::error_already_set();
  m.add_object(name, py::handle(t));
  return t;
}
}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "phusong compiled engine: terrain, radio, coverage, planning, fibre and io layers.";
  m.attr("__version__") = PHUSONG_VERSION;  // from pyproject.toml, through CMake
  PyObject* base = make_exception(m, "PhusongError", PyExc_RuntimeError,
                                  "Root of phusong errors (a RuntimeError).");
  PyObject* in_bases = PyTuple_Pack(2, base, PyExc_ValueError);
  PyObject* input = make_exception(m, "InputError", in_bases,
                                   "Bad input: names the file, field and value (a ValueError).");
  Py_DECREF(in_bases);
  PyObject* range = make_exception(m, "RangeError", input,
                                   "An argument outside a model's validity range (a ValueError).");
  g_base = base;
  g_input = input;
  g_range = range;
  py::register_exception_translator(&translate);
  phusong::bind::init_geo(m);
  phusong::bind::init_terrain(m);
  phusong::bind::init_radio(m);
  phusong::bind::init_coverage(m);
  phusong::bind::init_planning(m);
  phusong::bind::init_fibre(m);
  phusong::bind::init_io(m);
}
