// The RTIN builder (see buildTin in cim/io/terrain.h for why this method).
//
// Tiles of T = 2^k cells; the tile at (tx, ty) spans grid points [tx*T, tx*T + T] x [ty*T, ty*T + T], so
// neighbouring tiles share their edge points. Each tile square is cut along its diagonal into two right isosceles
// triangles; a triangle (a, b, c) with hypotenuse a-b and right angle at c splits at m = (a + b) / 2 into
// (c, a, m) and (b, c, m). Level l has 2^(l+1) triangles per tile; level 2k holds the half cells, which cannot split.
//
// err[m] (one float per grid point) is the largest error of the triangles whose hypotenuse midpoint is m (the two
// triangles of a "diamond", which may lie in two tiles), saturated with the err of their children's midpoints.
// Levels are processed finest first across all tiles, so each err[m] is final before a coarser level reads it.
// A triangle is kept whole when err[m] <= bound. Then:
//  - the bound holds at every cell centre inside a kept triangle, because err[m] >= that triangle's own error,
//    measured by scanning every grid point inside it against its plane;
//  - the mesh is conforming, within and across tiles: both triangles of a diamond read the same err[m], and
//    saturation makes every ancestor of a split triangle split (the classic RTIN argument);
//  - a triangle with a nodata point inside or on it has error +inf and is split down to half cells, which are kept
//    only when their three vertices have heights.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <limits>
#include <thread>

#include "core/parallel.h"
#include "terrain_impl.h"

namespace cim::io {

namespace {

using detail::parallelFor;
using detail::workerCount;

constexpr double kInf = std::numeric_limits<double>::infinity();

struct Tri {
  int ax, ay, bx, by, cx, cy;  // hypotenuse a-b, right angle at c
};

std::int64_t floorDiv(std::int64_t a, std::int64_t b) {  // b > 0
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}
std::int64_t ceilDiv(std::int64_t a, std::int64_t b) { return -floorDiv(-a, b); }

class Builder {
 public:
  Builder(const Terrain::Impl& t, int tileCells) : t_(t), T_(tileCells) {
    tilesX_ = std::max(1, (t.columns - 1 + T_ - 1) / T_);
    tilesY_ = std::max(1, (t.rows - 1 + T_ - 1) / T_);
    PW_ = tilesX_ * T_ + 1;
    PH_ = tilesY_ * T_ + 1;
    k_ = 0;
    while ((1 << k_) < T_) ++k_;
    err_.assign(static_cast<std::size_t>(PW_) * PH_, 0.0f);
  }

  int tilesX() const { return tilesX_; }
  int tilesY() const { return tilesY_; }
  int levels() const { return 2 * k_; }  // splittable levels 0 .. 2k-1

  double height(int x, int y) const {
    if (x >= t_.columns || y >= t_.rows) return std::numeric_limits<double>::quiet_NaN();
    return t_.at(x, y);
  }

