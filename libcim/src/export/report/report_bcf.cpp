// export/report: BCF 3.0 (buildingSMART bcf-xml) — bcf.version, extensions.xml, project.bcfp and per result a topic
// folder with markup.bcf and viewpoint.bcfv. The elements are written in the order the schemas' sequences give them,
// and no element whose type is NonEmptyOrBlankString is written blank.
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "cim/export/report.h"
#include "export/report/report_internal.h"
#include "export/report/report_uuid.h"

namespace cim::report {

namespace {

using detail::xmlEscape;
using Files = std::vector<std::pair<std::string, std::string>>;

constexpr const char* kXmlDeclaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
constexpr const char* kStatuses[] = {"New", "Active", "Resolved"};

// The topic status of a result's status: "new" (and no status: no previous run) New, "active" Active, "resolved"
// Resolved (Navisworks' names).
const char* topicStatus(const std::string& status) {
  if (status == "active") return kStatuses[1];
  if (status == "resolved") return kStatuses[2];
  return kStatuses[0];
}

// An IFC GlobalId: 22 characters of the IFC base-64 alphabet.
bool isIfcGuid(const std::string& guid) {
  if (guid.size() != 22) return false;
  for (char c : guid)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '$') return false;
  return true;
}

// Text that is not blank after XML's whitespace collapse (the schemas' NonEmptyOrBlankString).
bool nonBlank(const std::string& text) { return text.find_first_not_of(" \t\r\n") != std::string::npos; }

std::string number(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, detail::roundDecimals(v, decimals));
  return buf;
}

// <Name><X>..</X><Y>..</Y><Z>..</Z></Name>
std::string xyz(const char* name, const Eigen::Vector3d& v, int decimals) {
  return std::string("<") + name + "><X>" + number(v.x(), decimals) + "</X><Y>" + number(v.y(), decimals) + "</Y><Z>" +
         number(v.z(), decimals) + "</Z></" + name + ">";
}

std::string versionXml() { return std::string(kXmlDeclaration) + "<Version VersionId=\"3.0\"/>\n"; }

// The project: named by the caller, else by the inputs' file names; its id the name-based UUID of that name.
std::string projectXml(const Report& report, const WriteOptions& options) {
  std::string name = options.projectName;
  if (!nonBlank(name))
    for (const auto& input : report.inputs) {
      const std::string file = std::filesystem::path(input).filename().string();
      if (nonBlank(file)) name += (name.empty() ? "" : ", ") + file;
    }
  if (!nonBlank(name)) name = "libcim report";
  const std::string id = detail::uuidV5(detail::urlNamespace(), "urn:libcim:project:" + name);
  return std::string(kXmlDeclaration) + "<ProjectInfo>\n <Project ProjectId=\"" + id + "\"><Name>" + xmlEscape(name) +
         "</Name></Project>\n</ProjectInfo>\n";
}

// The values the topics use: every result type, the three statuses, the layers as labels, the author.
std::string extensionsXml(const Report& report, const std::string& author) {
  using T = index::ClashType;
  std::ostringstream x;
  x << kXmlDeclaration << "<Extensions>\n <TopicTypes>\n";
  for (T t : {T::Hard, T::Touch, T::Clearance, T::Duplicate, T::ProtectionZone, T::ControlZone, T::Cover, T::Nearest,
              T::Within, T::Obstacle})
    x << "  <TopicType>" << index::clashTypeName(t) << "</TopicType>\n";
  x << " </TopicTypes>\n <TopicStatuses>\n";
  for (const char* s : kStatuses) x << "  <TopicStatus>" << s << "</TopicStatus>\n";
  x << " </TopicStatuses>\n <TopicLabels>\n";
  std::set<std::string> layers;
  for (const auto& r : report.results)
    for (const auto* e : {&r.a, &r.b})
      if (nonBlank(e->layer)) layers.insert(e->layer);
  for (const auto& l : layers) x << "  <TopicLabel>" << xmlEscape(l) << "</TopicLabel>\n";
  x << " </TopicLabels>\n <Users>\n  <User>" << xmlEscape(author) << "</User>\n </Users>\n</Extensions>\n";
  return x.str();
}

// A detail for people: lengths ("...Meters") to the millimetre, other numbers to 1e-6, the rest as they are.
std::string detailText(const std::string& key, const model::AttributeValue& value) {
  const auto* d = std::get_if<double>(&value);
  if (!d) return detail::attributeText(value);
  if (key.ends_with("Meters")) return detail::metersText(*d);
  return detail::attributeText(model::AttributeValue(detail::roundDecimals(*d, 6)));
}

