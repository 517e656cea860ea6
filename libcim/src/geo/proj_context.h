#pragma once
// Private RAII helpers around PROJ's C API. Not installed; no PROJ type appears in a public header.

#include <memory>
#include <string>

#include <proj.h>

namespace cim::geo::detail {

struct ContextDeleter {
  void operator()(PJ_CONTEXT* c) const { proj_context_destroy(c); }
};
struct PjDeleter {
  void operator()(PJ* p) const { proj_destroy(p); }
};
using ContextPtr = std::unique_ptr<PJ_CONTEXT, ContextDeleter>;
using PjPtr = std::unique_ptr<PJ, PjDeleter>;

/// A fresh PROJ context that logs nothing to stderr (errors are turned into diagnostics) and never uses the network.
inline ContextPtr makeContext() {
  ContextPtr ctx(proj_context_create());
  proj_log_level(ctx.get(), PJ_LOG_NONE);
  proj_context_set_enable_network(ctx.get(), 0);
  return ctx;
}

/// PROJ's message for the context's last error, or a fallback.
inline std::string lastError(PJ_CONTEXT* ctx) {
  int err = proj_context_errno(ctx);
  const char* msg = err != 0 ? proj_context_errno_string(ctx, err) : nullptr;
  return msg ? std::string(msg) : std::string("PROJ could not resolve it");
}

}  // namespace cim::geo::detail