  // Largest |plane - height| over the grid points inside or on `tri`; +inf when one is nodata. Stops as soon as
  // the error passes `limit` (returning that error).
  double triangleError(const Tri& tri, double limit) const {
    const double za = height(tri.ax, tri.ay), zb = height(tri.bx, tri.by), zc = height(tri.cx, tri.cy);
    if (std::isnan(za) || std::isnan(zb) || std::isnan(zc)) return kInf;
    // Edge functions: w_a is a's barycentric weight times the doubled signed area, and so on.
    const std::int64_t A[3] = {-(tri.cy - tri.by), -(tri.ay - tri.cy), -(tri.by - tri.ay)};
    const std::int64_t B[3] = {tri.cx - tri.bx, tri.ax - tri.cx, tri.bx - tri.ax};
    const std::int64_t C[3] = {-(tri.cx - tri.bx) * tri.by + (tri.cy - tri.by) * tri.bx,
                               -(tri.ax - tri.cx) * tri.cy + (tri.ay - tri.cy) * tri.cx,
                               -(tri.bx - tri.ax) * tri.ay + (tri.by - tri.ay) * tri.ax};
    const std::int64_t area2 = (tri.bx - tri.ax) * std::int64_t(tri.cy - tri.ay) -
                               (tri.by - tri.ay) * std::int64_t(tri.cx - tri.ax);
    const std::int64_t s = area2 > 0 ? 1 : -1;
    const double inv = 1.0 / static_cast<double>(area2);
    const double z[3] = {za, zb, zc};
    const double dzdx = (A[0] * za + A[1] * zb + A[2] * zc) * inv;
    const int minX = std::min({tri.ax, tri.bx, tri.cx}), maxX = std::max({tri.ax, tri.bx, tri.cx});
    const int minY = std::min({tri.ay, tri.by, tri.cy}), maxY = std::max({tri.ay, tri.by, tri.cy});
    double worst = 0.0;
    for (int y = minY; y <= maxY; ++y) {
      std::int64_t lo = minX, hi = maxX;
      for (int i = 0; i < 3; ++i) {
        const std::int64_t a = s * A[i], kk = s * (B[i] * y + C[i]);  // need a*x + kk >= 0
        if (a > 0) lo = std::max(lo, ceilDiv(-kk, a));
        else if (a < 0) hi = std::min(hi, floorDiv(kk, -a));
        else if (kk < 0) hi = lo - 1;
      }
      if (lo > hi) continue;
      if (y >= t_.rows || hi >= t_.columns) return kInf;
      double w0 = 0.0;
      for (int i = 0; i < 3; ++i) w0 += static_cast<double>(A[i] * lo + B[i] * y + C[i]) * z[i];
      double plane = w0 * inv;
      const float* row = t_.heights.data() + static_cast<std::size_t>(y) * t_.columns;
      for (std::int64_t x = lo; x <= hi; ++x, plane += dzdx) {
        const double h = row[x];
        if (std::isnan(h)) return kInf;
        const double e = std::abs(h - plane);
        if (e > worst) {
          worst = e;
          if (worst > limit) return worst;
        }
      }
    }
    return worst;
  }

  float& err(int x, int y) { return err_[static_cast<std::size_t>(y) * PW_ + x]; }
  float errAt(int x, int y) const { return err_[static_cast<std::size_t>(y) * PW_ + x]; }

  // Calls f(tri, level) for every triangle of `level` in tile (tx, ty), depth first.
  template <class F>
  void forLevel(int tx, int ty, int level, F&& f) const {
    const int x0 = tx * T_, y0 = ty * T_, x1 = x0 + T_, y1 = y0 + T_;
    descend(Tri{x0, y0, x1, y1, x1, y0}, 0, level, f);
    descend(Tri{x1, y1, x0, y0, x0, y1}, 0, level, f);
  }

  // Saturated errors of every splittable level, finest first. Returns false when cancelled.
  bool computeErrors(double bound, const ProgressFn& progress) {
    const float boundF = static_cast<float>(bound);
    const int finest = levels() - 1;
    // Neighbouring tiles share the err of their edge midpoints, so they never run at the same time: tiles of one
    // colour of a checkerboard run in parallel, then the other. err only grows by max, so the result does not
    // depend on the order.
    std::vector<std::pair<int, int>> phase[2];
    for (int ty = 0; ty < tilesY_; ++ty)
      for (int tx = 0; tx < tilesX_; ++tx) phase[(tx + ty) % 2].emplace_back(tx, ty);
    for (int level = finest; level >= 0; --level) {
      for (const auto& tiles : phase)
        parallelFor(tiles.size(), workerCount(), [&](std::size_t ti) {
          forLevel(tiles[ti].first, tiles[ti].second, level, [&](const Tri& tri, int) {
            const int mx = (tri.ax + tri.bx) / 2, my = (tri.ay + tri.by) / 2;
            float& em = err(mx, my);
            float children = 0.0f;
            if (level < finest)
              children = std::max(errAt((tri.cx + tri.ax) / 2, (tri.cy + tri.ay) / 2),
                                  errAt((tri.bx + tri.cx) / 2, (tri.by + tri.cy) / 2));
            if (children > boundF || em > boundF) {  // split anyway; the exact value no longer matters
              em = std::max(em, children);
              return;
            }
            const double e = triangleError(tri, bound);
            // Round up so that err <= bound as a float implies error <= bound as a double.
            float ef = static_cast<float>(e);
            if (static_cast<double>(ef) < e) ef = std::nextafter(ef, std::numeric_limits<float>::infinity());
            em = std::max({em, children, ef});
          });
        });
      if (!reportProgress(progress, "tin", 0.9 * (finest - level + 1) / (finest + 1))) return false;
    }
    return true;
  }

