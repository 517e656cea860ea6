// The store on PostgreSQL/PostGIS, against a throw-away cluster this test starts itself (bench/city/postgis.h:
// initdb in a temporary folder, the server on a Unix socket there). When PostgreSQL cannot start, the whole program
// exits with 77 after saying why (CTest: skipped).
#include <atomic>
#include <chrono>
#include <random>
#include <set>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cstdlib>
#include <iostream>
#include <thread>

#include <algorithm>

#include <catch2/catch.hpp>
#include <libpq-fe.h>

#include "city/postgis.h"
#include "cim/model/pipe_element.h"
#include "cim/store/store.h"
#include "store/db.h"
#include "support/store_sample.h"
#include "support/test_scenes.h"
#include "support/test_support.h"

using namespace cim;
using cimtest::TempDir;

namespace {

cimbench::TempCluster& cluster() {
  static std::unique_ptr<cimbench::TempCluster> c = [] {
    try {
      return std::make_unique<cimbench::TempCluster>();
    } catch (const std::exception& e) {
      std::cerr << "postgis.store: SKIPPED: PostgreSQL cannot start here: " << e.what() << "\n";
      std::exit(77);
    }
  }();
  return *c;
}

// A fresh schema of the throw-away database for each test, chosen by the connection string.
std::string freshDatabase(const std::string& schema) {
  auto& c = cluster();
  c.exec("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE; CREATE SCHEMA \"" + schema + "\"");
  return "host=" + c.folder().string() + " port=5432 user=postgres dbname=postgres options='-csearch_path=" + schema +
         ",public'";
}

store::Store openStore(const std::string& location, bool create = false) {
  auto s = store::Store::open(location, create);
  INFO((s.ok() ? std::string() : s.error()->message));
  REQUIRE(s.ok());
  return std::move(s).value();
}

// `n` boxes in rows, every one `shift` metres east of its place: each version of the reliability tests moves them all.
model::Scene boxes(int n, double shift) {
  model::Scene scene(cimtest::hangzhouCrs());
  for (int i = 0; i < n; ++i) {
    auto e = cimtest::elementOf(cimtest::flatBoxMesh({514000.0 + 3.0 * (i % 50) + shift, 3347800.0 + 3.0 * (i / 50), 6.0},
                                                     {1.0, 1.0, 2.0}),
                                "IfcColumn", std::string("b").append(std::to_string(i)),
                                model::Material{"box", {0.6f, 0.6f, 0.7f, 1}});
    e.guid = std::string("box-").append(std::to_string(i));
    e.attributes["Note"] = std::string("移位 ") + std::to_string(shift);
    scene.addElement("bim", std::move(e));
  }
  return scene;
}

// The shifts of a scene's boxes (one value when the version is whole), in centimetres.
std::set<long> shiftsOf(const model::Scene& scene) {
  std::set<long> out;
  scene.forEachElement([&](const model::Layer&, const model::Element& e) {
    const int i = std::stoi(e.name.substr(1));
    out.insert(std::lround((e.worldBounds().min.x() - (514000.0 + 3.0 * (i % 50))) * 100.0));
  });
  return out;
}

}  // namespace

