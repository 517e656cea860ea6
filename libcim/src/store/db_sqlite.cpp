// The SQLite side of a store (the GeoPackage file): WAL journal so readers never wait for a writer, a busy timeout
// for writers, and the SQL functions of the GeoPackage R-tree triggers (ST_MinX ... ST_IsEmpty over GeoPackage
// geometry blobs), so the spatial indexes stay right when libcim, GDAL or QGIS edits the layers. WAL checkpoints run
// on a thread of their own.
#include <sqlite3.h>

#include <cmath>
#include <condition_variable>
#include <cstring>
#include <limits>
#include <mutex>
#include <thread>

#include "store/db.h"

namespace cim::store::detail {

namespace {

[[noreturn]] void fail(sqlite3* db, const std::string& what) {
  const int code = sqlite3_extended_errcode(db);
  DbError e(what + ": " + sqlite3_errmsg(db));
  e.busy = (code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED;
  throw e;
}

// The envelope of a GeoPackage geometry blob: from its header when it has one, else from its WKB (points, line
// strings and polygons, with or without Z/M, little-endian). Returns false for an empty or unreadable geometry.
struct Envelope {
  double minx = std::numeric_limits<double>::infinity(), maxx = -minx, miny = minx, maxy = -minx;
  void add(double x, double y) {
    if (std::isnan(x) || std::isnan(y)) return;
    minx = std::min(minx, x), maxx = std::max(maxx, x), miny = std::min(miny, y), maxy = std::max(maxy, y);
  }
  bool empty() const { return !(minx <= maxx); }
};

template <class T>
bool readAt(const unsigned char* p, std::size_t n, std::size_t at, T& out) {
  if (at + sizeof(T) > n) return false;
  std::memcpy(&out, p + at, sizeof(T));
  return true;
}

bool wkbEnvelope(const unsigned char* p, std::size_t n, Envelope& env) {
  std::uint32_t type = 0;
  if (n < 5 || p[0] != 1 || !readAt(p, n, 1, type)) return false;
  const std::uint32_t base = type % 1000, dims = (type / 1000 == 0) ? 2 : (type / 1000 == 3 ? 4 : 3);
  std::size_t at = 5;
  auto points = [&](std::uint32_t count) {
    for (std::uint32_t i = 0; i < count; ++i, at += 8 * dims) {
      double x, y;
      if (!readAt(p, n, at, x) || !readAt(p, n, at + 8, y)) return false;
      env.add(x, y);
    }
    return true;
  };
  std::uint32_t count = 0;
  if (base == 1) return points(1);
  if (base == 2) return readAt(p, n, at, count) && (at += 4, points(count));
  if (base == 3) {
    std::uint32_t rings = 0;
    if (!readAt(p, n, at, rings)) return false;
    at += 4;
    for (std::uint32_t r = 0; r < rings; ++r) {
      if (!readAt(p, n, at, count)) return false;
      at += 4;
      if (!points(count)) return false;
    }
    return true;
  }
  return false;
}

bool gpkgEnvelope(const unsigned char* p, std::size_t n, Envelope& env) {
  if (n < 8 || p[0] != 'G' || p[1] != 'P') return false;
  const unsigned flags = p[3];
  if (flags & 0x10) return false;  // empty
  const unsigned kind = (flags >> 1) & 7;
  static const std::size_t sizes[] = {0, 32, 48, 48, 64};
  if (kind > 4) return false;
  if (kind > 0 && (flags & 1)) {
    double v[4];
    for (int i = 0; i < 4; ++i)
      if (!readAt(p, n, 8 + 8 * std::size_t(i), v[i])) return false;
    env.add(v[0], v[2]);
    env.add(v[1], v[3]);
    return !env.empty();
  }
  return wkbEnvelope(p + 8 + sizes[kind], n - 8 - sizes[kind], env) && !env.empty();
}

template <int Which>
void envelopeFunction(sqlite3_context* ctx, int, sqlite3_value** argv) {
  const auto* p = static_cast<const unsigned char*>(sqlite3_value_blob(argv[0]));
  const auto n = std::size_t(sqlite3_value_bytes(argv[0]));
  Envelope env;
  const bool ok = p && gpkgEnvelope(p, n, env);
  if (Which == 4) return sqlite3_result_int(ctx, ok ? 0 : 1);  // ST_IsEmpty
  if (!ok) return sqlite3_result_null(ctx);
  const double v[] = {env.minx, env.maxx, env.miny, env.maxy};
  sqlite3_result_double(ctx, v[Which]);
}

class SqliteStatement final : public Statement {
 public:
  SqliteStatement(sqlite3* db, const std::string& sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql.c_str(), int(sql.size()), &stmt_, nullptr) != SQLITE_OK)
      fail(db, "cannot prepare `" + sql.substr(0, 120) + "`");
  }
  ~SqliteStatement() override { sqlite3_finalize(stmt_); }
  void bindNull(int i) override { check(sqlite3_bind_null(stmt_, i)); }
  void bind(int i, std::int64_t v) override { check(sqlite3_bind_int64(stmt_, i, v)); }
  void bind(int i, double v) override { check(sqlite3_bind_double(stmt_, i, v)); }
  void bind(int i, std::string_view v) override {
    check(sqlite3_bind_text64(stmt_, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  }
  void bindBlob(int i, const std::uint8_t* data, std::size_t size) override {
    check(sqlite3_bind_blob64(stmt_, i, size ? data : reinterpret_cast<const std::uint8_t*>(""), size,
                              SQLITE_TRANSIENT));
  }
  bool step() override {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    const std::string sql = sqlite3_sql(stmt_) ? sqlite3_sql(stmt_) : "";
    sqlite3_reset(stmt_);
    std::string what = "`";  // appends: GCC 12 warns falsely (-Wrestrict) on "lit" + std::string
    what.append(sql, 0, 120).append("` failed");
    fail(db_, what);
  }
  void reset() override {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  bool isNull(int c) override { return sqlite3_column_type(stmt_, c) == SQLITE_NULL; }
  std::int64_t int64(int c) override { return sqlite3_column_int64(stmt_, c); }
  double real(int c) override { return sqlite3_column_double(stmt_, c); }
  std::string text(int c) override {
    const auto* t = sqlite3_column_text(stmt_, c);
    return t ? std::string(reinterpret_cast<const char*>(t), std::size_t(sqlite3_column_bytes(stmt_, c))) : "";
  }
  Blob blob(int c) override {
    const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, c));
    return p ? Blob(p, p + sqlite3_column_bytes(stmt_, c)) : Blob{};
  }
  std::span<const std::uint8_t> blobView(int c) override {
    const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, c));
    return p ? std::span<const std::uint8_t>(p, std::size_t(sqlite3_column_bytes(stmt_, c)))
             : std::span<const std::uint8_t>();
  }