  // The kept triangles of tile (tx, ty) into `out`; also tracks the measured error.
  void extract(int tx, int ty, double bound, std::vector<std::int32_t>& local, TinTile& out, double& measured) const {
    const float boundF = static_cast<float>(bound);
    const int x0 = tx * T_, y0 = ty * T_;
    const int n = T_ + 1;
    const double det = t_.geoTransform[1] * t_.geoTransform[5] - t_.geoTransform[2] * t_.geoTransform[4];
    auto vertex = [&](int x, int y) -> std::uint32_t {
      std::int32_t& slot = local[static_cast<std::size_t>(y - y0) * n + (x - x0)];
      if (slot < 0) {
        slot = static_cast<std::int32_t>(out.cells.size());
        out.cells.push_back(static_cast<std::uint32_t>(y) * static_cast<std::uint32_t>(t_.columns) +
                            static_cast<std::uint32_t>(x));
      }
      return static_cast<std::uint32_t>(slot);
    };
    auto emit = [&](const Tri& tri) {
      const std::int64_t cross = std::int64_t(tri.bx - tri.ax) * (tri.cy - tri.ay) -
                                 std::int64_t(tri.by - tri.ay) * (tri.cx - tri.ax);
      const std::uint32_t a = vertex(tri.ax, tri.ay), b = vertex(tri.bx, tri.by), c = vertex(tri.cx, tri.cy);
      const bool ccw = (cross > 0) == (det > 0);
      out.triangles.insert(out.triangles.end(), {a, ccw ? b : c, ccw ? c : b});
    };
    auto visit = [&](auto&& self, const Tri& tri, int level) -> void {
      if (level == levels()) {  // a half cell
        if (!std::isnan(height(tri.ax, tri.ay)) && !std::isnan(height(tri.bx, tri.by)) &&
            !std::isnan(height(tri.cx, tri.cy)))
          emit(tri);
        return;
      }
      const int mx = (tri.ax + tri.bx) / 2, my = (tri.ay + tri.by) / 2;
      if (errAt(mx, my) > boundF) {
        self(self, Tri{tri.cx, tri.cy, tri.ax, tri.ay, mx, my}, level + 1);
        self(self, Tri{tri.bx, tri.by, tri.cx, tri.cy, mx, my}, level + 1);
        return;
      }
      measured = std::max(measured, triangleError(tri, kInf));
      emit(tri);
    };
    const int x1 = x0 + T_, y1 = y0 + T_;
    visit(visit, Tri{x0, y0, x1, y1, x1, y0}, 0);
    visit(visit, Tri{x1, y1, x0, y0, x0, y1}, 0);
    // Reset the vertex map for the next tile.
    for (std::uint32_t cell : out.cells) {
      const int x = static_cast<int>(cell % static_cast<std::uint32_t>(t_.columns));
      const int y = static_cast<int>(cell / static_cast<std::uint32_t>(t_.columns));
      local[static_cast<std::size_t>(y - y0) * n + (x - x0)] = -1;
    }
  }