TEST_CASE("postgis store: the bundled sample reads back equal", "[store][postgis]") {
  const auto location = freshDatabase("sample");
  const model::Scene scene = cimtest::storeSampleScene();
  auto st = openStore(location, true);
  CHECK(st.isPostgres());
  auto r = st.import(scene, {});
  INFO((r.ok() ? std::string() : r.error()->message));
  REQUIRE(r.ok());
  CHECK(r->diff.added() == scene.elementCount());
  auto back = st.read();
  REQUIRE(back.ok());
  cimtest::requireSameScene(scene, back.value());
  cimtest::requireStreamedAsRead(st);
  // The pipe layer is PostGIS geometry with its fields, in EPSG:4549, spatially indexed.
  const auto rows = cluster().query(
      "SELECT count(*), min(ST_SRID(geom)), min(GeometryType(geom)), bool_and(ST_NDims(geom) = 3) FROM sample.pipes "
      "WHERE valid_to IS NULL");
  std::size_t pipes = 0;
  scene.forEachElement([&](const model::Layer&, const model::Element& e) { pipes += e.pipe() ? 1 : 0; });
  CHECK(rows.rows[0][0] == std::to_string(pipes));
  CHECK(rows.rows[0][1] == "4549");
  CHECK(rows.rows[0][2] == "LINESTRING");
  CHECK(rows.rows[0][3] == "t");
  const auto material =
      cluster().query("SELECT material, diameter_mm FROM sample.pipes WHERE start_point = 'RQ1' AND end_point = 'RQ2'");
  REQUIRE(material.rows.size() == 1);
  CHECK(material.rows[0][0] == "PE");
  CHECK(material.rows[0][1] == "250");
  // A box query through the GiST index.
  geometry::Aabb box;
  box.extend(Eigen::Vector3d(515265, 3347835, -100));
  box.extend(Eigen::Vector3d(515275, 3347845, 100));
  auto some = st.read({}, box);
  REQUIRE(some.ok());
  CHECK(some->elementCount() >= 1);
  CHECK(some->elementCount() < scene.elementCount());
  std::size_t expected = 0;  // the elements whose 3-D box meets it
  scene.forEachElement([&](const model::Layer&, const model::Element& e) {
    const auto b = e.worldBounds();
    expected += !b.empty() && b.max.x() >= box.min.x() && b.min.x() <= box.max.x() && b.max.y() >= box.min.y() &&
                b.min.y() <= box.max.y() && b.max.z() >= box.min.z() && b.min.z() <= box.max.z();
  });
  CHECK(some->elementCount() == expected);
  // The box index is 2-D (built sorted); a store made with the n-D index before is queried with its operator and
  // gives the same elements.
  const std::string opclass = "SELECT o.opcname FROM pg_index i JOIN pg_opclass o ON o.oid = i.indclass[0] WHERE "
                              "i.indexrelid = 'sample.cim_element_bbox'::regclass";
  CHECK(cluster().query(opclass).rows.at(0).at(0) == "gist_geometry_ops_2d");
  cluster().exec("DROP INDEX sample.cim_element_bbox; CREATE INDEX cim_element_bbox ON sample.cim_element USING GIST "
                 "(bbox gist_geometry_ops_nd)");
  CHECK(cluster().query(opclass).rows.at(0).at(0) == "gist_geometry_ops_nd");
  auto older = openStore(location);
  auto same = older.read({}, box);
  REQUIRE(same.ok());
  CHECK(same->elementCount() == expected);
}

