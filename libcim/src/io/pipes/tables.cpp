// CJJ 61 survey tables (管线点 + 管线段) through GDAL/OGR: GeoPackage, Shapefile, GeoJSON, CSV. The canonical field
// names and the aliases recognised (aliasTable below) are listed for users in docs/field-aliases.md.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>

#include <cpl_conv.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>
#include <nlohmann/json.hpp>

#include "core/limits.h"
#include "core/text.h"
#include "io/gdal/gdal_util.h"
#include "io/pipes/network.h"

namespace cim::io::pipes {

namespace fs = std::filesystem;

namespace {

const std::map<std::string, std::vector<std::string>>& aliasTable() {
  static const std::map<std::string, std::vector<std::string>> t = {
      {"Exp_No", {"exp_no", "expno", "物探点号", "管线点号", "点号", "point_no", "pointno"}},
      {"Map_No", {"map_no", "mapno", "图上点号"}},
      {"X", {"x", "纵坐标", "x坐标", "northing"}},
      {"Y", {"y", "横坐标", "y坐标", "easting"}},
      {"Surf_H", {"surf_h", "surfh", "地面高程", "地面高", "ground_h"}},
      {"Depth", {"depth", "deep", "埋深", "点埋深"}},
      {"Feature", {"feature", "特征", "特征点"}},
      {"Subsid", {"subsid", "appendant", "attachment", "附属物"}},
      {"Well_Deep", {"well_deep", "welldeep", "well_depth", "井深"}},
      {"Well_Cover", {"well_cover", "wellcover", "cover_size", "coversize", "井盖规格", "井盖尺寸"}},
      {"Address", {"address", "road", "道路名称", "所在道路"}},
      {"Type", {"type", "typecode", "type_code", "pipe_type", "管线类型", "管线种类", "类型", "类别"}},
      {"S_Exp", {"s_exp", "sexp", "s_point", "start_point", "from_point", "起点点号", "起点"}},
      {"E_Exp", {"e_exp", "eexp", "e_point", "end_point", "to_point", "终点点号", "终点"}},
      {"S_Deep", {"s_deep", "sdeep", "s_depth", "start_depth", "起点埋深"}},
      {"E_Deep", {"e_deep", "edeep", "e_depth", "end_depth", "终点埋深"}},
      {"PSize", {"psize", "p_size", "管径", "规格", "断面尺寸", "管径或断面尺寸"}},
      {"Material", {"material", "材质", "管材"}},
      {"WallThick", {"wallthick", "wall_thick", "壁厚"}},
      {"Pressure", {"pressure", "压力"}},
      {"Voltage", {"voltage", "电压"}},
      {"CabNum", {"cabnum", "cab_num", "cable_count", "电缆条数", "电缆根数"}},
      {"TotalHole", {"totalhole", "total_hole", "总孔数"}},
      {"UsedHole", {"usedhole", "used_hole", "已用孔数"}},
      {"FlowDir", {"flowdir", "flow_dir", "流向"}},
      {"EmBed", {"embed", "burial", "埋设方式"}},
      {"Mdate", {"mdate", "m_date", "埋设年代", "建设年代", "埋设日期"}},
      {"Belong", {"belong", "owner", "权属单位", "权属"}},
      {"Status", {"status", "状态", "使用状态"}},
      {"Lin_No", {"lin_no", "line_no", "管线编号"}},
  };
  return t;
}

using cim::detail::toLower;

struct Mapping {
  std::map<std::string, std::string> fields;  // canonical -> source field name
  std::map<std::string, double> scale;        // canonical -> factor into canonical units
  std::string typeCode;
};

Result<Mapping> loadMapping(const fs::path& path) {
  Mapping m;
  if (path.empty()) return Result<Mapping>::success(std::move(m));
  std::ifstream in(path);
  if (!in)
    return Result<Mapping>::failure(
        Diagnostic::error(ErrorCode::FileNotFound, "field-mapping file cannot be opened", path.string()));
  try {
    const auto j = nlohmann::json::parse(in);
    if (j.contains("fields"))
      for (auto& [k, v] : j.at("fields").items()) m.fields[k] = v.get<std::string>();
    if (j.contains("scale"))
      for (auto& [k, v] : j.at("scale").items()) m.scale[k] = v.get<double>();
    if (j.contains("typeCode")) m.typeCode = j.at("typeCode").get<std::string>();
  } catch (const std::exception& e) {
    return Result<Mapping>::failure(Diagnostic::error(
        ErrorCode::CorruptFile, std::string("field-mapping file is not valid JSON of the expected form: ") + e.what(),
        path.string()));
  }
  for (const auto& [k, v] : m.fields)
    if (!aliasTable().count(k))
      return Result<Mapping>::failure(Diagnostic::error(
          ErrorCode::InvalidArgument, "field-mapping names an unknown canonical field '" + k + "'", path.string()));
  return Result<Mapping>::success(std::move(m));
}

// Canonical name -> index of a layer's field, given the layer's field names.
std::map<std::string, int> resolveFields(const std::vector<std::string>& names, const Mapping& mapping) {
  std::map<std::string, int> out;
  std::map<std::string, int> byName;
  for (int i = 0; i < static_cast<int>(names.size()); ++i) byName[toLower(trim(names[static_cast<std::size_t>(i)]))] = i;
  for (const auto& [canon, aliases] : aliasTable()) {
    if (auto m = mapping.fields.find(canon); m != mapping.fields.end()) {
      if (auto it = byName.find(toLower(m->second)); it != byName.end()) out[canon] = it->second;
      continue;
    }
    for (const auto& a : aliases)
      if (auto it = byName.find(a); it != byName.end()) {
        out[canon] = it->second;
        break;
      }
  }
  return out;
}

// The type code and pairing key of a layer or file name: "RQLINE" -> ("RQ", "RQ"), "ws_line" -> ("WS", "WS").
struct NameInfo {
  std::optional<model::PipeType> type;
  std::string key;  // name with the LINE/POINT part removed, upper case
  bool saysLine = false, saysPoint = false;
};

NameInfo nameInfo(const std::string& name) {
  NameInfo ni;
  std::string u = cim::detail::toUpper(name);
  auto strip = [&](const std::string& word) {
    auto pos = u.rfind(word);
    if (pos == std::string::npos) return false;
    u.erase(pos, word.size());
    return true;
  };
  if (strip("LINES") || strip("LINE") || strip("管线段") || strip("线")) ni.saysLine = true;
  else if (strip("POINTS") || strip("POINT") || strip("管线点") || strip("点")) ni.saysPoint = true;
  while (!u.empty() && (u.back() == '_' || u.back() == '-' || u.back() == ' ')) u.pop_back();
  ni.key = u;
  if (u.size() >= 2) {
    std::string head = u.substr(0, 2);
    const bool rest = u.size() == 2 || u[2] == '_' || u[2] == '-';
    if (rest)
      if (auto t = model::pipeTypeFromCode(head)) ni.type = t;
  }
  if (!ni.type)
    if (auto t = model::pipeTypeFromCode(name); t && name.find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") == std::string::npos)
      ni.type = t;  // Chinese layer names such as 燃气管线段
  return ni;
}

// A layer classified as a line or point table.
struct TableLayer {
  OGRLayer* layer = nullptr;
  std::string table;  // "file" or "file:layer"
  std::map<std::string, int> fields;
  NameInfo name;
  bool isLine = false, isPoint = false;
};

TableLayer classify(OGRLayer* layer, const std::string& table, const std::string& nameForType, const Mapping& mapping) {
  TableLayer t;
  t.layer = layer;
  t.table = table;
  std::vector<std::string> names;
  OGRFeatureDefn* defn = layer->GetLayerDefn();
  for (int i = 0; i < defn->GetFieldCount(); ++i) names.emplace_back(defn->GetFieldDefn(i)->GetNameRef());
  t.fields = resolveFields(names, mapping);
  t.name = nameInfo(nameForType);
  t.isLine = t.fields.count("S_Exp") && t.fields.count("E_Exp");
  const auto gt = wkbFlatten(layer->GetGeomType());
  if (!t.isLine && (gt == wkbLineString || gt == wkbMultiLineString) && t.name.saysLine) t.isLine = true;
  if (!t.isLine && (gt == wkbLineString || gt == wkbMultiLineString) && (t.fields.count("PSize") || wkbHasZ(layer->GetGeomType())))
    t.isLine = true;
  t.isPoint = !t.isLine && t.fields.count("Exp_No");
  return t;
}

// Canonical fields holding numbers (typed as numbers in the attributes when their text is one).
bool numericField(const std::string& canon) {
  static const std::set<std::string> n = {"X", "Y", "Surf_H", "Depth", "Well_Deep", "S_Deep", "E_Deep", "WallThick",
                                          "Voltage", "CabNum", "TotalHole", "UsedHole"};
  return n.count(canon) > 0;
}

struct Reader {
  const PipeOptions& options;
  const Mapping& mapping;
  RawNetwork& net;

  std::optional<std::string> text(OGRFeature& f, const TableLayer& t, const std::string& canon) const {
    auto it = t.fields.find(canon);
    if (it == t.fields.end() || !f.IsFieldSetAndNotNull(it->second)) return std::nullopt;
    std::string s = trim(f.GetFieldAsString(it->second));
    if (s.empty()) return std::nullopt;
    return s;
  }
  // The fields of the current row whose text is not a number ("地面高程 '12,3x'"): named when the row is skipped, or
  // in a warning when it loads without them (never dropped silently).
  mutable std::vector<std::string> unparsed;

  std::optional<double> number(OGRFeature& f, const TableLayer& t, const std::string& canon) const {
    auto s = text(f, t, canon);
    if (!s) return std::nullopt;
    auto v = parseNumber(*s);
    if (!v) {
      const std::string field = f.GetFieldDefnRef(t.fields.at(canon))->GetNameRef();
      const std::string named = field + " '" + *s + "'";
      if (std::find(unparsed.begin(), unparsed.end(), named) == unparsed.end()) unparsed.push_back(named);
    }
    if (v)
      if (auto sc = mapping.scale.find(canon); sc != mapping.scale.end()) *v *= sc->second;
    return v;
  }

  // Every field of the row, typed (see gdal::fieldValue); text of numeric canonical fields becomes a number.
  model::Attributes attributes(OGRFeature& f, const TableLayer& t) const {
    model::Attributes a;
    std::map<int, std::string> canonOf;
    for (const auto& [c, i] : t.fields) canonOf[i] = c;
    OGRFeatureDefn* d = f.GetDefnRef();
    for (int i = 0; i < d->GetFieldCount(); ++i) {
      auto value = gdal::fieldValue(f, i);
      if (std::holds_alternative<std::monostate>(value)) continue;
      if (const auto* s = std::get_if<std::string>(&value))
        if (auto c = canonOf.find(i); c != canonOf.end() && numericField(c->second))
          if (auto v = parseNumber(*s)) value = *v;
      a[d->GetFieldDefn(i)->GetNameRef()] = std::move(value);
    }
    return a;
  }

  static std::string listed(const std::vector<std::string>& values) {
    std::string s;
    for (const auto& v : values) s += (s.empty() ? "" : ", ") + v;
    return s;
  }

  void skip(const TableLayer& t, std::int64_t row, const std::string& id, const std::string& why) {
    const std::string notNumbers = unparsed.empty() ? std::string() : "; not numbers: " + listed(unparsed);
    unparsed.clear();
    net.diagnostics.push_back(Diagnostic::warning(ErrorCode::PipeRowSkipped,
                                                  "row " + std::to_string(row) + (id.empty() ? "" : " (" + id + ")") +
                                                      " skipped: " + why + notNumbers,
                                                  t.table, "row " + std::to_string(row)));
    ++net.skippedRows;
  }

  // A row that loads although some of its numbers do not parse: those values are left out, with a warning.
  void reportUnparsed(const TableLayer& t, std::int64_t row, const std::string& id) {
    if (unparsed.empty()) return;
    net.diagnostics.push_back(Diagnostic::warning(ErrorCode::InvalidElement,
                                                  "row " + std::to_string(row) + (id.empty() ? "" : " (" + id + ")") +
                                                      ": values that are not numbers are left out: " +
                                                      listed(unparsed),
                                                  t.table, "row " + std::to_string(row)));
    unparsed.clear();
  }

  std::optional<model::PipeType> rowType(OGRFeature& f, const TableLayer& t, std::int64_t row, const std::string& id,
                                         bool& bad) {
    bad = false;
    if (auto s = text(f, t, "Type")) {
      if (auto pt = model::pipeTypeFromCode(*s)) return pt;
      skip(t, row, id, "unknown type code '" + *s + "'");
      bad = true;
      return std::nullopt;
    }
    if (t.name.type) return t.name.type;
    if (!mapping.typeCode.empty()) return model::pipeTypeFromCode(mapping.typeCode);
    if (!options.typeCode.empty()) return model::pipeTypeFromCode(options.typeCode);
    return std::nullopt;
  }

  void readPoints(const TableLayer& t, int group) {
    net.hasPointTable = true;
    t.layer->ResetReading();
    std::int64_t row = 0;
    gdal::CollectErrors errors;
    for (auto& fp : *t.layer) {
      OGRFeature& f = *fp;
      ++row;
      unparsed.clear();
      RawPoint p;
      p.group = group;
      p.table = t.table;
      p.row = row;
      auto id = text(f, t, "Exp_No");
      if (!id) {
        skip(t, row, {}, "no point number (Exp_No/物探点号)");
        continue;
      }
      p.id = *id;
      bool badType = false;
      auto type = rowType(f, t, row, p.id, badType);
      if (badType) continue;
      p.type = type.value_or(model::PipeType{});
      const OGRGeometry* g = f.GetGeometryRef();
      if (g && wkbFlatten(g->getGeometryType()) == wkbPoint && !g->IsEmpty()) {
        const auto* pt = g->toPoint();
        if (!cim::detail::plausibleCoordinate(pt->getX()) || !cim::detail::plausibleCoordinate(pt->getY())) {
          skip(t, row, p.id, "a coordinate is not finite or beyond 1e12");
          continue;
        }
        p.xy = {pt->getX(), pt->getY()};
      } else {
        auto x = number(f, t, "X"), y = number(f, t, "Y");
        if (!x || !y) {
          skip(t, row, p.id, "no coordinates (X northing, Y easting)");
          continue;
        }
        p.xy = {*y, *x};  // CJJ 61: X is the northing, Y the easting
      }
      p.ground = number(f, t, "Surf_H");
      p.depth = number(f, t, "Depth");
      p.wellDepth = number(f, t, "Well_Deep");
      const std::string feature = text(f, t, "Feature").value_or("");
      const std::string subsid = text(f, t, "Subsid").value_or("");
      p.feature = feature.empty() ? subsid : subsid.empty() ? feature : feature + " " + subsid;
      p.coverSize = text(f, t, "Well_Cover").value_or("");
      const std::string lf = toLower(p.feature);
      p.isWell = p.wellDepth.has_value() || lf.find("井") != std::string::npos ||
                 lf.find("manhole") != std::string::npos || lf.find("well") != std::string::npos ||
                 lf.find("chamber") != std::string::npos;
      if (p.depth && (*p.depth < 0 || *p.depth > options.maxDepthMeters))
        net.findings.push_back({PipeFindingKind::DepthBeyondLimit, t.table, row, {}, {p.id}, -1,
                                "point depth " + std::to_string(*p.depth) + " m is outside 0 … " +
                                    std::to_string(options.maxDepthMeters) + " m"});
      p.attributes = attributes(f, t);
      reportUnparsed(t, row, p.id);
      net.points.push_back(std::move(p));
    }
    stoppedEarly(t, row, errors);
  }

  void readLines(const TableLayer& t, int group) {
    t.layer->ResetReading();
    std::int64_t row = 0;
    bool warnedNoType = false;
    gdal::CollectErrors errors;
    for (auto& fp : *t.layer) {
      ++row;
      unparsed.clear();
      if (auto l = readLine(*fp, t, group, row, warnedNoType)) {
        reportUnparsed(t, row, l->segment.id);
        net.lines.push_back(std::move(*l));
      }
    }
    stoppedEarly(t, row, errors);
  }

 private:
  // One line row, or nullopt when it is skipped (reported).
  std::optional<RawLine> readLine(OGRFeature& f, const TableLayer& t, int group, std::int64_t row, bool& warnedNoType) {
    RawLine l;
    l.group = group;
    l.table = t.table;
    l.row = row;
    l.startId = text(f, t, "S_Exp").value_or("");
    l.endId = text(f, t, "E_Exp").value_or("");
    const std::string id = text(f, t, "Lin_No").value_or(l.startId.empty() && l.endId.empty()
                                                              ? std::string()
                                                              : l.startId + "-" + l.endId);
    bool badType = false;
    auto type = rowType(f, t, row, id, badType);
    if (badType) return std::nullopt;
    if (!type) {
      if (!warnedNoType)
        net.diagnostics.push_back(Diagnostic::warning(
            ErrorCode::ConventionApplied,
            "no type class: no Type field, the layer/file name is not like RQLINE and no type code was given; "
            "lines are QT (other)",
            t.table));
      warnedNoType = true;
      type = model::PipeType{};
    }
    l.segment.type = *type;
    l.segment.id = id;
    readOwnGeometry(f, t, row, l);
    if ((l.startId.empty() || l.endId.empty()) && !(l.geometry.size() >= 2)) {
      skip(t, row, id, "no start/end point number (S_Exp/E_Exp)");
      return std::nullopt;
    }
    l.startDepth = number(f, t, "S_Deep");
    l.endDepth = number(f, t, "E_Deep");
    if (auto why = readSection(f, t, l)) {
      skip(t, row, id, *why);
      return std::nullopt;
    }
    readSurveyFields(f, t, l.segment);
    l.segment.source = t.table;
    l.segment.sourceRow = row;
    l.attributes = attributes(f, t);
    return l;
  }

  // The line's own vertices (a LineString, or the first part of a MultiLineString, with a warning), with Z when 3D.
  void readOwnGeometry(OGRFeature& f, const TableLayer& t, std::int64_t row, RawLine& l) {
    const OGRGeometry* g = f.GetGeometryRef();
    if (!g || g->IsEmpty()) return;
    const OGRLineString* ls = nullptr;
    const auto gt = wkbFlatten(g->getGeometryType());
    if (gt == wkbLineString) {
      ls = g->toLineString();
    } else if (gt == wkbMultiLineString && g->toMultiLineString()->getNumGeometries() > 0) {
      ls = g->toMultiLineString()->getGeometryRef(0);
      if (g->toMultiLineString()->getNumGeometries() > 1)
        net.diagnostics.push_back(Diagnostic::warning(ErrorCode::PrimitiveSkipped,
                                                      "row " + std::to_string(row) +
                                                          ": multi-part line, only its first part is used",
                                                      t.table, "row " + std::to_string(row)));
    }
    if (!ls) return;
    const auto n = static_cast<std::size_t>(std::max(0, ls->getNumPoints()));
    if (n > cim::detail::kMaxPolylinePoints) {
      net.diagnostics.push_back(Diagnostic::warning(
          ErrorCode::LimitExceeded,
          "row " + std::to_string(row) + ": a line of " + std::to_string(n) + " points, more than the limit of " +
              std::to_string(cim::detail::kMaxPolylinePoints) + "; its own geometry is not used",
          t.table, "row " + std::to_string(row)));
      return;
    }
    for (int i = 0; i < ls->getNumPoints(); ++i) {
      const double x = ls->getX(i), y = ls->getY(i), z = ls->getZ(i);
      if (!cim::detail::plausibleCoordinate(x) || !cim::detail::plausibleCoordinate(y) ||
          !cim::detail::plausibleCoordinate(z)) {
        net.diagnostics.push_back(Diagnostic::warning(
            ErrorCode::InvalidElement,
            "row " + std::to_string(row) + ": a vertex is not finite or beyond 1e12; the line's own geometry is not used",
            t.table, "row " + std::to_string(row)));
        l.geometry.clear();
        return;
      }
      l.geometry.emplace_back(x, y, z);
    }
    l.hasZ = g->Is3D();
  }

  // GDAL stopped reading `t` after `row` (a CSV line over its MAX_LINE_SIZE, a damaged record): reported as an error
  // counted as a skipped row, so a table cut short is never taken for a short table.
  void stoppedEarly(const TableLayer& t, std::int64_t row, const gdal::CollectErrors& errors) {
    if (errors.firstFailure().empty()) return;
    // The line limit is the likely cause only in a CSV (a GeoJSON stops on a broken feature).
    const bool csv = toLower(std::filesystem::path(t.table).extension().string()) == ".csv";
    net.diagnostics.push_back(Diagnostic::error(
        ErrorCode::LimitExceeded,
        "GDAL stopped reading the table after row " + std::to_string(row) + " (" + errors.firstFailure() +
            (csv ? "; GDAL reads CSV lines of up to 10 MB" : "") + "): the rows after it are not read",
        t.table, "row " + std::to_string(row + 1)));
    ++net.skippedRows;
    ++net.tablesCutShort;
  }

  // The section from PSize (mm, or W×H) and WallThick (mm): a size with a wall is the inner diameter. The reason the
  // row is skipped when there is no usable size.
  std::optional<std::string> readSection(OGRFeature& f, const TableLayer& t, RawLine& l) {
    auto s = text(f, t, "PSize");
    if (!s) return std::string("no size (PSize/管径)");
    l.sizeText = *s;
    auto ps = parseSize(*s);
    if (!ps) return "unparsable size '" + *s + "' (PSize/管径: mm, or W×H)";
    double sc = 1.0;
    if (auto it = mapping.scale.find("PSize"); it != mapping.scale.end()) sc = it->second;
    auto& sec = l.segment.section;
    const auto wall = number(f, t, "WallThick");  // mm
    if (wall && *wall > 0) sec.wallMeters = *wall / 1000.0;
    if (ps->rectangular) {
      sec.shape = model::PipeSection::Shape::Rectangular;
      sec.widthMeters = ps->a * sc / 1000.0;
      sec.heightMeters = ps->b * sc / 1000.0;
      return std::nullopt;
    }
    sec.shape = model::PipeSection::Shape::Circular;
    const double d = ps->a * sc / 1000.0;
    if (sec.wallMeters) {
      sec.innerDiameterMeters = d;
      sec.outerDiameterMeters = d + 2.0 * *sec.wallMeters;
    } else {
      sec.outerDiameterMeters = d;
    }
    return std::nullopt;
  }

  // Material, pressure (and the gas pressure class), voltage, cables, burial, year, owner, status, flow direction.
  void readSurveyFields(OGRFeature& f, const TableLayer& t, model::PipeSegment& seg) {
    seg.startPointId = text(f, t, "S_Exp").value_or("");
    seg.endPointId = text(f, t, "E_Exp").value_or("");
    seg.material = text(f, t, "Material").value_or("");
    if (auto p = text(f, t, "Pressure")) {
      seg.pressureMpa = parsePressureMpa(*p);
      if (seg.pressureMpa)
        if (auto it = mapping.scale.find("Pressure"); it != mapping.scale.end()) *seg.pressureMpa *= it->second;
      if (seg.type.cls == model::PipeClass::Gas)
        seg.gasPressureClass =
            seg.pressureMpa ? model::gasPressureClass(*seg.pressureMpa) : model::gasPressureClassFromText(*p);
    }
    seg.voltageKv = number(f, t, "Voltage");
    if (auto c = number(f, t, "CabNum")) seg.cableCount = static_cast<std::int64_t>(std::llround(*c));
    seg.burialMethod = text(f, t, "EmBed").value_or("");
    if (auto y = text(f, t, "Mdate")) seg.year = parseYear(*y);
    seg.owner = text(f, t, "Belong").value_or("");
    if (auto s = text(f, t, "Status")) {
      static const std::map<std::string, std::string> codes = {
          {"0", "in use"}, {"1", "abandoned"}, {"2", "empty"}, {"3", "other"}};
      auto it = codes.find(*s);
      seg.status = it == codes.end() ? *s : it->second;
    }
    if (auto fd = text(f, t, "FlowDir")) seg.flowReversed = flowReversed(*fd);
  }
};

// The point file of a single-file line table, by naming convention.
fs::path partnerPointFile(const fs::path& lineFile) {
  const std::string stem = lineFile.stem().string();
  const std::pair<const char*, const char*> swaps[] = {
      {"LINES", "POINTS"}, {"Lines", "Points"}, {"lines", "points"}, {"LINE", "POINT"},
      {"Line", "Point"},   {"line", "point"},   {"管线段", "管线点"}, {"线", "点"}};
  for (const auto& [a, b] : swaps) {
    auto pos = stem.rfind(a);
    if (pos == std::string::npos) continue;
    std::string s = stem;
    s.replace(pos, std::string(a).size(), b);
    fs::path candidate = lineFile.parent_path() / (s + lineFile.extension().string());
    if (gdal::exists(candidate)) return candidate;
  }
  return {};
}

// CSV columns stay text: codes like "001" and CJJ 61's X (the northing) are not for GDAL to interpret.
gdal::DatasetPtr openVector(const fs::path& path) { return gdal::openVector(path, gdal::CsvColumns::AsText); }

// A single line table's point table (from the options or the naming convention), added to `tables` when found.
Status addPointTable(const fs::path& lineFile, const PipeOptions& options, const Mapping& mapping,
                     std::vector<TableLayer>& tables, gdal::DatasetPtr& dataset) {
  const fs::path pointFile = options.pointTable.empty() ? partnerPointFile(lineFile) : options.pointTable;
  if (pointFile.empty()) return okStatus();
  dataset = openVector(pointFile);
  if (!dataset)
    return Status::failure(
        Diagnostic::error(ErrorCode::FileUnreadable, "point table cannot be opened", pointFile.string()));
  for (OGRLayer* layer : dataset->GetLayers()) {
    auto t = classify(layer, pointFile.string(), pointFile.stem().string(), mapping);
    if (t.isPoint) tables.push_back(std::move(t));
  }
  return okStatus();
}

}  // namespace

bool looksLikeSurveyTables(const fs::path& path, const std::vector<VectorLayerSummary>& layers) {
  const Mapping none;
  for (const auto& layer : layers) {
    const std::string name = layers.size() > 1 ? layer.name : path.stem().string();
    const auto fields = resolveFields(layer.fields, none);
    if (fields.count("S_Exp") && fields.count("E_Exp")) return true;
    if (fields.count("Exp_No")) return true;
    const NameInfo ni = nameInfo(name);
    if (ni.type && (ni.saysLine || ni.saysPoint)) return true;
  }
  return false;
}

Result<RawNetwork> readSurveyTables(const fs::path& path, const PipeOptions& options) {
  if (!gdal::exists(path))  // a file, or a /vsimem/ buffer of the in-memory reader
    return Result<RawNetwork>::failure(Diagnostic::error(ErrorCode::FileNotFound, "file not found", path.string()));
  auto mapping = loadMapping(options.fieldMapping);
  if (!mapping.ok()) return Result<RawNetwork>::failureFrom(mapping);
  RawNetwork net;
  net.format = PipeFormat::SurveyTables;

  std::string gdalError;
  auto ds = gdal::openVector(path, gdal::CsvColumns::AsText, &gdalError);
  if (!ds)
    return Result<RawNetwork>::failure(Diagnostic::error(
        ErrorCode::FileUnreadable, "GDAL cannot open it as a vector table: " + gdalError, path.string()));

  std::vector<TableLayer> tables;
  const bool multi = ds->GetLayerCount() > 1;
  for (OGRLayer* layer : ds->GetLayers()) {
    const std::string lname = layer->GetName();
    const std::string table = multi ? path.string() + ":" + lname : path.string();
    tables.push_back(classify(layer, table, multi ? lname : path.stem().string(), mapping.value()));
  }
  gdal::DatasetPtr partner;  // keeps the point table's layers open
  if (!multi && !tables.empty() && tables[0].isLine) {
    auto st = addPointTable(path, options, mapping.value(), tables, partner);
    if (!st.ok()) return Result<RawNetwork>::failureFrom(st);
  }

  // CRS: the first layer's that has one (all are expected to agree), else the user's.
  for (const auto& t : tables) {
    if ((!t.isLine && !t.isPoint) || net.crs) continue;
    auto c = gdal::crsOf(t.layer->GetSpatialRef(), t.table);
    if (!c.ok()) return Result<RawNetwork>::failureFrom(c);
    net.crs = std::move(c).value();
  }
  if (!net.crs && options.inputCrs) net.crs = options.inputCrs;

  // Groups: lines and points paired by the key of their names (RQLINE + RQPOINT -> "RQ"); one group for single files.
  std::map<std::string, int> groupOf;
  auto groupFor = [&](const TableLayer& t) {
    const std::string key = multi ? t.name.key : std::string("*");
    auto [it, inserted] = groupOf.emplace(key, static_cast<int>(groupOf.size()));
    return it->second;
  };
  Reader reader{options, mapping.value(), net, {}};
  std::size_t used = 0;
  for (const auto& t : tables) {
    if (t.isPoint) {
      reader.readPoints(t, groupFor(t));
      ++used;
    }
  }
  for (const auto& t : tables) {
    if (t.isLine) {
      reader.readLines(t, groupFor(t));
      ++used;
    }
  }
  for (const auto& t : tables)
    if (!t.isLine && !t.isPoint)
      net.diagnostics.push_back(Diagnostic::info(ErrorCode::PrimitiveSkipped,
                                                 "layer is neither a CJJ 61 line table (S_Exp, E_Exp) nor a point "
                                                 "table (Exp_No): not read",
                                                 t.table));
  if (net.tablesCutShort > 0 && net.lines.empty() && net.points.empty()) {
    auto cut = std::find_if(net.diagnostics.begin(), net.diagnostics.end(),
                            [](const Diagnostic& d) { return d.code == ErrorCode::LimitExceeded; });
    const Diagnostic error = *cut;
    net.diagnostics.erase(cut);
    return Result<RawNetwork>::failure(error, std::move(net.diagnostics));
  }
  if (used == 0)
    return Result<RawNetwork>::failure(Diagnostic::error(
        ErrorCode::NoGeometry,
        "no pipe table found: a line table needs S_Exp/E_Exp (起点点号/终点点号), a point table Exp_No (物探点号); "
        "other names can be mapped with a field-mapping file",
        path.string()));
  return Result<RawNetwork>::success(std::move(net));
}

}  // namespace cim::io::pipes
