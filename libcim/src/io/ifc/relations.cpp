#include "io/ifc/relations.h"

#include <algorithm>

namespace cim::io::ifc {

namespace {

// Elements joined through their ports: a pipe and the fitting it plugs into, a duct and its terminal. Port owners
// come from IfcRelNests (IFC4, IFC4X3: the element nests its ports) and IfcRelConnectsPortToElement (IFC2X3, IFC4).
void readPortConnections(const IfcFile& f, Relations& rel) {
  std::unordered_map<std::uint64_t, std::uint64_t> ownerOf;  // port -> element
  Instance r;
  ResidentBound bound(f.step());
  for (const auto& rec : f.instancesOf(names::IfcRelNests))
    if (bound.at(rec); r.load(f, rec))
      if (auto owner = r.ref("RelatingObject"))
        for (auto part : r.refs("RelatedObjects"))
          if (const auto p = f.find(part); p && f.isA(*p, names::IfcPort)) ownerOf.emplace(part, *owner);
  for (const auto& rec : f.instancesOf(names::IfcRelConnectsPortToElement))
    if (bound.at(rec); r.load(f, rec))
      if (auto port = r.ref("RelatingPort"))
        if (auto element = r.ref("RelatedElement")) ownerOf.emplace(*port, *element);
  auto guidOf = [&](std::uint64_t id) {
    Instance e;
    return e.load(f, id) ? e.text("GlobalId").value_or("") : std::string();
  };
  for (const auto& rec : f.instancesOf(names::IfcRelConnectsPorts)) {
    if (bound.at(rec); !r.load(f, rec)) continue;
    const auto a = r.ref("RelatingPort"), b = r.ref("RelatedPort");
    if (!a || !b) continue;
    const auto oa = ownerOf.find(*a), ob = ownerOf.find(*b);
    if (oa == ownerOf.end() || ob == ownerOf.end() || oa->second == ob->second) continue;
    const std::string ga = guidOf(oa->second), gb = guidOf(ob->second);
    if (!ga.empty() && !gb.empty()) {
      rel.connectedTo[oa->second].push_back(gb);
      rel.connectedTo[ob->second].push_back(ga);
    }
  }
  for (auto& [id, guids] : rel.connectedTo) {
    std::sort(guids.begin(), guids.end());
    guids.erase(std::unique(guids.begin(), guids.end()), guids.end());
  }
}

}  // namespace

Relations readRelations(const IfcFile& f) {
  Relations rel;
  Instance r;
  ResidentBound bound(f.step());
  for (const auto& rec : f.instancesOf(names::IfcRelContainedInSpatialStructure))
    if (bound.at(rec); r.load(f, rec))
      if (auto s = r.ref("RelatingStructure"))
        for (auto e : r.refs("RelatedElements")) rel.containedIn.emplace(e, *s);
  for (const auto& rec : f.instancesOf(names::IfcRelAggregates))
    if (bound.at(rec); r.load(f, rec))
      if (auto whole = r.ref("RelatingObject"))
        for (auto part : r.refs("RelatedObjects")) rel.partOf.emplace(part, *whole);
  for (const auto& rec : f.instancesOf(names::IfcRelDefinesByProperties))
    if (bound.at(rec); r.load(f, rec)) {
      const auto defs = r.refs("RelatingPropertyDefinition");
      for (auto o : r.refs("RelatedObjects")) {
        auto& v = rel.propertySets[o];
        v.insert(v.end(), defs.begin(), defs.end());
      }
    }
  for (const auto& rec : f.instancesOf(names::IfcRelDefinesByType))
    if (bound.at(rec); r.load(f, rec))
      if (auto t = r.ref("RelatingType"))
        for (auto o : r.refs("RelatedObjects")) rel.typeOf.emplace(o, *t);
  for (const auto& rec : f.instancesOf(names::IfcRelVoidsElement))
    if (bound.at(rec); r.load(f, rec))
      if (auto host = r.ref("RelatingBuildingElement"))
        if (auto opening = r.ref("RelatedOpeningElement")) {
          rel.openings[*host].push_back(*opening);
          // Only a host this schema knows can be cut; an opening of an unknown host is shown on its own.
          if (const auto h = f.find(*host); h && f.entity(*h)) rel.voiding.insert(*opening);
        }
  readPortConnections(f, rel);
  return rel;
}

std::string storeyOf(const IfcFile& f, const Relations& rel, std::uint64_t id) {
  std::uint64_t current = id;
  for (int guard = 0; guard < 32; ++guard) {
    std::uint64_t next = 0;
    if (auto c = rel.containedIn.find(current); c != rel.containedIn.end()) next = c->second;
    else if (auto p = rel.partOf.find(current); p != rel.partOf.end()) next = p->second;
    if (!next) return {};
    const auto r = f.find(next);
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
