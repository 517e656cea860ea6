#pragma once
// Real clash results for the report tests: a small scene in EPSG:4549+5737 around the CGCS2000 check point
// (E 515 398.973, N 3 347 837.868 → 30.25 N 120.16 E), checked by cim::index::clash as the CLI would.

#include <filesystem>
#include <memory>
#include <string>

#include "cim/export/report.h"
#include "cim/index/rules.h"

namespace cimtest {

/// The water main's and the wall's GUIDs (the wall's is an IFC GlobalId).
inline const std::string kWallGuid = "2beDhQxM5exJU9NxhEWatY";

struct ReportRun {
  cim::index::RuleSet rules;  ///< gb50289: the results' rules point into it (keep the object where it is)
  cim::report::Report report;
};

/// A DN300 water main (guid "water", name "JS1-JS2") along x at z 8.0 crossing a DN600 sewer ("sewer", "WS7-WS8")
/// along y at z 7.3 exactly at the check point: walls 0.25 m apart where GB 50289 Table 4.1.14 asks 0.40 m, the
/// result's point (E 515398.973, N 3347837.868, H 7.725). A building ("house") `houseGapMeters` from the sewer's
/// outer wall in plan (Table 4.1.9 asks 2.5 m). An IfcWall "Wall South" (kWallGuid) the water main runs through.
/// The report holds a clearance run by the gb50289 rules and a hard-clash run, both over everything, with inputs,
/// CRS and options filled in.
std::unique_ptr<ReportRun> reportRun(double houseGapMeters = 2.0);

/// The tower's IFC GlobalId (checkRun).
inline const std::string kTowerGuid = "3cUkl32yn9qRSPvBJVyWYp";

/// Every city check (cim/index/checks.h) run on a small scene in EPSG:4549+5737 about the check point, ground 10.0 m:
/// a DN250 medium-A gas main "RQ1-RQ2" along x at z 5, a pit "P1" 0.300 m from its outer wall (protection zone), a
/// shallow DN200 gas pipe "RQ7-RQ8" with 0.400 m of cover where 0.6 m is asked, a sensor "S1", a road cavity "C1",
/// a drone corridor "R1" and a tower (kTowerGuid) reaching into it. The report holds the results of excavation,
/// cover, sensors, cavities and corridors in that order, with the cover counts as its summary.
std::unique_ptr<ReportRun> checkRun();

/// The bytes of a file (empty when it cannot be read).
std::string fileText(const std::filesystem::path& path);

}  // namespace cimtest
