#include "core/spill_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace cim::detail {

namespace fs = std::filesystem;

SpillFile::SpillFile(const fs::path& folder) {
  std::error_code ec;
  const fs::path dir = folder.empty() ? fs::temp_directory_path(ec) : folder;
#ifdef O_TMPFILE
  fd_ = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
#endif
  if (fd_ < 0) {  // a file system without O_TMPFILE: a named file, unlinked at once
    std::string pattern = (dir / ".libcim-spill-XXXXXX").string();
    fd_ = ::mkstemp(pattern.data());
    if (fd_ >= 0) ::unlink(pattern.c_str());
  }
  if (fd_ < 0) error_ = "cannot create a temporary file in '" + dir.string() + "': " + std::strerror(errno);
}

SpillFile::~SpillFile() {
  if (fd_ >= 0) ::close(fd_);
}

std::uint64_t SpillFile::append(const void* data, std::size_t bytes) {
  const std::uint64_t at = size_;
  if (!ok()) return at;
  const auto* p = static_cast<const char*>(data);
  while (bytes > 0) {
    const ssize_t n = ::pwrite(fd_, p, bytes, static_cast<off_t>(size_));
    if (n < 0) {
      if (errno == EINTR) continue;
      error_ = std::string("cannot write a temporary file: ") + std::strerror(errno);
      return at;
    }
    p += n;
    bytes -= static_cast<std::size_t>(n);
    size_ += static_cast<std::uint64_t>(n);
  }
  return at;
}

void SpillFile::pad(std::size_t alignment) {
  static const char zeros[16] = {};
  while (alignment > 1 && size_ % alignment != 0)
    append(zeros, std::min<std::size_t>(sizeof zeros, alignment - size_ % alignment));
}

bool SpillFile::read(std::uint64_t offset, void* out, std::size_t bytes) const {
  auto* p = static_cast<char*>(out);
  while (bytes > 0) {
    const ssize_t n = ::pread(fd_, p, bytes, static_cast<off_t>(offset));
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      error_ = n == 0 ? "a temporary file is shorter than written" : std::string("cannot read a temporary file: ") + std::strerror(errno);
      return false;
    }
    p += n;
    offset += static_cast<std::uint64_t>(n);
    bytes -= static_cast<std::size_t>(n);
  }
  return true;
}

bool SpillFile::copyTo(int fd) const {
  std::vector<char> block(std::size_t(1) << 20);
  for (std::uint64_t at = 0; at < size_;) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(block.size(), size_ - at));
    if (!read(at, block.data(), n)) return false;
    for (std::size_t done = 0; done < n;) {
      const ssize_t w = ::write(fd, block.data() + done, n - done);
      if (w < 0) {
        if (errno == EINTR) continue;
        error_ = std::string("cannot write: ") + std::strerror(errno);
        return false;
      }
      done += static_cast<std::size_t>(w);
    }
    at += n;
  }
  return true;
}

}  // namespace cim::detail
