#pragma once
// Elements as the compact binary blobs a store keeps (everything an Element holds: GUID, class, name, typed
// attributes, meshes with their materials, the exact parametric shape, the joined GUIDs), their content hash, and
// the exact shapes as WKB for the GIS layers.
//
// Blob layout (little-endian), format 1: u8 format; strings as u32 length + UTF-8 bytes; attributes as count, then
// key, type tag (0 none, 1 bool, 2 integer, 3 real, 4 text) and value; shapes as count, then material name, RGBA
// floats, the mesh origin (3 doubles), positions, normals (3 floats each), indices and feature ids (u32), each array
// led by its count; joined GUIDs; the parametric shape as a tag (0 none, 1 pipe, 2 well, 3 site feature) and its
// fields in declaration order (codec.cpp). Doubles are stored bit for bit: a scene reads back equal.
// Format 2 (written now; format 1 still read): each mesh array as count, packed size and meshoptimizer's lossless
// packing (vertex codec for positions, normals, feature ids; index sequence codec for indices), decoded bit for bit.
//
// The blob format follows the store's schema version (docs/store.md): schema 2 stores hold format 2 blobs (and any
// format 1 blobs copied from older stores); schema 1 stores, made by a libcim that reads format 1 only, keep getting
// format 1 blobs, so that libcim still reads them. A libcim of schema 1 refuses a schema 2 store at open
// (StoreSchemaTooNew) instead of skipping blobs it cannot decode. A new blob format needs a new schema version.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cim/model/element.h"
#include "export/report/report_internal.h"
#include "store/db.h"

namespace cim::store::detail {

/// The blob format written into stores of the current schema version.
inline constexpr int kBlobFormat = 2;
/// The element as a blob of `format` (1 or 2; std::invalid_argument otherwise).
Blob encodeElement(const model::Element& e, int format = kBlobFormat);
/// nullopt when the blob is not one this libcim wrote (truncated, another format number).
std::optional<model::Element> decodeElement(const Blob& blob);

/// A hash of what the element is, without where it was read from: the source file and row of pipes, wells and site
/// features (and the pipe.source / pipe.row attributes, and the GUID derived from them) are left out, so the same
/// content from a renamed or re-ordered file hashes the same.
std::int64_t contentHash(const model::Element& e);

/// The GIS layer an element's exact shape goes to ("pipes", "wells", "site_polygons", "site_points",
/// "site_lines"), or empty when it has none.
std::string gisLayerOf(const model::Element& e);
/// ISO WKB (little-endian) of the element's exact shape for its GIS layer: a pipe's centreline (LineString Z), a
/// well's cover point (Point Z), a prism's polygon (Polygon, 2-D, with its elevations as fields), a cylinder's axis,
/// an ellipsoid's centre or a marker (Point Z), a tube's polyline (LineString Z).
Blob shapeWkb(const model::Element& e);
/// The GeoPackage geometry blob of a WKB (header, srs id, 2-D envelope).
Blob gpkgGeometry(const Blob& wkb, int srsId);

/// How far an element moved from `before` to `after`, metres: the largest move of a pipe's end points, of a well's
/// cover, of a site feature's reference point; else of the bounding box centre. 0 when nothing moved.
double displacementMeters(const model::Element& before, const model::Element& after);
/// Whether the geometry changed (exact shape or meshes), as opposed to attributes only.
bool geometryChanged(const model::Element& before, const model::Element& after);

/// An attribute value as text (the reports' form: "" for none, true/false, integers, reals in the shortest exact
/// form, text as is).
using report::detail::attributeText;
/// Attributes as a JSON object (typed: null, booleans, numbers, strings), for the readable attributes column.
std::string attributesJson(const model::Attributes& a);

}  // namespace cim::store::detail