TEST_CASE("postgis store: a GeoPackage store copies with its history and reads back equal", "[store][postgis]") {
  TempDir dir;
  const auto gpkg = (dir / "city.gpkg").string();
  const model::Scene scene = cimtest::storeSampleScene();
  auto source = openStore(gpkg, true);
  REQUIRE(source.import(scene, {}).ok());
  model::Scene moved = scene;
  std::vector<std::string> names;
  for (const auto& l : scene.layers()) names.push_back(l.name);
  for (const auto& name : names)  // the pump station raised 1 m
    for (auto& e : moved.layer(name).elements)
      if (e.kind.rfind("Ifc", 0) == 0)
        for (auto& s : e.shapes) s.mesh.origin.z() += 1.0;
  store::UpdateOptions o;
  o.message = "'; DROP TABLE cim_version; -- 管线";
  auto updated = source.update(moved, o);
  REQUIRE(updated.ok());
  REQUIRE(updated->version);
  CHECK(updated->diff.moved() > 5);
  store::CheckDefinition check;  // registered checks and their results go along
  check.name = "clearance";
  check.a = "*";
  check.rules = {"gb50289"};
  REQUIRE(source.addCheck(check).ok());
  auto resultsOf = [](store::Store& st) {
    auto r = st.results("clearance");
    REQUIRE(r.ok());
    std::vector<std::string> out;
    for (const auto& x : r.value())
      out.push_back(x.id + " " + x.status + " " + x.aName + "/" + x.bName + " " + std::to_string(x.foundIn));
    std::sort(out.begin(), out.end());
    return out;
  };
  const auto results = resultsOf(source);
  CHECK(!results.empty());
  const auto location = freshDatabase("copied");
  auto target = openStore(location, true);
  auto copied = source.copyTo(target);
  INFO((copied.ok() ? std::string() : copied.error()->message));
  REQUIRE(copied.ok());
  auto la = source.log(), lb = target.log();
  REQUIRE(la.ok());
  REQUIRE(lb.ok());
  REQUIRE(la->size() == lb->size());
  for (std::size_t i = 0; i < la->size(); ++i) {
    CHECK((*la)[i].time == (*lb)[i].time);
    CHECK((*la)[i].message == (*lb)[i].message);
  }
  for (std::int64_t v : {1, 2}) {
    auto a = source.read(store::AsOf{v, {}}), b = target.read(store::AsOf{v, {}});
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    cimtest::requireSameScene(a.value(), b.value());
  }
  auto da = source.diff(1, 2), db = target.diff(1, 2);
  REQUIRE(da.ok());
  REQUIRE(db.ok());
  CHECK(store::formatDiff(da.value()) == store::formatDiff(db.value()));
  REQUIRE(target.checks().ok());
  REQUIRE(target.checks()->size() == 1);
  CHECK(target.checks()->front().rules == check.rules);
  CHECK(resultsOf(target) == results);
  // And back into a new GeoPackage.
  auto back = openStore((dir / "back.gpkg").string(), true);
  REQUIRE(target.copyTo(back).ok());
  CHECK(resultsOf(back) == results);
  auto b2 = back.read();
  REQUIRE(b2.ok());
  cimtest::requireSameScene(source.read().value(), b2.value());
  // A copy goes into a new store only.
  CHECK_FALSE(source.copyTo(target).ok());
}

TEST_CASE("postgis store: updates by key, re-import changes nothing, hostile text round-trips", "[store][postgis]") {
  const auto location = freshDatabase("hostile");
  model::Scene scene(cimtest::hangzhouCrs());
  int i = 0;
  for (const std::string h : {"a'b", "x\"; DROP TABLE cim_element; --", "SELECT", "管线;'\"", "$1 ? $2",
                              "back\\slash \\N\r\n\ttab", "PGCOPY\n\r\n"}) {
    auto e = cimtest::elementOf(cimtest::boxMesh({515000.0 + i, 3347000, 5}, {1, 1, 1}), "Ifc'Wall", h,
                                model::Material{h, {}});
    e.guid = "g" + std::to_string(i++) + h;
    e.attributes[h] = h;
    e.attributes["n;" + h] = std::int64_t(-7);
    e.attributes["燃气'"] = true;
    scene.addElement("layer " + h, std::move(e));
  }
  // A pipe whose GIS row carries hostile text too (its fields go to the pipes layer by COPY).
  model::PipeSegment pipe;
  pipe.centreline = {{515100.0, 3347000.0, 3.0}, {515110.0, 3347000.0, 2.9}};
  pipe.section.outerDiameterMeters = 0.3;
  pipe.type = *model::pipeTypeFromCode("JS");
  pipe.startPointId = "J'1\\N", pipe.endPointId = "J\t2;";
  pipe.material = "铸铁\\\r\n'; DROP TABLE pipes; --";
  pipe.owner = "COPY pipes FROM STDIN";
  pipe.year = 1987;
  scene.addElement("pipes", model::pipeElement(pipe));
  auto st = openStore(location, true);
  REQUIRE(st.import(scene, {}).ok());
  cimtest::requireSameScene(scene, st.read().value());
  const auto row = cluster().query("SELECT material, owner, start_point, end_point, year, ST_AsText(geom), ST_SRID(geom) "
                                   "FROM hostile.pipes");
  REQUIRE(row.rows.size() == 1);
  CHECK(row.rows[0][0] == pipe.material);
  CHECK(row.rows[0][1] == pipe.owner);
  CHECK(row.rows[0][2] == pipe.startPointId);
  CHECK(row.rows[0][3] == pipe.endPointId);
  CHECK(row.rows[0][4] == "1987");
  CHECK(row.rows[0][5] == "LINESTRING Z (515100 3347000 3,515110 3347000 2.9)");
  CHECK(row.rows[0][6] == "4549");
  auto again = st.update(scene, {});
  REQUIRE(again.ok());
  CHECK_FALSE(again->version);
  CHECK(again->unchanged == scene.elementCount());
  // A change set (partial): the pipe moved 0.5 m, looked up by its hostile key in the index of current keys, which
  // this first partial update makes; the walls, absent from it, stay.
  model::Scene changes(cimtest::hangzhouCrs());
  model::PipeSegment moved = pipe;
  for (auto& v : moved.centreline) v.y() += 0.5;
  changes.addElement("pipes", model::pipeElement(moved));
  store::UpdateOptions partial;
  partial.partial = true;
  auto r = st.update(changes, partial);
  REQUIRE(r.ok());
  REQUIRE(r->version);
  CHECK(r->diff.changed() == 1);
  CHECK(r->diff.moved() == 1);
  CHECK(r->diff.removed() == 0);
  CHECK(st.read()->elementCount() == scene.elementCount());
  CHECK(cluster().query("SELECT indexname FROM pg_indexes WHERE schemaname = 'hostile' AND indexname = "
                        "'cim_element_key'").rows.size() == 1);
}

