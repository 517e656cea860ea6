// export/report/report_bcf: the BCF 3.0 archive of a report, unzipped again (minizip, and Python's zipfile as a
// reader we did not write), its XML parsed (GDAL's CPL XML parser) and checked topic by topic, and validated with
// xmllint against buildingSMART's bcf-xml 3.0 schemas when CIM_BCF_XSD_DIR names a folder holding them.
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>

#include <catch2/catch.hpp>
#include <cpl_minixml.h>
#include <unzip.h>

#include "cim/export/report.h"
#include "support/report_results.h"
#include "support/test_support.h"

using namespace cim;
using Catch::Matchers::Contains;
using Entries = std::vector<std::pair<std::string, std::string>>;

namespace {

// The entries of a zip in their order, with their contents (folders too: "name/", empty).
Entries unzipAll(const std::filesystem::path& file) {
  unzFile zip = unzOpen64(file.string().c_str());
  REQUIRE(zip);
  Entries out;
  for (int rc = unzGoToFirstFile(zip); rc == UNZ_OK; rc = unzGoToNextFile(zip)) {
    char name[512];
    unz_file_info64 info;
    REQUIRE(unzGetCurrentFileInfo64(zip, &info, name, sizeof name, nullptr, 0, nullptr, 0) == UNZ_OK);
    REQUIRE(unzOpenCurrentFile(zip) == UNZ_OK);
    std::string data(info.uncompressed_size, '\0');
    if (!data.empty()) CHECK(unzReadCurrentFile(zip, data.data(), static_cast<unsigned>(data.size())) == int(data.size()));
    CHECK(unzCloseCurrentFile(zip) == UNZ_OK);  // checks the CRC
    out.emplace_back(name, std::move(data));
  }
  unzClose(zip);
  return out;
}

// A parsed XML document (GDAL's CPL mini XML), freed when it goes.
struct Xml {
  CPLXMLNode* root = nullptr;
  explicit Xml(const std::string& text) : root(CPLParseXMLString(text.c_str())) { REQUIRE(root); }
  ~Xml() { CPLDestroyXMLNode(root); }
  const CPLXMLNode* node(const char* path) const { return CPLGetXMLNode(root, path); }
  std::string value(const char* path) const { return CPLGetXMLValue(root, path, "<none>"); }
};

// The names of the child elements of a node, in order.
std::vector<std::string> children(const CPLXMLNode* node) {
  std::vector<std::string> out;
  for (const CPLXMLNode* c = node ? node->psChild : nullptr; c; c = c->psNext)
    if (c->eType == CXT_Element) out.emplace_back(c->pszValue);
  return out;
}

Eigen::Vector3d xyzOf(const Xml& x, const std::string& path) {
  return {std::stod(x.value((path + ".X").c_str())), std::stod(x.value((path + ".Y").c_str())),
          std::stod(x.value((path + ".Z").c_str()))};
}

bool isBcfGuid(const std::string& s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i)
    if ((i == 8 || i == 13 || i == 18 || i == 23) ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i])) ||
                                                                       std::isupper(static_cast<unsigned char>(s[i])))
      return false;
  return true;
}

// The files of an archive without its folder entries, by name.
std::map<std::string, std::string> filesOf(const Entries& entries) {
  std::map<std::string, std::string> out;
  for (const auto& [name, data] : entries)
    if (name.back() != '/') out.emplace(name, data);
  return out;
}

// The schema of a file of a BCF archive (bcf-xml 3.0's file names).
std::string schemaOf(const std::string& name) {
  if (name == "bcf.version") return "version.xsd";
  if (name == "extensions.xml") return "extensions.xsd";
  if (name == "project.bcfp") return "project.xsd";
  if (name.ends_with("/markup.bcf")) return "markup.xsd";
  if (name.ends_with(".bcfv")) return "visinfo.xsd";
  return {};
}

