#pragma once
// Shared by the io/city tests: the bundled sample's building files, their expected numbers, and small lookups.
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cim/core/diagnostic.h"
#include "cim/model/scene.h"

namespace cimtest {

/// data/hangzhou/<name>.
std::filesystem::path hangzhouFile(const std::string& name);

/// expected.json → "buildings" of the Hangzhou sample.
nlohmann::json expectedBuildings();

/// The exact LoD1 prism of a building element, nullptr when it has none.
const cim::model::SitePrism* buildingPrism(const cim::model::Element& e);

/// True when a diagnostic has `code` and its message contains `text`.
bool hasDiagnostic(const std::vector<cim::Diagnostic>& diags, cim::ErrorCode code, const std::string& text = {});

}  // namespace cimtest
