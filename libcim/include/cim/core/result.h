#pragma once
// Result<T>: a value or a failure, always with the diagnostics gathered on the way.
// Readers never throw on bad input: they return a Result whose diagnostics say what was wrong.

#include <cassert>
#include <optional>
#include <utility>
#include <variant>
#include <vector>

#include "cim/core/diagnostic.h"

namespace cim {

template <class T>
class [[nodiscard]] Result {
 public:
  /// A success carrying a value; diagnostics (warnings, infos, errors about skipped parts) may accompany it.
  static Result success(T value, std::vector<Diagnostic> diagnostics = {}) {
    Result r;
    r.value_.emplace(std::move(value));
    r.diagnostics_ = std::move(diagnostics);
    return r;
  }
  /// A failure; `error` must have Severity::Error. Earlier diagnostics may be passed along.
  static Result failure(Diagnostic error, std::vector<Diagnostic> earlier = {}) {
    assert(error.severity == Severity::Error);
    Result r;
    r.diagnostics_ = std::move(earlier);
    r.diagnostics_.push_back(std::move(error));
    return r;
  }
  /// A failure that carries over every diagnostic of another (failed) result.
  template <class U>
  static Result failureFrom(const Result<U>& other) {
    Result r;
    r.diagnostics_ = other.diagnostics();
    assert(!other.ok());
    return r;
  }

  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return *value_;
  }
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T&& value() && {
    assert(ok());
    return std::move(*value_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }
  std::vector<Diagnostic> takeDiagnostics() { return std::move(diagnostics_); }
  void addDiagnostic(Diagnostic d) { diagnostics_.push_back(std::move(d)); }

  /// The error that made this result fail (the last error diagnostic), or nullptr on success.
  const Diagnostic* error() const {
    if (ok()) return nullptr;
    for (auto it = diagnostics_.rbegin(); it != diagnostics_.rend(); ++it)
      if (it->severity == Severity::Error) return &*it;
    return nullptr;
  }

 private:
  Result() = default;
  std::optional<T> value_;
  std::vector<Diagnostic> diagnostics_;
};

/// For operations that produce no value.
using Status = Result<std::monostate>;

inline Status okStatus(std::vector<Diagnostic> diagnostics = {}) {
  return Status::success(std::monostate{}, std::move(diagnostics));
}

}  // namespace cim
