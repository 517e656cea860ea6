// A packed SQLite R-tree written straight into its shadow tables (rtree_bulk.h has the format).
#include "store/rtree_bulk.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace cim::store::detail {

namespace {

// The rtree module's own rounding of a double to the float it stores: down for a minimum, up for a maximum, by a
// relative step of 2^-23 where the nearest float lies on the wrong side (rtree.c, rtreeValueDown/rtreeValueUp).
constexpr double kTowardZero = 1.0 - 1.0 / 8388608.0, kAwayFromZero = 1.0 + 1.0 / 8388608.0;
float roundedDown(double d) {
  float f = float(d);
  if (f > d) f = float(d * (d < 0 ? kAwayFromZero : kTowardZero));
  return f;
}
float roundedUp(double d) {
  float f = float(d);
  if (f < d) f = float(d * (d < 0 ? kTowardZero : kAwayFromZero));
  return f;
}

struct Cell {
  std::int64_t id;  // a row's id (leaves) or, while packing, the index of a child in `Tree::nodes`
  float lo[3], hi[3];
};

struct Node {
  std::vector<Cell> cells;
  Cell bounds() const {
    Cell b = cells.front();
    for (const auto& c : cells)
      for (int d = 0; d < 3; ++d) b.lo[d] = std::min(b.lo[d], c.lo[d]), b.hi[d] = std::max(b.hi[d], c.hi[d]);
    return b;
  }
};

// Sort-Tile-Recursive: the cells sorted by x, cut into about √(nodes) vertical slices, each sorted by y and cut
// into nodes of `perNode` cells. Appends the nodes to `out`.
void packLevel(std::vector<Cell>& cells, std::size_t perNode, std::vector<Node>& out) {
  const auto centre = [](const Cell& c, int d) { return double(c.lo[d]) + double(c.hi[d]); };
  const std::size_t nodes = (cells.size() + perNode - 1) / perNode;
  const auto slices = std::size_t(std::ceil(std::sqrt(double(nodes))));
  const std::size_t perSlice = slices * perNode;
  std::sort(cells.begin(), cells.end(), [&](const Cell& a, const Cell& b) { return centre(a, 0) < centre(b, 0); });
  for (std::size_t s = 0; s < cells.size(); s += perSlice) {
    const auto first = cells.begin() + std::ptrdiff_t(s);
    const auto last = cells.begin() + std::ptrdiff_t(std::min(cells.size(), s + perSlice));
    std::sort(first, last, [&](const Cell& a, const Cell& b) { return centre(a, 1) < centre(b, 1); });
    for (auto it = first; it < last;) {
      const auto end = it + std::ptrdiff_t(std::min<std::size_t>(perNode, std::size_t(last - it)));
      out.push_back({std::vector<Cell>(it, end)});
      it = end;
    }
  }
}

void putBigEndian(std::uint8_t* p, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i, v >>= 8) p[i] = std::uint8_t(v & 0xff);
}

std::int64_t single(Db& db, const std::string& sql) {
  auto s = db.prepare(sql);
  if (!s->step() || s->isNull(0)) throw DbError("cannot read " + sql);
  return s->int64(0);
}

// The packed tree: its nodes from the leaves up (the last is the root), how many are leaves, and its depth.
struct Tree {
  std::vector<Node> nodes;
  std::size_t leaves = 0;
  int depth = 0;
};

Tree pack(const std::vector<RtreeEntry>& entries, int dims, std::size_t perNode) {
  std::vector<Cell> cells(entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    Cell& c = cells[i];
    c.id = entries[i].id;
    for (int d = 0; d < 3; ++d) {
      c.lo[d] = d < dims ? roundedDown(entries[i].min[d]) : 0.0f;
      c.hi[d] = d < dims ? roundedUp(entries[i].max[d]) : 0.0f;
    }
  }
  Tree t;
  packLevel(cells, perNode, t.nodes);
  t.leaves = t.nodes.size();
  for (std::size_t level = 0; t.nodes.size() - level > 1; ++t.depth) {
    cells.clear();
    for (std::size_t i = level; i < t.nodes.size(); ++i) {
      Cell c = t.nodes[i].bounds();
      c.id = std::int64_t(i);
      cells.push_back(c);
    }
    level = t.nodes.size();
    packLevel(cells, perNode, t.nodes);
  }
  return t;
}