 private:
  void check(int rc) {
    if (rc != SQLITE_OK) fail(db_, "cannot bind a value");
  }
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// Copies the WAL's pages into the database file (a PASSIVE checkpoint) on a thread and a connection of its own, when
// a commit has left the WAL at kPages pages or more: SQLite's automatic checkpoint does the same inside the
// committing call, so a change set's commit waited for the copy and its fsync (about a third of a 1000-pipe change
// set on the synthetic city). A passive checkpoint blocks no reader and no writer; what it cannot copy yet (a reader
// still on old pages) the next one does. Durability does not change: with synchronous = NORMAL a WAL commit is not
// synced, the checkpoint syncs (https://www.sqlite.org/wal.html, "Application-initiated checkpoints").
class Checkpointer {
 public:
  static constexpr int kPages = 1000;  // SQLite's default automatic checkpoint threshold

  explicit Checkpointer(std::string path) : path_(std::move(path)) {}
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;
  /// Stops the thread, which finishes a checkpoint it has begun; the rest is the closing connection's.
  ~Checkpointer() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable()) thread_.join();
  }

  /// After a commit that left `frames` pages in the WAL. False when the thread cannot run (its connection does not
  /// open): the caller checkpoints itself.
  bool committed(int frames) {
    if (frames < kPages) return true;
    std::lock_guard<std::mutex> lock(mutex_);
    if (failed_) return false;
    pending_ = true;
    if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
    wake_.notify_one();
    return true;
  }

 private:
  void run() {
    sqlite3* db = nullptr;
    const bool open = sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) ==
                          SQLITE_OK &&
                      sqlite3_exec(db, "PRAGMA synchronous = NORMAL", nullptr, nullptr, nullptr) == SQLITE_OK;
    std::unique_lock<std::mutex> lock(mutex_);
    if (!open) failed_ = true;
    while (open) {
      wake_.wait(lock, [this] { return stop_ || pending_; });
      if (stop_) break;
      pending_ = false;
      lock.unlock();
      sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
      lock.lock();
    }
    lock.unlock();
    sqlite3_close_v2(db);
  }

  std::string path_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool pending_ = false, stop_ = false, failed_ = false;
  std::thread thread_;
};

