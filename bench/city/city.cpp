// The synthetic city (see city.h): a street grid, the pipes under it, buildings in the blocks.
#include "city.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "cim/model/pipe_element.h"

namespace cimbench {

using Eigen::Vector2d;
using Eigen::Vector3d;
using cim::model::PipeSection;
using cim::model::PipeSegment;

std::uint64_t Random::next() {  // splitmix64
  std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

double City::ground(double x, double y) {
  return 8.0 + 1.5 * std::sin(x / 611.0) + 1.2 * std::cos(y / 487.0) + 0.4 * std::sin((x + y) / 173.0);
}

namespace {

constexpr double kBlockX = 120.0, kBlockY = 90.0;  // block interiors between building lines
constexpr double kCentreE = 515000.0, kCentreN = 3347000.0;

double snap64(double v) { return std::round(v * 64.0) / 64.0; }

template <class T>
const T& pick(Random& r, const std::vector<T>& values) { return values[r.below(values.size())]; }

// One street of the grid: its centreline coordinate (x of a north-south street, y of an east-west one) and width.
struct Street {
  double at = 0.0, width = 24.0;
  bool arterial = false;
};

std::vector<Street> streets(std::size_t blocks, double blockSize, double centre) {
  std::vector<Street> out(blocks + 1);
  double at = 0.0;
  for (std::size_t i = 0; i <= blocks; ++i) {
    out[i].arterial = i % 5 == 0;
    out[i].width = out[i].arterial ? 40.0 : 24.0;
    if (i > 0) at += out[i - 1].width / 2 + blockSize + out[i].width / 2;
    out[i].at = at;
  }
  const double shift = centre - at / 2;
  for (auto& s : out) s.at = std::round(s.at + shift);
  return out;
}

// A utility line along a street link: its type and section, and where it lies across the street.
struct Line {
  std::string code;
  PipeSection section;
  double offset = 0.0;  // across the street from its centreline (+: towards +x or +y), metres
  double cover = 1.0;   // top of pressure pipes and ducts below ground; invert depth of gravity pipes
  std::optional<cim::model::GasPressureClass> gas;
  std::string burial, material;
};

PipeSection circular(double dnMillimeters) {
  PipeSection s;
  s.outerDiameterMeters = dnMillimeters / 1000.0;
  return s;
}

PipeSection rectangular(double width, double height) {
  PipeSection s;
  s.shape = PipeSection::Shape::Rectangular;
  s.widthMeters = width;
  s.heightMeters = height;
  return s;
}

// The lines under one link of a street (what a survey finds there), with the planted too-close pairs.
std::vector<Line> linesOf(const Street& street, Random& r) {
  using G = cim::model::GasPressureClass;
  const double half = street.width / 2;  // the building line
  std::vector<Line> lines;
  // Telecom under one sidewalk: a duct bank, or a direct-buried cable.
  if (r.chance(0.8)) lines.push_back({"TX", rectangular(pick(r, std::vector{0.4, 0.5, 0.6}), 0.3), -(half - 1.5), 0.7, {}, "GK", ""});
  else lines.push_back({"TX", circular(100), -(half - 1.5), 0.8, {}, "ZM", "PE"});
  // Power duct bank under the other.
  const double w = pick(r, std::vector{0.6, 0.8, 1.0, 1.2});
  lines.push_back({"DL", rectangular(w, w >= 1.0 ? 0.8 : 0.5), half - 1.5, 0.8, {}, r.chance(0.15) ? "ZM" : "GK", ""});
  lines.push_back({"JS", circular(pick(r, std::vector{100.0, 150.0, 200.0, 300.0, 400.0, 500.0, 600.0})),
                   -(half - 6.0), 1.2, {}, "", "DIP"});
  const G gasClass = pick(r, std::vector{G::Low, G::Low, G::MediumB, G::MediumA});
  lines.push_back({"RQ", circular(pick(r, std::vector{100.0, 150.0, 200.0, 250.0, 300.0, 400.0})), half - 6.0, 1.0,
                   gasClass, "", gasClass == G::Low ? "PE" : "steel"});
  lines.push_back({"YS", circular(pick(r, std::vector{400.0, 600.0, 800.0, 1000.0, 1200.0})), -(street.arterial ? 4.0 : 2.5),
                   r.uniform(2.2, 3.0), {}, "", "RC"});
  lines.push_back({"WS", circular(pick(r, std::vector{300.0, 400.0, 500.0, 600.0, 800.0, 1000.0})), street.arterial ? 4.0 : 2.5,
                   r.uniform(2.8, 4.0), {}, "", "RC"});
  if (r.chance(street.arterial ? 0.6 : 0.3)) {  // heat: supply and return
    const double dn = pick(r, std::vector{200.0, 300.0, 400.0, 500.0, 600.0});
    const double centre = street.arterial ? -1.0 : 0.0, gap = dn / 1000.0 / 2 + 0.3;
    lines.push_back({"RL", circular(dn), centre - gap, 1.5, {}, "", "steel"});
    lines.push_back({"RL", circular(dn), centre + gap, 1.5, {}, "", "steel"});
  }
  if (street.arterial && r.chance(0.7)) {  // a sub-high pressure gas main
    const G c = r.chance(0.7) ? G::SubHighB : G::SubHighA;
    lines.push_back({"RQ", circular(pick(r, std::vector{300.0, 400.0})), 9.0, 1.2, c, "", "steel"});
  }
  for (auto& l : lines) l.offset += r.uniform(-0.3, 0.3);
  // Planted: gas next to the water main, telecom next to the power duct bank, 0.2-0.4 m wall to wall.
  if (r.chance(0.04)) {
    const Line& water = lines[2];
    lines[3].offset = water.offset + water.section.outerWidth() / 2 + lines[3].section.outerWidth() / 2 + r.uniform(0.2, 0.4);
  }
  if (r.chance(0.04)) {
    const Line& power = lines[1];
    lines[0].offset = power.offset - power.section.outerWidth() / 2 - lines[0].section.outerWidth() / 2 - r.uniform(0.2, 0.4);
  }
  return lines;
}

cim::model::PipeType typeOf(const std::string& code) { return *cim::model::pipeTypeFromCode(code); }

double pressureOf(cim::model::GasPressureClass c) {
  using G = cim::model::GasPressureClass;
  switch (c) {
    case G::Low: return 0.0035;
    case G::MediumB: return 0.15;
    case G::MediumA: return 0.35;
    case G::SubHighB: return 0.7;
    case G::SubHighA: return 1.2;
    default: return 2.0;
  }
}

// A segment of `line` from plan point a to b; `invert` is the gravity line's invert at a (it falls towards b).
PipeSegment segmentOf(const Line& line, const Vector2d& a, const Vector2d& b, double invertA, double slope, Random& r) {
  PipeSegment s;
  s.type = typeOf(line.code);
  s.section = line.section;
  s.material = line.material;
  s.burialMethod = line.burial;
  s.year = 1990 + static_cast<std::int64_t>(r.below(35));
  s.owner = line.code + " company";
  s.source = "city";
  const double h = line.section.outerHeight();
  const double ga = City::ground(a.x(), a.y()), gb = City::ground(b.x(), b.y());
  if (cim::model::isGravity(s.type)) {
    const double invertB = invertA - slope * (b - a).norm();
    s.centreline = {{a.x(), a.y(), invertA + h / 2}, {b.x(), b.y(), invertB + h / 2}};
    s.depthReference = cim::model::DepthReference::InsideBottom;
    s.startDepthMeters = ga - invertA;
    s.endDepthMeters = gb - invertB;
  } else if (line.section.shape == PipeSection::Shape::Rectangular) {  // duct banks are laid level
    const double z = std::min(ga, gb) - line.cover - h / 2;
    s.centreline = {{a.x(), a.y(), z}, {b.x(), b.y(), z}};
    s.depthReference = cim::model::DepthReference::OuterTop;
    s.startDepthMeters = ga - z - h / 2;
    s.endDepthMeters = gb - z - h / 2;
  } else {
    s.centreline = {{a.x(), a.y(), ga - line.cover - h / 2}, {b.x(), b.y(), gb - line.cover - h / 2}};
    s.depthReference = cim::model::DepthReference::OuterTop;
    s.startDepthMeters = s.endDepthMeters = line.cover;
  }
  if (line.gas) s.gasPressureClass = line.gas, s.pressureMpa = pressureOf(*line.gas);
  if (line.code == "DL") s.voltageKv = 10.0, s.cableCount = 3 + static_cast<std::int64_t>(r.below(10));
  if (line.section.shape == PipeSection::Shape::Circular) {
    s.sizeText = "DN" + std::to_string(static_cast<int>(std::lround(line.section.outerDiameterMeters * 1000)));
  } else {
    s.sizeText = std::to_string(static_cast<int>(std::lround(line.section.widthMeters * 1000))) + "x" +
                 std::to_string(static_cast<int>(std::lround(line.section.heightMeters * 1000)));
  }
  return s;
}

// Every line of a street link from plan point `from` to `to`, split into segments of 25-60 m.
void addLink(std::vector<PipeSegment>& out, const Street& street, const Vector2d& from, const Vector2d& to, Random& r) {
  const Vector2d along = (to - from).normalized();
  const Vector2d across(std::abs(along.x()) > 0.5 ? 0.0 : 1.0, std::abs(along.x()) > 0.5 ? 1.0 : 0.0);  // +y or +x
  const double length = (to - from).norm();
  for (const Line& line : linesOf(street, r)) {
    const Vector2d base = from + line.offset * across;
    const double slope = line.code == "WS" ? 0.004 : 0.003;
    double invert = City::ground(base.x(), base.y()) - line.cover;
    double t = 0.0;
    while (t < length - 1e-9) {
      double next = t + r.uniform(25.0, 60.0);
      if (next > length - 10.0) next = length;
      out.push_back(segmentOf(line, base + t * along, base + next * along, invert, slope, r));
      invert -= slope * (next - t);
      t = next;
    }
  }
}

// A footprint rectangle x0..x1, y0..y1, or an L with one corner notched out, counter-clockwise, on the 1/64 m grid.
std::vector<Vector2d> footprintOf(double x0, double x1, double y0, double y1, Random& r) {
  x0 = snap64(x0), x1 = snap64(x1), y0 = snap64(y0), y1 = snap64(y1);
  if (!r.chance(1.0 / 6.0)) return {{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}};
  const double nx = snap64(r.uniform(0.3, 0.6) * (x1 - x0)), ny = snap64(r.uniform(0.3, 0.6) * (y1 - y0));
  switch (r.below(4)) {
    case 0: return {{x0, y0}, {x1, y0}, {x1, y1 - ny}, {x1 - nx, y1 - ny}, {x1 - nx, y1}, {x0, y1}};  // NE notch
    case 1: return {{x0, y0}, {x1, y0}, {x1, y1}, {x0 + nx, y1}, {x0 + nx, y1 - ny}, {x0, y1 - ny}};  // NW
    case 2: return {{x0 + nx, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0 + ny}, {x0 + nx, y0 + ny}};  // SW
    default: return {{x0, y0}, {x1 - nx, y0}, {x1 - nx, y0 + ny}, {x1, y0 + ny}, {x1, y1}, {x0, y1}};  // SE
  }
}

// A house lateral of `code` from the main at `mainY` (an east-west street) to `endY`, at easting x.
PipeSegment lateral(const std::string& code, double dn, double x, double mainY, double endY, Random& r) {
  Line line{code, circular(dn), 0.0, code == "WS" ? 2.0 : 1.2, {}, "", code == "WS" ? "PVC" : "PE"};
  const double invert = City::ground(x, endY) - line.cover;
  // Laterals fall towards the main.
  auto s = segmentOf(line, {x, endY}, {x, mainY}, invert, 0.01, r);
  return s;
}

struct Grid {
  std::vector<Street> x, y;  // north-south streets (by easting), east-west streets (by northing)
};

// The buildings of one block (k of them: the south row facing street `south`, the north row facing `north`), with
// their laterals.
void addBlock(City& city, const Grid& g, std::size_t i, std::size_t j, std::size_t k, Random& r) {
  const Street &west = g.x[i], &east = g.x[i + 1], &south = g.y[j], &north = g.y[j + 1];
  const double bx0 = west.at + west.width / 2, bx1 = east.at - east.width / 2;
  const double by0 = south.at + south.width / 2, by1 = north.at - north.width / 2;
  const std::size_t rows[2] = {(k + 1) / 2, k / 2};
  for (int row = 0; row < 2; ++row) {
    const std::size_t m = rows[row];
    for (std::size_t lot = 0; lot < m; ++lot) {
      const double lx0 = bx0 + (bx1 - bx0) * double(lot) / double(m), lx1 = bx0 + (bx1 - bx0) * double(lot + 1) / double(m);
      const double x0 = lx0 + r.uniform(2.0, 4.0), x1 = lx1 - r.uniform(2.0, 4.0);
      const bool encroach = r.chance(0.03);  // planted: into the sidewalk, or up to 1 m from it
      const double setback = encroach ? r.uniform(-1.0, 1.0) : r.uniform(3.0, 8.0);
      const double depth = r.uniform(12.0, 30.0);
      const double y0 = row == 0 ? by0 + setback : by1 - setback - depth, y1 = row == 0 ? by0 + setback + depth : by1 - setback;
      Building b;
      b.footprint = footprintOf(x0, x1, y0, y1, r);
      b.ground = snap64(City::ground((x0 + x1) / 2, (y0 + y1) / 2));
      b.height = snap64(3.0 * double(3 + r.below(18)));
      // Laterals from the mains of the street the building faces to its street side (the face at `face`).
      const double face = row == 0 ? y0 : y1;
      const double xs = snap64((x0 + x1) / 2) + r.uniform(-2.0, 2.0);
      const Street& street = row == 0 ? south : north;
      const double towards = row == 0 ? -1.0 : 1.0;  // from the face towards the street
      if (r.chance(0.12)) {  // water: ends 0.3-0.9 m before the wall (d <= 200 asks 1.0 m)
        const double end = face + towards * r.uniform(0.3, 0.9);
        city.pipes.push_back(lateral("JS", 100, xs, street.at - (street.width / 2 - 6.0), end, r));
      }
      if (r.chance(0.08)) {  // sewer: from 0.5 m inside the building (a crossing)
        const double end = face - towards * 0.5;
        city.pipes.push_back(lateral("WS", 200, xs + 1.0, street.at + (street.arterial ? 4.0 : 2.5), end, r));
      }
      city.buildings.push_back(std::move(b));
    }
  }
}

// The whole city on a grid of nx x ny blocks (more pipes than asked, fewer are dropped by the caller).
City cityOnGrid(std::size_t nx, std::size_t ny, const CityOptions& o) {
  Random r(o.seed);
  City city;
  Grid g{streets(nx, kBlockX, kCentreE), streets(ny, kBlockY, kCentreN)};
  for (std::size_t j = 0; j <= ny; ++j)  // east-west streets, link by link
    for (std::size_t i = 0; i < nx; ++i) addLink(city.pipes, g.y[j], {g.x[i].at, g.y[j].at}, {g.x[i + 1].at, g.y[j].at}, r);
  for (std::size_t i = 0; i <= nx; ++i)  // north-south streets
    for (std::size_t j = 0; j < ny; ++j) addLink(city.pipes, g.x[i], {g.x[i].at, g.y[j].at}, {g.x[i].at, g.y[j + 1].at}, r);
  // Buildings: the same number in every block, the remainder in randomly chosen blocks.
  const std::size_t blocks = nx * ny;
  std::vector<std::size_t> count(blocks, o.buildings / blocks), order(blocks);
  std::iota(order.begin(), order.end(), 0);
  for (std::size_t i = blocks; i > 1; --i) std::swap(order[i - 1], order[r.below(i)]);
  for (std::size_t i = 0; i < o.buildings % blocks; ++i) ++count[order[i]];
  for (std::size_t j = 0; j < ny; ++j)
    for (std::size_t i = 0; i < nx; ++i) addBlock(city, g, i, j, count[j * nx + i], r);
  city.min = {g.x.front().at - g.x.front().width / 2, g.y.front().at - g.y.front().width / 2};
  city.max = {g.x.back().at + g.x.back().width / 2, g.y.back().at + g.y.back().width / 2};
  return city;
}

}  // namespace

City makeCity(const CityOptions& o) {
  // The smallest grid (about square) whose pipes reach the count; then pipes are dropped at random down to it.
  std::size_t nx = 1, ny = 1;
  auto square = [&](double perBlock) {
    nx = ny = std::max<std::size_t>(1, std::size_t(std::sqrt(double(o.pipes) / perBlock)));
  };
  square(60.0);  // segments per block, more than there are: a first, smaller grid tells how many there are
  City city = cityOnGrid(nx, ny, o);
  square(double(city.pipes.size()) / double(nx * ny));
  city = cityOnGrid(nx, ny, o);
  while (city.pipes.size() < o.pipes) {
    (nx <= ny ? nx : ny) += 1;
    city = cityOnGrid(nx, ny, o);
  }
  Random r(o.seed ^ 0xD1B54A32D192ED03ull);
  std::vector<std::size_t> order(city.pipes.size());
  std::iota(order.begin(), order.end(), 0);
  for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[r.below(i)]);
  order.resize(o.pipes);
  std::sort(order.begin(), order.end());
  std::vector<PipeSegment> kept;
  kept.reserve(o.pipes);
  for (std::size_t i : order) kept.push_back(std::move(city.pipes[i]));
  city.pipes = std::move(kept);
  for (std::size_t i = 0; i < city.pipes.size(); ++i) {
    auto& p = city.pipes[i];
    p.id = "P" + std::to_string(i);
    p.sourceRow = static_cast<std::int64_t>(i) + 1;
    p.startPointId = p.id + "a";
    p.endPointId = p.id + "b";
  }
  return city;
}

cim::model::Element buildingElement(const Building& b, std::size_t index) {
  cim::model::Element e;
  e.kind = "building";
  e.guid = "B" + std::to_string(index);
  e.name = e.guid;
  e.attributes["building.height"] = b.height;
  e.attributes["building.storeys"] = static_cast<std::int64_t>(std::lround(b.height / 3.0));
  cim::geometry::Mesh m;
  const auto& f = b.footprint;
  const std::size_t n = f.size();
  m.origin = Vector3d(std::floor(f[0].x()), std::floor(f[0].y()), b.ground);
  for (double z : {0.0, b.height})
    for (const auto& p : f) m.positions.emplace_back(float(p.x() - m.origin.x()), float(p.y() - m.origin.y()), float(z));
  // Caps: a fan from the reflex vertex of an L (it sees every other vertex), else from the first.
  std::size_t apex = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const Vector2d a = f[(i + n - 1) % n], p = f[i], c = f[(i + 1) % n];
    if ((p - a).x() * (c - p).y() - (p - a).y() * (c - p).x() < 0) apex = i;
  }
  const auto N = static_cast<std::uint32_t>(n);
  for (std::uint32_t k = 1; k + 1 < N; ++k) {
    const std::uint32_t a = std::uint32_t(apex), b1 = std::uint32_t((apex + k) % n), c = std::uint32_t((apex + k + 1) % n);
    m.indices.insert(m.indices.end(), {N + a, N + b1, N + c});  // top, counter-clockwise from above
    m.indices.insert(m.indices.end(), {a, c, b1});              // bottom, facing down
  }
  for (std::uint32_t i = 0; i < N; ++i) {  // walls, facing out
    const std::uint32_t j = (i + 1) % N;
    m.indices.insert(m.indices.end(), {i, j, N + j, i, N + j, N + i});
  }
  e.shapes.push_back({std::move(m), {"building", {0.85f, 0.82f, 0.78f, 1.0f}}});
  return e;
}

