#pragma once
// How every single-file writer puts its output in place: the bytes go to a new temporary file beside the output,
// created with O_CREAT | O_EXCL | O_NOFOLLOW under a random name (a file or link planted there, e.g. a symlink at
// "OUT.glb.tmp", is never followed or overwritten), then renamed over the output. Readers never see a half-written
// file, and nothing outside the output is ever written.

#include <filesystem>
#include <string>
#include <string_view>

namespace cim::detail {

/// A temporary file beside an output, open for writing; removed on destruction unless committed.
class OutputTemporary {
 public:
  /// Creates ".<name>.<random>.tmp" beside `output`; check ok() (error() says why not).
  explicit OutputTemporary(const std::filesystem::path& output);
  ~OutputTemporary();
  OutputTemporary(const OutputTemporary&) = delete;
  OutputTemporary& operator=(const OutputTemporary&) = delete;

  bool ok() const { return fd_ >= 0; }
  const std::string& error() const { return error_; }
  int fd() const { return fd_; }
  const std::filesystem::path& path() const { return tmp_; }

  /// Appends `bytes`; false (error() set) when the write fails.
  bool write(std::string_view bytes);
  /// Flushes, closes and renames the temporary over the output; false (error() set, temporary removed) on failure.
  bool commit();

 private:
  std::filesystem::path output_, tmp_;
  int fd_ = -1;
  bool committed_ = false;
  std::string error_;
};

/// Writes `bytes` to `output` through an OutputTemporary. Empty on success, else why not.
std::string writeOutputFile(const std::filesystem::path& output, std::string_view bytes);

}  // namespace cim::detail
