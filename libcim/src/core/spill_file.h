#pragma once
// Private: an anonymous temporary file that takes bytes which need not stay in memory (a GLB's binary chunk while its
// JSON is built, meshes waiting for their tile). Bytes are appended and read back by offset; the file has no name
// (O_TMPFILE, or a name removed at once) and disappears when closed, also when the process dies.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

namespace cim::detail {

class SpillFile {
 public:
  /// Creates the file in `folder` (the system's temporary folder when empty); check ok() (error() says why not).
  explicit SpillFile(const std::filesystem::path& folder = {});
  ~SpillFile();
  SpillFile(const SpillFile&) = delete;
  SpillFile& operator=(const SpillFile&) = delete;

  bool ok() const { return fd_ >= 0 && error_.empty(); }
  const std::string& error() const { return error_; }
  std::uint64_t size() const { return size_; }

  /// Appends `bytes` bytes; gives the offset they start at. A failed write sets error() (and ok() turns false).
  std::uint64_t append(const void* data, std::size_t bytes);
  /// Appends zero bytes until size() is a multiple of `alignment`.
  void pad(std::size_t alignment);
  /// Reads `bytes` bytes at `offset` into `out`; false (error() set) when they cannot be read.
  bool read(std::uint64_t offset, void* out, std::size_t bytes) const;
  /// Copies the whole content to the file descriptor `fd` at its current position; false (error() set) on failure.
  bool copyTo(int fd) const;

 private:
  int fd_ = -1;
  std::uint64_t size_ = 0;
  mutable std::string error_;
};

}  // namespace cim::detail
