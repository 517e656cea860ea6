// CityGML 3.0 buildings (see cim/io/city.h), read with expat because libcitygml 2.4 reads no 3.0 geometry: 3.0 moved
// the thematic surfaces to core:boundary and lets lodNSolid point at their polygons by xlink:href.
//
// The file is parsed once into a small element tree (names with their namespace, attributes, text), its gml:ids
// indexed. Every Building and BuildingPart below a cityObjectMember is an element; the geometry of a building is
// what lies under the lodN* properties of the building and of the features below it (boundary surfaces, openings,
// installations, rooms), each polygon typed by the nearest such feature ("RoofSurface", "Window" ...), each polygon
// drawn once (a solid that points at its boundary surfaces' polygons draws nothing twice). Other city objects
// (vegetation, roads ...) load as elements of their type.
#include <cstring>
#include <fstream>
#include <memory>
#include <set>
#include <unordered_map>

#include <expat.h>

#include "cim/io/city.h"
#include "core/text.h"
#include "io/city/city_common.h"
#include "io/city/citygml3.h"

namespace cim::io::city {

namespace fs = std::filesystem;
using Eigen::Vector3d;

namespace {

struct Node {
  std::string ns, name;  // namespace URI and local name
  std::vector<std::pair<std::string, std::string>> attrs;  // local name -> value
  std::string text;
  std::vector<std::unique_ptr<Node>> children;
  Node* parent = nullptr;

  const std::string* attr(std::string_view local) const {
    for (const auto& [k, v] : attrs)
      if (k == local) return &v;
    return nullptr;
  }
  const Node* child(std::string_view local) const {
    for (const auto& c : children)
      if (c->name == local) return c.get();
    return nullptr;
  }
  bool isGml() const { return ns.rfind("http://www.opengis.net/gml", 0) == 0; }
  bool isCityGml() const { return ns.find("citygml") != std::string::npos; }
};

// "uri|local" (expat's names with namespace processing) split.
std::pair<std::string, std::string> splitName(const char* name) {
  const char* bar = std::strchr(name, '|');
  if (!bar) return {"", name};
  return {std::string(name, bar), std::string(bar + 1)};
}

struct Tree {
  std::unique_ptr<Node> root;
  Node* current = nullptr;
  std::unordered_map<std::string, const Node*> ids;
  std::string error;
};

void XMLCALL onStart(void* user, const XML_Char* name, const XML_Char** atts) {
  auto& t = *static_cast<Tree*>(user);
  auto n = std::make_unique<Node>();
  std::tie(n->ns, n->name) = splitName(name);
  for (int i = 0; atts[i]; i += 2) n->attrs.emplace_back(splitName(atts[i]).second, atts[i + 1]);
  n->parent = t.current;
  Node* raw = n.get();
  if (const auto* id = raw->attr("id")) t.ids.emplace(*id, raw);
  if (t.current) t.current->children.push_back(std::move(n));
  else t.root = std::move(n);
  t.current = raw;
}

void XMLCALL onEnd(void* user, const XML_Char*) {
  auto& t = *static_cast<Tree*>(user);
  if (t.current) t.current = t.current->parent;
}

void XMLCALL onText(void* user, const XML_Char* s, int len) {
  auto& t = *static_cast<Tree*>(user);
  // Only leaves keep text (coordinates, attribute values); whitespace between elements is dropped.
  if (t.current && t.current->children.empty()) t.current->text.append(s, static_cast<std::size_t>(len));
}

Result<Tree> parse(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Result<Tree>::failure(Diagnostic::error(ErrorCode::FileUnreadable, "cannot open it", path.string()));
  Tree tree;
  std::unique_ptr<XML_ParserStruct, decltype(&XML_ParserFree)> parser(XML_ParserCreateNS(nullptr, '|'),
                                                                      &XML_ParserFree);
  XML_SetUserData(parser.get(), &tree);
  XML_SetElementHandler(parser.get(), onStart, onEnd);
  XML_SetCharacterDataHandler(parser.get(), onText);
  std::vector<char> buf(1 << 20);
  for (;;) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto got = static_cast<int>(in.gcount());
    const bool last = got < static_cast<int>(buf.size());
    if (XML_Parse(parser.get(), buf.data(), got, last) == XML_STATUS_ERROR)
      return Result<Tree>::failure(Diagnostic::error(
          ErrorCode::CorruptFile,
          std::string("XML error at line ") + std::to_string(XML_GetCurrentLineNumber(parser.get())) + ": " +
              XML_ErrorString(XML_GetErrorCode(parser.get())),
          path.string()));
    if (last) break;
  }
  if (!tree.root)
    return Result<Tree>::failure(Diagnostic::error(ErrorCode::CorruptFile, "no XML element", path.string()));
  return Result<Tree>::success(std::move(tree));
}

// The LoD of a property named "lod2Solid", "lod3MultiSurface", "lod1MultiCurve" ...; -1 for other names.
int lodOfProperty(const std::string& name) {
  return name.size() > 4 && name.compare(0, 3, "lod") == 0 && name[3] >= '0' && name[3] <= '4' ? name[3] - '0' : -1;
}

// A feature below a building (boundary surface, opening, installation, room): a CityGML element whose local name
// starts with a capital letter. Its type names the shape its polygons go to (WindowSurface: "Window").
bool isFeature(const Node& n) {
  return n.isCityGml() && !n.name.empty() && n.name[0] >= 'A' && n.name[0] <= 'Z';
}
bool isBuildingNode(const Node& n) {
  return n.isCityGml() && (n.name == "Building" || n.name == "BuildingPart");
}
std::string surfaceType(const std::string& name) {
  if (name == "WindowSurface") return "Window";
  if (name == "DoorSurface") return "Door";
  return name;
}

struct Polygons {
  // polygons per LoD, each with its surface type
  std::map<int, std::vector<std::pair<Polygon3, std::string>>> byLod;
  std::map<int, std::set<const Node*>> drawn;  // per LoD, the gml:Polygon nodes already taken
  std::size_t unresolved = 0, implicit = 0;
};

class Reader3 {
 public:
  Reader3(const Tree& tree, const fs::path& path, const CityOptions& options, CityReadResult& out,
          std::vector<Diagnostic>& diags)
      : tree_(tree), source_(path.string()), options_(options), out_(out), diags_(diags),
        layer_(path.filename().string()) {}

