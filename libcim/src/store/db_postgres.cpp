// The PostgreSQL side of a store (PostGIS), through libpq. Values are sent as parameters (text for numbers and
// strings, binary for blobs), results come back binary and are decoded by column type. The password is never part of
// a message: libpq takes it from PGPASSWORD or ~/.pgpass, and connection strings are shown redacted.
#include "store/db.h"

#ifdef CIM_HAVE_LIBPQ
#include <libpq-fe.h>
#endif

#include <cstdio>
#include <cstring>
#include <regex>

namespace cim::store::detail {

std::string redactConnection(const std::string& conninfo) {
  // postgresql://user:secret@host/db -> postgresql://user:***@host/db ; password=secret -> password=***
  static const std::regex uri(R"(^(postgres(?:ql)?://[^:/@?]*:)[^@/?]*@)");
  static const std::regex keyword(R"((password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+))", std::regex::icase);
  static const std::regex query(R"(([?&]password=)[^&]*)", std::regex::icase);
  std::string out = std::regex_replace(conninfo, uri, "$1***@");
  out = std::regex_replace(out, keyword, "$1***");
  return std::regex_replace(out, query, "$1***");
}

#ifndef CIM_HAVE_LIBPQ

std::unique_ptr<Db> openPostgres(const std::string& conninfo) {
  throw DbError("this libcim was built without libpq (libpq-dev): cannot open " + redactConnection(conninfo));
}

#else

namespace {

[[noreturn]] void failResult(PGconn* conn, PGresult* r, const std::string& what) {
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  std::string message = r ? PQresultErrorMessage(r) : PQerrorMessage(conn);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  DbError e(what + ": " + message);
  e.busy = state && (std::strcmp(state, "55P03") == 0 || std::strcmp(state, "40P01") == 0 ||
                     std::strcmp(state, "57014") == 0);
  if (r) PQclear(r);
  throw e;
}

// `?` placeholders to `$1`, `$2` ... outside quoted literals and identifiers.
std::string numberPlaceholders(const std::string& sql, int& count) {
  std::string out;
  char quote = 0;
  count = 0;
  for (char c : sql) {
    if (quote) {
      if (c == quote) quote = 0;
      out += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      out += c;
    } else if (c == '?') {
      out += '$';
      out += std::to_string(++count);
    } else {
      out += c;
    }
  }
  return out;
}

std::uint64_t bigEndian(const char* p, int n) {
  std::uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | std::uint8_t(p[i]);
  return v;
}

// Rows of one table for COPY ... FROM STDIN (FORMAT binary): the tuples not yet sent.
struct CopyBuffer {
  std::string table;  ///< for messages
  std::string command;
  std::string data;
};

// The connection, its pipeline (bulk sections: statements sent and not yet answered) and its COPY buffers (bulk
// inserts, Db::prepareInsert). One COPY at a time may be open: rows of its table stream straight to the server
// (which inserts them while the client encodes the next), rows of other tables wait in their buffers. Before any
// other statement runs, the pipeline is synced and every COPY ends.
struct Link {
  PGconn* conn = nullptr;
  bool bulk = false;      ///< in a bulk section (Db::setBulk)
  bool pipeline = false;  ///< libpq is in pipeline mode now
  int pending = 0;        ///< statements sent since the last sync
  std::vector<std::unique_ptr<CopyBuffer>> copies;
  CopyBuffer* open = nullptr;  ///< the COPY in progress

  static constexpr std::size_t kBufferLimit = 32u << 20;

