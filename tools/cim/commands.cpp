// What the command table itself answers: which commands exist, and whether the first argument names one.
#include "commands.h"

#include <string_view>

namespace cimtool {

std::string commandList(const CLI::App& app) {
  std::string list;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    list += (list.empty() ? "" : ", ") + sub->get_name();
  return list;
}

std::optional<std::string> unknownCommand(const CLI::App& app, int argc, char** argv) {
  if (argc < 2) return std::nullopt;
  const std::string_view first = argv[1];
  if (first.empty() || first.front() == '-') return std::nullopt;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    if (sub->check_name(std::string(first))) return std::nullopt;
  return std::string(first);
}

}  // namespace cimtool
