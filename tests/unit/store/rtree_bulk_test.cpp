// The packed R-tree loader (store/rtree_bulk.h) against SQLite's own rtree module: the same stored boxes, the same
// query answers, a tree rtreecheck() accepts, and one the module goes on maintaining.
#include <cmath>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "store/db.h"
#include "store/rtree_bulk.h"
#include "support/test_support.h"

using namespace cim::store::detail;
using cimtest::TempDir;

namespace {

// Boxes of every kind the store meets and a few it should not trip on: Gauss-Krüger metres (x ~ 500 km,
// y ~ 3300 km, where a float step is 0.03-0.25 m), negative and small values, points (min = max), and values
// that are exact floats.
std::vector<RtreeEntry> randomBoxes(std::size_t n, int dims, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<RtreeEntry> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    RtreeEntry& e = out[i];
    e.id = std::int64_t(i * 7 + 3);  // not 1..n, and not in insertion order once sorted
    const int kind = int(i % 4);
    for (int d = 0; d < dims; ++d) {
      const double origin = kind == 0 ? (d == 0 ? 515000.0 : d == 1 ? 3347000.0 : -5.0) : kind == 1 ? -1000.0 : 0.0;
      const double span = kind == 0 ? 2000.0 : kind == 1 ? 500.0 : 1e-3;
      const double lo = kind == 3 ? std::round(origin + unit(rng) * 100.0) : origin + unit(rng) * span;
      e.min[d] = lo;
      e.max[d] = kind == 3 && d == 0 ? lo : lo + unit(rng) * span * 0.05;
    }
  }
  return out;
}

std::string columns(int dims) {
  return dims == 2 ? "id, minx, maxx, miny, maxy" : "id, minx, maxx, miny, maxy, minz, maxz";
}

void insertRows(Db& db, const std::string& table, int dims, const std::vector<RtreeEntry>& boxes) {
  auto s = db.prepare("INSERT INTO " + table + " VALUES (?, ?, ?, ?, ?" + std::string(dims == 3 ? ", ?, ?)" : ")"));
  for (const auto& b : boxes) {
    s->bind(1, b.id);
    for (int d = 0; d < dims; ++d) s->bind(2 + 2 * d, b.min[d]), s->bind(3 + 2 * d, b.max[d]);
    s->run();
  }
}

// Every row as text, ordered by id: the floats the module stored, compared exactly.
std::vector<std::string> rowsOf(Db& db, const std::string& table, int dims) {
  auto s = db.prepare("SELECT " + columns(dims) + " FROM " + table + " ORDER BY id");
  std::vector<std::string> out;
  while (s->step()) {
    std::string row = std::to_string(s->int64(0));
    for (int c = 1; c <= 2 * dims; ++c) {
      char buf[40];
      std::snprintf(buf, sizeof buf, " %.17g", s->real(c));
      row += buf;
    }
    out.push_back(row);
  }
  return out;
}

std::set<std::int64_t> query(Db& db, const std::string& table, int dims, const RtreeEntry& q) {
  std::string sql = "SELECT id FROM " + table + " WHERE maxx >= ? AND minx <= ? AND maxy >= ? AND miny <= ?";
  if (dims == 3) sql += " AND maxz >= ? AND minz <= ?";
  auto s = db.prepare(sql);
  for (int d = 0; d < dims; ++d) s->bind(1 + 2 * d, q.min[d]), s->bind(2 + 2 * d, q.max[d]);
  std::set<std::int64_t> out;
  while (s->step()) out.insert(s->int64(0));
  return out;
}

std::string single(Db& db, const std::string& sql) {
  auto s = db.prepare(sql);
  REQUIRE(s->step());
  return s->text(0);
}

void requireSameTrees(Db& db, int dims, unsigned seed) {
  CHECK(single(db, "SELECT rtreecheck('packed')") == "ok");
  CHECK(single(db, "SELECT rtreecheck('inserted')") == "ok");
  REQUIRE(rowsOf(db, "packed", dims) == rowsOf(db, "inserted", dims));
  for (const auto& q : randomBoxes(300, dims, seed)) {
    RtreeEntry wide = q;
    for (int d = 0; d < dims; ++d) wide.max[d] += 50.0;  // queries that find tens of boxes, some none
    REQUIRE(query(db, "packed", dims, wide) == query(db, "inserted", dims, wide));
  }
}

}  // namespace

TEST_CASE("store: a packed R-tree holds what SQLite's own inserts give, and SQLite maintains it", "[store]") {
  for (const int dims : {2, 3}) {
    INFO("dimensions " << dims);
    TempDir dir;
    auto db = openSqlite((dir / "rtree.sqlite").string(), true);
    // Small pages make small nodes (13 cells in 3-D, 18 in 2-D, packed to 9 and 12): 8000 boxes give a tree of
    // depth 4 in 3-D (889 leaves, 99, 11, 2 inner nodes, the root) and 3 in 2-D (667 leaves, 56, 5, the root).
    db->exec("PRAGMA page_size = 512");
    db->exec("CREATE VIRTUAL TABLE packed USING rtree(" + columns(dims) + ")");
    db->exec("CREATE VIRTUAL TABLE inserted USING rtree(" + columns(dims) + ")");
    const auto boxes = randomBoxes(8000, dims, 11);
    db->exec("BEGIN");
    bulkLoadRtree(*db, "packed", dims, boxes);
    insertRows(*db, "inserted", dims, boxes);
    db->exec("COMMIT");
    const int depth = std::stoi(single(*db, "SELECT hex(substr(data, 1, 2)) FROM packed_node WHERE nodeno = 1"),
                                nullptr, 16);
    CHECK(depth == (dims == 3 ? 4 : 3));
    requireSameTrees(*db, dims, 12);

    // Loading again is refused (the tree is not empty); loading nothing leaves an empty tree valid.
    CHECK_THROWS_AS(bulkLoadRtree(*db, "packed", dims, randomBoxes(3, dims, 1)), DbError);
    db->exec("CREATE VIRTUAL TABLE empty USING rtree(" + columns(dims) + ")");
    bulkLoadRtree(*db, "empty", dims, {});
    CHECK(single(*db, "SELECT rtreecheck('empty')") == "ok");
    // The wrong number of dimensions for the table's nodes is refused.
    if (dims == 2) CHECK_THROWS_AS(bulkLoadRtree(*db, "empty", 3, randomBoxes(3, 3, 1)), DbError);

    // SQLite's module goes on from the packed tree: inserts (which split its full nodes), deletes (which
    // condense them), moves.
    for (const std::string table : {"packed", "inserted"}) {
      auto more = randomBoxes(1500, dims, 13);
      for (auto& b : more) b.id += 1000000;
      insertRows(*db, table, dims, more);
      db->exec("DELETE FROM " + table + " WHERE id % 5 = 0");
      db->exec("UPDATE " + table + " SET minx = minx + 10, maxx = maxx + 10 WHERE id % 11 = 1");
    }
    requireSameTrees(*db, dims, 14);
  }
}
