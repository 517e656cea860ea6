// The versioned store (cim/store/store.h, docs/store.md): open, update by key, read as of a version, diff, log, copy.
// The SQL is written once for both databases; db.h hides the rest.
#include "cim/store/store.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <iterator>
#include <map>
#include <set>
#include <thread>
#include <unordered_map>

#include "cim/geo/crs.h"
#include "core/parallel.h"
#include "store/codec.h"
#include "store/rtree_bulk.h"
#include "store/schema.h"
#include "store/store_impl.h"

namespace cim::store {

using namespace detail;

Diagnostic detail::dbError(const DbError& e, const std::string& location) {
  return Diagnostic::error(e.busy ? ErrorCode::StoreBusy : ErrorCode::StoreFailed,
                           e.busy ? std::string("another writer holds the store; try again later (") + e.what() + ")"
                                  : std::string(e.what()),
                           location);
}

Diagnostic detail::readFailure(Db* db, const std::string& location) {
  Diagnostic failure;
  try {
    throw;
  } catch (const DbError& e) {
    failure = dbError(e, location);
  } catch (const std::invalid_argument& e) {
    failure = Diagnostic::error(ErrorCode::StoreVersionUnknown, e.what(), location);
  }
  if (db) db->rollback();
  return failure;
}

Result<std::optional<geo::Crs>> Store::Impl::sceneCrs() const {
  using R = Result<std::optional<geo::Crs>>;
  if (crs.empty()) return R::success(std::nullopt);
  auto c = geo::Crs::fromUserInput(crs);
  if (!c.ok()) return R::failureFrom(c);
  return R::success(std::optional<geo::Crs>(std::move(c).value()));
}

namespace {

using report::detail::nowUtc;

SrsInfo srsFor(const std::string& crsDefinition) {
  SrsInfo srs;
  if (crsDefinition.empty()) return srs;  // local scene: undefined cartesian (-1)
  const auto plus = crsDefinition.find('+');
  const auto code = geo::epsgCodeFromText(crsDefinition.substr(0, plus));
  if (code) {
    srs.id = srs.code = *code;
    srs.organization = "EPSG";
    auto horizontal = geo::Crs::fromUserInput("EPSG:" + std::to_string(*code));
    srs.name = horizontal.ok() ? horizontal->name() : "EPSG:" + std::to_string(*code);
    srs.wkt = horizontal.ok() ? horizontal->wkt() : "undefined";
    return srs;
  }
  auto crs = geo::Crs::fromUserInput(crsDefinition);
  srs.id = 100000;
  srs.code = 100000;
  srs.organization = "libcim";
  srs.name = crs.ok() ? crs->name() : crsDefinition;
  srs.wkt = crs.ok() ? crs->wkt() : "undefined";
  return srs;
}

// A stored element row of one version, without its blob.
struct RowInfo {
  std::int64_t row = 0, element = 0, hash = 0;
  std::string layer, key, kind, name, gis;
};

constexpr const char* kValidAt = "valid_from <= ? AND (valid_to IS NULL OR valid_to > ?)";
// The same rows, written so that PostgreSQL reads a whole version in one sequential scan of the table: it would
// otherwise take a bitmap scan over the current-rows index, which reads the table's pages one at a time (the full
// synthetic city from a cold cache: 2.0 s against 0.2 s).
constexpr const char* kValidAtScan = "valid_from <= ? AND coalesce(valid_to, 9223372036854775807) > ?";

// The rows a statement selecting kRowInfoColumns gives (it is reset for its next use).
constexpr const char* kRowInfoColumns = "SELECT row, element, hash, layer, key, kind, name, gis FROM cim_element WHERE ";
void readRowInfos(Statement& s, std::vector<RowInfo>& out) {
  while (s.step())
    out.push_back({s.int64(0), s.int64(1), s.int64(2), s.text(3), s.text(4), s.text(5), s.text(6), s.text(7)});
  s.reset();
}

std::vector<RowInfo> rowsWhere(Db& db, const std::string& where, std::optional<std::int64_t> version) {
  auto s = db.prepare(kRowInfoColumns + where);
  if (version) s->bind(1, *version), s->bind(2, *version);
  std::vector<RowInfo> out;
  readRowInfos(*s, out);
  return out;
}

// Runs `prefix IN (?, ?, ...)` for `count` values, kInChunk at a time (fewer for the last): `run` binds the chunk's
// values from `from` (after any of the prefix's own parameters) and reads its rows. A change set of 1000 elements is
// then 4 round trips to PostgreSQL instead of 1000.
constexpr std::size_t kInChunk = 256;
void selectIn(Db& db, const std::string& prefix, std::size_t count,
              const std::function<void(Statement&, std::size_t from, std::size_t count)>& run) {
  std::unique_ptr<Statement> full;
  for (std::size_t from = 0; from < count; from += kInChunk) {
    const std::size_t n = std::min(kInChunk, count - from);
    std::string sql = prefix + " IN (";
    for (std::size_t i = 0; i < n; ++i) sql += i ? ", ?" : "?";
    sql += ")";
    if (n < kInChunk) {
      run(*db.prepare(sql), from, n);
      continue;
    }
    if (!full) full = db.prepare(sql);
    run(*full, from, n);
  }
}

// The stored elements of element rows, by row; each blob decoded where the statement holds it.
std::unordered_map<std::int64_t, model::Element> elementsAt(Db& db, const std::vector<std::int64_t>& rows) {
  std::unordered_map<std::int64_t, model::Element> out;
  selectIn(db, "SELECT row, payload FROM cim_element WHERE row", rows.size(),
           [&](Statement& s, std::size_t from, std::size_t n) {
             for (std::size_t i = 0; i < n; ++i) s.bind(int(1 + i), rows[from + i]);
             while (s.step()) {
               const std::int64_t row = s.int64(0);
               auto e = decodeElement(s.blobView(1));
               if (!e) throw DbError("element row " + std::to_string(row) + " holds a blob this libcim cannot read");
               out.emplace(row, std::move(*e));
             }
             s.reset();
           });
  for (const auto row : rows)
    if (!out.count(row)) throw DbError("element row " + std::to_string(row) + " is missing");
  return out;
}

std::int64_t maxOf(Db& db, const std::string& column, const std::string& table) {
  auto s = db.prepare("SELECT max(" + column + ") FROM " + table);
  return s->step() && !s->isNull(0) ? s->int64(0) : 0;
}

// What an element's rows hold besides their numbers, made without the database: on the encoding threads while the
// writer is busy with the rows before (applyWrites).
struct RowContent {
  Blob payload;
  std::int64_t hash = 0;   // the element's content hash, where the encoding made it (a first import)
  std::string attributes;  // JSON
  geometry::Aabb bounds;
  std::string gis;        // the GIS layer, empty for none
  Blob gisGeometry;       // its geometry: GeoPackage geometry (SQLite) or ISO WKB (PostgreSQL)
  std::vector<std::pair<std::string, GisValue>> gisFields;
};

RowContent rowContent(const model::Element& e, Blob payload, Dialect dialect, int srsId) {
  RowContent c{std::move(payload), 0, attributesJson(e.attributes), e.worldBounds(), gisLayerOf(e), {}, {}};
  if (c.gis.empty()) return c;
  c.gisGeometry = shapeWkb(e);
  if (dialect == Dialect::Sqlite) c.gisGeometry = gpkgGeometry(c.gisGeometry, srsId);
  c.gisFields = gisFields(e);
  return c;
}

// The prepared statements that write element rows (cim_element, its box index and the GIS layer row).
class RowWriter {
 public:
  /// `load`: the rows go into a new store (a first import, a copy) whose tables this transaction made. The
  /// GeoPackage's box index is then packed at once by finish() instead of taking the boxes one insert at a time;
  /// PostgreSQL loads the tables frozen (Db::prepareInsert).
  RowWriter(Db& db, int srsId, bool load = false) : db_(db), srsId_(srsId), load_(load) {
    const bool pg = db.dialect() == Dialect::Postgres;
    std::vector<Column> columns = {{"row", 'i'},  {"element", 'i'}, {"layer", 't'},   {"key", 't'},
                                   {"guid", 't'}, {"kind", 't'},    {"name", 't'},    {"attributes", 't'},
                                   {"payload", 'b'}, {"hash", 'i'}, {"gis", 't'},     {"minx", 'r'},
                                   {"miny", 'r'}, {"minz", 'r'},    {"maxx", 'r'},    {"maxy", 'r'},
                                   {"maxz", 'r'}, {"valid_from", 'i'}, {"valid_to", 'i'}};
    if (pg) columns.push_back({"bbox", 'g', 0});  // the box's diagonal, a LineString Z
    element_ = db.prepareInsert("cim_element", columns, load);
    if (!pg) rtree_ = db.prepare("INSERT INTO cim_element_bbox VALUES (?, ?, ?, ?, ?, ?, ?)");
    end_ = db.prepare("UPDATE cim_element SET valid_to = ? WHERE row = ?");
  }

