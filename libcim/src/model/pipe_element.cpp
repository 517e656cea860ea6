// Pipe and well elements from their parametric form: attributes, sweep meshes, materials.
#include "cim/model/pipe_element.h"

#include <cmath>
#include <filesystem>

#include "cim/geometry/sweep.h"

namespace cim::model {

namespace {

// "<file name>#<row>" of a table row: not the path, so the same table gives the same ids on every machine and from
// every working folder.
// The source as published (tiles, GLBs): the file name and layer ("pipes.gpkg:RQLINE"), never the folder it was
// read from on the producer's machine.
std::string publishedSource(const std::string& source) {
  const auto slash = source.find_last_of("/\\");
  return slash == std::string::npos ? source : source.substr(slash + 1);
}

std::string stableId(const std::string& source, std::int64_t row, const std::string& fallback) {
  if (row < 0) return fallback;
  return std::filesystem::path(source).filename().string() + "#" + std::to_string(row);
}

void typeAttributes(Attributes& a, const PipeType& type) {
  a["pipe.typeCode"] = type.code;
  a["pipe.typeClass"] = std::string(classCode(type.cls));
  a["pipe.className"] = std::string(classNameZh(type.cls));
}

void sectionAttributes(Attributes& a, const PipeSection& s) {
  if (s.shape == PipeSection::Shape::Circular) {
    a["pipe.section"] = std::string("circular");
    a["pipe.diameterMillimeters"] = s.outerDiameterMeters * 1000.0;
    if (s.innerDiameterMeters) a["pipe.innerDiameterMillimeters"] = *s.innerDiameterMeters * 1000.0;
  } else {
    a["pipe.section"] = std::string("rectangular");
    a["pipe.widthMillimeters"] = s.widthMeters * 1000.0;
    a["pipe.heightMillimeters"] = s.heightMeters * 1000.0;
  }
}

// What the survey says of the segment besides its geometry: material, pressure, cables, burial, year, owner, status.
void surveyAttributes(Attributes& a, const PipeSegment& seg) {
  if (!seg.material.empty()) a["pipe.material"] = seg.material;
  if (seg.pressureMpa) a["pipe.pressureMPa"] = *seg.pressureMpa;
  if (seg.gasPressureClass) {
    a["pipe.pressureClass"] = std::string(gasPressureClassName(*seg.gasPressureClass));
    a["pipe.pressureClassZh"] = std::string(gasPressureClassNameZh(*seg.gasPressureClass));
  }
  if (seg.voltageKv) a["pipe.voltageKv"] = *seg.voltageKv;
  if (seg.cableCount) a["pipe.cableCount"] = *seg.cableCount;
  if (!seg.burialMethod.empty()) a["pipe.burialMethod"] = seg.burialMethod;
  if (seg.year) a["pipe.year"] = *seg.year;
  if (!seg.owner.empty()) a["pipe.owner"] = seg.owner;
  if (!seg.status.empty()) a["pipe.status"] = seg.status;
}

// An element of `kind`: the source row's attributes overridden by the element's own, the shape unless its mesh is
// empty, and the exact shape.
Element assemble(std::string kind, std::string name, std::string guid, Attributes sourceAttributes, Attributes own,
                 Shape shape, ParametricShape exact) {
  Element e;
  e.kind = std::move(kind);
  e.name = std::move(name);
  e.guid = std::move(guid);
  if (sourceAttributes.empty()) {  // nothing to override: the element's own, already sorted
    e.attributes = std::move(own);
  } else {
    e.attributes = std::move(sourceAttributes);
    for (auto& [key, value] : own) e.attributes[key] = std::move(value);
  }
  e.attributes.shrink_to_fit();
  if (!shape.mesh.empty()) e.shapes.push_back(std::move(shape));
  e.parametric = std::make_shared<const ParametricShape>(std::move(exact));
  return e;
}

}  // namespace

Attributes pipeAttributes(const PipeSegment& seg) {
  Attributes a;
  typeAttributes(a, seg.type);
  a["pipe.classNameEn"] = std::string(classNameEn(seg.type.cls));
  if (!seg.startPointId.empty()) a["pipe.startPoint"] = seg.startPointId;
  if (!seg.endPointId.empty()) a["pipe.endPoint"] = seg.endPointId;
  if (seg.startDepthMeters) a["pipe.startDepth"] = *seg.startDepthMeters;
  if (seg.endDepthMeters) a["pipe.endDepth"] = *seg.endDepthMeters;
  a["pipe.depthReference"] = std::string(depthReferenceName(seg.depthReference));
  a["pipe.startHeight"] = seg.start().z();
  a["pipe.endHeight"] = seg.end().z();
  sectionAttributes(a, seg.section);
  if (!seg.sizeText.empty()) a["pipe.size"] = seg.sizeText;
  surveyAttributes(a, seg);
  a["pipe.length"] = seg.length();
  a["pipe.source"] = publishedSource(seg.source);
  a["pipe.row"] = seg.sourceRow;
  return a;
}

bool sameOuterSection(const PipeSection& a, const PipeSection& b) {
  if (a.shape != b.shape) return false;
  return std::abs(a.outerWidth() - b.outerWidth()) < 1e-3 && std::abs(a.outerHeight() - b.outerHeight()) < 1e-3;
}

std::optional<JointPlanes> mitreJoint(const PipeSegment& a, bool aAtStart, const PipeSegment& b, bool bAtStart) {
  using Vec3 = Eigen::Vector3d;
  if (a.centreline.size() < 2 || b.centreline.size() < 2 || !sameOuterSection(a.section, b.section)) return std::nullopt;
  if (((aAtStart ? a.start() : a.end()) - (bAtStart ? b.start() : b.end())).norm() > 1e-3) return std::nullopt;
  // The direction of a centreline's first or last leg, pointing into the joint.
  auto legInto = [](const PipeSegment& s, bool atStart) {
    const auto& c = s.centreline;
    return atStart ? Vec3((c[0] - c[1]).normalized()) : Vec3((c.back() - c[c.size() - 2]).normalized());
  };
  const Vec3 da = legInto(a, aAtStart), db = -legInto(b, bAtStart);  // into the joint along a, out of it along b
  const Vec3 m = (da + db).normalized();
  if (!m.allFinite() || da.dot(db) < -0.5) return std::nullopt;
  return JointPlanes{aAtStart ? Vec3(-m) : m, bAtStart ? m : Vec3(-m)};
}

geometry::Mesh pipeMesh(const PipeSegment& seg, const PipeMeshOptions& options) {
  geometry::SweepSection ss;
  if (seg.section.shape == PipeSection::Shape::Circular) {
    ss.radius = seg.section.outerDiameterMeters / 2.0;
  } else {
    ss.shape = geometry::SweepSection::Shape::Rectangle;
    ss.width = seg.section.widthMeters;
    ss.height = seg.section.heightMeters;
  }
  geometry::SweepOptions so;
  so.chordToleranceMeters = options.chordToleranceMeters;
  so.startPlaneNormal = options.startPlaneNormal;
  so.endPlaneNormal = options.endPlaneNormal;
  return geometry::sweep(seg.centreline, ss, so);
}

Element pipeElement(PipeSegment segment, Attributes sourceAttributes, const PipeMeshOptions& options) {
  // Everything taken from the segment before it moves into the element (argument order is unspecified).
  std::string name = segment.id, guid = stableId(segment.source, segment.sourceRow, segment.id);
  Attributes own = pipeAttributes(segment);
  Shape shape{pipeMesh(segment, options),
              {std::string(classCode(segment.type.cls)) + " " + std::string(classNameZh(segment.type.cls)),
               pipeTypeColor(segment.type)}};
  return assemble("pipe", std::move(name), std::move(guid), std::move(sourceAttributes), std::move(own),
                  std::move(shape), std::move(segment));
}

Attributes wellAttributes(const Well& w) {
  Attributes a;
  typeAttributes(a, w.type);
  a["pipe.wellDepth"] = w.depthMeters;
  a["pipe.groundHeight"] = w.top.z();
  if (!w.feature.empty()) a["pipe.feature"] = w.feature;
  a["pipe.source"] = publishedSource(w.source);
  a["pipe.row"] = w.sourceRow;
  return a;
}

geometry::Mesh wellMesh(const Well& w, double chordToleranceMeters) {
  geometry::SweepSection ss;
  if (w.widthMeters > 0) {
    ss.shape = geometry::SweepSection::Shape::Rectangle;
    ss.width = w.widthMeters;
    ss.height = w.lengthMeters;
  } else {
    ss.radius = w.diameterMeters / 2.0;
  }
  geometry::SweepOptions so;
  so.chordToleranceMeters = chordToleranceMeters;
  const Eigen::Vector3d path[2] = {w.top - Eigen::Vector3d(0, 0, w.depthMeters), w.top};
  return geometry::sweep(path, ss, so);
}

Element wellElement(Well well, Attributes sourceAttributes, double chordToleranceMeters) {
  // Everything taken from the well before it moves into the element (argument order is unspecified).
  std::string name = well.pointId, guid = stableId(well.source, well.sourceRow, well.pointId);
  Attributes own = wellAttributes(well);
  Shape shape{wellMesh(well, chordToleranceMeters),
              {std::string(classCode(well.type.cls)) + " well", pipeTypeColor(well.type)}};
  return assemble("well", std::move(name), std::move(guid), std::move(sourceAttributes), std::move(own),
                  std::move(shape), std::move(well));
}

}  // namespace cim::model
