#pragma once
// Zip archives through minizip (zlib's contrib, Debian's libminizip-dev): what a BCF file is.

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cim::report::detail {

/// A zip entry's time (the archive's DOS date and time: local time, 2-second steps, 1980 – 2107).
struct ZipTime {
  int year = 1980, month = 1, day = 1, hour = 0, minute = 0, second = 0;
};

/// The time of an xs:dateTime ("2024-05-20T09:30:00Z", "2024-05-20T17:30:00+08:00": its own clock time, the zone
/// ignored); 1980-01-01 00:00:00 when the text is not one.
ZipTime zipTime(std::string_view dateTime);

/// Writes `files` (path in the archive with '/' between folders, contents), deflated, in the given order, each with
/// `time`, to `file`; each folder gets an entry of its own ("folder/") before its first file. The same files and
/// time give the same bytes. False when the file cannot be written.
bool writeZip(const std::filesystem::path& file, const std::vector<std::pair<std::string, std::string>>& files,
              const ZipTime& time);
/// The same, into the open file descriptor `fd` (an OutputTemporary's; it stays open, the caller closes it).
bool writeZip(int fd, const std::vector<std::pair<std::string, std::string>>& files, const ZipTime& time);

}  // namespace cim::report::detail