  void insert(std::int64_t row, std::int64_t element, const std::string& layer, const std::string& key,
              const model::Element& e, const RowContent& content, std::int64_t hash, std::int64_t from,
              std::optional<std::int64_t> to) {
    const auto& b = content.bounds;
    const std::string& gis = content.gis;
    auto& s = *element_;
    s.bind(1, row), s.bind(2, element), s.bind(3, std::string_view(layer)), s.bind(4, std::string_view(key));
    s.bind(5, std::string_view(e.guid)), s.bind(6, std::string_view(e.kind)), s.bind(7, std::string_view(e.name));
    s.bind(8, std::string_view(content.attributes));
    s.bindBlob(9, content.payload);
    s.bind(10, hash);
    gis.empty() ? s.bindNull(11) : s.bind(11, std::string_view(gis));
    for (int i = 0; i < 3; ++i) {
      if (b.empty()) {
        s.bindNull(12 + i), s.bindNull(15 + i);
      } else {
        s.bind(12 + i, b.min[i]), s.bind(15 + i, b.max[i]);
      }
    }
    s.bind(18, from);
    s.bind(19, to);
    if (db_.dialect() == Dialect::Postgres) {
      if (b.empty()) {
        s.bindNull(20);
      } else {
        Blob line(9 + 48);  // ISO WKB: little-endian LineString Z (1002) of 2 points
        const std::uint32_t head[2] = {1002, 2};
        const double corners[6] = {b.min.x(), b.min.y(), b.min.z(), b.max.x(), b.max.y(), b.max.z()};
        line[0] = 1;
        std::memcpy(line.data() + 1, head, 8);
        std::memcpy(line.data() + 9, corners, 48);
        s.bindBlob(20, line);
      }
    }
    s.run();
    if (rtree_ && !b.empty() && load_) {
      RtreeEntry& box = boxes_.emplace_back();
      box.id = row;
      for (int i = 0; i < 3; ++i) box.min[i] = b.min[i], box.max[i] = b.max[i];
    } else if (rtree_ && !b.empty()) {
      rtree_->bind(1, row);
      for (int i = 0; i < 3; ++i) rtree_->bind(2 + 2 * i, b.min[i]), rtree_->bind(3 + 2 * i, b.max[i]);
      rtree_->run();
    }
    if (!gis.empty()) insertGis(content, row, element, layer, key, e, from, to);
  }

  /// After the rows, before the commit: fills the box index of a load (GeoPackage); creates again the GIS layers'
  /// R-tree triggers an update set aside.
  void finish() {
    if (rtree_ && load_) bulkLoadRtree(db_, "cim_element_bbox", 3, std::move(boxes_));
    boxes_.clear();
    for (const auto& [table, aside] : setAside_)
      for (const auto& sql : aside.triggers) db_.exec(sql);
    setAside_.clear();
  }

  void end(std::int64_t row, const std::string& gis, std::int64_t version) {
    end_->bind(1, version), end_->bind(2, row);
    end_->run();
    if (gis.empty()) return;
    auto& s = gisEnd_[gis];
    if (!s) s = db_.prepare("UPDATE " + quoteIdentifier(gis) + " SET valid_to = ? WHERE fid = ?");
    s->bind(1, version), s->bind(2, row);
    s->run();
  }

 private:
  void insertGis(const RowContent& content, std::int64_t row, std::int64_t element, const std::string& layer,
                 const std::string& key, const model::Element& e, std::int64_t from, std::optional<std::int64_t> to) {
    const std::string& gis = content.gis;
    const auto& fields = content.gisFields;
    auto& s = gis_[gis];
    if (!s) {
      if (!load_ && db_.dialect() == Dialect::Sqlite) setAsideTriggers(gis);
      std::vector<Column> columns = {{"fid", 'i'},  {"geom", 'g', srsId_ < 0 ? 0 : srsId_}, {"element", 'i'},
                                     {"key", 't'},  {"guid", 't'}, {"name", 't'}, {"layer", 't'},
                                     {"valid_from", 'i'}, {"valid_to", 'i'}};
      for (const auto& [name, type] : gisColumns(gis)) columns.push_back({name, type});
      if (columns.size() != 9 + fields.size()) throw DbError("the fields of the GIS layer " + gis + " do not match it");
      s = db_.prepareInsert(gis, columns, load_);
    }
    s->bind(1, row);
    s->bindBlob(2, content.gisGeometry);
    s->bind(3, element), s->bind(4, std::string_view(key)), s->bind(5, std::string_view(e.guid));
    s->bind(6, std::string_view(e.name)), s->bind(7, std::string_view(layer));
    s->bind(8, from), s->bind(9, to);
    int i = 10;
    for (const auto& [name, value] : fields) {
      if (const auto* v = std::get_if<std::int64_t>(&value)) s->bind(i, *v);
      else if (const auto* d = std::get_if<double>(&value)) s->bind(i, *d);
      else if (const auto* t = std::get_if<std::string>(&value)) s->bind(i, std::string_view(*t));
      else s->bindNull(i);
      ++i;
    }
    s->run();
    if (const auto it = setAside_.find(gis); it != setAside_.end()) {
      Statement& r = *it->second.rtreeInsert;
      r.bindBlob(1, content.gisGeometry);
      r.bind(2, row);
      r.run();
    }
  }