// Writes the tree's nodes (node 1 the root, the others 2, 3, ... in the order they were made), with each row's leaf
// and each inner node's parent.
void write(Db& db, const std::string& table, int dims, std::size_t nodeSize, const Tree& t) {
  const std::size_t root = t.nodes.size() - 1;
  std::vector<std::int64_t> number(t.nodes.size());
  for (std::size_t i = 0, next = 2; i < t.nodes.size(); ++i) number[i] = i == root ? 1 : std::int64_t(next++);
  db.exec("DELETE FROM " + quoteIdentifier(table + "_node"));
  auto putNode = db.prepare("INSERT INTO " + quoteIdentifier(table + "_node") + " (nodeno, data) VALUES (?, ?)");
  auto putParent =
      db.prepare("INSERT INTO " + quoteIdentifier(table + "_parent") + " (nodeno, parentnode) VALUES (?, ?)");
  auto putRowid = db.prepare("INSERT INTO " + quoteIdentifier(table + "_rowid") + " (rowid, nodeno) VALUES (?, ?)");
  std::vector<std::uint8_t> blob(nodeSize);
  for (std::size_t i = 0; i < t.nodes.size(); ++i) {
    const bool leaf = i < t.leaves;
    std::fill(blob.begin(), blob.end(), std::uint8_t(0));
    if (i == root) putBigEndian(blob.data(), std::uint64_t(t.depth), 2);
    putBigEndian(blob.data() + 2, t.nodes[i].cells.size(), 2);
    std::uint8_t* at = blob.data() + 4;
    for (const Cell& c : t.nodes[i].cells) {
      const std::int64_t id = leaf ? c.id : number[std::size_t(c.id)];
      putBigEndian(at, std::uint64_t(id), 8);
      at += 8;
      for (int d = 0; d < dims; ++d, at += 8) {
        putBigEndian(at, std::bit_cast<std::uint32_t>(c.lo[d]), 4);
        putBigEndian(at + 4, std::bit_cast<std::uint32_t>(c.hi[d]), 4);
      }
      auto& put = leaf ? *putRowid : *putParent;
      put.bind(1, id), put.bind(2, number[i]);
      put.run();
    }
    putNode->bind(1, number[i]);
    putNode->bindBlob(2, blob);
    putNode->run();
  }
}

}  // namespace

void bulkLoadRtree(Db& db, const std::string& table, int dims, std::vector<RtreeEntry> entries) {
  auto columns = db.prepare("SELECT count(*) FROM pragma_table_info(?)");
  columns->bind(1, std::string_view(table));
  const std::int64_t declared = columns->step() ? columns->int64(0) : 0;
  const auto nodeSize = std::size_t(
      single(db, "SELECT length(data) FROM " + quoteIdentifier(table + "_node") + " WHERE nodeno = 1"));
  const std::size_t cellBytes = 8 + 8 * std::size_t(dims);
  if (dims < 2 || dims > 3 || declared != 1 + 2 * dims || nodeSize < 4 + 2 * cellBytes)
    throw DbError("the R-tree " + table + " (" + std::to_string(declared) + " columns, nodes of " +
                  std::to_string(nodeSize) + " bytes) is not one of " + std::to_string(dims) + " dimensions");
  if (single(db, "SELECT count(*) FROM " + quoteIdentifier(table + "_rowid")) != 0)
    throw DbError("the R-tree " + table + " is not empty");
  if (entries.empty()) return;
  // Nodes filled to 70 %, about as full as the module's own inserts leave them: completely full nodes made every
  // insert of the next update split its leaf, and the split its parent (1000 rows of a whole-city update: 0.15 s of
  // R-tree inserts at 100 %, 0.05 s at 70 %).
  const std::size_t perNode = std::max<std::size_t>(2, (nodeSize - 4) / cellBytes * 7 / 10);
  const Tree tree = pack(entries, dims, perNode);
  if (tree.depth > 0xffff) throw DbError("the R-tree " + table + " would be too deep");
  write(db, table, dims, nodeSize, tree);
}

}  // namespace cim::store::detail