  CopyBuffer& buffer(const std::string& table, const std::string& command) {
    for (auto& c : copies)
      if (c->command == command) return *c;
    copies.push_back(std::make_unique<CopyBuffer>(CopyBuffer{table, command, {}}));
    return *copies.back();
  }
  // A tuple for `c`: sent at once when its COPY is open (or can be opened), else kept.
  void add(CopyBuffer& c, const std::string& tuple) {
    if (!open && !pipeline) begin(c);  // (during a pipeline, rows wait: no switching back and forth per row)
    if (open == &c) return put(tuple.data(), tuple.size());
    c.data += tuple;
    if (c.data.size() >= kBufferLimit) end(), begin(c);
  }
  void put(const char* p, std::size_t n) {
    if (n && PQputCopyData(conn, p, int(n)) != 1) fail("cannot send rows of " + open->table);
  }
  void begin(CopyBuffer& c) {
    suspendPipeline(false);
    PGresult* r = PQexec(conn, c.command.c_str());
    if (PQresultStatus(r) != PGRES_COPY_IN) {
      const std::string message = PQresultErrorMessage(r);
      PQclear(r);
      throw DbError("`" + c.command.substr(0, 120) + "` failed: " + message);
    }
    PQclear(r);
    open = &c;
    static const char header[19] = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', '\377', '\r', '\n', '\0', 0, 0, 0, 0, 0, 0, 0, 0};
    put(header, sizeof header);
    put(c.data.data(), c.data.size());
    std::string().swap(c.data);
  }
  void end() {
    if (!open) return;
    CopyBuffer& c = *open;
    open = nullptr;
    const char trailer[2] = {'\377', '\377'};
    std::string error;
    if (PQputCopyData(conn, trailer, 2) != 1 || PQputCopyEnd(conn, nullptr) != 1) error = PQerrorMessage(conn);
    for (PGresult* r; (r = PQgetResult(conn));) {
      if (PQresultStatus(r) != PGRES_COMMAND_OK && error.empty()) error = PQresultErrorMessage(r);
      PQclear(r);
    }
    if (!error.empty()) {
      while (!error.empty() && (error.back() == '\n' || error.back() == ' ')) error.pop_back();
      throw DbError("rows sent in bulk to " + c.table + " were refused: " + error);
    }
  }
  // Every COPY buffer sent.
  void flushCopies() {
    end();
    for (auto& c : copies)
      if (!c->data.empty()) begin(*c), end();
  }
  [[noreturn]] void fail(const std::string& what) {
    std::string message = PQerrorMessage(conn);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    throw DbError(what + ": " + message);
  }
  // Waits for everything sent (statements and rows); throws the first failure (unless `quiet`: then rows still to
  // send stay buffered).
  void suspend(bool quiet = false) {
    suspendPipeline(quiet);
    if (!quiet) flushCopies();
  }
  // A rollback: rows not yet sent are dropped; an open COPY is ended (the rollback discards what it inserted).
  void drop() {
    if (open) {
      open = nullptr;
      PQputCopyEnd(conn, "rolled back");
      for (PGresult* r; (r = PQgetResult(conn));) PQclear(r);
    }
    for (auto& c : copies) std::string().swap(c->data);  // (the buffers stay: statements point to them)
  }

