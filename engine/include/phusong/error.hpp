// phusong — one exception root for the whole engine.
#pragma once
#include <stdexcept>
#include <string>

namespace phusong {

/// Root of every error thrown by the engine (maps to phusong.PhusongError, a RuntimeError).
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Bad input: a file, field or value that is wrong. The message names the file, the
/// row/feature and the value (maps to phusong.InputError, a ValueError).
class InputError : public Error {
 public:
  using Error::Error;
};

/// An argument outside a model's validity range (maps to phusong.RangeError, a ValueError).
class RangeError : public InputError {
 public:
  using InputError::InputError;
};

}  // namespace phusong
