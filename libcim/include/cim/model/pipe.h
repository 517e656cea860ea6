#pragma once
// The parametric form of underground utilities: pipe segments (centreline + section) and wells, with the CJJ 61-2017
// type classes, display colours and the GB 50028 gas pressure classes (../shared/STANDARDS.md).
//
// Where it lives: every pipe element of a Scene (kind "pipe") carries its PipeSegment as Element::parametric, every
// well (kind "well") its Well, beside the tessellated mesh. Both are in the scene CRS (metres, Z up, double) and are
// kept there by transformScene and mergeInto, so a clearance check measures the exact cylinder or box rather than
// the facets: for every element e of a scene, `if (const auto* p = e.pipe()) { p->centreline ... }`.
// cim/model/utilities.h makes the element (mesh, attributes) of a segment or well.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>

namespace cim::model {

struct Color;

/// CJJ 61-2017 pipeline type classes.
enum class PipeClass : std::uint8_t {
  Water,       ///< JS 给水
  Drainage,    ///< PS 排水 (YS 雨水, WS 污水, HS 合流)
  Gas,         ///< RQ 燃气
  Heat,        ///< RL 热力
  Power,       ///< DL 电力
  Telecom,     ///< TX 通信
  Industrial,  ///< GY 工业
  Other,       ///< QT 其他 (ZH 综合管沟, BM 不明)
};

/// A type class and the code it was given as: the class code ("RQ") or a subtype code ("WS", "MQ", "ZH").
struct PipeType {
  PipeClass cls = PipeClass::Other;
  std::string code = "QT";
  friend bool operator==(const PipeType&, const PipeType&) = default;
};

/// The class code: "JS", "PS", "RQ", "RL", "DL", "TX", "GY", "QT".
std::string_view classCode(PipeClass cls);
/// The Chinese class name: "给水", "排水", ...
std::string_view classNameZh(PipeClass cls);
/// The English class name: "water supply", "drainage", "gas", "heat", "power", "telecom", "industrial", "other".
std::string_view classNameEn(PipeClass cls);
/// The type of a class or subtype code from CJJ 61 (case-insensitive, surrounding blanks ignored); nullopt for codes
/// CJJ 61 does not list.
std::optional<PipeType> pipeTypeFromCode(std::string_view code);
/// CJJ 61 display colour of a type as linear RGB (the table gives sRGB 0–255): QT BM 不明 is 102,0,204, other QT and
/// GY black.
Color pipeTypeColor(const PipeType& type);
/// Drainage (PS, YS, WS, HS): gravity flow.
bool isGravity(const PipeType& type);

/// Gas pressure classes of GB 50028-2006 (Table 6.1.6), MPa gauge: low P < 0.01; medium B 0.01 ≤ P ≤ 0.2;
/// medium A ≤ 0.4; sub-high B ≤ 0.8; sub-high A ≤ 1.6; high B ≤ 2.5; high A ≤ 4.0.
enum class GasPressureClass : std::uint8_t { Low, MediumB, MediumA, SubHighB, SubHighA, HighB, HighA };
/// The class of a pressure in MPa; nullopt for negative, non-finite or above-4.0 MPa values.
std::optional<GasPressureClass> gasPressureClass(double pressureMpa);
/// The class named in text: "中压A", "次高压B", "低压", "medium A", "sub-high B", "high A", "MA", "LP".
std::optional<GasPressureClass> gasPressureClassFromText(std::string_view text);
/// "low", "medium B", "medium A", "sub-high B", "sub-high A", "high B", "high A".
std::string_view gasPressureClassName(GasPressureClass c);
/// "低压", "中压B", "中压A", "次高压B", "次高压A", "高压B", "高压A".
std::string_view gasPressureClassNameZh(GasPressureClass c);

/// What a surveyed depth (埋深) is measured to.
enum class DepthReference : std::uint8_t {
  InsideBottom,  ///< 管内底: invert of a gravity pipe or culvert
  OuterTop,      ///< 外顶: top of a pressure pipe, a cable duct bank or a cable
  Centreline,    ///< the centreline itself
};
/// The CJJ 61 practice (STANDARDS.md, "to verify"): drainage (incl. 方沟) to the inside bottom; pressure pipes
/// (JS, RQ, RL, GY), cables and ducts (DL, TX) and QT to the outer top.
DepthReference defaultDepthReference(const PipeType& type);
std::string_view depthReferenceName(DepthReference r);

/// A pipe's cross-section. Circular: outer diameter, and the inner one when the wall is known. Rectangular (方沟,
/// 管块, duct banks): outer width × height, the width horizontal and perpendicular to the centreline.
struct PipeSection {
  enum class Shape : std::uint8_t { Circular, Rectangular };
  Shape shape = Shape::Circular;
  double outerDiameterMeters = 0.0;                ///< circular only
  std::optional<double> innerDiameterMeters;       ///< circular only, when the wall thickness is known
  double widthMeters = 0.0, heightMeters = 0.0;    ///< rectangular only (outer)
  std::optional<double> wallMeters;                ///< wall thickness when known