  // Waits for every statement sent, leaves pipeline mode; throws the first failure (unless `quiet`).
  void suspendPipeline(bool quiet) {
    if (!pipeline) return;
    std::string error;
    bool busy = false;
    if (PQpipelineSync(conn) != 1) error = PQerrorMessage(conn);
    for (bool synced = false; !synced && error.empty();) {
      PGresult* r = PQgetResult(conn);
      if (!r) {
        if (PQstatus(conn) == CONNECTION_BAD) error = PQerrorMessage(conn);
        continue;
      }
      const auto status = PQresultStatus(r);
      if (status == PGRES_PIPELINE_SYNC) synced = true;
      if (status == PGRES_FATAL_ERROR && error.empty()) {
        error = PQresultErrorMessage(r);
        const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        busy = state && (std::strcmp(state, "55P03") == 0 || std::strcmp(state, "40P01") == 0);
        // Drain the rest (aborted statements) up to the sync.
        PQclear(r);
        for (;;) {
          PGresult* rest = PQgetResult(conn);
          if (!rest) {
            if (PQstatus(conn) == CONNECTION_BAD) break;
            continue;
          }
          const bool end = PQresultStatus(rest) == PGRES_PIPELINE_SYNC;
          PQclear(rest);
          if (end) break;
        }
        break;
      }
      PQclear(r);
    }
    pending = 0;
    PQexitPipelineMode(conn);
    pipeline = false;
    if (!error.empty() && !quiet) {
      while (!error.empty() && (error.back() == '\n' || error.back() == ' ')) error.pop_back();
      DbError e("a statement sent in bulk failed: " + error);
      e.busy = busy;
      throw e;
    }
  }
  void resume() {
    if (!bulk || pipeline) return;
    end();  // a COPY and a pipeline cannot be open together
    if (PQenterPipelineMode(conn) != 1) throw DbError(std::string("cannot enter pipeline mode: ") + PQerrorMessage(conn));
    pipeline = true;
  }
};

constexpr unsigned kBool = 16, kBytea = 17, kInt8 = 20, kInt2 = 21, kInt4 = 23, kFloat4 = 700, kFloat8 = 701,
                   kOid = 26;

class PgStatement final : public Statement {
 public:
  PgStatement(Link& link, const std::string& sql, int serial) : link_(link), conn_(link.conn) {
    sql_ = numberPlaceholders(sql, count_);
    name_ = std::string("cim_s") + std::to_string(serial);
    values_.resize(std::size_t(count_));
    isSet_.assign(std::size_t(count_), false);
    binary_.assign(std::size_t(count_), 0);
  }
  ~PgStatement() override {
    if (started_ && !finished_) cancel();  // a stream left unread (its reader failed): not read on
    reset();
    if (link_.pipeline) link_.suspend(true);
    if (prepared_) {
      PGresult* r = PQexec(conn_, ("DEALLOCATE " + name_).c_str());
      PQclear(r);
    }
  }
  void bindNull(int i) override { set(i, std::nullopt, false); }
  void bind(int i, std::int64_t v) override { set(i, std::to_string(v), false); }
  void bind(int i, double v) override {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    set(i, std::string(buf), false);
  }
  void bind(int i, std::string_view v) override { set(i, std::string(v), false); }
  void bindBlob(int i, const std::uint8_t* data, std::size_t size) override {
    set(i, std::string(reinterpret_cast<const char*>(data), size), true);
  }
  void run() override {
    if (!link_.bulk) return Statement::run();
    link_.resume();
    std::vector<const char*> values;
    std::vector<int> lengths;
    parameters(values, lengths);
    if (!prepared_) {
      const auto types = parameterTypes();
      if (PQsendPrepare(conn_, name_.c_str(), sql_.c_str(), count_, types.data()) != 1)
        failResult(conn_, nullptr, "cannot prepare `" + sql_.substr(0, 120) + "`");
      prepared_ = true;
      ++link_.pending;
    }
    if (PQsendQueryPrepared(conn_, name_.c_str(), count_, values.data(), lengths.data(), binary_.data(), 1) != 1)
      failResult(conn_, nullptr, "`" + sql_.substr(0, 120) + "` could not be sent");
    for (auto& v : values_) v.reset();
    // Bounded batches: the answers to wait for stay few, and a failure shows soon.
    if (++link_.pending >= 4096) link_.suspend(), link_.resume();
  }
  bool step() override {
    if (streaming_) return stepStreamed();
    if (!result_) {
      link_.suspend();
      execute();
      row_ = 0;
    } else {
      ++row_;
    }
    return row_ < PQntuples(result_);
  }
  void reset() override {
    if (result_) PQclear(result_), result_ = nullptr;
    if (started_ && !finished_)  // rows not read: the connection takes no other query before they are
      for (PGresult* r; (r = PQgetResult(conn_));) PQclear(r);
    started_ = finished_ = false;
    for (auto& v : values_) v.reset();
  }
  void cancel() override {
    if (started_ && !finished_) {
      // PQcancel returns once the server has the request: a query still running stops with an error (read and
      // dropped below); one that had ended is not affected, nor is the next.
      if (PGcancel* c = PQgetCancel(conn_)) {
        char error[256];
        PQcancel(c, error, sizeof error);
        PQfreeCancel(c);
      }
    }
    reset();
  }
  bool isNull(int c) override { return PQgetisnull(result_, row_, c); }
  std::int64_t int64(int c) override {
    const char* p = PQgetvalue(result_, row_, c);
    switch (PQftype(result_, c)) {
      case kInt8: return std::int64_t(bigEndian(p, 8));
      case kInt4: case kOid: return std::int32_t(bigEndian(p, 4));
      case kInt2: return std::int16_t(bigEndian(p, 2));
      case kBool: return p[0] ? 1 : 0;
      case kFloat8: case kFloat4: return std::int64_t(real(c));
      default: return std::stoll(text(c));
    }
  }
  double real(int c) override {
    const char* p = PQgetvalue(result_, row_, c);
    switch (PQftype(result_, c)) {
      case kFloat8: {
        const std::uint64_t v = bigEndian(p, 8);
        double d;
        std::memcpy(&d, &v, 8);
        return d;
      }
      case kFloat4: {
        const auto v = std::uint32_t(bigEndian(p, 4));
        float f;
        std::memcpy(&f, &v, 4);
        return f;
      }
      case kInt8: case kInt4: case kInt2: return double(int64(c));
      default: return std::stod(text(c));
    }
  }
  std::string text(int c) override {
    return std::string(PQgetvalue(result_, row_, c), std::size_t(PQgetlength(result_, row_, c)));
  }
  Blob blob(int c) override {
    const auto* p = reinterpret_cast<const std::uint8_t*>(PQgetvalue(result_, row_, c));
    return Blob(p, p + PQgetlength(result_, row_, c));
  }
  std::span<const std::uint8_t> blobView(int c) override {
    const auto* p = reinterpret_cast<const std::uint8_t*>(PQgetvalue(result_, row_, c));
    return {p, std::size_t(PQgetlength(result_, row_, c))};
  }
  bool keepsRows() const override { return !streaming_; }
  void stream() override { streaming_ = true; }