class SqliteDb final : public Db {
 public:
  SqliteDb(const std::string& path, bool create) {
    const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
      const std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      db_ = nullptr;
      throw DbError("cannot open " + path + ": " + message);
    }
    sqlite3_busy_timeout(db_, 5000);
    sqlite3_create_function(db_, "ST_MinX", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, envelopeFunction<0>,
                            nullptr, nullptr);
    sqlite3_create_function(db_, "ST_MaxX", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, envelopeFunction<1>,
                            nullptr, nullptr);
    sqlite3_create_function(db_, "ST_MinY", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, envelopeFunction<2>,
                            nullptr, nullptr);
    sqlite3_create_function(db_, "ST_MaxY", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, envelopeFunction<3>,
                            nullptr, nullptr);
    sqlite3_create_function(db_, "ST_IsEmpty", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, envelopeFunction<4>,
                            nullptr, nullptr);
    // Replaces SQLite's automatic checkpoint (itself a WAL hook) with the Checkpointer's thread.
    sqlite3_wal_hook(db_, &SqliteDb::walCommitted, this);
  }
  ~SqliteDb() override {
    checkpointer_.reset();  // before the close, so that the closing connection is the last and checkpoints
    sqlite3_close_v2(db_);
  }
  Dialect dialect() const override { return Dialect::Sqlite; }
  void exec(const std::string& sql) override {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      const std::string m = message ? message : "";
      sqlite3_free(message);
      const int code = sqlite3_extended_errcode(db_);
      DbError e("`" + sql.substr(0, 120) + "` failed: " + m);
      e.busy = (code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED;
      throw e;
    }
  }
  std::unique_ptr<Statement> prepare(const std::string& sql) override {
    return std::make_unique<SqliteStatement>(db_, sql);
  }
  void beginWrite(int waitMilliseconds) override {
    sqlite3_busy_timeout(db_, waitMilliseconds);
    exec("BEGIN IMMEDIATE");
  }
  void beginRead() override { exec("BEGIN DEFERRED"); }
  void commit() override { exec("COMMIT"); }
  void rollback() override {
    if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  bool hasTable(const std::string& name) override {
    auto s = prepare("SELECT 1 FROM sqlite_master WHERE name = ? AND type IN ('table', 'view')");
    s->bind(1, std::string_view(name));
    return s->step();
  }
  bool hasColumn(const std::string& table, const std::string& column) override {
    auto s = prepare("SELECT 1 FROM pragma_table_info(?) WHERE name = ?");
    s->bind(1, std::string_view(table)), s->bind(2, std::string_view(column));
    return s->step();
  }

 private:
  static int walCommitted(void* self, sqlite3* db, const char* schema, int frames) {
    auto& me = *static_cast<SqliteDb*>(self);
    if (!me.checkpointer_) me.checkpointer_ = std::make_unique<Checkpointer>(sqlite3_db_filename(db, schema));
    if (!me.checkpointer_->committed(frames))  // no second connection: as SQLite's automatic checkpoint would
      sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    return SQLITE_OK;
  }

  sqlite3* db_ = nullptr;
  std::unique_ptr<Checkpointer> checkpointer_;  ///< made at the first commit into a WAL
};

}  // namespace

std::unique_ptr<Db> openSqlite(const std::string& path, bool create) {
  // Not a database at all (a text file, a PNG): SQLite notices on the first read. The store sets WAL once it knows
  // the file is one of its own (store.cpp).
  auto db = std::make_unique<SqliteDb>(path, create);
  db->exec("PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536");
  return db;
}

std::unique_ptr<Statement> Db::prepareInsert(const std::string& table, const std::vector<Column>& columns, bool) {
  std::string names, values;
  for (const auto& c : columns) {
    names.append(names.empty() ? "" : ", ").append(quoteIdentifier(c.name));
    values += values.empty() ? "?" : ", ?";
  }
  return prepare("INSERT INTO " + quoteIdentifier(table) + " (" + names + ") VALUES (" + values + ")");
}

std::string quoteIdentifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace cim::store::detail