TEST_CASE("postgis store: a change set larger than one key lookup gives exactly its diff", "[store][postgis]") {
  auto st = openStore(freshDatabase("large"), true);
  cimtest::requireLargeChangeSet(st);
  // The import left statistics of the columns the lookups select by (schema.cpp, createIndexes): without them the
  // planner took a layer for one row and read all of its index entries for each statement of keys.
  const auto stats = cluster().query("SELECT attname FROM pg_stats WHERE schemaname = 'large' AND tablename = "
                                     "'cim_element' AND attname IN ('layer', 'key', 'valid_to') ORDER BY attname");
  REQUIRE(stats.rows.size() == 3);
  CHECK(stats.rows[0][0] == "key");
  CHECK(stats.rows[1][0] == "layer");
  CHECK(stats.rows[2][0] == "valid_to");
}

TEST_CASE("postgis store: a second writer waits, or fails clearly, and nothing is half-written", "[store][postgis]") {
  const auto location = freshDatabase("writers");
  const model::Scene scene = cimtest::columnsAlongRoad();
  auto st = openStore(location, true);
  REQUIRE(st.import(scene, {}).ok());
  // Another session holds the store's writer lock.
  PGconn* other = PQconnectdb(location.c_str());
  REQUIRE(PQstatus(other) == CONNECTION_OK);
  auto exec = [&](const char* sql) {  // no Catch assertions here: it runs on another thread too
    PGresult* r = PQexec(other, sql);
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
    PQclear(r);
    return ok;
  };
  REQUIRE(exec("BEGIN"));
  REQUIRE(exec("SELECT pg_advisory_xact_lock(hashtext('libcim store ' || current_schema()))"));
  model::Scene moved = scene;
  for (auto& e : moved.layer("bim").elements) e.shapes[0].mesh.origin.x() += 1.0;
  store::UpdateOptions quick;
  quick.waitMilliseconds = 200;
  auto busy = st.update(moved, quick);
  REQUIRE_FALSE(busy.ok());
  CHECK(busy.error()->code == ErrorCode::StoreBusy);
  CHECK(busy.error()->message.find("another writer") != std::string::npos);
  CHECK(st.currentVersion().value() == 1);
  // The lock is released while the next writer waits: it goes ahead.
  bool released = false;
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    released = exec("COMMIT");
  });
  store::UpdateOptions patient;
  patient.waitMilliseconds = 10000;
  auto waited = st.update(moved, patient);
  release.join();
  PQfinish(other);
  CHECK(released);
  REQUIRE(waited.ok());
  REQUIRE(waited->version);
  CHECK(waited->version->number == 2);
  CHECK(waited->diff.moved() == scene.elementCount());
  // Two writers at once from two connections: both land, one after the other, as whole versions.
  model::Scene third = moved;
  for (auto& e : third.layer("bim").elements) e.shapes[0].mesh.origin.x() += 1.0;
  auto st2 = openStore(location);
  bool secondOk = false;
  std::thread second([&] { secondOk = st2.update(third, patient).ok(); });
  model::Scene fourth = moved;
  for (auto& e : fourth.layer("bim").elements) e.shapes[0].mesh.origin.y() += 1.0;
  auto r4 = st.update(fourth, patient);
  second.join();
  CHECK(secondOk);
  REQUIRE(r4.ok());
  CHECK(st.currentVersion().value() == 4);
  for (std::int64_t v = 1; v <= 4; ++v) CHECK(st.read(store::AsOf{v, {}})->elementCount() == scene.elementCount());
}