 private:
  void set(int i, std::optional<std::string> v, bool binary) {
    if (i < 1 || i > count_) throw DbError("parameter " + std::to_string(i) + " out of range in `" + sql_ + "`");
    values_[std::size_t(i - 1)] = std::move(v);
    binary_[std::size_t(i - 1)] = binary ? 1 : 0;
    isSet_[std::size_t(i - 1)] = true;
  }
  // Blobs are bytea, everything else is inferred by the server from the text.
  std::vector<Oid> parameterTypes() const {
    std::vector<Oid> types;
    for (std::size_t i = 0; i < values_.size(); ++i) types.push_back(binary_[i] ? kBytea : 0);
    return types;
  }
  // The bound values as libpq takes them (null pointers for NULL).
  void parameters(std::vector<const char*>& values, std::vector<int>& lengths) const {
    for (std::size_t i = 0; i < values_.size(); ++i) {
      values.push_back(values_[i] ? values_[i]->data() : nullptr);
      lengths.push_back(values_[i] ? int(values_[i]->size()) : 0);
    }
  }
  void prepareOnce() {
    if (prepared_) return;
    const auto types = parameterTypes();
    PGresult* r = PQprepare(conn_, name_.c_str(), sql_.c_str(), count_, types.data());
    if (PQresultStatus(r) != PGRES_COMMAND_OK) failResult(conn_, r, "cannot prepare `" + sql_.substr(0, 120) + "`");
    PQclear(r);
    prepared_ = true;
  }
  void execute() {
    std::vector<const char*> values;
    std::vector<int> lengths;
    parameters(values, lengths);
    prepareOnce();
    result_ = PQexecPrepared(conn_, name_.c_str(), count_, values.data(), lengths.data(), binary_.data(), 1);
    const auto status = PQresultStatus(result_);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      PGresult* r = result_;
      result_ = nullptr;
      failResult(conn_, r, "`" + sql_.substr(0, 120) + "` failed");
    }
  }

  // A streamed statement (stream()): the query is sent at the first step, and each step takes the next row of the
  // current result, then the next result: one row each in single-row mode (or all of them, should libpq not switch
  // to it).
  bool stepStreamed() {
    if (!started_) {
      link_.suspend();
      std::vector<const char*> values;
      std::vector<int> lengths;
      parameters(values, lengths);
      prepareOnce();
      if (PQsendQueryPrepared(conn_, name_.c_str(), count_, values.data(), lengths.data(), binary_.data(), 1) != 1)
        failResult(conn_, nullptr, "`" + sql_.substr(0, 120) + "` could not be sent");
      started_ = true;
      PQsetSingleRowMode(conn_);
    } else if (result_ && ++row_ < PQntuples(result_)) {
      return true;
    }
    for (;;) {
      if (result_) PQclear(result_), result_ = nullptr;
      if (finished_) return false;
      PGresult* r = PQgetResult(conn_);
      if (!r) {
        finished_ = true;
        return false;
      }
      const auto status = PQresultStatus(r);
      if (status == PGRES_SINGLE_TUPLE || status == PGRES_TUPLES_OK) {
        result_ = r, row_ = 0;
        if (PQntuples(r) > 0) return true;
        continue;
      }
      finished_ = true;
      for (PGresult* rest; (rest = PQgetResult(conn_));) PQclear(rest);
      failResult(conn_, r, "`" + sql_.substr(0, 120) + "` failed");
    }
  }

