#pragma once
// The cim subcommands: each registers its options and calls one function in cim::app (view: in tools/cim/view).

#include <functional>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "cim/export/tiles3d.h"

namespace cimtool {

/// Registers a subcommand; the returned function runs it after parsing and gives the exit code.
using Runner = std::function<int()>;
Runner addInfoCommand(CLI::App& app);
Runner addConvertCommand(CLI::App& app);
Runner addTilesCommand(CLI::App& app);
Runner addViewCommand(CLI::App& app);
Runner addClashCommand(CLI::App& app);
Runner addNearCommand(CLI::App& app);
Runner addCheckCommand(CLI::App& app);
Runner addStoreCommand(CLI::App& app);

/// Writes a store's scene as 3D Tiles into `output`, rewriting only the files that changed, and prints what it did:
/// `cim store tiles` and `cim tiles --store`. Gives the exit code.
int runStoreTiles(const std::string& store, const std::string& asOf, const std::string& output,
                  const cim::tiles3d::WriteOptions& options, std::size_t memoryMb, bool verbose);

/// The first argument when it is neither an option nor a registered command (e.g. "foo" in `cim foo x`).
std::optional<std::string> unknownCommand(const CLI::App& app, int argc, char** argv);
/// The registered commands, comma separated: "info, convert, tiles, ...".
std::string commandList(const CLI::App& app);

/// Exit codes: 0 success, 1 failure (bad input, unwritable output), 2 usage error.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

}  // namespace cimtool
