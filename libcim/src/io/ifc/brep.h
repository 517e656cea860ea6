#pragma once
// Shape family: boundary representations and face sets. Faceted and advanced B-reps (IfcManifoldSolidBrep with its
// voids), surface models, shells and connected face sets, and tessellated face sets (IfcTriangulatedFaceSet,
// IfcPolygonalFaceSet), as triangles in the item's frame, metres.

#include "io/ifc/context.h"
#include "io/ifc/tri_mesh.h"

namespace cim::io::ifc {

/// The faces of an IfcManifoldSolidBrep (outer shell and voids), IfcFaceBasedSurfaceModel, IfcShellBasedSurfaceModel,
/// or of a shell / connected face set itself. Planar faces are triangulated with their holes, faces on surfaces
/// (IfcFaceSurface, IfcAdvancedFace) tessellated (see surfaces.h); faces that cannot be read add nothing.
TriMesh shellFaces(Context& ctx, const Instance& it);

/// IfcTriangulatedFaceSet / IfcPolygonalFaceSet (with PnIndex and inner loops). Faces that refer to coordinates that
/// do not exist are skipped and counted in one report.
TriMesh faceSet(Context& ctx, const Instance& it);

}  // namespace cim::io::ifc
