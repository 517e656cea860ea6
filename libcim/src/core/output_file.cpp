#include "core/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <random>

namespace cim::detail {

namespace fs = std::filesystem;

namespace {

// ".<name>.<random>-<counter>.tmp" beside `output`.
fs::path temporaryName(const fs::path& output) {
  static std::atomic<unsigned> counter{0};
  std::random_device device;
  std::string name(".");  // appended piece by piece: GCC 12 warns (-Wrestrict, wrongly) about "." + string
  name += output.filename().string();
  name += '.';
  name += std::to_string(device());
  name += '-';
  name += std::to_string(counter++);
  name += ".tmp";
  return output.parent_path() / name;
}

}  // namespace

OutputTemporary::OutputTemporary(const fs::path& output) : output_(output) {
  // A few names are tried: a name taken (by a planted file or a link) is skipped, never opened.
  for (int attempt = 0; attempt < 16 && fd_ < 0; ++attempt) {
    tmp_ = temporaryName(output);
    fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd_ < 0 && errno != EEXIST) break;
  }
  if (fd_ < 0) {
    error_ = std::strerror(errno);
    tmp_.clear();
  }
}

OutputTemporary::~OutputTemporary() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_ && !tmp_.empty()) ::unlink(tmp_.c_str());
}

bool OutputTemporary::write(std::string_view bytes) {
  if (fd_ < 0) return false;
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      error_ = std::strerror(errno);
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

bool OutputTemporary::commit() {
  if (fd_ < 0) return false;
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) {
    error_ = std::strerror(errno);
    return false;
  }
  // rename() replaces a link at the output itself, it does not write through it.
  if (::rename(tmp_.c_str(), output_.c_str()) != 0) {
    error_ = std::strerror(errno);
    return false;
  }
  committed_ = true;
  return true;
}

std::string writeOutputFile(const fs::path& output, std::string_view bytes) {
  OutputTemporary tmp(output);
  if (!tmp.ok() || !tmp.write(bytes) || !tmp.commit()) return tmp.error().empty() ? "cannot write" : tmp.error();
  return {};
}

}  // namespace cim::detail