// Validates every XML file of an archive with xmllint against the bcf-xml 3.0 schemas in CIM_BCF_XSD_DIR (the
// Schemas folder of buildingSMART/BCF-XML at release 3.0: version, extensions, project, markup, visinfo and
// shared-types .xsd). The schemas are not in the repository; without the variable the test says it did not validate.
void validateWithXsds(const Entries& entries) {
  const char* xsdDir = std::getenv("CIM_BCF_XSD_DIR");
  if (!xsdDir || !*xsdDir) {
    WARN("CIM_BCF_XSD_DIR not set: the BCF files were not validated against the bcf-xml 3.0 XSDs");
    return;
  }
  cimtest::TempDir dir;
  std::map<std::string, std::vector<std::string>> bySchema;  // xsd -> files
  std::size_t n = 0;
  for (const auto& [name, data] : filesOf(entries)) {
    const std::string xsd = schemaOf(name);
    REQUIRE_FALSE(xsd.empty());
    const auto file = dir / (std::to_string(n++) + "-" + std::filesystem::path(name).filename().string());
    std::ofstream(file, std::ios::binary) << data;
    bySchema[xsd].push_back(file.string());
  }
  for (const auto& [xsd, files] : bySchema) {
    std::string command = "xmllint --noout --schema ";  // appended piece by piece: GCC 12's -Wrestrict misfires
    command += cimtest::shellQuote((std::filesystem::path(xsdDir) / xsd).string());
    for (const auto& f : files) {
      command += ' ';
      command += cimtest::shellQuote(f);
    }
    const auto r = cimtest::run(command);
    INFO(xsd << ": " << r.out << r.err);
    CHECK(r.exitCode == 0);
  }
}

report::WriteOptions bcfOptions() {
  report::WriteOptions o;
  o.author = "planning@hz.example";
  o.creationDate = "2024-05-20T09:30:00Z";
  o.viewpointOrigin = {515000.0, 3347000.0, 0.0};
  return o;
}

}  // namespace

TEST_CASE("BCF 3.0: bcf.version, extensions and one topic per result with deterministic GUIDs", "[export][report]") {
  const auto run = cimtest::reportRun();
  const auto& report = run->report;
  cimtest::TempDir dir;
  auto written = report::writeReport(report, dir / "clashes.bcf", bcfOptions());
  REQUIRE(written.ok());
  const Entries entries = unzipAll(dir / "clashes.bcf");
  REQUIRE(entries.size() == 3 + 3 * report.results.size());
  CHECK(entries[0].first == "bcf.version");
  CHECK(Xml(entries[0].second).value("=Version.VersionId") == "3.0");
  CHECK(entries[1].first == "extensions.xml");
  CHECK(entries[2].first == "project.bcfp");
  const Xml project(entries[2].second);
  CHECK(project.value("=ProjectInfo.Project.Name") == "pipes.gpkg, wall.ifc");
  CHECK(isBcfGuid(project.value("=ProjectInfo.Project.ProjectId")));
  const Xml extensions(entries[1].second);
  CHECK(children(extensions.node("=Extensions")) ==
        std::vector<std::string>{"TopicTypes", "TopicStatuses", "TopicLabels", "Users"});
  CHECK(children(extensions.node("=Extensions.TopicStatuses")).size() == 3);
  CHECK(extensions.value("=Extensions.Users.User") == "planning@hz.example");

  // Topic folders named by the UUID of each result's stable id: the folder's entry, a markup and a viewpoint each.
  for (std::size_t i = 0; i < report.results.size(); ++i) {
    const std::string guid = report::resultUuid(report.results[i].id);
    INFO(report.results[i].id);
    CHECK(isBcfGuid(guid));
    CHECK(entries[3 + 3 * i].first == guid + "/");
    CHECK(entries[3 + 3 * i].second.empty());
    CHECK(entries[4 + 3 * i].first == guid + "/markup.bcf");
    CHECK(entries[5 + 3 * i].first == guid + "/viewpoint.bcfv");
  }
  // Python's zipfile reads the same archive (its CRCs included) with the entries' time and the folders as folders.
  const auto check = cimtest::run("python3 -c \"import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); "
                                  "assert z.testzip() is None; print(len(z.namelist()), z.infolist()[0].date_time, "
                                  "sum(i.is_dir() for i in z.infolist()))\" " +
                                  cimtest::shellQuote((dir / "clashes.bcf").string()));
  REQUIRE(check.exitCode == 0);
  CHECK(check.out == std::to_string(entries.size()) + " (2024, 5, 20, 9, 30, 0) " +
                         std::to_string(report.results.size()) + "\n");
  validateWithXsds(entries);

  // The same report, written again or found again by a new run, gives the same bytes and topic GUIDs.
  const auto again = cimtest::reportRun();
  REQUIRE(report::writeReport(again->report, dir / "again.bcfzip", bcfOptions()).ok());
  CHECK(cimtest::fileText(dir / "again.bcfzip") == cimtest::fileText(dir / "clashes.bcf"));
}