cim::model::Element pipeCityElement(const PipeSegment& pipe, std::size_t index) {
  auto e = cim::model::pipeElement(pipe);
  e.guid = "P" + std::to_string(index);
  return e;
}

cim::model::Scene cityScene(const City& city) {
  cim::model::Scene scene(cim::geo::Crs::fromUserInput("EPSG:4549+5737").value());
  auto& pipes = scene.layer("pipes");
  pipes.elements.reserve(city.pipes.size());
  for (std::size_t i = 0; i < city.pipes.size(); ++i) scene.addElement("pipes", pipeCityElement(city.pipes[i], i));
  auto& buildings = scene.layer("buildings");
  buildings.elements.reserve(city.buildings.size());
  for (std::size_t i = 0; i < city.buildings.size(); ++i) scene.addElement("buildings", buildingElement(city.buildings[i], i));
  return scene;
}

std::vector<Vector2d> planOutline(const PipeSegment& pipe) {
  if (pipe.section.shape != PipeSection::Shape::Rectangular) return {};
  const Vector2d p = pipe.start().head<2>(), q = pipe.end().head<2>();
  const Vector2d d = (q - p).normalized();
  const Vector2d n = Vector2d(-d.y(), d.x()) * (pipe.section.widthMeters / 2);
  return {p - n, q - n, q + n, p + n};
}

}  // namespace cimbench