TEST_CASE("postgis store: a password is never shown, and a non-store is refused", "[store][postgis]") {
  const std::string location = "postgresql://postgres:secret-pw-42@/no_such_db?host=" + cluster().folder().string();
  auto s = store::Store::open(location);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error()->code == ErrorCode::StoreUnreadable);
  CHECK(s.error()->message.find("secret-pw-42") == std::string::npos);
  CHECK(s.error()->message.find("***") != std::string::npos);
  const auto kv = "host=" + cluster().folder().string() + " dbname=no_such_db password=secret-pw-42";
  auto s2 = store::Store::open(kv);
  REQUIRE_FALSE(s2.ok());
  CHECK(s2.error()->message.find("secret-pw-42") == std::string::npos);
  // A database with tables of its own is not a store, and a new store is not made there.
  const auto location2 = freshDatabase("other");
  cluster().exec("CREATE TABLE other.roads (id int)");
  auto s3 = store::Store::open(location2, true);
  REQUIRE_FALSE(s3.ok());
  CHECK(s3.error()->code == ErrorCode::StoreUnreadable);
}

TEST_CASE("postgis store: kill -9 during updates leaves the previous version whole", "[store][postgis]") {
  const auto location = freshDatabase("killed");
  constexpr int kBoxes = 300;
  {
    auto st = openStore(location, true);
    REQUIRE(st.import(boxes(kBoxes, 0.0), {}).ok());
  }
  // How long one update takes in a child process, to spread the kills over it.
  auto updateInChild = [&](double shift) {
    const pid_t pid = fork();
    if (pid == 0) {  // the child: its own connection; _exit, so nothing of the parent's is closed or flushed
      auto st = store::Store::open(location);
      _exit(st.ok() && st->update(boxes(kBoxes, shift), {}).ok() ? 0 : 1);
    }
    return pid;
  };
  const auto t0 = std::chrono::steady_clock::now();
  const pid_t first = updateInChild(1.0);
  int status = 0;
  waitpid(first, &status, 0);
  REQUIRE((WIFEXITED(status) && WEXITSTATUS(status) == 0));
  const auto full = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0);
  std::mt19937 random(16);
  int completed = 0, interrupted = 0;
  auto st = openStore(location);
  for (int loop = 0; loop < 50; ++loop) {
    const std::int64_t before = st.currentVersion().value();
    // Odd versions hold the boxes at their place, even ones 1 m east.
    const pid_t pid = updateInChild(before % 2 == 1 ? 1.0 : 0.0);
    // Up to 1.5 times one update: some kills land after its commit, most before.
    std::this_thread::sleep_for(
        std::chrono::microseconds(std::uniform_int_distribution<long>(0, full.count() * 3 / 2)(random)));
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    // The server rolls the dead session's transaction back (and frees its writer lock) when it sees it gone.
    auto reopened = store::Store::open(location);
    INFO("loop " << loop << ": " << (reopened.ok() ? "" : reopened.error()->message));
    REQUIRE(reopened.ok());
    const auto now = reopened->currentVersion().value();
    REQUIRE((now == before || now == before + 1));
    (now == before ? interrupted : completed)++;
    for (auto v = std::max<std::int64_t>(1, before - 1); v <= now; ++v) {
      auto scene = reopened->read(store::AsOf{v, {}});
      REQUIRE(scene.ok());
      REQUIRE(scene->elementCount() == std::size_t(kBoxes));
      const auto shifts = shiftsOf(scene.value());
      REQUIRE(shifts.size() == 1);
      CHECK(*shifts.begin() == (v % 2 == 1 ? 0 : 100));
    }
  }
  CHECK(interrupted > 0);
  CHECK(completed > 0);
  WARN("postgis kill -9 loop: " << completed << " updates committed, " << interrupted
                                << " interrupted; one update takes " << full.count() / 1000 << " ms");
}

