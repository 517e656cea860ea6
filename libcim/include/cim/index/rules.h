#pragma once
// Rules as data: clearance requirements between pairs of elements, protection zones, minimum cover. The national
// tables ship with libcim (libcim/rules/*.csv, built into the library, every row citing its source; rows from
// secondary sources say "to verify against the official text"); users pass their own files of the same form to
// replace or extend them.
//
// Clearance file: a header line `a,b,horizontal_m,vertical_m,source[,note]`, then one row per requirement: two
// selectors (cim/index/selector.h; quote a selector that holds commas), the horizontal clearance in plan (wall to
// wall, checked where the two do not cross), the vertical clearance at crossings (either may be empty), the source.
// Lines starting with '#' are comments. A rule applies to a pair when its selectors match the two elements either
// way round; the first matching row of the set wins, so specific rows go before general ones.
//
// Selectors in rule files may name the class group @building: city buildings (building, building-part) and the BIM
// classes that stand for a building's foundation or outer wall (IfcWall, IfcWallStandardCase, IfcSlab, IfcFooting,
// IfcColumn, IfcPile, IfcBuildingElementProxy, IfcCurtainWall).

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cim/core/result.h"
#include "cim/index/selector.h"

namespace cim::index {

struct ClearanceRule {
  Selector a, b;
  std::optional<double> horizontalMeters;  ///< in plan, where the two do not cross
  std::optional<double> verticalMeters;    ///< at crossings
  std::string source;                      ///< the table and clause
  std::string note;                        ///< e.g. "to verify against the official text"
  std::string file;                        ///< the rule file ("gb50289" for the built-in table)
  std::size_t line = 0;                    ///< 1-based line in it
};

class RuleSet {
 public:
  /// Reads clearance rules from CSV text; `name` names it in messages and results. Fails (CorruptFile) naming the
  /// line that cannot be read.
  static Result<RuleSet> fromCsv(std::string_view text, const std::string& name);
  /// The built-in table by name ("gb50289": GB 50289-2016 Tables 4.1.9 and 4.1.14 with GB 50028 Table 6.3.3), else a
  /// rule file by path.
  static Result<RuleSet> load(const std::string& nameOrPath);

  /// Appends another set's rules after this one's (they are tried later).
  void append(const RuleSet& other);

  /// The first rule that applies to the pair; `swapped` says the rule's `a` matched the second element.
  const ClearanceRule* match(const model::Element& first, std::string_view firstLayer, const model::Element& second,
                             std::string_view secondLayer, bool* swapped = nullptr) const;
  /// The largest clearance any rule asks for (the reach of a broad phase).
  double reach() const;
  const std::vector<ClearanceRule>& rules() const { return rules_; }
  bool empty() const { return rules_.empty(); }

 private:
  std::vector<ClearanceRule> rules_;
};

/// A zone around an element: between `fromMeters` and `toMeters` of its outer surface (protection 0 – 0.5 m, control
/// 0.5 – 5 m ...), with what it requires of works inside it.
struct ZoneRule {
  std::string zone;  ///< "protection", "control"
  Selector selector;
  double fromMeters = 0.0, toMeters = 0.0;
  std::string source, requirement;
  std::size_t line = 0;
};

/// Zones: a header `zone,selector,from_m,to_m,source,requirement`; the built-in "gas_zones" (GB 55009-2021 §5.1.6–7,
/// and buried power cables). For an element, each zone name takes its first matching row.
Result<std::vector<ZoneRule>> loadZones(const std::string& nameOrPath);

/// A minimum cover (terrain height above the pipe's top) for the elements a selector picks.
struct CoverRule {
  Selector selector;
  double minCoverMeters = 0.0;
  std::string source;
  std::size_t line = 0;
};

/// Cover rules: a header `selector,min_cover_m,source`; the built-in "cover" (GB 50028 §6.3.4). The first matching
/// row applies.
Result<std::vector<CoverRule>> loadCover(const std::string& nameOrPath);

/// The rows of a CSV text (RFC 4180 quotes; '#' comment lines and blank lines skipped), each with its 1-based line.
std::vector<std::pair<std::size_t, std::vector<std::string>>> csvRows(std::string_view text);

}  // namespace cim::index