  void run() {
    for (const auto& member : tree_.root->children)
      if (member->name == "cityObjectMember" || member->name == "featureMember")
        for (const auto& o : member->children) object(*o, "");
    if (unresolved_)
      diags_.push_back(Diagnostic::warning(ErrorCode::CityObjectSkipped,
                                           std::to_string(unresolved_) +
                                               " xlink:href references name no gml:id of the file (not drawn)",
                                           source_));
    if (implicit_)
      diags_.push_back(Diagnostic::info(ErrorCode::ConventionApplied,
                                        std::to_string(implicit_) +
                                            " implicit geometries (lodNImplicitRepresentation) are not drawn",
                                        source_));
    if (fellBack_)
      diags_.push_back(Diagnostic::info(ErrorCode::ConventionApplied,
                                        std::to_string(fellBack_) + " objects have no LoD " + options_.lod +
                                            ": their highest LoD below it (or their highest) is drawn",
                                        source_));
  }

  std::size_t polygons = 0;
  std::map<std::string, std::size_t> surfaces;  ///< polygons drawn per surface type (the object's own: its type)

 private:
  void object(const Node& o, const std::string& parent) {
    const bool building = isBuildingNode(o);
    Polygons p;
    gather(o, o, "", p, false);  // the features' polygons first, typed by their feature
    gather(o, o, "", p, true);   // then the object's own: a solid pointing at them draws nothing twice
    unresolved_ += p.unresolved;
    implicit_ += p.implicit;
    const int lod = chooseLod(p);
    MeshCollector meshes;
    std::vector<Polygon3> rings;
    std::size_t count = 0;
    if (lod >= 0)
      for (const auto& [poly, type] : p.byLod[lod]) {
        meshes.addPolygon(poly, type);
        rings.push_back(poly);
        ++count;
        ++surfaces[type.empty() ? o.name : type];
      }
    polygons += count;
    model::Attributes attrs = attributesOf(o);
    if (lod >= 0) attrs["lod"] = static_cast<std::int64_t>(lod);
    if (!parent.empty()) attrs["parent"] = parent;
    std::optional<model::SitePrism> prism;
    if (building && lod == 1) prism = prismOf(rings);
    const std::string* id = o.attr("id");
    const std::string gmlId = id ? *id : std::string();
    const auto kind = o.name == "BuildingPart" ? model::SiteFeatureKind::BuildingPart : model::SiteFeatureKind::Building;
    auto e = cityElement(kind, building ? "" : o.name, gmlId, index_++, std::move(attrs), std::move(prism), meshes);
    if (const Node* name = o.child("name"); name && name->isGml() && !detail::trim(name->text).empty())
      e.name = detail::trim(name->text);
    out_.buildings += e.kind == "building";
    out_.buildingParts += e.kind == "building-part";
    out_.prisms += e.parametric != nullptr;
    out_.scene.addElement(layer_, std::move(e));
    if (building) forEachPart(o, [&](const Node& part) { object(part, gmlId); });
  }

