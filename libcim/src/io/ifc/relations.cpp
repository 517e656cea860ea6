#include "io/ifc/relations.h"

namespace cim::io::ifc {

Relations readRelations(const IfcFile& f) {
  Relations rel;
  Instance r;
  for (const auto* rec : f.instancesOf(names::IfcRelContainedInSpatialStructure))
    if (r.load(f, *rec))
      if (auto s = r.ref("RelatingStructure"))
        for (auto e : r.refs("RelatedElements")) rel.containedIn.emplace(e, *s);
  for (const auto* rec : f.instancesOf(names::IfcRelAggregates))
    if (r.load(f, *rec))
      if (auto whole = r.ref("RelatingObject"))
        for (auto part : r.refs("RelatedObjects")) rel.partOf.emplace(part, *whole);
  for (const auto* rec : f.instancesOf(names::IfcRelDefinesByProperties))
    if (r.load(f, *rec)) {
      const auto defs = r.refs("RelatingPropertyDefinition");
      for (auto o : r.refs("RelatedObjects")) {
        auto& v = rel.propertySets[o];
        v.insert(v.end(), defs.begin(), defs.end());
      }
    }
  for (const auto* rec : f.instancesOf(names::IfcRelDefinesByType))
    if (r.load(f, *rec))
      if (auto t = r.ref("RelatingType"))
        for (auto o : r.refs("RelatedObjects")) rel.typeOf.emplace(o, *t);
  for (const auto* rec : f.instancesOf(names::IfcRelVoidsElement))
    if (r.load(f, *rec))
      if (auto host = r.ref("RelatingBuildingElement"))
        if (auto opening = r.ref("RelatedOpeningElement")) {
          rel.openings[*host].push_back(*opening);
          // Only a host this schema knows can be cut; an opening of an unknown host is shown on its own.
          if (const auto* h = f.find(*host); h && f.entity(*h)) rel.voiding.insert(*opening);
        }
  return rel;
}

std::string storeyOf(const IfcFile& f, const Relations& rel, std::uint64_t id) {
  std::uint64_t current = id;
  for (int guard = 0; guard < 32; ++guard) {
    std::uint64_t next = 0;
    if (auto c = rel.containedIn.find(current); c != rel.containedIn.end()) next = c->second;
    else if (auto p = rel.partOf.find(current); p != rel.partOf.end()) next = p->second;
    if (!next) return {};
    const auto* r = f.find(next);
    if (r && f.isA(*r, names::IfcBuildingStorey)) {
      Instance s;
      if (s.load(f, *r)) return s.text("Name").value_or(instanceName(next));
      return {};
    }
    current = next;
  }
  return {};
}

}  // namespace cim::io::ifc