  /// Outer vertical extent: the diameter or the height.
  double outerHeight() const { return shape == Shape::Circular ? outerDiameterMeters : heightMeters; }
  /// Outer horizontal extent across the centreline.
  double outerWidth() const { return shape == Shape::Circular ? outerDiameterMeters : widthMeters; }
  /// Inner vertical extent: outer minus two walls when the wall is known, else the outer extent.
  double innerHeight() const;
};

/// One pipe as the clearance engine sees it. The centreline runs from the start point (CJJ 61 S_Exp, EPANET/SWMM
/// node 1) to the end point; a CJJ 61 segment has two points, network-model links may have interior vertices.
struct PipeSegment {
  std::vector<Eigen::Vector3d> centreline;  ///< scene CRS, metres, at least 2 points
  PipeSection section;
  PipeType type;
  std::string id;                 ///< link id or "S_Exp-E_Exp"
  std::string startPointId, endPointId;
  std::string material;
  std::optional<double> pressureMpa;
  std::optional<GasPressureClass> gasPressureClass;  ///< gas pipes with a known pressure or pressure class
  std::optional<double> voltageKv;
  std::optional<std::int64_t> cableCount;
  std::string burialMethod;  ///< EmBed code or text (ZM 直埋, GM 管埋, GK 管块, ...)
  std::optional<std::int64_t> year;
  std::string owner;
  std::string status;
  bool flowReversed = false;  ///< FlowDir says the flow runs from the end point to the start point
  /// Surveyed burial depths at the two ends (S_Deep/E_Deep), metres below ground, when the table gives them.
  std::optional<double> startDepthMeters, endDepthMeters;
  /// What the depths (and the heights the centreline was built from) are measured to.
  DepthReference depthReference = DepthReference::Centreline;
  std::string sizeText;       ///< the size as the source wrote it ("DN200", "1000×800"), may be empty
  std::string source;         ///< file (and layer) the segment came from
  std::int64_t sourceRow = -1;  ///< 1-based feature/row number in that table, -1 when not from a table

  const Eigen::Vector3d& start() const { return centreline.front(); }
  const Eigen::Vector3d& end() const { return centreline.back(); }
  /// Length of the centreline polyline in metres.
  double length() const;
};

/// A well, manhole or chamber (检查井, 阀门井, 人孔): a vertical cylinder (or box) from the ground down.
struct Well {
  Eigen::Vector3d top = Eigen::Vector3d::Zero();  ///< centre of the cover at ground level, scene CRS
  double depthMeters = 0.0;                       ///< from the cover down to the bottom
  double diameterMeters = 0.0;                    ///< round wells (when widthMeters is 0)
  double widthMeters = 0.0, lengthMeters = 0.0;   ///< rectangular wells
  PipeType type;
  std::string pointId;
  std::string feature;     ///< 特征/附属物 text
  std::string coverSize;   ///< 井盖规格 as given
  std::string source;
  std::int64_t sourceRow = -1;
};

}  // namespace cim::model