  // An update's GIS rows go into their layer's GeoPackage R-tree directly, as the layer's insert trigger would put
  // them (the same SQL functions, the same condition), while the layer's R-tree triggers are set aside: dropped here
  // and created again from their own SQL by finish(), in the same transaction, so that no other connection ever
  // sees the layer without them. Measured on the synthetic city's pipes layer: an insert whose trigger fills the
  // R-tree 30-45 µs, the insert and the R-tree row directly 12 µs; ending a row no longer runs the update triggers
  // (which do nothing when neither the geometry nor the fid changes, as when a row is ended).
  void setAsideTriggers(const std::string& table) {
    const std::string rtree = "rtree_" + table + "_geom";
    if (!db_.hasTable(rtree)) return;
    auto q = db_.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? AND "
                         "substr(name, 1, ?) = ?");
    const std::string prefix = rtree + "_";
    q->bind(1, std::string_view(table)), q->bind(2, std::int64_t(prefix.size())), q->bind(3, std::string_view(prefix));
    std::vector<std::pair<std::string, std::string>> triggers;
    while (q->step()) triggers.emplace_back(q->text(0), q->text(1));
    q.reset();
    auto& kept = setAside_[table];
    for (const auto& [name, sql] : triggers) {
      db_.exec("DROP TRIGGER " + quoteIdentifier(name));
      kept.triggers.push_back(sql);
    }
    kept.rtreeInsert = db_.prepare("INSERT OR REPLACE INTO " + quoteIdentifier(rtree) +
                                   " SELECT ?2, ST_MinX(?1), ST_MaxX(?1), ST_MinY(?1), ST_MaxY(?1) WHERE ?1 NOT NULL "
                                   "AND NOT ST_IsEmpty(?1)");
  }

  Db& db_;
  int srsId_;
  bool load_;
  std::vector<RtreeEntry> boxes_;  // of a load, for finish()
  std::unique_ptr<Statement> element_, rtree_, end_;
  std::map<std::string, std::unique_ptr<Statement>> gis_, gisEnd_;
  // A GIS layer whose R-tree triggers an update set aside: their SQL, and the insert that does their work.
  struct SetAside {
    std::vector<std::string> triggers;
    std::unique_ptr<Statement> rtreeInsert;
  };
  std::map<std::string, SetAside> setAside_;  ///< by layer
};

}  // namespace

std::string automaticKey(const model::Element& e) {
  if (const auto* p = e.pipe())
    return !p->startPointId.empty() && !p->endPointId.empty() ? p->startPointId + "-" + p->endPointId : "id:" + p->id;
  if (const auto* w = e.well()) return w->pointId.empty() ? e.guid : w->pointId;
  if (const auto* f = e.site())
    return e.kind + ":" + (f->sourceId.empty() ? "#" + std::to_string(f->featureIndex) : f->sourceId);
  return !e.guid.empty() ? e.guid : e.kind + ":" + e.name;
}

namespace {

std::optional<std::string> fieldValue(const model::Element& e, const std::string& field) {
  const auto* p = e.pipe();
  auto nonEmpty = [](const std::string& s) { return s.empty() ? std::nullopt : std::optional<std::string>(s); };
  if (field == "guid" || field == "GUID") return nonEmpty(e.guid);
  if (field == "name") return nonEmpty(e.name);
  if (field == "start" || field == "S_Exp" || field == "起点点号") return p ? nonEmpty(p->startPointId) : std::nullopt;
  if (field == "end" || field == "E_Exp" || field == "终点点号") return p ? nonEmpty(p->endPointId) : std::nullopt;
  if (field == "id") {
    if (p) return nonEmpty(p->id);
    if (const auto* w = e.well()) return nonEmpty(w->pointId);
    if (const auto* f = e.site()) return nonEmpty(f->sourceId);
    return std::nullopt;
  }
  const auto it = e.attributes.find(field);
  if (it == e.attributes.end() || std::holds_alternative<std::monostate>(it->second)) return std::nullopt;
  return attributeText(it->second);
}

std::vector<AttributeChange> attributeChanges(const model::Element& a, const model::Element& b) {
  std::vector<AttributeChange> out;
  if (a.name != b.name) out.push_back({"name", a.name, b.name});
  std::set<std::string> keys;
  for (const auto& [k, v] : a.attributes) keys.insert(k);
  for (const auto& [k, v] : b.attributes) keys.insert(k);
  for (const auto& k : keys) {
    if (k == "pipe.source" || k == "pipe.row") continue;  // provenance, not content
    const auto ia = a.attributes.find(k), ib = b.attributes.find(k);
    const bool ha = ia != a.attributes.end(), hb = ib != b.attributes.end();
    if (ha && hb && ia->second == ib->second) continue;
    out.push_back({k, ha ? attributeText(ia->second) : "", hb ? attributeText(ib->second) : ""});
  }
  return out;
}

Change changeOf(const RowInfo& row, const model::Element& before, const model::Element& after) {
  Change c;
  c.kind = Change::Kind::Changed;
  c.layer = row.layer, c.key = row.key, c.elementKind = after.kind, c.name = after.name;
  const auto g = geometryChange(before, after);
  c.moved = g.moved, c.meshChanged = g.meshOnly;
  c.displacementMeters = c.moved ? displacementMeters(before, after) : 0.0;
  c.attributes = attributeChanges(before, after);
  return c;
}

void sortChanges(std::vector<Change>& changes) {
  std::sort(changes.begin(), changes.end(), [](const Change& a, const Change& b) {
    return std::tie(a.layer, a.key) < std::tie(b.layer, b.key);
  });
}

}  // namespace

void Store::Impl::loadMeta() {
  auto s = db->prepare("SELECT key, value FROM cim_meta");
  hashVersion = 1;  // stores made before hash_version was recorded
  while (s->step()) {
    const std::string k = s->text(0), v = s->text(1);
    if (k == "crs") crs = v;
    if (k == "srs_id") srsId = std::stoi(v);
    if (k == "schema_version") schemaVersion = std::atoi(v.c_str());
    if (k == "hash_version") hashVersion = std::atoi(v.c_str());
  }
  if (db->dialect() == Dialect::Postgres) {
    auto o = db->prepare("SELECT o.opcname FROM pg_index i JOIN pg_opclass o ON o.oid = i.indclass[0] WHERE "
                         "i.indexrelid = to_regclass('cim_element_bbox')");
    ndBoxIndex = o->step() && o->text(0) == "gist_geometry_ops_nd";
  }
}

void Store::Impl::writeSchema(const std::string& crsDefinition, bool deferIndexes, int hashes) {
  const SrsInfo srs = srsFor(crsDefinition);
  createSchema(*db, srs, deferIndexes);
  auto s = db->prepare("INSERT INTO cim_meta (key, value) VALUES (?, ?)");
  const std::pair<std::string, std::string> meta[] = {{"application", "libcim"},
                                                      {"schema_version", std::to_string(kSchemaVersion)},
                                                      {"crs", crsDefinition},
                                                      {"srs_id", std::to_string(srs.id)},
                                                      {"hash_version", std::to_string(hashes)},
                                                      {"created", nowUtc()}};
  for (const auto& [k, v] : meta) s->bind(1, std::string_view(k)), s->bind(2, std::string_view(v)), s->run();
  crs = crsDefinition;
  srsId = srs.id;
  schemaVersion = kSchemaVersion;
  hashVersion = hashes;
  fresh = false;
}

std::int64_t Store::Impl::resolveIn(const AsOf& asOf) {
  const std::int64_t current = maxOf(*db, "version", "cim_version");
  if (!asOf.version && asOf.time.empty()) return current;
  if (asOf.version) {
    if (*asOf.version < 1 || *asOf.version > current)
      throw std::invalid_argument("version " + std::to_string(*asOf.version) + " does not exist (the store has " +
                                  std::to_string(current) + ")");
    return *asOf.version;
  }
  std::string until = asOf.time;
  if (until.size() == 10) until += "T23:59:59Z";  // a date: the end of that day
  auto s = db->prepare("SELECT max(version) FROM cim_version WHERE time <= ?");
  s->bind(1, std::string_view(until));
  if (!s->step() || s->isNull(0))
    throw std::invalid_argument("no version was made at or before " + asOf.time);
  return s->int64(0);
}


Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

