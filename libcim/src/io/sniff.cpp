// One look at an input file (see cim/io/sniff.h).
#include "cim/io/sniff.h"

#include <fstream>

#include <ogrsf_frmts.h>

#include "core/text.h"
#include "io/gdal/gdal_util.h"

namespace cim::io {

namespace fs = std::filesystem;

namespace {

constexpr int kSniffRows = 16;

bool isVectorExtension(const std::string& e) {
  return e == ".gpkg" || e == ".shp" || e == ".geojson" || e == ".json" || e == ".csv";
}

// Layers, field names and the first rows of a vector file; nullopt when GDAL cannot open it. CSV columns are read as
// text (the pipe tables' way; the kind fields the site reader looks for are text either way).
std::optional<std::vector<VectorLayerSummary>> vectorLayersOf(const fs::path& path) {
  auto ds = gdal::openVector(path, gdal::CsvColumns::AsText);
  if (!ds) return std::nullopt;
  std::vector<VectorLayerSummary> layers;
  for (OGRLayer* layer : ds->GetLayers()) {
    VectorLayerSummary s;
    s.name = layer->GetName();
    OGRFeatureDefn* defn = layer->GetLayerDefn();
    for (int i = 0; i < defn->GetFieldCount(); ++i) s.fields.emplace_back(defn->GetFieldDefn(i)->GetNameRef());
    layer->ResetReading();
    for (int n = 0; n < kSniffRows; ++n) {
      std::unique_ptr<OGRFeature> f(layer->GetNextFeature());
      if (!f) break;
      std::vector<std::string> row;
      for (int i = 0; i < f->GetFieldCount(); ++i)
        row.emplace_back(f->IsFieldSetAndNotNull(i) ? f->GetFieldAsString(i) : "");
      s.rows.push_back(std::move(row));
    }
    layers.push_back(std::move(s));
  }
  return layers;
}

// EPANET and SWMM share the extension; SWMM files have [CONDUITS] or [XSECTIONS].
bool isSwmm(const fs::path& path) {
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);)
    if (line.rfind("[CONDUITS]", 0) == 0 || line.rfind("[XSECTIONS]", 0) == 0) return true;
  return false;
}

// The first bytes of a text file that may say what it is (CityGML, CityJSON).
std::string headOf(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string head(4096, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  return head;
}

}  // namespace

Sniff sniffFile(const fs::path& path) {
  Sniff s;
  s.path = path;
  s.extension = detail::lowerExtension(path);
  std::error_code ec;
  s.regularFile = fs::is_regular_file(path, ec);
  if (!s.regularFile) return s;
  if (s.extension == ".gml" || s.extension == ".xml" || s.extension == ".json") s.head = headOf(path);
  // A CityJSON file is no GeoJSON: GDAL would parse all of it to find no layer.
  const bool cityJson = s.extension == ".json" && s.head.find("\"CityJSON\"") != std::string::npos;
  if (isVectorExtension(s.extension) && !cityJson) s.vectorLayers = vectorLayersOf(path);
  if (s.extension == ".inp") s.swmm = isSwmm(path);
  return s;
}

}  // namespace cim::io
