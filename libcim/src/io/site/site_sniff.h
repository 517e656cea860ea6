#pragma once
// io/site internals: whether a sniffed vector file holds site features (for the format table).

#include <filesystem>
#include <vector>

#include "cim/io/sniff.h"

namespace cim::io::site {

/// True when a layer's name or the file's name names a site kind, or a kind field (kind, site_kind, 类别, 种类; or
/// type, feature_type, 类型) of one of the first rows names one (see cim/io/site.h).
bool looksLikeSiteFeatures(const std::filesystem::path& path, const std::vector<VectorLayerSummary>& layers);

}  // namespace cim::io::site
