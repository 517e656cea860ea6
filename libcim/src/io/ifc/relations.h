#pragma once
// The relationships a product's mapping needs (spatial containment, aggregation, property and type definitions,
// openings, elements joined through ports), as maps by instance id, read in one pass over the relationship instances.

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "io/ifc/ifc_file.h"

namespace cim::io::ifc {

struct Relations {
  std::unordered_map<std::uint64_t, std::uint64_t> containedIn;  ///< element -> spatial structure element
  std::unordered_map<std::uint64_t, std::uint64_t> partOf;       ///< part -> whole (IfcRelAggregates, nests)
  std::unordered_map<std::uint64_t, std::vector<std::uint64_t>> propertySets;  ///< object -> psets, in file order
  std::unordered_map<std::uint64_t, std::uint64_t> typeOf;       ///< object -> type object
  std::unordered_map<std::uint64_t, std::vector<std::uint64_t>> openings;      ///< host -> opening elements
  std::unordered_set<std::uint64_t> voiding;  ///< openings that void a host this schema knows (and so are cut)
  /// element -> GlobalIds of the elements joined to it through connected ports (IfcRelConnectsPorts between ports
  /// owned by IfcRelNests in IFC4/4X3 or IfcRelConnectsPortToElement in IFC2X3), both ways, sorted.
  std::unordered_map<std::uint64_t, std::vector<std::string>> connectedTo;
};

/// IfcRelContainedInSpatialStructure, IfcRelAggregates, IfcRelDefinesByProperties, IfcRelDefinesByType,
/// IfcRelVoidsElement and the port connections of the file; the first relation of an element wins where it may have only one.
Relations readRelations(const IfcFile& f);

/// Name (or #id when unnamed) of the IfcBuildingStorey an element sits in, following containment and aggregation
/// upwards; empty when it is in none.
std::string storeyOf(const IfcFile& f, const Relations& rel, std::uint64_t id);

}  // namespace cim::io::ifc
