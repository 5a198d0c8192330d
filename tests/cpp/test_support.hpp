// Test helpers: where the shared data and oracles are (PHUSONG_DATA / PHUSONG_ORACLES, set by
// ctest; default ../shared relative to the working directory). Missing data fails, never skips.
// Also: expect_throws_mentioning<E>(call, {"fragment", ...}), the check that a call raises E with
// a message naming each fragment, instead of hand-written try/catch blocks.
#pragma once
#include <gtest/gtest.h>

#include <cstdlib>
#include <exception>
#include <filesystem>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <typeinfo>

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

/// The message of the E that `call` throws; a test failure (and "") when it throws nothing or
/// another exception.
template <class E, class F>
std::string thrown_message(F&& call) {
  try {
    call();
  } catch (const E& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected " << typeid(E).name() << ", got another exception: " << e.what();
    return "";
  }
  ADD_FAILURE() << "expected " << typeid(E).name() << ", nothing was thrown";
  return "";
}

/// Checks that `call` throws an E whose message contains every fragment; returns the message.
template <class E, class F>
std::string expect_throws_mentioning(F&& call, std::initializer_list<std::string> fragments) {
  const std::string what = thrown_message<E>(std::forward<F>(call));
  for (const auto& f : fragments)
    EXPECT_NE(what.find(f), std::string::npos) << "message does not mention '" << f << "': " << what;
  return what;
}

/// True when `call` throws an exception of exactly type E (not a type derived from it).
template <class E, class F>
bool throws_exactly(F&& call) {
  try {
    call();
  } catch (const std::exception& e) {
    return typeid(e) == typeid(E);
  }
  return false;
}

/// Sets (or, with nullptr, unsets) an environment variable for the scope, restoring the
/// previous value at its end.
struct ScopedEnv {
  std::string name, old;
  bool had;
  ScopedEnv(const std::string& n, const char* value) : name(n) {
    const char* o = std::getenv(n.c_str());
    had = o != nullptr;
    if (had) old = o;
    if (value) setenv(n.c_str(), value, 1);
    else unsetenv(n.c_str());
  }
  ~ScopedEnv() {
    if (had) setenv(name.c_str(), old.c_str(), 1);
    else unsetenv(name.c_str());
  }
};

}  // namespace phusong::test
