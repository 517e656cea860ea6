#pragma once
// A throw-away PostgreSQL + PostGIS cluster for a benchmark or a test run: initdb in a fresh temporary folder, the
// server started on a Unix socket in that folder (no TCP: nothing to collide with other runs), libpq to talk to it,
// everything stopped and deleted at the end. Run as root, the cluster belongs to the `postgres` user (initdb and the
// server refuse root): the folder is given to that user and the child processes switch to it. The server is told
// to quit when the process that started it dies, so a crash leaves no server behind.
//
// Settings for a throw-away cluster: fsync, synchronous_commit and full_page_writes off (nothing must survive a
// crash), shared_buffers 1 GB, work_mem 256 MB, maintenance_work_mem 1 GB; parallel workers as the session sets.

#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <sys/types.h>

struct pg_conn;

namespace cimbench {

/// Where PostgreSQL's server programs and PostGIS are: bindir (initdb, postgres) and the extension folder.
struct PostgresInstall {
  std::filesystem::path bindir;
  std::string version;          ///< e.g. "15"
  bool postgis = false;          ///< postgis.control is in the server's extension folder
};

/// The newest PostgreSQL under /usr/lib/postgresql (or $CIM_PG_BINDIR); empty bindir when none is installed.
PostgresInstall findPostgres();

/// One query's rows as text (NULL as an empty string).
struct Rows {
  std::vector<std::vector<std::string>> rows;
};

class TempCluster {
 public:
  /// Starts a cluster; throws std::runtime_error with a message saying what is missing or what failed (the
  /// server log's tail included).
  TempCluster();
  ~TempCluster();
  TempCluster(const TempCluster&) = delete;
  TempCluster& operator=(const TempCluster&) = delete;

  const std::filesystem::path& folder() const { return folder_; }
  const PostgresInstall& install() const { return install_; }

  /// Runs SQL (one or more statements); throws with the server's message on failure.
  void exec(const std::string& sql);
  /// Runs one query and returns its rows.
  Rows query(const std::string& sql);
  /// Streams `data` (COPY text format) into `COPY <table-and-columns> FROM STDIN`.
  void copyIn(const std::string& tableAndColumns, const std::string& data);

  /// A prepared statement with text parameters, run many times (the latency benchmarks).
  void prepare(const std::string& name, const std::string& sql, int parameters);
  /// Runs a prepared statement and returns the number of rows.
  std::size_t execPrepared(const std::string& name, const std::vector<std::string>& parameters);

  pg_conn* connection() { return conn_; }

 private:
  void fail(const std::string& what);
  PostgresInstall install_;
  std::filesystem::path folder_;
  pid_t server_ = -1;
  pg_conn* conn_ = nullptr;
};

/// Hex EWKB of a LINESTRING Z / POLYGON (one ring, closed here) with an SRID, for COPY text format.
std::string ewkbLineStringZ(const std::vector<std::array<double, 3>>& points, int srid);
std::string ewkbPolygon(const std::vector<std::array<double, 2>>& ring, int srid);
std::string ewkbPoint(double x, double y, int srid);

}  // namespace cimbench
