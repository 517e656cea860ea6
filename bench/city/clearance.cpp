// Pipe-to-building horizontal clearance in libcim and in PostGIS (see clearance.h).
#include "clearance.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace cimbench {

namespace {

// Shortest text that reads back as the same double.
void putNumber(std::string& out, double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

std::uint32_t parseId(const std::string& s) { return static_cast<std::uint32_t>(std::stoul(s)); }

}  // namespace

std::vector<std::optional<double>> buildingClearances(const cim::index::SpatialIndex& index, const City& city,
                                                      const cim::index::RuleSet& rules) {
  const auto buildings = index.select(cim::index::Selector::parse("layer=buildings").value());
  std::vector<std::optional<double>> out(city.pipes.size());
  if (buildings.empty()) return out;
  const auto& building = *buildings.front();
  for (std::size_t i = 0; i < city.pipes.size(); ++i) {
    const auto* pipe = index.find(static_cast<std::uint32_t>(i));
    if (!pipe || pipe->layer != "pipes") throw std::logic_error("pipe " + std::to_string(i) + " is not element " + std::to_string(i));
    if (const auto* rule = rules.match(*pipe->element, pipe->layer, *building.element, building.layer))
      out[i] = rule->horizontalMeters;
  }
  return out;
}

void createTables(TempCluster& db) {
  db.exec(
      "DROP TABLE IF EXISTS pipes, buildings;"
      "CREATE UNLOGGED TABLE pipes (id integer PRIMARY KEY, type text, radius float8, rule_m float8, geom geometry);"
      "CREATE UNLOGGED TABLE buildings (id integer PRIMARY KEY, footprint geometry);");
}

std::string pipesCopy(const City& city, const std::vector<std::optional<double>>& clearances) {
  std::string out;
  out.reserve(city.pipes.size() * 200);
  for (std::size_t i = 0; i < city.pipes.size(); ++i) {
    const auto& p = city.pipes[i];
    const auto outline = planOutline(p);
    out += std::to_string(i);
    out += '\t';
    out += p.type.code;
    out += '\t';
    putNumber(out, outline.empty() ? p.section.outerDiameterMeters / 2 : 0.0);
    out += '\t';
    if (clearances[i]) putNumber(out, *clearances[i]);
    else out += "\\N";
    out += '\t';
    if (outline.empty()) {
      std::vector<std::array<double, 3>> points;
      for (const auto& v : p.centreline) points.push_back({v.x(), v.y(), v.z()});
      out += ewkbLineStringZ(points, kSrid);
    } else {
      std::vector<std::array<double, 2>> ring;
      for (const auto& v : outline) ring.push_back({v.x(), v.y()});
      out += ewkbPolygon(ring, kSrid);
    }
    out += '\n';
  }
  return out;
}

std::string buildingsCopy(const City& city) {
  std::string out;
  out.reserve(city.buildings.size() * 250);
  for (std::size_t j = 0; j < city.buildings.size(); ++j) {
    out += std::to_string(city.pipes.size() + j);
    out += '\t';
    std::vector<std::array<double, 2>> ring;
    for (const auto& v : city.buildings[j].footprint) ring.push_back({v.x(), v.y()});
    out += ewkbPolygon(ring, kSrid);
    out += '\n';
  }
  return out;
}

void indexTables(TempCluster& db) {
  db.exec("CREATE INDEX pipes_geom ON pipes USING gist (geom);"
          "CREATE INDEX buildings_footprint ON buildings USING gist (footprint);"
          "ANALYZE pipes; ANALYZE buildings;");
}

std::string clearanceJoinSql(bool strict) {
  std::string sql =
      "SELECT p.id, b.id FROM pipes p JOIN buildings b ON ST_DWithin(p.geom, b.footprint, p.rule_m + p.radius)";
  if (strict) sql += " AND ST_Distance(p.geom, b.footprint) - p.radius < p.rule_m";
  return sql;
}

PairSet postgisPairs(TempCluster& db, std::size_t pipeCount, bool strict) {
  PairSet out;
  for (const auto& row : db.query(clearanceJoinSql(strict)).rows)
    out.insert({parseId(row[0]), static_cast<std::uint32_t>(parseId(row[1]) - pipeCount)});
  return out;
}

cim::index::ClashOptions clearanceOptions(const cim::index::RuleSet& rules, unsigned threads) {
  cim::index::ClashOptions o;
  o.a = cim::index::Selector::parse("layer=pipes").value();
  o.b = cim::index::Selector::parse("layer=buildings").value();
  o.mode = cim::index::ClashOptions::Mode::Clearance;
  o.rules = &rules;
  o.threads = threads;
  return o;
}

PairSet libcimPairs(const cim::index::ClashReport& report, std::size_t pipeCount) {
  PairSet out;
  for (const auto& r : report.results) {
    const bool aPipe = r.a.layer == "pipes";
    const std::uint32_t pipe = aPipe ? r.a.id : r.b.id, building = aPipe ? r.b.id : r.a.id;
    if (r.type != cim::index::ClashType::Clearance || pipe >= pipeCount || building < pipeCount)
      throw std::logic_error("unexpected result " + r.id + " (" + r.a.layer + " / " + r.b.layer + ")");
    out.insert({pipe, static_cast<std::uint32_t>(building - pipeCount)});
  }
  return out;
}

std::vector<Difference> differences(const PairSet& libcim, const PairSet& postgis, TempCluster& db,
                                    const cim::index::SpatialIndex& index, const std::vector<std::optional<double>>& clearances,
                                    std::size_t pipeCount) {
  std::vector<Difference> out;
  auto add = [&](const std::pair<std::uint32_t, std::uint32_t>& pair) {
    Difference d;
    d.pipe = pair.first;
    d.building = pair.second;
    d.inLibcim = libcim.count(pair) > 0;
    d.inPostgis = postgis.count(pair) > 0;
    d.required = clearances[pair.first].value_or(NAN);
    const auto* p = index.find(pair.first);
    const auto* b = index.find(static_cast<std::uint32_t>(pipeCount + pair.second));
    d.libcimHorizontal = cim::index::separate(index.shapeOf(*p), index.shapeOf(*b)).horizontal;
    const auto rows = db.query("SELECT ST_Distance(p.geom, b.footprint) - p.radius FROM pipes p, buildings b WHERE p.id = " +
                               std::to_string(pair.first) + " AND b.id = " + std::to_string(pipeCount + pair.second));
    d.postgisHorizontal = rows.rows.empty() ? NAN : std::stod(rows.rows[0][0]);
    out.push_back(d);
  };
  for (const auto& pair : libcim)
    if (!postgis.count(pair)) add(pair);
  for (const auto& pair : postgis)
    if (!libcim.count(pair)) add(pair);
  return out;
}

std::string describe(const Difference& d) {
  char buf[400];
  const bool boundary = std::abs(d.libcimHorizontal - d.required) <= 1e-9 || std::abs(d.postgisHorizontal - d.required) <= 1e-9;
  std::snprintf(buf, sizeof buf,
                "pipe P%u - building B%u: only in %s; horizontal libcim %.12f m, PostGIS %.12f m, required %.3f m "
                "(libcim - required %.3g m): %s",
                d.pipe, d.building, d.inLibcim ? "libcim" : "PostGIS", d.libcimHorizontal, d.postgisHorizontal,
                d.required, d.libcimHorizontal - d.required,
                boundary ? "at the 1e-9 boundary (the two exact computations round differently)"
                         : "NOT at the boundary: a disagreement");
  return buf;
}

}  // namespace cimbench