// The finding in one sentence, with its numbers.
std::string finding(const index::ClashResult& r) {
  using T = index::ClashType;
  const auto m = [](double v) { return detail::metersText(v); };
  const std::string required =
      r.requiredMeters ? " where " + m(*r.requiredMeters) + (r.requiredKind.empty() ? "" : " " + r.requiredKind) +
                             " is required"
                       : std::string();
  switch (r.type) {
    case T::Hard:
    case T::Touch: return "Penetration depth " + m(r.depth) + ".";
    case T::Duplicate: return "The same geometry twice.";
    case T::Cover: return "Cover " + m(r.distance) + required + ".";
    case T::ProtectionZone:
    case T::ControlZone:
      return std::string("Inside the ") + (r.type == T::ProtectionZone ? "protection" : "control") + " zone: " +
             m(r.horizontal) + " from the outer wall in plan (3D " + m(r.distance) + ")" +
             (r.requiredMeters ? ", the zone reaching " + m(*r.requiredMeters) : std::string()) + ".";
    default:
      return "Distance " + m(r.distance) + " (horizontal " + m(r.horizontal) +
             (r.vertical ? ", vertical " + m(*r.vertical) : std::string()) + ")" + required + ".";
  }
}

// What the topic says: the finding with its numbers, the elements, where, the rule, the id and the details.
std::string description(const index::ClashResult& r, const std::string& crs) {
  std::ostringstream d;
  d << finding(r);
  const bool one = detail::sameElement(r.a, r.b);  // a cover result names its pipe twice
  for (const auto& [label, e] : {std::pair{"A", &r.a}, std::pair{"B", &r.b}})
    if (!(one && e == &r.b))
      d << "\n" << (one ? "Element" : label) << ": " << e->kind << " '" << detail::elementLabel(*e) << "' (layer "
        << e->layer << (e->guid.empty() ? std::string() : ", GUID " + e->guid) << ")";
  d << "\nAt " << number(r.point.x(), 3) << ", " << number(r.point.y(), 3) << ", " << number(r.point.z(), 3)
    << (crs.empty() ? std::string(" (scene coordinates)") : " (" + crs + ")");
  if (r.rule)
    d << "\nRule: " << r.rule->source << (r.rule->note.empty() ? std::string() : " (" + r.rule->note + ")") << " — "
      << r.rule->file << " line " << r.rule->line;
  for (const auto& [key, value] : r.details) d << "\n" << key << ": " << detailText(key, value);
  d << "\nResult " << r.id << (r.status.empty() ? std::string() : ", " + r.status);
  return d.str();
}

std::string markupXml(const Report& report, const index::ClashResult& r, const std::string& topicGuid,
                      const std::string& viewpointGuid, const WriteOptions& options) {
  std::ostringstream x;
  x << kXmlDeclaration << "<Markup>\n";
  if (!report.inputs.empty()) {
    x << " <Header>\n  <Files>\n";
    for (const auto& input : report.inputs) {
      const std::string file = std::filesystem::path(input).filename().string();
      if (!nonBlank(file)) continue;
      x << "   <File IsExternal=\"true\"><Filename>" << xmlEscape(file) << "</Filename><Reference>" << xmlEscape(input)
        << "</Reference></File>\n";
    }
    x << "  </Files>\n </Header>\n";
  }
  x << " <Topic Guid=\"" << topicGuid << "\" TopicType=\"" << index::clashTypeName(r.type) << "\" TopicStatus=\""
    << topicStatus(r.status) << "\">\n";
  x << "  <Title>" << xmlEscape(resultTitle(r)) << "</Title>\n";
  std::set<std::string> labels;
  for (const auto* e : {&r.a, &r.b})
    if (nonBlank(e->layer)) labels.insert(e->layer);
  if (!labels.empty()) {
    x << "  <Labels>";
    for (const auto& l : labels) x << "<Label>" << xmlEscape(l) << "</Label>";
    x << "</Labels>\n";
  }
  x << "  <CreationDate>" << xmlEscape(options.creationDate) << "</CreationDate>\n";
  x << "  <CreationAuthor>" << xmlEscape(options.author) << "</CreationAuthor>\n";
  x << "  <Description>" << xmlEscape(description(r, report.crs)) << "</Description>\n";
  x << "  <Viewpoints>\n   <ViewPoint Guid=\"" << viewpointGuid
    << "\"><Viewpoint>viewpoint.bcfv</Viewpoint></ViewPoint>\n  </Viewpoints>\n";
  x << " </Topic>\n</Markup>\n";
  return x.str();
}