Store::Impl::~Impl() {
  db.reset();  // closed first
  if (!madeFile || !fresh) return;
  std::error_code ec;
  if (std::filesystem::file_size(location, ec) == 0 && !ec) std::filesystem::remove(location, ec);
}

bool isPostgresLocation(const std::string& location) {
  return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0 ||
         location.rfind("pg:", 0) == 0 || location.find("dbname=") != std::string::npos ||
         location.find("host=") != std::string::npos;
}

AsOf AsOf::parse(const std::string& text) {
  AsOf a;
  if (text.empty()) return a;
  if (std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }) && text.size() < 10)
    a.version = std::stoll(text);
  else
    a.time = text;
  return a;
}

Result<Store> Store::open(const std::string& location, bool create) {
  auto impl = std::make_unique<Impl>();
  impl->postgres = isPostgresLocation(location);
  impl->location = impl->postgres ? redactConnection(location) : location;
  try {
    if (impl->postgres) {
      impl->db = openPostgres(location.rfind("pg:", 0) == 0 ? location.substr(3) : location);
    } else {
      const bool exists = std::filesystem::exists(location);
      if (!exists && !create)
        return Result<Store>::failure(
            Diagnostic::error(ErrorCode::FileNotFound, "no store at " + location + " (create one with `cim store import`)", location));
      impl->db = openSqlite(location, create);
      impl->madeFile = !exists;
    }
    auto& db = *impl->db;
    if (!db.hasTable("cim_meta")) {
      bool empty = true;
      if (db.dialect() == Dialect::Sqlite) {
        auto s = db.prepare("SELECT count(*) FROM sqlite_master");
        empty = s->step() && s->int64(0) == 0;
      } else {
        // Tables of the current schema other than PostGIS's own (spatial_ref_sys and its views).
        auto s = db.prepare(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name NOT "
            "IN ('spatial_ref_sys', 'geometry_columns', 'geography_columns', 'raster_columns', 'raster_overviews')");
        empty = s->step() && s->int64(0) == 0;
      }
      if (!create || !empty)
        return Result<Store>::failure(Diagnostic::error(
            ErrorCode::StoreUnreadable,
            impl->location + " is not a libcim store (it has no cim_meta table)" +
                (create && !empty ? "; a new store needs an empty database or a new file" : ""),
            impl->location));
      impl->fresh = true;
      // 16 KB pages keep a typical element blob (a few KB) on its page rather than in an overflow chain.
      // The first import goes in with a rollback journal: into an empty file it writes each page once (new pages
      // need no journal), where WAL writes them twice (log, then checkpoint). WAL follows its commit.
      if (db.dialect() == Dialect::Sqlite) db.exec("PRAGMA page_size = 16384");
      return Result<Store>::success(Store(std::move(impl)));
    }
    int version = 0;
    {  // (finalized here: a statement left open holds a read transaction, and journal_mode cannot change in one)
      auto s = db.prepare("SELECT value FROM cim_meta WHERE key = 'schema_version'");
      version = s->step() ? std::atoi(s->text(0).c_str()) : 0;
    }
    if (version > kSchemaVersion)
      return Result<Store>::failure(Diagnostic::error(
          ErrorCode::StoreSchemaTooNew,
          impl->location + " is a store of schema version " + std::to_string(version) + "; this libcim reads up to " +
              std::to_string(kSchemaVersion) + ": use a newer libcim",
          impl->location));
    if (version < 1)
      return Result<Store>::failure(Diagnostic::error(
          ErrorCode::StoreUnreadable, impl->location + " is not a libcim store (no schema_version)", impl->location));
    impl->loadMeta();
    // Readers never wait for the writer (set only on a store: opening someone else's GeoPackage changes nothing).
    if (db.dialect() == Dialect::Sqlite) db.exec("PRAGMA journal_mode = WAL");
  } catch (const DbError& e) {
    return Result<Store>::failure(Diagnostic::error(
        ErrorCode::StoreUnreadable, impl->location + " cannot be opened as a libcim store: " + e.what(), impl->location));
  }
  return Result<Store>::success(Store(std::move(impl)));
}

std::string Store::location() const { return impl_->location; }
bool Store::isPostgres() const { return impl_->postgres; }
Result<std::string> Store::crs() { return Result<std::string>::success(impl_->crs); }
Result<std::optional<geo::Crs>> Store::sceneCrs() { return impl_->sceneCrs(); }

Result<UpdateReport> Store::import(const model::Scene& scene, const UpdateOptions& options) {
  UpdateOptions o = options;
  o.keyFields.clear();
  return update(scene, o);
}

namespace {

struct Incoming {
  const model::Element* element;
  const std::string* layer;
  std::string key;
  std::int64_t hash = 0;
};

// A (layer, key) pair looked up by value without building one string of both: an update matches 100,000s of them.
struct LayerKey {
  std::string_view layer, key;
  bool operator==(const LayerKey&) const = default;
};
struct LayerKeyHash {
  std::size_t operator()(const LayerKey& k) const {
    const std::size_t a = std::hash<std::string_view>{}(k.layer), b = std::hash<std::string_view>{}(k.key);
    return a ^ (b + 0x9E3779B97F4A7C15ull + (a << 6) + (a >> 2));
  }
};

// Keys of the incoming elements: by the key fields (falling back to the automatic key where a field is missing),
// made unique within a layer by "#2", "#3" ... (each reported).
std::vector<Incoming> incomingKeys(const model::Scene& scene, const std::vector<std::string>& fields,
                                   std::vector<Diagnostic>& diagnostics) {
  std::vector<Incoming> out;
  out.reserve(scene.elementCount());  // never moved: `seen` looks at the keys in place
  std::size_t missing = 0, repeated = 0;
  std::string firstMissing, firstRepeated;
  std::unordered_map<LayerKey, int, LayerKeyHash> seen;  // how often each natural key came
  seen.reserve(scene.elementCount());
  for (const auto& layer : scene.layers())
    for (const auto& e : layer.elements) {
      std::string key;
      bool ok = !fields.empty();
      for (const auto& f : fields) {
        const auto v = fieldValue(e, f);
        if (!v) {
          ok = false;
          break;
        }
        key += (key.empty() ? "" : "|") + *v;
      }
      if (!ok) {
        if (!fields.empty() && missing++ == 0) firstMissing = layer.name + " " + e.name;
        key = automaticKey(e);
      }
      out.push_back({&e, &layer.name, std::move(key), 0});
      auto& added = out.back().key;
      if (const int n = ++seen.try_emplace(LayerKey{layer.name, added}, 0).first->second; n > 1) {
        if (repeated++ == 0) firstRepeated = layer.name + " " + added;
        added += "#" + std::to_string(n);  // the map keeps the first one's key
      }
    }
  if (missing)
    diagnostics.push_back(Diagnostic::warning(
        ErrorCode::StoreKeyMissing,
        std::to_string(missing) + " element(s) lack a key field; they were matched by their automatic key (first: " +
            firstMissing + ")"));
  if (repeated)
    diagnostics.push_back(Diagnostic::warning(
        ErrorCode::StoreKeyRepeated,
        std::to_string(repeated) + " element(s) repeat another's key in their layer and were numbered #2, #3 ... " +
            "(first: " + firstRepeated + ")"));
  return out;
}

// The content hashes of the incoming elements, of the store's hash version (in parallel).
void hashIncoming(std::vector<Incoming>& incoming, int version) {
  cim::detail::parallelFor(incoming.size(), cim::detail::workerCount(),
                           [&](std::size_t i) { incoming[i].hash = contentHash(*incoming[i].element, version); });
}

Diagnostic hashVersionUnknown(int version, const std::string& location) {
  return Diagnostic::error(ErrorCode::StoreSchemaTooNew,
                           location + " holds content hashes of version " + std::to_string(version) +
                               "; this libcim makes versions 1 to " + std::to_string(model::detail::kHashVersion) +
                               ": update it with a newer libcim",
                           location);
}

}  // namespace

