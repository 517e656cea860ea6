#include "cim/model/pipe.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>

#include "cim/model/element.h"
#include "core/text.h"

namespace cim::model {

namespace {

struct ClassInfo {
  PipeClass cls;
  std::string_view code, zh, en;
  std::array<unsigned char, 3> rgb;  // CJJ 61-2017 display colour (sRGB)
  std::vector<std::string_view> subtypes;
};

const std::vector<ClassInfo>& classTable() {
  static const std::vector<ClassInfo> table = {
      {PipeClass::Water, "JS", "给水", "water supply", {0, 255, 255}, {"JY", "SS", "ZS", "JP", "JZ", "XS", "LS", "JH"}},
      {PipeClass::Drainage, "PS", "排水", "drainage", {76, 57, 38}, {"YS", "WS", "HS"}},
      {PipeClass::Gas, "RQ", "燃气", "gas", {255, 0, 255}, {"MQ", "YH", "TR"}},
      {PipeClass::Heat, "RL", "热力", "heat", {255, 128, 0}, {"RS", "ZQ"}},
      {PipeClass::Power, "DL", "电力", "power", {255, 0, 0}, {"GD", "LD", "XH", "DC", "GG"}},
      {PipeClass::Telecom, "TX", "通信", "telecom", {0, 255, 0}, {"DH", "DS", "XX", "GB"}},
      {PipeClass::Industrial, "GY", "工业", "industrial", {0, 0, 0},
       {"QQ", "YQ", "GQ", "YX", "BQ", "LQ", "DQ", "EY", "AQ", "JB"}},
      {PipeClass::Other, "QT", "其他", "other", {0, 0, 0}, {"ZH", "BM"}},
  };
  return table;
}

const ClassInfo& info(PipeClass c) { return classTable()[static_cast<std::size_t>(c)]; }

float srgbToLinear(unsigned char v) {
  const double c = v / 255.0;
  return static_cast<float>(c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4));
}

}  // namespace

std::string_view classCode(PipeClass cls) { return info(cls).code; }
std::string_view classNameZh(PipeClass cls) { return info(cls).zh; }
std::string_view classNameEn(PipeClass cls) { return info(cls).en; }

std::optional<PipeType> pipeTypeFromCode(std::string_view code) {
  const std::string c = detail::toUpper(detail::trimView(code));
  if (c.empty()) return std::nullopt;
  for (const auto& row : classTable()) {
    if (row.code == c) return PipeType{row.cls, c};
    for (auto sub : row.subtypes)
      if (sub == c) return PipeType{row.cls, c};
  }
  // Chinese class names are accepted as codes too (a 类型 column holding 燃气).
  for (const auto& row : classTable())
    if (std::string_view(code).find(row.zh) != std::string_view::npos) return PipeType{row.cls, std::string(row.code)};
  return std::nullopt;
}

Color pipeTypeColor(const PipeType& type) {
  std::array<unsigned char, 3> rgb = info(type.cls).rgb;
  if (type.cls == PipeClass::Other && type.code == "BM") rgb = {102, 0, 204};
  return Color{srgbToLinear(rgb[0]), srgbToLinear(rgb[1]), srgbToLinear(rgb[2]), 1.0f};
}

bool isGravity(const PipeType& type) { return type.cls == PipeClass::Drainage; }

std::optional<GasPressureClass> gasPressureClass(double p) {
  if (!std::isfinite(p) || p < 0.0) return std::nullopt;
  if (p < 0.01) return GasPressureClass::Low;
  if (p <= 0.2) return GasPressureClass::MediumB;
  if (p <= 0.4) return GasPressureClass::MediumA;
  if (p <= 0.8) return GasPressureClass::SubHighB;
  if (p <= 1.6) return GasPressureClass::SubHighA;
  if (p <= 2.5) return GasPressureClass::HighB;
  if (p <= 4.0) return GasPressureClass::HighA;
  return std::nullopt;
}

std::optional<GasPressureClass> gasPressureClassFromText(std::string_view text) {
  const std::string t = detail::toUpper(detail::trimView(text));
  const bool a = !t.empty() && t.back() == 'A', b = !t.empty() && t.back() == 'B';
  auto has = [&](std::string_view s) { return t.find(s) != std::string::npos; };
  if (has("次高压") || has("SUB-HIGH") || has("SUBHIGH") || has("SUB HIGH") || t == "SHA" || t == "SHB") {
    if (a) return GasPressureClass::SubHighA;
    if (b) return GasPressureClass::SubHighB;
    return std::nullopt;
  }
  if (has("高压") || has("HIGH") || t == "HA" || t == "HB") {
    if (a) return GasPressureClass::HighA;
    if (b) return GasPressureClass::HighB;
    return std::nullopt;
  }
  if (has("中压") || has("MEDIUM") || t == "MA" || t == "MB") {
    if (a) return GasPressureClass::MediumA;
    if (b) return GasPressureClass::MediumB;
    return std::nullopt;
  }
  if (has("低压") || has("LOW") || t == "LP" || t == "L") return GasPressureClass::Low;
  return std::nullopt;
}

std::string_view gasPressureClassName(GasPressureClass c) {
  static constexpr std::array<std::string_view, 7> names = {"low",        "medium B", "medium A", "sub-high B",
                                                            "sub-high A", "high B",   "high A"};
  return names[static_cast<std::size_t>(c)];
}

std::string_view gasPressureClassNameZh(GasPressureClass c) {
  static constexpr std::array<std::string_view, 7> names = {"低压",    "中压B", "中压A", "次高压B",
                                                            "次高压A", "高压B", "高压A"};
  return names[static_cast<std::size_t>(c)];
}

DepthReference defaultDepthReference(const PipeType& type) {
  return isGravity(type) ? DepthReference::InsideBottom : DepthReference::OuterTop;
}

std::string_view depthReferenceName(DepthReference r) {
  switch (r) {
    case DepthReference::InsideBottom: return "inside bottom";
    case DepthReference::OuterTop: return "outer top";
    case DepthReference::Centreline: return "centreline";
  }
  return "";
}

double PipeSection::innerHeight() const {
  if (shape == Shape::Circular && innerDiameterMeters) return *innerDiameterMeters;
  const double outer = outerHeight();
  return wallMeters ? std::max(0.0, outer - 2.0 * *wallMeters) : outer;
}

double PipeSegment::length() const {
  double l = 0.0;
  for (std::size_t i = 1; i < centreline.size(); ++i) l += (centreline[i] - centreline[i - 1]).norm();
  return l;
}

}  // namespace cim::model
