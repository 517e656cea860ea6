#include "io/ifc/step/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace cim::io::ifc {

Result<MappedFile> MappedFile::open(const std::filesystem::path& path) {
  const std::string source = path.string();
  auto fail = [&](ErrorCode code, std::string message) {
    return Result<MappedFile>::failure(Diagnostic::error(code, std::move(message), source));
  };
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return fail(ErrorCode::FileNotFound, "file not found");
    return fail(ErrorCode::FileUnreadable, std::string("cannot open: ") + std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return fail(ErrorCode::FileUnreadable, std::string("cannot stat: ") + std::strerror(err));
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return fail(ErrorCode::FileUnreadable, "is a directory");
  }
  if (st.st_size == 0) {
    ::close(fd);
    return fail(ErrorCode::EmptyFile, "file is empty");
  }
  void* p = ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
  const int err = errno;
  ::close(fd);  // the mapping keeps the file
  if (p == MAP_FAILED) return fail(ErrorCode::FileUnreadable, std::string("cannot map: ") + std::strerror(err));
  MappedFile f;
  f.data_ = static_cast<const char*>(p);
  f.size_ = static_cast<std::size_t>(st.st_size);
  f.mapped_ = true;
  return Result<MappedFile>::success(std::move(f));
}

Result<MappedFile> MappedFile::view(std::string_view bytes, const std::string& name) {
  if (bytes.empty()) return Result<MappedFile>::failure(Diagnostic::error(ErrorCode::EmptyFile, "file is empty", name));
  MappedFile f;
  f.data_ = bytes.data();
  f.size_ = bytes.size();
  return Result<MappedFile>::success(std::move(f));
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      mapped_(std::exchange(other.mapped_, false)) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
  if (this != &other) {
    if (data_ && mapped_) ::munmap(const_cast<char*>(data_), size_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    mapped_ = std::exchange(other.mapped_, false);
  }
  return *this;
}

MappedFile::~MappedFile() {
  if (data_ && mapped_) ::munmap(const_cast<char*>(data_), size_);
}

void MappedFile::releaseResident() const {
  // A read-only private mapping has no dirty pages: MADV_DONTNEED only unmaps, and the next read refaults the same
  // bytes from the page cache, also when another thread reads concurrently.
  if (data_ && mapped_) ::madvise(const_cast<char*>(data_), size_, MADV_DONTNEED);
}

void MappedFile::adviseSequential(bool sequential) const {
  if (data_ && mapped_) ::madvise(const_cast<char*>(data_), size_, sequential ? MADV_SEQUENTIAL : MADV_NORMAL);
}

}  // namespace cim::io::ifc
