#pragma once
// Progress reporting for long work (loading, tessellation, export).

#include <functional>
#include <string_view>

namespace cim {

/// Called with a stage name ("read", "export"...) and the fraction done in [0, 1] of that stage.
/// Return false to ask the operation to stop; it then fails with ErrorCode::Cancelled.
/// May be called from the thread that started the operation only.
using ProgressFn = std::function<bool(std::string_view stage, double fraction)>;

/// Calls `progress` when set; returns false when it asked to stop.
inline bool reportProgress(const ProgressFn& progress, std::string_view stage, double fraction) {
  return !progress || progress(stage, fraction);
}

}  // namespace cim