// <Component IfcGuid=".."/> for an IFC GlobalId; else the element's own id in the system it came from (its layer).
std::string component(const index::ElementRef& e) {
  if (isIfcGuid(e.guid)) return "<Component IfcGuid=\"" + e.guid + "\"/>";
  if (!nonBlank(e.guid)) return {};
  std::string c = "<Component>";
  if (nonBlank(e.layer)) c += "<OriginatingSystem>" + xmlEscape(e.layer) + "</OriginatingSystem>";
  return c + "<AuthoringToolId>" + xmlEscape(e.guid) + "</AuthoringToolId></Component>";
}

// The camera looks at the point from the south-west, 45° down, from at least `cameraDistanceMeters` (farther when
// the closest points lie far apart, so both are in view).
std::string cameraXml(const index::ClashResult& r, const WriteOptions& options) {
  const Eigen::Vector3d direction = Eigen::Vector3d(1, 1, -std::sqrt(2.0)).normalized();
  const Eigen::Vector3d up = (Eigen::Vector3d::UnitZ() - direction.z() * direction).normalized();
  const double distance = std::max(options.cameraDistanceMeters, 2.0 * (r.onA - r.onB).norm());
  const Eigen::Vector3d eye = r.point - options.viewpointOrigin - distance * direction;
  return " <PerspectiveCamera>\n  " + xyz("CameraViewPoint", eye, 4) + "\n  " + xyz("CameraDirection", direction, 6) +
         "\n  " + xyz("CameraUpVector", up, 6) +
         "\n  <FieldOfView>60</FieldOfView>\n  <AspectRatio>1.5</AspectRatio>\n </PerspectiveCamera>\n";
}

std::string viewpointXml(const index::ClashResult& r, const std::string& viewpointGuid, const WriteOptions& options) {
  std::ostringstream x;
  x << kXmlDeclaration << "<VisualizationInfo Guid=\"" << viewpointGuid << "\">\n";
  const std::string a = component(r.a), b = component(r.b);
  x << " <Components>\n  <Selection>" << a << (b == a ? "" : b) << "</Selection>\n"
    << "  <Visibility DefaultVisibility=\"true\"/>\n";
  if (!a.empty() || !b.empty()) {
    x << "  <Coloring>";
    if (!a.empty()) x << "<Color Color=\"FF0000\"><Components>" << a << "</Components></Color>";
    if (!b.empty() && b != a) x << "<Color Color=\"FF8C00\"><Components>" << b << "</Components></Color>";
    x << "</Coloring>\n";
  }
  x << " </Components>\n" << cameraXml(r, options);
  if ((r.onA - r.onB).norm() >= 1e-4)
    x << " <Lines><Line>" << xyz("StartPoint", r.onA - options.viewpointOrigin, 4)
      << xyz("EndPoint", r.onB - options.viewpointOrigin, 4) << "</Line></Lines>\n";
  x << "</VisualizationInfo>\n";
  return x.str();
}

}  // namespace

Result<Files> bcfFiles(const Report& report, const WriteOptions& options) {
  using R = Result<Files>;
  WriteOptions o = options;
  if (o.creationDate.empty()) o.creationDate = detail::nowUtc();
  static const std::regex dateTime(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?)");
  if (!std::regex_match(o.creationDate, dateTime))
    return R::failure(Diagnostic::error(ErrorCode::InvalidArgument,
                                        "the BCF creation date '" + o.creationDate +
                                            "' is not an xs:dateTime such as 2024-05-20T09:30:00Z"));
  if (!nonBlank(detail::validUtf8(o.author)))
    return R::failure(Diagnostic::error(ErrorCode::InvalidArgument, "the BCF author must not be blank"));
  Files files = {{"bcf.version", versionXml()},
                 {"extensions.xml", extensionsXml(report, o.author)},
                 {"project.bcfp", projectXml(report, o)}};
  std::vector<Diagnostic> notes;
  std::map<std::string, int> seen;
  for (const auto& r : report.results) {
    // A result id that repeats (two clash sets finding the same pair) gets "#2", "#3" ... in its name.
    const int n = ++seen[r.id];
    const std::string name = n == 1 ? r.id : r.id + "#" + std::to_string(n);
    if (n > 1)
      notes.push_back(Diagnostic::warning(ErrorCode::ReportIdRepeated,
                                          "result id repeated: its topic GUID is made from '" + name + "'", {}, r.id));
    const std::string topic = resultUuid(name);
    const std::string viewpoint = detail::uuidV5(detail::urlNamespace(), "urn:libcim:viewpoint:" + name);
    files.emplace_back(topic + "/markup.bcf", markupXml(report, r, topic, viewpoint, o));
    files.emplace_back(topic + "/viewpoint.bcfv", viewpointXml(r, viewpoint, o));
  }
  return R::success(std::move(files), std::move(notes));
}

}  // namespace cim::report