TEST_CASE("postgis store: readers during a writer each see one whole version", "[store][postgis]") {
  const auto location = freshDatabase("readers");
  constexpr int kBoxes = 100;
  {
    auto st = openStore(location, true);
    REQUIRE(st.import(boxes(kBoxes, 0.0), {}).ok());
  }
  std::atomic<bool> done{false};
  std::atomic<int> reads{0}, inconsistent{0}, failed{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 2; ++t)
    readers.emplace_back([&] {  // no Catch assertions on these threads
      auto opened = store::Store::open(location);
      if (!opened.ok()) {
        ++failed;
        return;
      }
      while (!done) {
        auto scene = opened->read();
        if (!scene.ok()) {
          ++failed;
          continue;
        }
        if (scene->elementCount() != std::size_t(kBoxes) || shiftsOf(scene.value()).size() != 1) ++inconsistent;
        ++reads;
      }
    });
  {
    auto st = openStore(location);
    for (int v = 1; v <= 8; ++v) {
      auto r = st.update(boxes(kBoxes, 0.5 * v), {});
      REQUIRE(r.ok());
      CHECK(r->diff.moved() == std::size_t(kBoxes));
    }
  }
  done = true;
  for (auto& t : readers) t.join();
  CHECK(reads > 0);
  CHECK(failed == 0);
  CHECK(inconsistent == 0);
}

TEST_CASE("postgis store: a streamed statement hands over its rows in order, stops early, and fails clearly",
          "[store][postgis]") {
  auto db = store::detail::openPostgres(freshDatabase("streamed"));
  auto s = db->prepare("SELECT i, repeat('x', i % 50)::bytea FROM generate_series(1, ?::int) AS i");
  s->stream();
  CHECK_FALSE(s->keepsRows());
  // Every row, in order, the bytes as sent; run twice (the statement is reused).
  for (int run = 0; run < 2; ++run) {
    s->bind(1, std::int64_t(5000));
    std::int64_t expected = 1, rightBytes = 0;
    while (s->step()) {
      if (s->int64(0) != expected) break;
      rightBytes += s->blob(1) == store::detail::Blob(std::size_t(expected % 50), std::uint8_t('x'));
      ++expected;
    }
    s->reset();
    CHECK(expected == 5001);
    CHECK(rightBytes == 5000);
  }
  // Stopped after three rows: the connection takes the next query, streamed or not.
  s->bind(1, std::int64_t(100000));
  for (int i = 0; i < 3; ++i) REQUIRE(s->step());
  s->reset();
  s->bind(1, std::int64_t(10));
  int again = 0;
  while (s->step()) ++again;
  s->reset();
  CHECK(again == 10);
  auto count = db->prepare("SELECT count(*) FROM generate_series(1, 10)");
  REQUIRE(count->step());
  CHECK(count->int64(0) == 10);
  count->reset();
  // A failure after rows were handed over (division by zero at row 4000) is thrown at that step, with the server's
  // message, and the connection goes on.
  auto failing = db->prepare("SELECT 1 / (i - 4000) FROM generate_series(1, 5000) AS i");
  failing->stream();
  std::int64_t rows = 0;
  std::string message;
  try {
    while (failing->step()) ++rows;
  } catch (const store::detail::DbError& e) {
    message = e.what();
  }
  failing->reset();
  CHECK(rows > 0);
  CHECK(rows < 4000);
  CHECK(message.find("division by zero") != std::string::npos);
  REQUIRE(count->step());
  CHECK(count->int64(0) == 10);
}

