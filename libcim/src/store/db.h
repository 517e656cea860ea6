#pragma once
// The two databases behind a store, seen through one small interface: statements with `?` placeholders and bound
// values, run in transactions. SQLite (the GeoPackage file) and PostgreSQL (libpq) implement it; the store's logic
// (store.cpp) writes its SQL once and asks the dialect only for what differs (DDL, geometry values, locking).
//
// Every value goes in as a bound parameter, never into the SQL text. Failures throw DbError, which the store turns
// into a diagnostic at its public edge.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace cim::store::detail {

enum class Dialect { Sqlite, Postgres };

struct DbError : std::runtime_error {
  using std::runtime_error::runtime_error;
  bool busy = false;  ///< another writer holds the lock (SQLITE_BUSY, lock_not_available)
};

using Blob = std::vector<std::uint8_t>;

class Statement {
 public:
  virtual ~Statement() = default;
  /// Parameters are numbered from 1, in the order of the `?` in the SQL.
  virtual void bindNull(int i) = 0;
  virtual void bind(int i, std::int64_t v) = 0;
  virtual void bind(int i, double v) = 0;
  virtual void bind(int i, std::string_view v) = 0;
  virtual void bindBlob(int i, const std::uint8_t* data, std::size_t size) = 0;
  void bindBlob(int i, const Blob& b) { bindBlob(i, b.data(), b.size()); }
  void bind(int i, const std::optional<double>& v) { v ? bind(i, *v) : bindNull(i); }
  void bind(int i, const std::optional<std::int64_t>& v) { v ? bind(i, *v) : bindNull(i); }
  /// Runs the statement (first call) or moves to the next row; false when there are no more rows.
  virtual bool step() = 0;
  /// Ready to run again with new bindings.
  virtual void reset() = 0;
  virtual bool isNull(int col) = 0;  ///< columns from 0
  virtual std::int64_t int64(int col) = 0;
  virtual double real(int col) = 0;
  virtual std::string text(int col) = 0;
  virtual Blob blob(int col) = 0;
  /// The blob where it is, not copied: valid until the next step() or reset(), or until reset() where keepsRows().
  virtual std::span<const std::uint8_t> blobView(int col) = 0;
  /// Whether every row of a result stays readable until reset() (PostgreSQL: the result is in memory as a whole).
  virtual bool keepsRows() const { return false; }
  /// From now on this statement's rows are read once, in order, to the end: the database may hand them over as they
  /// come instead of all at once (PostgreSQL's single-row mode; its rows are then no longer kept). SQLite always does.
  virtual void stream() {}
  /// Stops a statement whose rows are not all read and that is not wanted again: PostgreSQL asks the server to stop
  /// the query (instead of reading the rest of a streamed result), which ends the transaction it ran in: only a
  /// rollback may follow. SQLite: reset(). A streamed statement destroyed before its end is cancelled too.
  virtual void cancel() { reset(); }
  /// Runs once to the end (an INSERT, UPDATE or DELETE). In a bulk section (Db::setBulk) it may only be sent: its
  /// failure then shows at the next read, exec or commit.
  virtual void run() {
    while (step()) {
    }
    reset();
  }
};

/// A column of a bulk insert (Db::prepareInsert): its name and type ('i' 64-bit integer, 'r' double, 't' text, 'b'
/// blob, 'g' geometry: bound as a blob, GeoPackage geometry for SQLite, ISO WKB for PostgreSQL, which sends it with
/// `srid`).
struct Column {
  std::string name;
  char type = 't';
  int srid = 0;
};

class Db {
 public:
  virtual ~Db() = default;
  virtual Dialect dialect() const = 0;
  /// Runs SQL without parameters (DDL, BEGIN/COMMIT); several statements separated by ';' are allowed.
  virtual void exec(const std::string& sql) = 0;
  virtual std::unique_ptr<Statement> prepare(const std::string& sql) = 0;
  /// An INSERT of rows into `table` (quoted here), one value per column bound in column order, run with run().
  /// SQLite: a prepared INSERT. PostgreSQL: rows go into a COPY ... FROM STDIN (BINARY) buffer, sent when it is
  /// large and before any other statement, read or commit (failures show there); a rollback drops what was not sent.
  /// `createdHere`: the table was created in this transaction, so PostgreSQL may load it frozen (COPY ... FREEZE:
  /// its rows visible to all and its pages marked so at once, as a VACUUM would; index-only scans need no heap).
  virtual std::unique_ptr<Statement> prepareInsert(const std::string& table, const std::vector<Column>& columns,
                                                   bool createdHere = false);
  /// Starts the write transaction: takes the store's writer lock, waiting up to `waitMilliseconds` for another
  /// writer, then throws DbError with busy set.
  virtual void beginWrite(int waitMilliseconds) = 0;
  /// Starts a read transaction that sees one committed state until commit/rollback.
  virtual void beginRead() = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;
  /// Whether a table exists.
  virtual bool hasTable(const std::string& name) = 0;
  /// Whether a table has a column (tables an older libcim made may lack newer columns).
  virtual bool hasColumn(const std::string& table, const std::string& column) = 0;
  /// A bulk section: statements run with Statement::run() are sent without waiting for each one's answer
  /// (PostgreSQL's pipeline mode: no round trip per row); reads, exec and commit first wait for what was sent and
  /// throw its first failure. Off again before the transaction ends. SQLite: nothing to do.
  virtual void setBulk(bool) {}
};

/// Opens (creating when asked and absent) a SQLite file in WAL mode with the GeoPackage SQL functions the R-tree
/// triggers need (ST_MinX ... ST_IsEmpty).
std::unique_ptr<Db> openSqlite(const std::string& path, bool create);
/// Connects to PostgreSQL with a libpq connection string (postgresql://... or key=value); the password comes from
/// the environment (PGPASSWORD) or ~/.pgpass, never from the string's echo in messages.
std::unique_ptr<Db> openPostgres(const std::string& conninfo);
/// The connection string with any password replaced by "***", for messages.
std::string redactConnection(const std::string& conninfo);

/// A SQL identifier in double quotes, inner quotes doubled.
std::string quoteIdentifier(std::string_view name);

}  // namespace cim::store::detail
