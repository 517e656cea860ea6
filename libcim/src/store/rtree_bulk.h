#pragma once
// Loading an empty SQLite R-tree at once: the tree is packed (Sort-Tile-Recursive) in memory and its three shadow
// tables (%_node, %_parent, %_rowid) are written directly, instead of one R-tree insert per row (each a descent, and
// splits with re-insertion as nodes fill: about 10 µs a row, a third of a first import's writing). Nodes are filled
// to 70 %, leaving room for the updates that follow. The tables are
// the ones SQLite's rtree module reads and maintains afterwards (sqlite3/ext/rtree/rtree.c documents their format):
//
//   node 1 is the root; every node is one blob of the tree's node size: 2 bytes the depth (root only, big-endian),
//   2 bytes the number of cells, then the cells: an 8-byte big-endian rowid (leaves) or child node number, and per
//   dimension min, max as big-endian 32-bit floats, rounded outwards exactly as the module rounds what it is given.
//
// `SELECT rtreecheck(...)` (SQLite's own integrity check of an R-tree) passes on what it writes (store tests).

#include <cstdint>
#include <string>
#include <vector>

#include "store/db.h"

namespace cim::store::detail {

/// One row of an R-tree: its id and, per dimension (up to 3), the lower and upper bound.
struct RtreeEntry {
  std::int64_t id = 0;
  double min[3] = {0, 0, 0}, max[3] = {0, 0, 0};
};

/// Fills the empty R-tree virtual table `table` (SQLite; `dims` 2 or 3 dimensions, as it was created) with
/// `entries` (any order; ids unique). Throws DbError when the table is not empty or its node size is not one an
/// R-tree of `dims` dimensions has.
void bulkLoadRtree(Db& db, const std::string& table, int dims, std::vector<RtreeEntry> entries);

}  // namespace cim::store::detail