  Link& link_;
  PGconn* conn_;
  std::string sql_, name_;
  int count_ = 0;
  std::vector<std::optional<std::string>> values_;
  std::vector<bool> isSet_;
  std::vector<int> binary_;
  bool prepared_ = false;
  PGresult* result_ = nullptr;
  int row_ = 0;
  bool streaming_ = false, started_ = false, finished_ = false;
};

void bigEndianAppend(std::string& out, std::uint64_t v, int n) {
  for (int i = n - 1; i >= 0; --i) out += char((v >> (8 * i)) & 0xff);
}

// ISO WKB (little-endian, types 1..3 with 1000s for Z/M) as PostGIS's EWKB with the SRID (the binary form COPY
// takes for a geometry column of that SRID).
std::string ewkb(std::string_view wkb, int srid) {
  std::uint32_t type = 0;
  if (wkb.size() < 5 || wkb[0] != 1) throw DbError("a geometry to send is not little-endian WKB");
  std::memcpy(&type, wkb.data() + 1, 4);
  const std::uint32_t dims = type / 1000;
  std::uint32_t e = type % 1000;
  if (dims == 1 || dims == 3) e |= 0x80000000u;
  if (dims == 2 || dims == 3) e |= 0x40000000u;
  if (srid > 0) e |= 0x20000000u;
  std::string out(wkb.substr(0, 1));
  out.append(reinterpret_cast<const char*>(&e), 4);
  if (srid > 0) {
    const auto s = std::uint32_t(srid);
    out.append(reinterpret_cast<const char*>(&s), 4);
  }
  out.append(wkb.substr(5));
  return out;
}

// A bulk insert (Db::prepareInsert): each run() adds one tuple in COPY's binary format to the link's buffer for the
// table. Values are converted to the column's type: int8, float8 (big-endian), text and bytea as their bytes,
// geometry as EWKB; nothing is escaped, so any text goes in as it is.
class PgCopyStatement final : public Statement {
 public:
  PgCopyStatement(Link& link, const std::string& table, const std::vector<Column>& columns, bool freeze)
      : link_(link), columns_(columns), values_(columns.size()), null_(columns.size(), true) {
    std::string names;
    for (const auto& c : columns) names.append(names.empty() ? "" : ", ").append(quoteIdentifier(c.name));
    buffer_ = &link.buffer(table, "COPY " + quoteIdentifier(table) + " (" + names + ") FROM STDIN (FORMAT binary" +
                                      (freeze ? ", FREEZE)" : ")"));
  }
  void bindNull(int i) override { null_[index(i)] = true; }
  void bind(int i, std::int64_t v) override {
    const std::size_t k = index(i);
    auto& out = start(k);
    if (columns_[k].type == 'r') return putDouble(out, double(v));
    if (columns_[k].type == 'i') return bigEndianAppend(out, std::uint64_t(v), 8);
    out = std::to_string(v);
  }
  void bind(int i, double v) override {
    const std::size_t k = index(i);
    auto& out = start(k);
    if (columns_[k].type == 'r') return putDouble(out, v);
    if (columns_[k].type == 'i') return bigEndianAppend(out, std::uint64_t(std::int64_t(v)), 8);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    out = buf;
  }
  void bind(int i, std::string_view v) override {
    const std::size_t k = index(i);
    if (columns_[k].type == 'i' || columns_[k].type == 'r')
      throw DbError("text bound to the number column " + columns_[k].name);
    start(k).assign(v);
  }
  void bindBlob(int i, const std::uint8_t* data, std::size_t size) override {
    const std::size_t k = index(i);
    const std::string_view v(reinterpret_cast<const char*>(data), size);
    if (columns_[k].type == 'g') start(k) = ewkb(v, columns_[k].srid);
    else start(k).assign(v);
  }
  void run() override {
    tuple_.clear();
    bigEndianAppend(tuple_, columns_.size(), 2);
    for (std::size_t k = 0; k < columns_.size(); ++k) {
      if (null_[k]) {
        bigEndianAppend(tuple_, 0xffffffffu, 4);
        continue;
      }
      bigEndianAppend(tuple_, values_[k].size(), 4);
      tuple_ += values_[k];
    }
    null_.assign(columns_.size(), true);
    link_.add(*buffer_, tuple_);
  }
  bool step() override { throw DbError("a bulk insert into " + buffer_->table + " has no rows to step through"); }
  void reset() override { null_.assign(columns_.size(), true); }
  bool isNull(int) override { return true; }
  std::int64_t int64(int) override { return 0; }
  double real(int) override { return 0; }
  std::string text(int) override { return {}; }
  Blob blob(int) override { return {}; }
  std::span<const std::uint8_t> blobView(int) override { return {}; }

