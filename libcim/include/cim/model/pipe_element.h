#pragma once
// Elements of pipes and wells from their exact form: the mesh, the material and the attributes that a scene, a
// viewer and a report show. The pipe readers build their elements here, and so can an application that builds or
// edits a PipeSegment or a Well: the same segment always gives the same element.

#include <optional>

#include <Eigen/Core>

#include "cim/geometry/mesh.h"
#include "cim/model/element.h"
#include "cim/model/pipe.h"

namespace cim::model {

struct PipeMeshOptions {
  /// Largest distance between the true pipe surface and its facets, metres.
  double chordToleranceMeters = 0.01;
  /// Normals of the planes that cut the start and the end (pointing along the direction of travel), e.g. the
  /// bisector of a joint with the next pipe; default: perpendicular to the first / last leg.
  std::optional<Eigen::Vector3d> startPlaneNormal, endPlaneNormal;
};

/// Sections of the same shape and outer size (within 1 mm).
bool sameOuterSection(const PipeSection& a, const PipeSection& b);

/// The planes that cut two pipes where they meet end to end as one run (a mitred joint, as the pipe readers cut
/// them): `a`'s start (`aAtStart`) or end meets `b`'s start or end. Both are cut by the plane that bisects their
/// directions there, its normal pointing along each pipe's direction of travel (PipeMeshOptions). nullopt where the
/// two do not meet so: different sections, ends more than 1 mm apart, or a turn back of more than 120°; their ends
/// are then cut square. The readers mitre only a point where exactly two pipes meet.
struct JointPlanes {
  Eigen::Vector3d a, b;
};
std::optional<JointPlanes> mitreJoint(const PipeSegment& a, bool aAtStart, const PipeSegment& b, bool bAtStart);

/// The "pipe.*" attributes of a segment: typeCode, typeClass, className (Chinese), classNameEn, startPoint, endPoint,
/// startDepth, endDepth (when surveyed), depthReference, startHeight, endHeight (centreline, scene CRS), section
/// ("circular" with diameterMillimeters [and innerDiameterMillimeters], or "rectangular" with widthMillimeters and
/// heightMillimeters), size (as written), material, pressureMPa, pressureClass and pressureClassZh (gas), voltageKv,
/// cableCount, burialMethod, year, owner, status (those the segment has), length (metres), source, row.
Attributes pipeAttributes(const PipeSegment& segment);

/// The closed, outward-facing mesh of the segment's outer section swept along its centreline (scene CRS).
geometry::Mesh pipeMesh(const PipeSegment& segment, const PipeMeshOptions& options = {});

/// A pipe element: kind "pipe", name the segment id, GUID "<source file name>#<row>" (the segment id when it has no
/// source row: the same table gives the same ids on every machine), attributes `sourceAttributes` (the row's own
/// fields) plus pipeAttributes, one shape coloured by the CJJ 61 type ("RQ 燃气", magenta; none when the centreline
/// is shorter than 1 µm), and the segment as its parametric shape.
Element pipeElement(PipeSegment segment, Attributes sourceAttributes = {}, const PipeMeshOptions& options = {});

/// The "pipe.*" attributes of a well: typeCode, typeClass, className, wellDepth, groundHeight (the cover, scene
/// CRS), feature (when known), source, row.
Attributes wellAttributes(const Well& well);

/// The closed mesh of a well: a vertical cylinder of its diameter (or a box of width × length) from the cover down
/// by its depth.
geometry::Mesh wellMesh(const Well& well, double chordToleranceMeters = 0.01);

/// A well element: kind "well", name the point id, GUID "<source file name>#<row>", attributes `sourceAttributes`
/// plus wellAttributes, one shape ("RQ well", the type's colour), and the well as its parametric shape.
Element wellElement(Well well, Attributes sourceAttributes = {}, double chordToleranceMeters = 0.01);

}  // namespace cim::model
