// model/pipe: CJJ 61 type classes and colours, GB 50028 gas pressure classes (../shared/STANDARDS.md).
#include <catch2/catch.hpp>

#include "cim/model/pipe.h"
#include "cim/model/element.h"
#include "support/mesh_probe.h"
#include "support/pipe_tables.h"
#include "support/test_support.h"

using namespace cim;
using namespace cimtest;
using Catch::Matchers::Contains;

TEST_CASE("CJJ 61 type codes, colours and gas pressure classes follow STANDARDS.md", "[pipes]") {
  CHECK(model::pipeTypeFromCode("ws")->cls == model::PipeClass::Drainage);
  CHECK(model::pipeTypeFromCode("RQ")->cls == model::PipeClass::Gas);
  CHECK(model::pipeTypeFromCode("ZH")->cls == model::PipeClass::Other);
  CHECK_FALSE(model::pipeTypeFromCode("ZZ"));
  const auto c = model::pipeTypeColor(*model::pipeTypeFromCode("JS"));
  CHECK(c.r == 0.0f);
  CHECK(c.g == Approx(1.0f));
  CHECK(c.b == Approx(1.0f));
  CHECK(model::gasPressureClass(0.005) == model::GasPressureClass::Low);
  CHECK(model::gasPressureClass(0.2) == model::GasPressureClass::MediumB);
  CHECK(model::gasPressureClass(0.3) == model::GasPressureClass::MediumA);
  CHECK(model::gasPressureClass(0.8) == model::GasPressureClass::SubHighB);
  CHECK(model::gasPressureClass(1.0) == model::GasPressureClass::SubHighA);
  CHECK(model::gasPressureClass(2.5) == model::GasPressureClass::HighB);
  CHECK(model::gasPressureClass(4.0) == model::GasPressureClass::HighA);
  CHECK_FALSE(model::gasPressureClass(4.5));
  CHECK(model::gasPressureClassFromText("中压A") == model::GasPressureClass::MediumA);
  CHECK(model::gasPressureClassFromText("次高压B") == model::GasPressureClass::SubHighB);
  CHECK(model::gasPressureClassFromText("高压A") == model::GasPressureClass::HighA);
  CHECK(model::gasPressureClassFromText("low") == model::GasPressureClass::Low);
}