 private:
  std::size_t index(int i) const {
    if (i < 1 || std::size_t(i) > columns_.size())
      throw DbError("parameter " + std::to_string(i) + " out of range in the bulk insert into " + buffer_->table);
    return std::size_t(i - 1);
  }
  std::string& start(std::size_t k) {
    null_[k] = false;
    values_[k].clear();
    return values_[k];
  }
  static void putDouble(std::string& out, double v) {
    std::uint64_t bits;
    std::memcpy(&bits, &v, 8);
    bigEndianAppend(out, bits, 8);
  }
  Link& link_;
  std::vector<Column> columns_;
  std::vector<std::string> values_;
  std::vector<bool> null_;
  std::string tuple_;
  CopyBuffer* buffer_ = nullptr;
};

class PgDb final : public Db {
 public:
  explicit PgDb(const std::string& conninfo) {
    conn_ = PQconnectdb(conninfo.c_str());
    if (PQstatus(conn_) != CONNECTION_OK) {
      std::string message = PQerrorMessage(conn_);
      while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
      PQfinish(conn_);
      conn_ = nullptr;
      throw DbError("cannot connect to " + redactConnection(conninfo) + ": " + message);
    }
    PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
    link_.conn = conn_;
    exec("SET client_min_messages = warning");
  }
  ~PgDb() override {
    if (conn_) PQfinish(conn_);
  }
  void setBulk(bool on) override {
    link_.bulk = on;
    if (!on) link_.suspend();
  }
  Dialect dialect() const override { return Dialect::Postgres; }
  void exec(const std::string& sql) override {
    link_.suspend();
    PGresult* r = PQexec(conn_, sql.c_str());
    const auto status = PQresultStatus(r);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
      failResult(conn_, r, "`" + sql.substr(0, 120) + "` failed");
    PQclear(r);
  }
  std::unique_ptr<Statement> prepare(const std::string& sql) override {
    return std::make_unique<PgStatement>(link_, sql, ++serial_);
  }
  std::unique_ptr<Statement> prepareInsert(const std::string& table, const std::vector<Column>& columns,
                                           bool createdHere) override {
    return std::make_unique<PgCopyStatement>(link_, table, columns, createdHere);
  }
  void beginWrite(int waitMilliseconds) override {
    exec("BEGIN");
    exec("SET LOCAL lock_timeout = " + std::to_string(waitMilliseconds));
    // One writer per store (per schema): an advisory lock held to the end of the transaction.
    exec("SELECT pg_advisory_xact_lock(hashtext('libcim store ' || current_schema()))");
  }
  void beginRead() override { exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); }
  void commit() override { exec("COMMIT"); }
  void rollback() override {
    link_.bulk = false;
    link_.drop();
    link_.suspend(true);
    if (PQtransactionStatus(conn_) != PQTRANS_IDLE) {
      PGresult* r = PQexec(conn_, "ROLLBACK");
      PQclear(r);
    }
  }
  bool hasTable(const std::string& name) override {
    auto s = prepare(
        "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?");
    s->bind(1, std::string_view(name));
    return s->step();
  }
  bool hasColumn(const std::string& table, const std::string& column) override {
    auto s = prepare("SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND "
                     "table_name = ? AND column_name = ?");
    s->bind(1, std::string_view(table)), s->bind(2, std::string_view(column));
    return s->step();
  }

 private:
  PGconn* conn_ = nullptr;
  Link link_;
  int serial_ = 0;
};

}  // namespace

std::unique_ptr<Db> openPostgres(const std::string& conninfo) { return std::make_unique<PgDb>(conninfo); }

#endif

}  // namespace cim::store::detail