namespace {

// A partial update of at most this many elements looks its keys up (in the index cim_element_key, selectIn);
// a larger one reads every current row, as a full update does.
constexpr std::size_t kLookupLimit = 50000;

// The current rows of the incoming elements' keys, looked up by (layer, key): a change set of a few hundred pipes
// reads a few hundred rows, not the city's. The index is made by the first partial update of a store (docs/store.md).
std::vector<RowInfo> currentRowsOf(Db& db, const std::vector<Incoming>& incoming) {
  db.exec("CREATE INDEX IF NOT EXISTS cim_element_key ON cim_element (layer, key) WHERE valid_to IS NULL");
  std::map<std::string_view, std::set<std::string_view>> keys;  // by layer, each key once
  for (const auto& in : incoming) keys[*in.layer].insert(in.key);
  std::vector<RowInfo> out;
  for (const auto& [layer, set] : keys) {
    const std::vector<std::string_view> list(set.begin(), set.end());
    selectIn(db, std::string(kRowInfoColumns) + "valid_to IS NULL AND layer = ? AND key", list.size(),
             [&](Statement& s, std::size_t from, std::size_t count) {
               s.bind(1, layer);
               for (std::size_t i = 0; i < count; ++i) s.bind(int(2 + i), list[from + i]);
               readRowInfos(s, out);
             });
  }
  return out;
}

// What an update does to one incoming element: write it as a new element, or as the next row of a stored one.
struct Write {
  const Incoming* in;
  const RowInfo* old;  ///< the row it replaces, or null for a new element
};

// Matches the incoming elements to the current rows by layer and key: the writes, which rows were matched, and how
// many matched rows are unchanged.
std::vector<Write> planWrites(const std::vector<Incoming>& incoming, const std::vector<RowInfo>& current,
                              std::vector<bool>& matched, std::size_t& unchanged) {
  std::unordered_map<LayerKey, std::size_t, LayerKeyHash> byKey;
  byKey.reserve(current.size());
  for (std::size_t i = 0; i < current.size(); ++i) byKey.insert_or_assign(LayerKey{current[i].layer, current[i].key}, i);
  matched.assign(current.size(), false);
  std::vector<Write> writes;
  for (const auto& in : incoming) {
    const auto it = byKey.find(LayerKey{*in.layer, in.key});
    if (it != byKey.end() && !matched[it->second]) {
      matched[it->second] = true;
      if (current[it->second].hash == in.hash) ++unchanged;
      else writes.push_back({&in, &current[it->second]});
    } else {
      writes.push_back({&in, nullptr});
    }
  }
  return writes;
}

// Writes the rows of an update, the blobs encoded in parallel a batch at a time: the next batch is encoded on other
// threads while the database takes this one. Reports each change.
// `hashVersion`: the incoming elements are not hashed yet (a first import, which matches nothing): their hashes of
// this version are made with their rows, on the encoding threads, off the writer's path.
void applyWrites(Db& db, RowWriter& writer, const std::vector<Write>& writes, std::int64_t version,
                 int blobFormat, int srsId, int hashVersion, std::vector<Change>& changes) {
  std::int64_t nextRow = maxOf(db, "row", "cim_element") + 1, nextElement = maxOf(db, "element", "cim_element") + 1;
  constexpr std::size_t kBatch = 1024;
  using Batch = std::vector<RowContent>;
  auto encodeOne = [&](std::size_t start, Batch& b, std::size_t i) {
    const model::Element& e = *writes[start + i].in->element;
    b[i] = rowContent(e, encodeElement(e, blobFormat), db.dialect(), srsId);
    b[i].hash = hashVersion ? contentHash(e, hashVersion) : writes[start + i].in->hash;
  };
  // Encodes the items of `b` (the writes from `start`) not yet taken from `taken`, until none is left.
  auto encodeRest = [&](std::size_t start, Batch& b, std::atomic<std::size_t>& taken) {
    for (std::size_t i; (i = taken.fetch_add(1)) < b.size();) encodeOne(start, b, i);
  };
  const unsigned workers = cim::detail::workerCount();
  Batch current, next;
  if (!writes.empty()) {
    current.resize(std::min(kBatch, writes.size()));
    cim::detail::parallelFor(current.size(), workers, [&](std::size_t i) { encodeOne(0, current, i); });
  }
  for (std::size_t start = 0; start < writes.size(); start += kBatch) {
    // The next batch is encoded by the other threads while this one is written, and by this thread too once it is.
    const bool more = start + kBatch < writes.size();
    std::atomic<std::size_t> taken{0};
    std::vector<std::thread> ahead;
    struct Join {
      std::vector<std::thread>& threads;
      ~Join() {
        for (auto& t : threads)
          if (t.joinable()) t.join();
      }
    } join{ahead};
    if (more) {
      next.resize(std::min(kBatch, writes.size() - start - kBatch));
      for (unsigned t = 1; t < workers; ++t)
        ahead.emplace_back([&, start] { encodeRest(start + kBatch, next, taken); });
    }
    // The stored elements this batch replaces, read before any of its rows is written: reads and writes do not
    // alternate per row (PostgreSQL: one COPY per batch, not one per changed element).
    std::vector<std::int64_t> replaced;
    for (std::size_t i = start; i < start + current.size(); ++i)
      if (writes[i].old) replaced.push_back(writes[i].old->row);
    const auto before = elementsAt(db, replaced);
    for (std::size_t i = 0; i < current.size(); ++i) {
      const Incoming& in = *writes[start + i].in;
      const RowInfo* old = writes[start + i].old;
      if (old) {
        writer.end(old->row, old->gis, version);
        writer.insert(nextRow++, old->element, *in.layer, in.key, *in.element, current[i], current[i].hash, version,
                      std::nullopt);
        changes.push_back(changeOf(*old, before.at(old->row), *in.element));
        continue;
      }
      writer.insert(nextRow++, nextElement++, *in.layer, in.key, *in.element, current[i], current[i].hash, version,
                    std::nullopt);
      changes.push_back({Change::Kind::Added, *in.layer, in.key, in.element->kind, in.element->name, false, 0.0, false, {}});
    }
    // Where the encoding is behind, this thread takes its part instead of waiting (the writer waited 0.45-0.57 s in
    // all for the synthetic city's import on 2 cores, 0.13-0.23 s helping).
    if (more) encodeRest(start + kBatch, next, taken);
    for (auto& t : ahead) t.join();
    std::swap(current, next);
  }
}

void insertVersion(Db& db, const VersionInfo& info, const Diff& diff) {
  auto s = db.prepare("INSERT INTO cim_version VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  s->bind(1, info.number), s->bind(2, std::string_view(info.time)), s->bind(3, std::string_view(info.source));
  s->bind(4, std::string_view(info.message)), s->bind(5, std::string_view(info.kind));
  s->bind(6, std::int64_t(diff.added())), s->bind(7, std::int64_t(diff.removed()));
  s->bind(8, std::int64_t(diff.changed()));
  s->run();
}

// Ends the current rows the input lacks: of the input's layers, or (replaceAll) of every layer. Reports each.
void endAbsent(RowWriter& writer, const model::Scene& scene, const std::vector<RowInfo>& current,
               const std::vector<bool>& matched, bool replaceAll, std::int64_t version, std::vector<Change>& changes) {
  std::set<std::string> layersIn;
  for (const auto& l : scene.layers()) layersIn.insert(l.name);
  for (std::size_t i = 0; i < current.size(); ++i) {
    const auto& r = current[i];
    if (matched[i] || (!replaceAll && !layersIn.count(r.layer))) continue;
    writer.end(r.row, r.gis, version);
    changes.push_back({Change::Kind::Removed, r.layer, r.key, r.kind, r.name, false, 0.0, false, {}});
  }
}

// Whether two CRS definitions name the same CRS (equal text, or PROJ finds them equivalent).
bool sameCrs(const std::string& a, const std::string& b) {
  if (a == b) return true;
  const auto ca = geo::Crs::fromUserInput(a), cb = geo::Crs::fromUserInput(b);
  return ca.ok() && cb.ok() && ca->isEquivalentTo(*cb);
}

bool knownHashVersion(int v) { return v >= 1 && v <= model::detail::kHashVersion; }

// The store as the writer's lock finds it (another writer may have changed it since it was opened): a new store's
// schema written (`created`; its indexes once the rows are in), or the store's meta read again; a scene in another
// CRS refused; the incoming elements hashed again when they were hashed with another version than the store's (or
// not yet: `hashWithRows`). Returns the error that refuses the update, if any.
std::optional<Diagnostic> takeUnderLock(Store::Impl& impl, const std::string& sceneCrs, bool hashWithRows,
                                        int& hashed, std::vector<Incoming>& incoming, bool& created) {
  created = !impl.db->hasTable("cim_meta");
  if (created) {
    impl.writeSchema(sceneCrs, true);
    return std::nullopt;
  }
  impl.loadMeta();
  if (!sameCrs(impl.crs, sceneCrs)) {
    auto name = [](const std::string& c) { return c.empty() ? std::string("local metres") : c; };
    return Diagnostic::error(ErrorCode::IncompatibleCrs,
                             "the scene is in " + name(sceneCrs) + ", the store in " + name(impl.crs), impl.location);
  }
  if (hashWithRows || impl.hashVersion != hashed) {
    if (!knownHashVersion(impl.hashVersion)) return hashVersionUnknown(impl.hashVersion, impl.location);
    hashIncoming(incoming, hashed = impl.hashVersion);
  }
  return std::nullopt;
}

}  // namespace

Result<UpdateReport> Store::update(const model::Scene& scene, const UpdateOptions& options) {
  auto& db = *impl_->db;
  std::vector<Diagnostic> diagnostics;
  if (options.partial && options.replaceAll)
    return Result<UpdateReport>::failure(Diagnostic::error(
        ErrorCode::InvalidArgument, "a partial update removes nothing; it cannot also replace all", impl_->location));
  auto incoming = incomingKeys(scene, options.keyFields, diagnostics);
  // Hashed before the writer's lock is taken, with the hash version the store had at open; hashed again in the
  // rare case that it changed meanwhile. A new store's first import matches nothing: its elements are hashed (the
  // newest version) with their rows, on the encoding threads (applyWrites), unless another writer made the store
  // meanwhile.
  const bool hashWithRows = impl_->fresh;
  int hashed = impl_->fresh ? model::detail::kHashVersion : impl_->hashVersion;
  if (!knownHashVersion(hashed))
    return Result<UpdateReport>::failure(hashVersionUnknown(hashed, impl_->location), std::move(diagnostics));
  if (!hashWithRows) hashIncoming(incoming, hashed);
  const std::string sceneCrs = scene.crs() ? scene.crs()->definition() : "";
  bool created = false;  // the schema is written in this transaction (a rollback takes it back)
  try {
    db.beginWrite(options.waitMilliseconds);
    if (auto refused = takeUnderLock(*impl_, sceneCrs, hashWithRows, hashed, incoming, created)) {
      db.rollback();
      return Result<UpdateReport>::failure(std::move(*refused), std::move(diagnostics));
    }
    const auto current = options.partial && incoming.size() <= kLookupLimit ? currentRowsOf(db, incoming)
                                                                           : rowsWhere(db, "valid_to IS NULL", std::nullopt);
    UpdateReport report;
    const std::int64_t version = maxOf(db, "version", "cim_version") + 1;
    std::vector<bool> matched;
    const auto writes = planWrites(incoming, current, matched, report.unchanged);
    RowWriter writer(db, impl_->srsId, created);
    db.setBulk(true);  // PostgreSQL: rows are sent without a round trip each
    // A store of schema 1 keeps blobs of format 1, which the libcim that made it reads (codec.h).
    applyWrites(db, writer, writes, version, impl_->schemaVersion >= 2 ? kBlobFormat : 1, impl_->srsId,
                created && hashWithRows ? hashed : 0, report.diff.changes);
    if (!options.partial) endAbsent(writer, scene, current, matched, options.replaceAll, version, report.diff.changes);
    db.setBulk(false);  // waits for every row sent; throws the first failure
    writer.finish();
    if (created) createIndexes(db);
    sortChanges(report.diff.changes);
    report.diff.from = version - 1;
    report.diff.to = report.diff.changes.empty() ? version - 1 : version;
    if (report.diff.changes.empty()) {  // nothing changed: no version
      db.rollback();
      impl_->fresh = created;
      return Result<UpdateReport>::success(std::move(report), std::move(diagnostics));
    }
    VersionInfo info{version, nowUtc(), options.source, options.message, version == 1 ? "import" : "update"};
    insertVersion(db, info, report.diff);
    db.commit();
    report.version = info;
    if (created && db.dialect() == Dialect::Sqlite) try {
        db.exec("PRAGMA journal_mode = WAL");  // readers never wait again (else at the next open)
      } catch (const DbError&) {
      }
    // The registered checks follow the data: re-run on what this version touched. The version stands even when
    // they cannot run (their results stay behind until `runChecks` succeeds).
    auto checks = runChecks();
    for (auto& d : checks.takeDiagnostics()) {  // (a failure is a warning here: the version stands)
      if (d.severity == Severity::Error) d.severity = Severity::Warning;
      diagnostics.push_back(std::move(d));
    }
    if (checks.ok()) report.checks = std::move(checks).value();
    return Result<UpdateReport>::success(std::move(report), std::move(diagnostics));
  } catch (const DbError& e) {
    db.rollback();
    if (created) impl_->fresh = true;
    return Result<UpdateReport>::failure(dbError(e, impl_->location), std::move(diagnostics));
  }
}

Result<std::vector<VersionInfo>> Store::log() {
  auto& db = *impl_->db;
  std::vector<VersionInfo> out;
  if (impl_->fresh) return Result<std::vector<VersionInfo>>::success(out);
  try {
    auto s = db.prepare("SELECT version, time, source, message, kind FROM cim_version ORDER BY version");
    while (s->step()) out.push_back({s->int64(0), s->text(1), s->text(2), s->text(3), s->text(4)});
  } catch (const DbError& e) {
    return Result<std::vector<VersionInfo>>::failure(dbError(e, impl_->location));
  }
  return Result<std::vector<VersionInfo>>::success(std::move(out));
}

Result<std::int64_t> Store::currentVersion() { return resolve({}); }

Result<std::int64_t> Store::resolve(const AsOf& asOf) {
  if (impl_->fresh) {
    if (!asOf.version && asOf.time.empty()) return Result<std::int64_t>::success(0);
    return Result<std::int64_t>::failure(
        Diagnostic::error(ErrorCode::StoreVersionUnknown, "the store has no versions yet", impl_->location));
  }
  try {
    return Result<std::int64_t>::success(impl_->resolveIn(asOf));
  } catch (...) {
    return Result<std::int64_t>::failure(readFailure(nullptr, impl_->location));
  }
}

namespace {

// An element row read by Store::Impl::readScene.
struct ReadRow {
  std::int64_t row, element;
  std::string layer;
  Blob payload;                        ///< a copy, where the statement does not keep its rows
  std::span<const std::uint8_t> view;  ///< the payload in the statement's result, where it keeps them
  std::optional<model::Element> decoded;