TEST_CASE("BCF markup: title, status, dates, the distances and the rule, in the schema's order", "[export][report]") {
  auto run = cimtest::reportRun();
  auto& report = run->report;
  report.results[0].status = "resolved";
  cimtest::TempDir dir;
  REQUIRE(report::writeReport(report, dir / "c.bcf", bcfOptions()).ok());
  const auto files = filesOf(unzipAll(dir / "c.bcf"));
  for (std::size_t i = 0; i < report.results.size(); ++i) {
    const auto& r = report.results[i];
    const std::string guid = report::resultUuid(r.id);
    INFO(r.id);
    const Xml markup(files.at(guid + "/markup.bcf"));
    CHECK(children(markup.node("=Markup")) == std::vector<std::string>{"Header", "Topic"});
    CHECK(children(markup.node("=Markup.Header.Files")).size() == 2);
    CHECK(markup.value("=Markup.Header.Files.File.Filename") == "pipes.gpkg");
    CHECK(markup.value("=Markup.Topic.Guid") == guid);
    CHECK(markup.value("=Markup.Topic.TopicType") == std::string(index::clashTypeName(r.type)));
    CHECK(markup.value("=Markup.Topic.TopicStatus") == (i == 0 ? "Resolved" : "New"));
    CHECK(children(markup.node("=Markup.Topic")) ==
          std::vector<std::string>{"Title", "Labels", "CreationDate", "CreationAuthor", "Description", "Viewpoints"});
    CHECK(markup.value("=Markup.Topic.Title") == report::resultTitle(r));
    CHECK(markup.value("=Markup.Topic.CreationDate") == "2024-05-20T09:30:00Z");
    CHECK(markup.value("=Markup.Topic.CreationAuthor") == "planning@hz.example");
    const std::string description = markup.value("=Markup.Topic.Description");
    CHECK_THAT(description, Contains("Result " + r.id));
    if (r.rule) CHECK_THAT(description, Contains(r.rule->source));
    const std::string viewpoint = markup.value("=Markup.Topic.Viewpoints.ViewPoint.Guid");
    CHECK(isBcfGuid(viewpoint));
    CHECK(markup.value("=Markup.Topic.Viewpoints.ViewPoint.Viewpoint") == "viewpoint.bcfv");
    CHECK(Xml(files.at(guid + "/viewpoint.bcfv")).value("=VisualizationInfo.Guid") == viewpoint);
    if (r.type == index::ClashType::Clearance && r.vertical && r.horizontal == 0.0) {
      CHECK(markup.value("=Markup.Topic.Title") == "clearance: JS1-JS2 \xE2\x80\x93 WS7-WS8");
      CHECK_THAT(description, Contains("Distance 0.250 m (horizontal 0.000 m, vertical 0.250 m) where 0.400 m "
                                       "vertical is required."));
      CHECK_THAT(description, Contains("At 515398.973, 3347837.868, 7.725 (EPSG:4549+5737)"));
    }
  }
}