  template <class F>
  void forEachPart(const Node& n, F&& f) {
    for (const auto& c : n.children) {
      if (isBuildingNode(*c)) f(*c);
      else if (!isFeature(*c)) forEachPart(*c, f);
    }
  }

  int chooseLod(Polygons& p) {
    const int highest = p.byLod.empty() ? -1 : p.byLod.rbegin()->first;
    if (options_.lod.empty()) return highest;
    const int wanted = std::atoi(options_.lod.c_str());
    for (int l = wanted; l >= 0; --l)
      if (p.byLod.count(l)) {
        fellBack_ += l != wanted;
        return l;
      }
    fellBack_ += highest >= 0;
    return highest;
  }

  // Walks `n` (below the object `root`): lodN* properties give polygons of type `type`; features below the object
  // (not other buildings or parts) type what lies below them. `own`: only the object's own lodN* properties (type
  // ""), else only those inside its features.
  void gather(const Node& root, const Node& n, const std::string& type, Polygons& p, bool own) {
    for (const auto& c : n.children) {
      if (c.get() != &root && isBuildingNode(*c)) continue;
      if (const int lod = lodOfProperty(c->name); lod >= 0 && c->isCityGml()) {
        if (own != type.empty()) continue;
        if (c->name.find("Implicit") != std::string::npos) {
          ++p.implicit;
          continue;
        }
        geometry(*c, lod, type, false, p, 0);
      } else if (isFeature(*c)) {
        if (!own) gather(root, *c, surfaceType(c->name), p, false);
      } else if (!c->isGml()) {
        gather(root, *c, type, p, own);
      }
    }
  }

  // Polygons under a geometry node, following xlink:href; orientation "-" reverses the rings below it.
  void geometry(const Node& n, int lod, const std::string& type, bool reversed, Polygons& p, int depth) {
    if (depth > 64) return;
    if (const auto* href = n.attr("href")) {
      const std::string target = href->size() > 1 && (*href)[0] == '#' ? href->substr(1) : *href;
      const auto it = tree_.ids.find(target);
      if (it == tree_.ids.end()) {
        ++p.unresolved;
        return;
      }
      geometry(*it->second, lod, type, reversed, p, depth + 1);
      return;
    }
    if (n.isGml() && (n.name == "Polygon" || n.name == "Triangle" || n.name == "PolygonPatch")) {
      if (!p.drawn[lod].insert(&n).second) return;
      Polygon3 poly = polygonOf(n);
      if (poly.empty()) return;
      if (reversed)
        for (auto& r : poly) std::reverse(r.begin(), r.end());
      p.byLod[lod].emplace_back(std::move(poly), type);
      return;
    }
    if (n.isGml() && n.name == "OrientableSurface")
      if (const auto* o = n.attr("orientation"); o && *o == "-") reversed = !reversed;
    for (const auto& c : n.children) geometry(*c, lod, type, reversed, p, depth + 1);
  }

  // srsDimension of a coordinate node: its own, else its nearest ancestor's, else 3.
  static int dimensionOf(const Node& n) {
    for (const Node* a = &n; a; a = a->parent)
      if (const auto* d = a->attr("srsDimension")) return std::atoi(d->c_str()) == 2 ? 2 : 3;
    return 3;
  }

  static std::vector<Vector3d> ringOf(const Node& ring) {
    std::vector<double> values;
    int dim = 3;
    auto numbers = [&](const Node& n) {
      const char* s = n.text.c_str();
      char* end = nullptr;
      for (double v = std::strtod(s, &end); end != s; v = std::strtod(s, &end)) {
        values.push_back(v);
        s = end;
      }
    };
    for (const auto& c : ring.children) {
      if (c->name == "posList") dim = dimensionOf(*c), numbers(*c);
      else if (c->name == "pos") dim = dimensionOf(*c), numbers(*c);
    }
    std::vector<Vector3d> out;
    for (std::size_t i = 0; i + dim <= values.size(); i += static_cast<std::size_t>(dim))
      out.emplace_back(values[i], values[i + 1], dim == 3 ? values[i + 2] : 0.0);
    if (out.size() > 1 && (out.front() - out.back()).norm() < 1e-9) out.pop_back();
    return out;
  }