  /// Decodes the payload (the view, where there is one) and lets go of its bytes.
  void decode() {
    decoded = decodeElement(view.empty() ? std::span<const std::uint8_t>(payload) : view);
    Blob().swap(payload);
    view = {};
  }
};

// Steps a statement selecting (row, layer, payload, element) to its end, appends its rows (each element once when
// `seen` is given) with their elements decoded, and resets it. The decoding overlaps the reading: rows go to the
// other threads in chunks while this one steps on (streamFor). A statement that keeps its whole result in memory
// (PostgreSQL, unless streamed) has its blobs decoded where they are, before the reset frees them (copying them out
// took 0.36 s of a 1.5 s read of the synthetic city, reading the views 0.03 s).
void readDecoded(Statement& s, std::set<std::int64_t>* seen, std::vector<ReadRow>& rows) {
  const bool kept = s.keepsRows();
  auto read = cim::detail::streamFor<ReadRow>(
      cim::detail::workerCount(), 256,
      [&](std::vector<ReadRow>& chunk) {
        if (!s.step()) return false;
        const std::int64_t element = s.int64(3);
        if (seen && !seen->insert(element).second) return true;
        ReadRow& r = chunk.emplace_back(ReadRow{s.int64(0), element, s.text(1), {}, {}, std::nullopt});
        if (kept) r.view = s.blobView(2);
        else r.payload = s.blob(2);
        return true;
      },
      [](ReadRow& r) { r.decode(); });
  s.reset();
  if (rows.empty()) rows = std::move(read);
  else rows.insert(rows.end(), std::make_move_iterator(read.begin()), std::make_move_iterator(read.end()));
}

// Element rows whose blob this libcim cannot read: the first five named, then how many in all (finish(), at the
// latest when it goes out of scope).
struct Unreadable {
  const std::string& location;
  std::vector<Diagnostic>& diagnostics;
  std::size_t count = 0;
  void add(std::int64_t row) {
    if (count++ < 5)
      diagnostics.push_back(Diagnostic::warning(ErrorCode::StoreElementUnreadable,
                                                "element row holds a blob this libcim cannot read; skipped", location,
                                                std::to_string(row)));
  }
  void finish() {
    if (count)
      diagnostics.push_back(Diagnostic::warning(ErrorCode::StoreElementUnreadable,
                                                std::to_string(count) + " element row(s) skipped", location));
    count = 0;
  }
  ~Unreadable() { finish(); }
};

}  // namespace

model::Scene Store::Impl::readScene(std::int64_t version, const std::vector<geometry::Aabb>* boxes,
                                     std::vector<Diagnostic>& diagnostics) {
  auto sceneCrs = this->sceneCrs();
  if (!sceneCrs.ok())
    throw DbError("the store's CRS cannot be read: " + (sceneCrs.error() ? sceneCrs.error()->message : crs));
  model::Scene scene(*sceneCrs);
  std::string sql = std::string("SELECT row, layer, payload, element FROM cim_element WHERE ") +
                    (!boxes && db->dialect() == Dialect::Postgres ? kValidAtScan : kValidAt);
  if (boxes) {
    sql += " AND maxx >= ? AND minx <= ? AND maxy >= ? AND miny <= ? AND maxz >= ? AND minz <= ?";
    sql += db->dialect() == Dialect::Sqlite
               ? " AND row IN (SELECT id FROM cim_element_bbox WHERE maxx >= ? AND minx <= ? AND maxy >= ? AND "
                 "miny <= ? AND maxz >= ? AND minz <= ?)"
               : std::string(" AND bbox ") + (ndBoxIndex ? "&&&" : "&&") +
                     " ST_MakeLine(ST_MakePoint(?, ?, ?), ST_MakePoint(?, ?, ?))";
  }
  // Rows come in storage order and are decoded in parallel, then put in element order (the order of import).
  std::vector<ReadRow> rows;
  std::set<std::int64_t> seen;  // several boxes may find one element
  auto s = db->prepare(sql);
  s->stream();  // decoded while the rest comes (PostgreSQL: 0.9-1.0 s against 1.3-1.65 s for the synthetic city)
  const std::size_t passes = boxes ? boxes->size() : 1;
  for (std::size_t pass = 0; pass < passes; ++pass) {
    s->bind(1, version), s->bind(2, version);
    if (boxes) {
      const auto& box = (*boxes)[pass];
      for (int i = 0; i < 3; ++i) s->bind(3 + 2 * i, box.min[i]), s->bind(4 + 2 * i, box.max[i]);
      if (db->dialect() == Dialect::Postgres)
        for (int i = 0; i < 3; ++i) s->bind(9 + i, box.min[i]), s->bind(12 + i, box.max[i]);
      else
        for (int i = 0; i < 3; ++i) s->bind(9 + 2 * i, box.min[i]), s->bind(10 + 2 * i, box.max[i]);
    }
    readDecoded(*s, boxes ? &seen : nullptr, rows);
  }
  std::vector<std::size_t> order(rows.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return rows[a].element < rows[b].element; });
  // Elements keep their store element id as their scene id: stable across versions, so a removal renumbers nothing
  // (the tiles and the checks' results carry these ids).
  Unreadable unreadable{location, diagnostics};
  for (const std::size_t i : order) {
    if (!rows[i].decoded) {
      unreadable.add(rows[i].row);
      continue;
    }
    scene.addElementWithId(rows[i].layer, std::move(*rows[i].decoded), static_cast<std::uint32_t>(rows[i].element));
  }
  return scene;
}