TEST_CASE("postgis store: a streamed read stopped before its end is stopped on the server, not read on",
          "[store][postgis]") {
  auto db = store::detail::openPostgres(freshDatabase("cancelled"));
  // Each row the server makes draws a number: the sequence tells how far the query ran (sequences ignore rollbacks).
  db->exec("CREATE SEQUENCE drawn_a; CREATE SEQUENCE drawn_b");
  auto lastValue = [&](const std::string& sequence) {
    auto s = db->prepare("SELECT last_value FROM " + sequence);
    REQUIRE(s->step());
    const auto v = s->int64(0);
    s->reset();
    return v;
  };
  constexpr std::int64_t kRows = 3000000;
  // Cancelled after three rows (the way Store::forEachElement stops when its sink fails), then rolled back.
  db->exec("BEGIN");
  auto s = db->prepare("SELECT nextval('drawn_a') FROM generate_series(1, ?::int)");
  s->stream();
  s->bind(1, kRows);
  for (int i = 0; i < 3; ++i) REQUIRE(s->step());
  s->cancel();
  db->exec("ROLLBACK");
  CHECK(lastValue("drawn_a") >= 3);
  CHECK(lastValue("drawn_a") < kRows / 2);
  // Dropped after three rows (its reader threw): the same.
  db->exec("BEGIN");
  {
    auto dropped = db->prepare("SELECT nextval('drawn_b') FROM generate_series(1, ?::int)");
    dropped->stream();
    dropped->bind(1, kRows);
    for (int i = 0; i < 3; ++i) REQUIRE(dropped->step());
  }
  db->exec("ROLLBACK");
  CHECK(lastValue("drawn_b") < kRows / 2);
  // The statement and the connection take the next query.
  db->exec("BEGIN");
  s->bind(1, std::int64_t(10));
  int again = 0;
  while (s->step()) ++again;
  s->reset();
  db->exec("COMMIT");
  CHECK(again == 10);
}

TEST_CASE("postgis store: a check table an older libcim made (no nearest column) is read, then extended",
          "[store][postgis]") {
  const auto location = freshDatabase("oldchecks");
  {
    auto st = openStore(location, true);
    REQUIRE(st.import(cimtest::storeSampleScene(), {}).ok());
    store::CheckDefinition check;
    check.name = "clearance", check.rules = {"gb50289"};
    REQUIRE(st.addCheck(check).ok());
  }
  store::detail::openPostgres(location)->exec("ALTER TABLE cim_check DROP COLUMN nearest");
  auto st = openStore(location);
  auto before = st.checks();
  REQUIRE(before.ok());
  REQUIRE(before->size() == 1);
  CHECK(before->front().nearest == 1);
  store::CheckDefinition sensors;
  sensors.name = "iot", sensors.kind = store::CheckDefinition::Kind::Sensors, sensors.a = "";
  sensors.clearanceMeters = 30.0, sensors.nearest = 3;
  auto added = st.addCheck(sensors);
  INFO((added.ok() ? std::string() : added.error()->message));
  REQUIRE(added.ok());
  auto after = st.checks();
  REQUIRE(after.ok());
  REQUIRE(after->size() == 2);
  CHECK(after->at(0).name == "clearance");
  CHECK(after->at(0).nearest == 1);
  CHECK(after->at(1).name == "iot");
  CHECK(after->at(1).nearest == 3);
  CHECK(st.runChecks().ok());
}