TEST_CASE("BCF viewpoint: the two elements by IfcGuid or their own id, a camera on the point, the gap drawn",
          "[export][report]") {
  const auto run = cimtest::reportRun();
  const auto options = bcfOptions();
  auto files = report::bcfFiles(run->report, options);
  REQUIRE(files.ok());
  std::map<std::string, std::string> byName(files->begin(), files->end());
  for (const auto& r : run->report.results) {
    INFO(r.id);
    const Xml v(byName.at(report::resultUuid(r.id) + "/viewpoint.bcfv"));
    CHECK(children(v.node("=VisualizationInfo")).front() == "Components");
    CHECK(children(v.node("=VisualizationInfo.Components")) ==
          std::vector<std::string>{"Selection", "Visibility", "Coloring"});
    CHECK(v.value("=VisualizationInfo.Components.Visibility.DefaultVisibility") == "true");
    // Components: the IFC wall by its GlobalId, the pipes and the building by their ids in their layer.
    std::set<std::string> selected;
    for (const CPLXMLNode* c = v.node("=VisualizationInfo.Components.Selection")->psChild; c; c = c->psNext) {
      const char* ifcGuid = CPLGetXMLValue(c, "IfcGuid", nullptr);
      selected.insert(ifcGuid ? std::string("ifc:") + ifcGuid
                              : std::string(CPLGetXMLValue(c, "OriginatingSystem", "")) + ":" +
                                    CPLGetXMLValue(c, "AuthoringToolId", ""));
    }
    std::set<std::string> expected;
    for (const auto* e : {&r.a, &r.b})
      expected.insert(e->guid == cimtest::kWallGuid ? "ifc:" + e->guid : e->layer + ":" + e->guid);
    CHECK(selected == expected);
    // The camera: 10 m from the point (less the viewpoint origin), looking at it 45° down; up is perpendicular.
    const Eigen::Vector3d target = r.point - options.viewpointOrigin;
    const Eigen::Vector3d eye = xyzOf(v, "=VisualizationInfo.PerspectiveCamera.CameraViewPoint");
    const Eigen::Vector3d direction = xyzOf(v, "=VisualizationInfo.PerspectiveCamera.CameraDirection");
    const Eigen::Vector3d up = xyzOf(v, "=VisualizationInfo.PerspectiveCamera.CameraUpVector");
    CHECK((target - eye).norm() == Approx(10.0).margin(1e-3));
    CHECK(((target - eye).normalized() - direction).norm() < 1e-5);
    CHECK(direction.z() == Approx(-std::sqrt(0.5)).margin(1e-6));
    CHECK(std::abs(direction.dot(up)) < 1e-5);
    CHECK(up.z() > 0);
    CHECK(std::stod(v.value("=VisualizationInfo.PerspectiveCamera.FieldOfView")) == 60.0);
    CHECK(children(v.node("=VisualizationInfo.PerspectiveCamera")) ==
          std::vector<std::string>{"CameraViewPoint", "CameraDirection", "CameraUpVector", "FieldOfView",
                                   "AspectRatio"});
    // The gap between the closest points as a line, in the same frame.
    if ((r.onA - r.onB).norm() >= 1e-4) {
      const Eigen::Vector3d start = xyzOf(v, "=VisualizationInfo.Lines.Line.StartPoint");
      CHECK((start - (r.onA - options.viewpointOrigin)).norm() < 1e-3);
    }
  }
}

