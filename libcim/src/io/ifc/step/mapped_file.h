#pragma once
// A read-only memory mapping of a whole file. Pages are loaded by the OS on demand, so a multi-gigabyte IFC costs
// address space, not resident memory.

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "cim/core/result.h"

namespace cim::io::ifc {

class MappedFile {
 public:
  /// Maps `path` read-only. Fails with FileNotFound, FileUnreadable or EmptyFile naming the file.
  static Result<MappedFile> open(const std::filesystem::path& path);
  /// Bytes already in memory, read in place (not copied, not unmapped): the caller keeps them alive. Fails with
  /// EmptyFile for no bytes. For readers of buffers (the fuzz targets).
  static Result<MappedFile> view(std::string_view bytes, const std::string& name);

  MappedFile() = default;
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  std::string_view bytes() const { return {data_, size_}; }
  std::size_t size() const { return size_; }

  /// Tells the OS the file will be read front to back (or not) from here on.
  void adviseSequential(bool sequential) const;
  /// Drops the pages read so far from this process's resident set. They stay in the OS page cache, so reading them
  /// again costs a minor fault, not disk I/O: a gigabyte file need not stay resident while its model is built.
  void releaseResident() const;

 private:
  const char* data_ = nullptr;
  std::size_t size_ = 0;
  bool mapped_ = false;  ///< whether data_ is a mapping of ours (unmapped, advised) or a caller's buffer
};

}  // namespace cim::io::ifc