 private:
  template <class F>
  void descend(const Tri& tri, int level, int target, F& f) const {
    if (level == target) {
      f(tri, level);
      return;
    }
    const int mx = (tri.ax + tri.bx) / 2, my = (tri.ay + tri.by) / 2;
    descend(Tri{tri.cx, tri.cy, tri.ax, tri.ay, mx, my}, level + 1, target, f);
    descend(Tri{tri.bx, tri.by, tri.cx, tri.cy, mx, my}, level + 1, target, f);
  }

  const Terrain::Impl& t_;
  int T_, k_ = 0, tilesX_ = 1, tilesY_ = 1, PW_ = 0, PH_ = 0;
  std::vector<float> err_;
};

}  // namespace

std::size_t Tin::vertexCount() const {
  std::size_t n = 0;
  for (const auto& t : tiles) n += t.cells.size();
  return n;
}

std::size_t Tin::triangleCount() const {
  std::size_t n = 0;
  for (const auto& t : tiles) n += t.triangles.size() / 3;
  return n;
}

Result<Tin> buildTin(const Terrain& terrain, double maxErrorMeters, int tileCells, const ProgressFn& progress) {
  const std::string source = terrain.path().string();
  if (!(maxErrorMeters >= 0.0) || !std::isfinite(maxErrorMeters))
    return Result<Tin>::failure(
        Diagnostic::error(ErrorCode::InvalidArgument, "the maximum error must be a finite number >= 0 m", source));
  if (tileCells < 2 || tileCells > (1 << 15) || (tileCells & (tileCells - 1)) != 0)
    return Result<Tin>::failure(Diagnostic::error(
        ErrorCode::InvalidArgument, "the tile size must be a power of two from 2 to 32768 cells", source));
  const Terrain::Impl& impl = TerrainAccess::impl(terrain);
  // A raster smaller than a tile gets one tile of the next power of two.
  int T = 2;
  while (T < tileCells && T < std::max(impl.columns, impl.rows) - 1) T *= 2;

  Builder builder(impl, T);
  if (!builder.computeErrors(maxErrorMeters, progress))
    return Result<Tin>::failure(Diagnostic::error(ErrorCode::Cancelled, "cancelled", source));

  Tin tin;
  tin.maxErrorMeters = maxErrorMeters;
  tin.tileCells = T;
  tin.tileColumns = builder.tilesX();
  tin.tileRows = builder.tilesY();
  // Tiles are extracted in parallel (each reads err only) and kept in row-major order.
  const std::size_t tileCount = static_cast<std::size_t>(builder.tilesX()) * builder.tilesY();
  std::vector<TinTile> tiles(tileCount);
  std::vector<double> measured(tileCount, 0.0);
  const unsigned threads = workerCount();
  std::vector<std::vector<std::int32_t>> local(threads,
                                               std::vector<std::int32_t>(static_cast<std::size_t>(T + 1) * (T + 1), -1));
  parallelFor(tileCount, threads, [&](std::size_t i, unsigned slot) {
    TinTile& tile = tiles[i];
    tile.tileColumn = static_cast<int>(i % static_cast<std::size_t>(builder.tilesX()));
    tile.tileRow = static_cast<int>(i / static_cast<std::size_t>(builder.tilesX()));
    builder.extract(tile.tileColumn, tile.tileRow, maxErrorMeters, local[slot], tile, measured[i]);
  });
  for (std::size_t i = 0; i < tileCount; ++i) {
    tin.measuredMaxErrorMeters = std::max(tin.measuredMaxErrorMeters, measured[i]);
    if (!tiles[i].triangles.empty()) tin.tiles.push_back(std::move(tiles[i]));
  }
  if (!reportProgress(progress, "tin", 1.0))
    return Result<Tin>::failure(Diagnostic::error(ErrorCode::Cancelled, "cancelled", source));
  return Result<Tin>::success(std::move(tin));
}

}  // namespace cim::io