Result<model::Scene> Store::read(const AsOf& asOf, const std::optional<geometry::Aabb>& bounds) {
  if (bounds) return read(asOf, std::vector<geometry::Aabb>{*bounds});
  return impl_->readIn(asOf, nullptr);
}

Result<model::Scene> Store::read(const AsOf& asOf, const std::vector<geometry::Aabb>& boxes) {
  return impl_->readIn(asOf, &boxes);
}

Result<model::Scene> Store::Impl::readIn(const AsOf& asOf, const std::vector<geometry::Aabb>* boxes) {
  auto& connection = *db;
  std::vector<Diagnostic> diagnostics;
  if (fresh || (boxes && boxes->empty())) {
    auto c = sceneCrs();
    if (!c.ok()) return Result<model::Scene>::failureFrom(c);
    return Result<model::Scene>::success(model::Scene(*c));
  }
  try {
    connection.beginRead();
    const std::int64_t version = resolveIn(asOf);
    auto scene = readScene(version, boxes, diagnostics);
    connection.commit();
    return Result<model::Scene>::success(std::move(scene), std::move(diagnostics));
  } catch (...) {
    return Result<model::Scene>::failure(readFailure(&connection, location), std::move(diagnostics));
  }
}

Status Store::forEachElement(const AsOf& asOf, const ElementSink& sink) {
  auto& db = *impl_->db;
  std::vector<Diagnostic> diagnostics;
  if (impl_->fresh) return okStatus();
  try {
    db.beginRead();
    const std::int64_t version = impl_->resolveIn(asOf);
    auto s = db.prepare(std::string("SELECT row, layer, payload, element FROM cim_element WHERE ") + kValidAt +
                        " ORDER BY element");
    s->stream();
    s->bind(1, version), s->bind(2, version);
    // A chunk at a time: read, decoded in parallel, handed over in order.
    constexpr std::size_t kChunk = 512;
    std::vector<ReadRow> rows;
    {
      Unreadable unreadable{impl_->location, diagnostics};
      for (bool more = true; more;) {
        rows.clear();
        while (rows.size() < kChunk && (more = s->step()))
          rows.push_back(ReadRow{s->int64(0), s->int64(3), s->text(1), s->blob(2), {}, std::nullopt});
        cim::detail::parallelFor(rows.size(), rows.size() < 64 ? 1 : cim::detail::workerCount(),
                                 [&](std::size_t i) { rows[i].decode(); });
        for (auto& r : rows) {
          if (!r.decoded) {
            unreadable.add(r.row);
            continue;
          }
          r.decoded->id = static_cast<std::uint32_t>(r.element);
          auto taken = sink(r.layer, std::move(*r.decoded));
          if (!taken.ok()) {
            s->cancel();  // the rest of a PostgreSQL stream is not read on
            db.rollback();
            unreadable.finish();  // (before the diagnostics go)
            Status failed = Status::failureFrom(taken);
            for (auto& d : diagnostics) failed.addDiagnostic(std::move(d));  // (warnings: the sink's error stays last)
            return failed;
          }
        }
      }
    }
    s->reset();
    db.commit();
    return okStatus(std::move(diagnostics));
  } catch (...) {
    return Status::failure(readFailure(&db, impl_->location), std::move(diagnostics));
  }
}

