#include "export/report/report_zip.h"

#include <cstdio>
#include <set>

#include <unistd.h>

#include <zip.h>

namespace cim::report::detail {

ZipTime zipTime(std::string_view dateTime) {
  ZipTime t;
  const std::string text(dateTime);
  int y, mo, d, h, mi, s;
  char sep;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d%c%2d:%2d:%2d", &y, &mo, &d, &sep, &h, &mi, &s) != 7 || sep != 'T')
    return t;
  if (y < 1980 || y > 2107 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 ||
      s > 60)
    return t;
  return {y, mo, d, h, mi, s > 59 ? 59 : s};
}

namespace {

// minizip's stdio callbacks, except that "opening" the archive takes a stream on a duplicate of `fd` (passed as the
// opaque pointer) instead of opening a path.
voidpf ZCALLBACK openDescriptor(voidpf opaque, const void* /*filename*/, int /*mode*/) {
  const int fd = ::dup(*static_cast<const int*>(opaque));
  if (fd < 0) return nullptr;
  FILE* f = ::fdopen(fd, "wb");
  if (!f) ::close(fd);
  return f;
}

bool writeEntries(zipFile zip, const std::vector<std::pair<std::string, std::string>>& files, const ZipTime& time);

}  // namespace

bool writeZip(int fd, const std::vector<std::pair<std::string, std::string>>& files, const ZipTime& time) {
  zlib_filefunc64_def io;
  fill_fopen64_filefunc(&io);
  io.zopen64_file = openDescriptor;
  io.opaque = &fd;
  zipFile zip = zipOpen2_64("output", APPEND_STATUS_CREATE, nullptr, &io);
  if (!zip) return false;
  return writeEntries(zip, files, time);
}

bool writeZip(const std::filesystem::path& file, const std::vector<std::pair<std::string, std::string>>& files,
              const ZipTime& time) {
  zipFile zip = zipOpen64(file.string().c_str(), APPEND_STATUS_CREATE);
  if (!zip) return false;
  return writeEntries(zip, files, time);
}

namespace {

// The entries into an open archive, which is closed.
bool writeEntries(zipFile zip, const std::vector<std::pair<std::string, std::string>>& files, const ZipTime& time) {
  zip_fileinfo info{};
  info.tmz_date.tm_year = static_cast<uInt>(time.year);  // minizip takes the full year (or years since 1900)
  info.tmz_date.tm_mon = static_cast<uInt>(time.month - 1);
  info.tmz_date.tm_mday = static_cast<uInt>(time.day);
  info.tmz_date.tm_hour = static_cast<uInt>(time.hour);
  info.tmz_date.tm_min = static_cast<uInt>(time.minute);
  info.tmz_date.tm_sec = static_cast<uInt>(time.second);
  // One entry: a folder ("name/", stored, no data) or a file (deflated).
  const auto add = [&](const std::string& name, std::string_view contents, bool folder) {
    bool ok = zipOpenNewFileInZip64(zip, name.c_str(), &info, nullptr, 0, nullptr, 0, nullptr, folder ? 0 : Z_DEFLATED,
                                    folder ? 0 : Z_BEST_COMPRESSION, 0) == ZIP_OK;
    if (ok && !contents.empty())
      ok = zipWriteInFileInZip(zip, contents.data(), static_cast<unsigned>(contents.size())) == ZIP_OK;
    return zipCloseFileInZip(zip) == ZIP_OK && ok;
  };
  bool ok = true;
  std::set<std::string> folders;
  for (const auto& [name, contents] : files) {
    // Each folder gets its own entry before its first file, as the BCF encoding guide asks.
    for (auto slash = name.find('/'); ok && slash != std::string::npos; slash = name.find('/', slash + 1))
      if (folders.insert(name.substr(0, slash + 1)).second) ok = add(name.substr(0, slash + 1), {}, true);
    if (ok) ok = add(name, contents, false);
    if (!ok) break;
  }
  return zipClose(zip, nullptr) == ZIP_OK && ok;
}

}  // namespace

}  // namespace cim::report::detail