TEST_CASE("BCF options that cannot be written fail before anything is written", "[export][report]") {
  const auto run = cimtest::reportRun();
  cimtest::TempDir dir;
  auto options = bcfOptions();
  options.creationDate = "20 May 2024";
  auto bad = report::writeReport(run->report, dir / "c.bcf", options);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error()->code == ErrorCode::InvalidArgument);
  options = bcfOptions();
  options.author = "  ";
  CHECK_FALSE(report::writeReport(run->report, dir / "c.bcf", options).ok());
  CHECK(std::filesystem::is_empty(dir.path()));
  // No date given: now, in UTC.
  auto now = report::bcfFiles(run->report, {});
  REQUIRE(now.ok());
  CHECK_THAT((*now)[3].second, Contains("Z</CreationDate>"));
}

TEST_CASE("BCF of the city checks: a topic per finding, the cover topic on its one pipe, all valid BCF 3.0",
          "[export][report]") {
  const auto run = cimtest::checkRun();
  const auto& report = run->report;
  std::set<index::ClashType> types;
  for (const auto& r : report.results) types.insert(r.type);
  CHECK(types == std::set<index::ClashType>{index::ClashType::ProtectionZone, index::ClashType::Cover,
                                            index::ClashType::Nearest, index::ClashType::Within,
                                            index::ClashType::Obstacle});
  cimtest::TempDir dir;
  REQUIRE(report::writeReport(report, dir / "checks.bcf", bcfOptions()).ok());
  const Entries entries = unzipAll(dir / "checks.bcf");
  const auto files = filesOf(entries);
  REQUIRE(files.size() == 3 + 2 * report.results.size());
  const Xml extensions(files.at("extensions.xml"));
  std::set<std::string> topicTypes;
  for (const CPLXMLNode* c = extensions.node("=Extensions.TopicTypes")->psChild; c; c = c->psNext)
    if (c->eType == CXT_Element) topicTypes.insert(CPLGetXMLValue(c, nullptr, ""));
  for (const auto& r : report.results) {
    INFO(r.id);
    const std::string guid = report::resultUuid(r.id);
    const Xml markup(files.at(guid + "/markup.bcf"));
    const Xml view(files.at(guid + "/viewpoint.bcfv"));
    CHECK(topicTypes.count(markup.value("=Markup.Topic.TopicType")) == 1);
    const std::string description = markup.value("=Markup.Topic.Description");
    std::vector<std::string> components;
    for (const CPLXMLNode* c = view.node("=VisualizationInfo.Components.Selection")->psChild; c; c = c->psNext)
      components.push_back(CPLGetXMLValue(c, "IfcGuid", CPLGetXMLValue(c, "AuthoringToolId", "")));
    if (r.type == index::ClashType::ProtectionZone) {
      CHECK(markup.value("=Markup.Topic.Title") == "protection-zone: P1 \xE2\x80\x93 RQ1-RQ2");
      CHECK_THAT(description, Contains("Inside the protection zone: 0.300 m from the outer wall in plan"));
      CHECK_THAT(description, Contains("zone.requirement: "));
      CHECK_THAT(description, Contains("zone.insideByMeters: 0.200 m"));  // lengths in the text to the millimetre
      CHECK_THAT(description, Contains("GB 55009"));
      CHECK(components == std::vector<std::string>{"P1", "gas-main"});
    }
    if (r.type == index::ClashType::Cover) {
      CHECK(markup.value("=Markup.Topic.Title") == "cover: RQ7-RQ8");
      CHECK_THAT(description, Contains("Cover 0.400 m where 0.600 m cover is required."));
      CHECK_THAT(description, Contains("Element: pipe 'RQ7-RQ8'"));
      CHECK(components == std::vector<std::string>{"gas-shallow"});  // a and b are the same pipe: once
      CHECK(view.value("=VisualizationInfo.Lines.Line.EndPoint.Z") == "10.0000");  // from the pipe's top to the ground
    }
    if (r.type == index::ClashType::Obstacle) {
      CHECK(components == std::vector<std::string>{"R1", cimtest::kTowerGuid});
      CHECK(view.node("=VisualizationInfo.Components.Selection.Component.OriginatingSystem"));
    }
  }
  validateWithXsds(entries);
}
