// export/report/report_zip: zip archives through minizip, read back by Python's zipfile.
#include <catch2/catch.hpp>

#include "export/report/report_zip.h"
#include "support/test_support.h"

using namespace cim::report::detail;

TEST_CASE("A zip's entries, folders, contents and time read back in Python's zipfile", "[export][report]") {
  cimtest::TempDir dir;
  const std::vector<std::pair<std::string, std::string>> files = {
      {"bcf.version", "<Version VersionId=\"3.0\"/>\n"}, {"a/empty.txt", ""}, {"a/big.txt", std::string(100000, 'x')}};
  REQUIRE(writeZip(dir / "t.zip", files, zipTime("2024-05-20T09:30:07+08:00")));
  const auto r = cimtest::run(
      "python3 -c \"import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; "
      "[print(i.filename, i.file_size, i.compress_type, i.date_time) for i in z.infolist()]; "
      "print(z.read('bcf.version').decode())\" " +
      cimtest::shellQuote((dir / "t.zip").string()));
  REQUIRE(r.exitCode == 0);
  // Files deflated (8), the folder stored (0) before its first file; the clock time as written (DOS times count
  // 2-second steps: 07 -> 06).
  CHECK(r.out ==
        "bcf.version 27 8 (2024, 5, 20, 9, 30, 6)\n"
        "a/ 0 0 (2024, 5, 20, 9, 30, 6)\n"
        "a/empty.txt 0 8 (2024, 5, 20, 9, 30, 6)\n"
        "a/big.txt 100000 8 (2024, 5, 20, 9, 30, 6)\n"
        "<Version VersionId=\"3.0\"/>\n\n");
  CHECK_FALSE(writeZip(dir / "no" / "such" / "t.zip", files, {}));
}

TEST_CASE("Zip times from xs:dateTime, else 1980-01-01", "[export][report]") {
  struct Row {
    const char* text;
    int year, month, day, hour, minute, second;
  };
  for (const auto& row : {Row{"2024-05-20T09:30:00Z", 2024, 5, 20, 9, 30, 0},
                          Row{"2024-12-31T23:59:60Z", 2024, 12, 31, 23, 59, 59},
                          Row{"2024-05-20T09:30:00.25+08:00", 2024, 5, 20, 9, 30, 0},
                          Row{"1979-05-20T09:30:00Z", 1980, 1, 1, 0, 0, 0}, Row{"2024-13-20T09:30:00Z", 1980, 1, 1, 0, 0, 0},
                          Row{"2024-05-20 09:30:00", 1980, 1, 1, 0, 0, 0}, Row{"", 1980, 1, 1, 0, 0, 0}}) {
    INFO(row.text);
    const auto t = zipTime(row.text);
    CHECK(t.year == row.year);
    CHECK(t.month == row.month);
    CHECK(t.day == row.day);
    CHECK(t.hour == row.hour);
    CHECK(t.minute == row.minute);
    CHECK(t.second == row.second);
  }
}
