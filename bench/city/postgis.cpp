// The throw-away PostgreSQL + PostGIS cluster (see postgis.h).
#include "postgis.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace cimbench {

namespace {

constexpr const char* kSetup = "run `bash scripts/setup.sh` (it installs postgresql-15-postgis-3)";

std::string tail(const fs::path& file, std::size_t lines = 20) {
  std::ifstream in(file);
  std::vector<std::string> all;
  for (std::string line; std::getline(in, line);) all.push_back(line);
  std::string out;
  for (std::size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i) out += "  " + all[i] + "\n";
  return out;
}

std::string commandOutput(const std::string& command) {
  std::string out;
  if (FILE* p = popen(command.c_str(), "r")) {
    char buf[512];
    while (fgets(buf, sizeof buf, p)) out += buf;
    pclose(p);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

// The user the cluster runs as when we are root: postgres (PostgreSQL's Debian packages create it).
struct RunAs {
  bool switchUser = false;
  uid_t uid = 0;
  gid_t gid = 0;
};

RunAs runAs() {
  RunAs r;
  if (geteuid() != 0) return r;
  const passwd* pw = getpwnam("postgres");
  if (!pw)
    throw std::runtime_error("running as root, and there is no user `postgres` to own the throw-away cluster (initdb "
                             "refuses root); " + std::string(kSetup) + ", which creates it");
  r.switchUser = true;
  r.uid = pw->pw_uid;
  r.gid = pw->pw_gid;
  return r;
}

// Forks a child that becomes `as` (when root), sends its output to `log`, and execs argv. With `dieWithParent`, the
// child gets SIGQUIT when this process dies (set after the user switch, which would clear it).
pid_t spawn(const std::vector<std::string>& args, const fs::path& log, const RunAs& as, bool dieWithParent) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const std::string logPath = log.string();
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
  if (pid > 0) return pid;
  // The child: only async-signal-safe calls from here.
  if (as.switchUser && (setgroups(0, nullptr) != 0 || setgid(as.gid) != 0 || setuid(as.uid) != 0)) _exit(126);
  if (dieWithParent) {
    prctl(PR_SET_PDEATHSIG, SIGQUIT);
    if (getppid() != parent) _exit(125);
  }
  const int in = open("/dev/null", O_RDONLY);
  const int out = open(logPath.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (in < 0 || out < 0) _exit(124);
  dup2(in, 0);
  dup2(out, 1);
  dup2(out, 2);
  execv(argv[0], argv.data());
  _exit(127);
}

int waitFor(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

void putU32(std::string& out, std::uint32_t v) {
  static const char* hex = "0123456789ABCDEF";
  for (int i = 0; i < 4; ++i, v >>= 8) out += hex[(v >> 4) & 15], out += hex[v & 15];
}

void putDouble(std::string& out, double d) {
  std::uint64_t v;
  std::memcpy(&v, &d, 8);
  putU32(out, std::uint32_t(v));
  putU32(out, std::uint32_t(v >> 32));
}

constexpr std::uint32_t kZ = 0x80000000u, kSrid = 0x20000000u;

std::string header(std::uint32_t type, int srid) {
  std::string out = "01";
  putU32(out, type | kSrid);
  putU32(out, std::uint32_t(srid));
  return out;
}

}  // namespace

PostgresInstall findPostgres() {
  PostgresInstall pg;
  if (const char* env = std::getenv("CIM_PG_BINDIR"); env && *env) {
    pg.bindir = env;
  } else if (fs::is_directory("/usr/lib/postgresql")) {
    int best = -1;
    for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql")) {
      const std::string name = entry.path().filename().string();
      const int v = std::atoi(name.c_str());
      if (v > best && fs::exists(entry.path() / "bin" / "initdb")) best = v, pg.bindir = entry.path() / "bin";
    }
  }
  if (pg.bindir.empty() || !fs::exists(pg.bindir / "initdb") || !fs::exists(pg.bindir / "postgres")) return {};
  pg.version = commandOutput("'" + (pg.bindir / "postgres").string() + "' --version");
  const std::string share = commandOutput("'" + (pg.bindir / "pg_config").string() + "' --sharedir 2>/dev/null");
  fs::path control = fs::path(share) / "extension" / "postgis.control";
  if (share.empty()) control = fs::path("/usr/share/postgresql") / pg.bindir.parent_path().filename() / "extension" / "postgis.control";
  pg.postgis = fs::exists(control);
  return pg;
}

TempCluster::TempCluster() {
  install_ = findPostgres();
  if (install_.bindir.empty())
    throw std::runtime_error("PostgreSQL's server is not installed (no /usr/lib/postgresql/*/bin/initdb): " +
                             std::string(kSetup));
  if (!install_.postgis)
    throw std::runtime_error("PostGIS is not installed for " + install_.version + " (no postgis.control): " + kSetup);
  const RunAs as = runAs();
  char templ[] = "/tmp/cim-pg-XXXXXX";
  if (!mkdtemp(templ)) throw std::runtime_error(std::string("mkdtemp failed: ") + std::strerror(errno));
  folder_ = templ;
  if (as.switchUser && chown(folder_.c_str(), as.uid, as.gid) != 0) fail("cannot give the cluster folder to postgres");
  const fs::path data = folder_ / "data", log = folder_ / "server.log";
  const int init = waitFor(spawn({(install_.bindir / "initdb").string(), "-D", data.string(), "-U", "postgres",
                                  "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"},
                                 folder_ / "initdb.log", as, true));
  if (init != 0) fail("initdb failed (exit " + std::to_string(init) + "):\n" + tail(folder_ / "initdb.log"));
  server_ = spawn({(install_.bindir / "postgres").string(), "-D", data.string(), "-k", folder_.string(), "-p", "5432",
                   "-c", "listen_addresses=", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c",
                   "full_page_writes=off", "-c", "shared_buffers=1GB", "-c", "work_mem=256MB", "-c",
                   "maintenance_work_mem=1GB", "-c", "max_wal_size=8GB", "-c", "checkpoint_timeout=1h", "-c",
                   "max_parallel_workers_per_gather=0", "-c", "jit=off"},
                  log, as, true);
  const std::string conninfo = "host=" + folder_.string() + " port=5432 user=postgres dbname=postgres";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (true) {
    int status = 0;
    if (waitpid(server_, &status, WNOHANG) == server_) {
      server_ = -1;
      fail("the server stopped while starting:\n" + tail(log));
    }
    if (PQping(conninfo.c_str()) == PQPING_OK) break;
    if (std::chrono::steady_clock::now() > deadline) fail("the server did not start in 120 s:\n" + tail(log));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  conn_ = PQconnectdb(conninfo.c_str());
  if (PQstatus(conn_) != CONNECTION_OK) fail(std::string("cannot connect: ") + PQerrorMessage(conn_));
  exec("SET client_min_messages = warning; CREATE EXTENSION postgis");
}

TempCluster::~TempCluster() {
  if (conn_) PQfinish(conn_);
  if (server_ > 0) {
    kill(server_, SIGINT);  // fast shutdown
    for (int i = 0; i < 200; ++i) {
      int status = 0;
      if (waitpid(server_, &status, WNOHANG) == server_) {
        server_ = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (server_ > 0) kill(server_, SIGQUIT), waitFor(server_);
  }
  std::error_code ec;
  if (!folder_.empty()) fs::remove_all(folder_, ec);
}

void TempCluster::fail(const std::string& what) {
  const std::string message = "throw-away PostgreSQL cluster in " + folder_.string() + ": " + what;
  // Stop and clean up here: a constructor that throws runs no destructor.
  if (conn_) PQfinish(conn_), conn_ = nullptr;
  if (server_ > 0) kill(server_, SIGQUIT), waitFor(server_), server_ = -1;
  std::error_code ec;
  fs::remove_all(folder_, ec);
  throw std::runtime_error(message);
}

void TempCluster::exec(const std::string& sql) {
  PGresult* r = PQexec(conn_, sql.c_str());
  const auto status = PQresultStatus(r);
  const std::string error = PQresultErrorMessage(r);
  PQclear(r);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    throw std::runtime_error("SQL failed: " + error + "  in: " + sql.substr(0, 300));
}

Rows TempCluster::query(const std::string& sql) {
  PGresult* r = PQexec(conn_, sql.c_str());
  if (PQresultStatus(r) != PGRES_TUPLES_OK) {
    const std::string error = PQresultErrorMessage(r);
    PQclear(r);
    throw std::runtime_error("SQL failed: " + error + "  in: " + sql.substr(0, 300));
  }
  Rows out;
  const int n = PQntuples(r), m = PQnfields(r);
  out.rows.resize(std::size_t(n));
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < m; ++j) out.rows[std::size_t(i)].emplace_back(PQgetvalue(r, i, j));
  PQclear(r);
  return out;
}

void TempCluster::copyIn(const std::string& tableAndColumns, const std::string& data) {
  PGresult* r = PQexec(conn_, ("COPY " + tableAndColumns + " FROM STDIN").c_str());
  const bool ready = PQresultStatus(r) == PGRES_COPY_IN;
  PQclear(r);
  if (!ready) throw std::runtime_error(std::string("COPY did not start: ") + PQerrorMessage(conn_));
  constexpr std::size_t chunk = 1 << 20;
  for (std::size_t at = 0; at < data.size(); at += chunk)
    if (PQputCopyData(conn_, data.data() + at, int(std::min(chunk, data.size() - at))) != 1)
      throw std::runtime_error(std::string("COPY failed: ") + PQerrorMessage(conn_));
  if (PQputCopyEnd(conn_, nullptr) != 1) throw std::runtime_error(std::string("COPY failed: ") + PQerrorMessage(conn_));
  while ((r = PQgetResult(conn_))) {
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    const std::string error = PQresultErrorMessage(r);
    PQclear(r);
    if (!ok) throw std::runtime_error("COPY failed: " + error);
  }
}

void TempCluster::prepare(const std::string& name, const std::string& sql, int parameters) {
  PGresult* r = PQprepare(conn_, name.c_str(), sql.c_str(), parameters, nullptr);
  const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  const std::string error = PQresultErrorMessage(r);
  PQclear(r);
  if (!ok) throw std::runtime_error("PREPARE failed: " + error);
}

std::size_t TempCluster::execPrepared(const std::string& name, const std::vector<std::string>& parameters) {
  std::vector<const char*> values;
  for (const auto& p : parameters) values.push_back(p.c_str());
  PGresult* r = PQexecPrepared(conn_, name.c_str(), int(values.size()), values.data(), nullptr, nullptr, 0);
  if (PQresultStatus(r) != PGRES_TUPLES_OK) {
    const std::string error = PQresultErrorMessage(r);
    PQclear(r);
    throw std::runtime_error("EXECUTE failed: " + error);
  }
  const auto n = std::size_t(PQntuples(r));
  PQclear(r);
  return n;
}

std::string ewkbLineStringZ(const std::vector<std::array<double, 3>>& points, int srid) {
  std::string out = header(2 | kZ, srid);
  putU32(out, std::uint32_t(points.size()));
  for (const auto& p : points) putDouble(out, p[0]), putDouble(out, p[1]), putDouble(out, p[2]);
  return out;
}

std::string ewkbPolygon(const std::vector<std::array<double, 2>>& ring, int srid) {
  std::string out = header(3, srid);
  putU32(out, 1);
  putU32(out, std::uint32_t(ring.size() + 1));
  for (const auto& p : ring) putDouble(out, p[0]), putDouble(out, p[1]);
  putDouble(out, ring.front()[0]), putDouble(out, ring.front()[1]);
  return out;
}

std::string ewkbPoint(double x, double y, int srid) {
  std::string out = header(1, srid);
  putDouble(out, x), putDouble(out, y);
  return out;
}

}  // namespace cimbench