  Polygon3 polygonOf(const Node& polygon) const {
    Polygon3 rings;
    auto add = [&](const Node& boundary, bool exterior) {
      for (const auto& c : boundary.children) {
        const Node* ring = c.get();
        if (const auto* href = ring->attr("href")) {
          const auto it = tree_.ids.find(href->size() > 1 && (*href)[0] == '#' ? href->substr(1) : *href);
          if (it == tree_.ids.end()) continue;
          ring = it->second;
        }
        if (ring->name != "LinearRing") continue;
        auto r = ringOf(*ring);
        if (r.size() < 3) continue;
        if (exterior) rings.insert(rings.begin(), std::move(r));
        else if (!rings.empty()) rings.push_back(std::move(r));
      }
    };
    for (const auto& c : polygon.children)
      if (c->name == "exterior" || c->name == "outerBoundaryIs") add(*c, true);
    if (rings.empty()) return {};
    for (const auto& c : polygon.children)
      if (c->name == "interior" || c->name == "innerBoundaryIs") add(*c, false);
    return rings;
  }

  // Generic attributes (gen:StringAttribute, IntAttribute, DoubleAttribute, MeasureAttribute ...: name and value),
  // the object's simple properties (function, roofType, storeysAboveGround, creationDate ...) and its height
  // (con:height/con:Height/con:value, the 3.0 form of measuredHeight) as "measuredHeight".
  model::Attributes attributesOf(const Node& o) const {
    model::Attributes a;
    for (const auto& c : o.children) {
      if (c->name == "genericAttribute") {
        for (const auto& g : c->children) genericAttribute(*g, "", a);
      } else if (c->name == "height" && c->isCityGml()) {
        const Node* h = c->child("Height");
        const Node* v = h ? h->child("value") : nullptr;
        if (v && !a.contains("measuredHeight")) a["measuredHeight"] = typedValue(v->text);
      } else if (c->children.empty() && !c->isGml() && lodOfProperty(c->name) < 0 && !detail::trim(c->text).empty()) {
        auto& slot = a[c->name];
        const auto value = typedValue(c->text);
        // repeated properties (two bldg:function) are joined with "; "
        if (std::holds_alternative<std::monostate>(slot)) slot = value;
        else slot = valueText(slot) + "; " + valueText(value);
      }
    }
    a["citygml.type"] = o.name;
    return a;
  }

  void genericAttribute(const Node& g, const std::string& prefix, model::Attributes& a) const {
    const Node* name = g.child("name");
    if (!name) return;
    const std::string key = prefix + detail::trim(name->text);
    if (g.name == "GenericAttributeSet") {
      if (const Node* v = g.child("value"))
        for (const auto& c : v->children) genericAttribute(*c, key + ".", a);
      return;
    }
    const Node* value = g.child("value");
    if (!value) return;
    if (g.name == "StringAttribute" || g.name == "UriAttribute" || g.name == "DateAttribute")
      a[key] = detail::trim(value->text);
    else
      a[key] = typedValue(value->text);
  }

  const Tree& tree_;
  std::string source_;
  const CityOptions& options_;
  CityReadResult& out_;
  std::vector<Diagnostic>& diags_;
  std::string layer_;
  std::size_t index_ = 0, fellBack_ = 0, unresolved_ = 0, implicit_ = 0;
};

}  // namespace

Result<std::size_t> readCityGml3(const fs::path& path, const CityOptions& options, CityReadResult& out,
                                 std::vector<Diagnostic>& diags) {
  auto tree = parse(path);
  if (!tree.ok()) return Result<std::size_t>::failureFrom(tree);
  Reader3 r(tree.value(), path, options, out, diags);
  r.run();
  if (!r.surfaces.empty()) {
    std::string note = "CityGML 3.0 polygons by surface type:";
    for (const auto& [type, n] : r.surfaces) note += " " + type + " " + std::to_string(n) + ",";
    note.pop_back();
    diags.push_back(Diagnostic::info(ErrorCode::ConventionApplied, note, path.string()));
  }
  return Result<std::size_t>::success(r.polygons);
}

}  // namespace cim::io::city
