#pragma once
// A store's element blobs and content hashes (model/element_blob.h: the layout and its formats), and the exact shapes
// as WKB for the GIS layers.
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
#include "model/element_blob.h"
#include "store/db.h"

namespace cim::store::detail {

/// The blob format written into stores of the current schema version, the blobs and the content hash (see
/// model/element_blob.h).
using model::detail::contentHash;
using model::detail::decodeElement;
using model::detail::encodeElement;
using model::detail::kBlobFormat;
using model::detail::kHashVersion;

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
/// How the geometry changed from `before` to `after`. `moved`: the element is somewhere else; for an element with an
/// exact shape (pipe, well, site feature) that is its exact shape's points, for the others their meshes. `meshOnly`:
/// the meshes changed while the exact shape stayed where it was (a pipe's section, a well's depth, a pipe's end cut
/// again where its neighbour changed).
struct GeometryChange {
  bool moved = false, meshOnly = false;
};
GeometryChange geometryChange(const model::Element& before, const model::Element& after);

/// An attribute value as text (the reports' form: "" for none, true/false, integers, reals in the shortest exact
/// form, text as is).
using report::detail::attributeText;
/// Attributes as a JSON object (typed: null, booleans, numbers, strings), for the readable attributes column.
std::string attributesJson(const model::Attributes& a);

}  // namespace cim::store::detail