Result<Diff> Store::diff(std::int64_t from, std::int64_t to) {
  auto& db = *impl_->db;
  Diff d;
  d.from = from, d.to = to;
  try {
    db.beginRead();
    for (const auto v : {from, to}) impl_->resolveIn(AsOf{v, {}});
    const auto a = rowsWhere(db, kValidAt, from), b = rowsWhere(db, kValidAt, to);
    std::unordered_map<std::int64_t, const RowInfo*> before;
    for (const auto& r : a) before[r.element] = &r;
    std::vector<std::pair<const RowInfo*, const RowInfo*>> changed;  // (old row, new row) of changed elements
    for (const auto& r : b) {
      const auto it = before.find(r.element);
      if (it == before.end()) {
        d.changes.push_back({Change::Kind::Added, r.layer, r.key, r.kind, r.name, false, 0.0, false, {}});
        continue;
      }
      const RowInfo& old = *it->second;
      before.erase(it);
      if (old.row != r.row && old.hash != r.hash) changed.emplace_back(&old, &r);
    }
    std::vector<std::int64_t> rows;
    for (const auto& [old, now] : changed) rows.push_back(old->row), rows.push_back(now->row);
    const auto elements = elementsAt(db, rows);
    for (const auto& [old, now] : changed)
      d.changes.push_back(changeOf(*now, elements.at(old->row), elements.at(now->row)));
    for (const auto& [element, r] : before)
      d.changes.push_back({Change::Kind::Removed, r->layer, r->key, r->kind, r->name, false, 0.0, false, {}});
    db.commit();
  } catch (...) {
    return Result<Diff>::failure(readFailure(&db, impl_->location));
  }
  sortChanges(d.changes);
  return Result<Diff>::success(std::move(d));
}

Status Store::copyTo(Store& target) {
  auto& from = *impl_->db;
  auto& to = *target.impl_->db;
  if (impl_->fresh) return Status::failure(Diagnostic::error(ErrorCode::StoreVersionUnknown, "nothing to copy: " + impl_->location + " has no versions", impl_->location));
  if (!target.impl_->fresh)
    return Status::failure(Diagnostic::error(ErrorCode::StoreFailed,
                                             "a copy goes into a new store; " + target.location() + " holds one already",
                                             target.location()));
  try {
    from.beginRead();
    to.beginWrite(10000);
    target.impl_->writeSchema(impl_->crs, true);
    auto versions = from.prepare("SELECT version, time, source, message, kind, added, removed, changed FROM cim_version ORDER BY version");
    auto put = to.prepare("INSERT INTO cim_version VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    while (versions->step()) {
      put->bind(1, versions->int64(0));
      for (int i = 1; i < 5; ++i) put->bind(i + 1, std::string_view(versions->text(i)));
      for (int i = 5; i < 8; ++i) put->bind(i + 1, versions->int64(i));
      put->run();
    }
    RowWriter writer(to, target.impl_->srsId, true);
    to.setBulk(true);
    auto rows = from.prepare("SELECT row, element, layer, key, payload, valid_from, valid_to FROM cim_element ORDER BY row");
    while (rows->step()) {
      Blob payload = rows->blob(4);  // copied as it is
      auto e = decodeElement(payload);
      if (!e) throw DbError("element row " + std::to_string(rows->int64(0)) + " cannot be read");
      const std::optional<std::int64_t> validTo = rows->isNull(6) ? std::nullopt : std::optional(rows->int64(6));
      // Hashed again with the newest hash version (the copy's): copying is how an older store gets faster hashes.
      writer.insert(rows->int64(0), rows->int64(1), rows->text(2), rows->text(3), *e,
                    rowContent(*e, std::move(payload), to.dialect(), target.impl_->srsId), contentHash(*e),
                    rows->int64(5), validTo);
    }
    to.setBulk(false);
    writer.finish();
    createIndexes(to);
    copyChecks(from, to);  // the registered checks and their results follow the data
    to.commit();
    if (to.dialect() == Dialect::Sqlite) try {
        to.exec("PRAGMA journal_mode = WAL");
      } catch (const DbError&) {
      }
    from.commit();
  } catch (const DbError& e) {
    to.rollback();
    from.rollback();
    target.impl_->fresh = true;
    return Status::failure(dbError(e, target.location()));
  }
  return okStatus();
}

std::size_t Diff::added() const {
  return std::size_t(std::count_if(changes.begin(), changes.end(), [](const Change& c) { return c.kind == Change::Kind::Added; }));
}
std::size_t Diff::removed() const {
  return std::size_t(std::count_if(changes.begin(), changes.end(), [](const Change& c) { return c.kind == Change::Kind::Removed; }));
}
std::size_t Diff::moved() const {
  return std::size_t(std::count_if(changes.begin(), changes.end(), [](const Change& c) { return c.moved; }));
}
std::size_t Diff::changed() const {
  return std::size_t(std::count_if(changes.begin(), changes.end(), [](const Change& c) { return c.kind == Change::Kind::Changed; }));
}

std::string formatDiff(const Diff& diff) {
  std::string out;
  char buf[64];
  for (const auto& c : diff.changes) {
    const char* sign = c.kind == Change::Kind::Added ? "+" : c.kind == Change::Kind::Removed ? "-" : "~";
    out += std::string(sign) + " " + c.layer + " " + c.key + " (" + c.elementKind + ")";
    if (c.moved) {
      std::snprintf(buf, sizeof buf, " moved %.3f m", c.displacementMeters);
      out += buf;
    }
    if (c.meshChanged) out += " mesh changed, not moved";
    out += "\n";
    for (const auto& a : c.attributes)
      out += "    " + a.name + ": " + (a.before.empty() ? "(none)" : a.before) + " -> " +
             (a.after.empty() ? "(none)" : a.after) + "\n";
  }
  return out;
}

}  // namespace cim::store
