#pragma once
// An indexed ISO 10303-21 (STEP physical) file: one tokenising pass over the memory-mapped bytes finds every entity
// instance (#id = TYPE(...);) and records where its attribute list is; attributes are decoded only when asked for.
// Memory: the mapping (its pages leave the resident set as they are passed) plus 8 bytes per instance id when ids are
// dense, 16 per instance when they are not, and a small table per distinct type name.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cim/core/progress.h"
#include "cim/core/result.h"
#include "io/ifc/step/mapped_file.h"
#include "io/ifc/step/step_value.h"

namespace cim::io::ifc {

struct StepHeader {
  std::vector<std::string> description;  ///< FILE_DESCRIPTION's first list (e.g. the view definition)
  std::string fileName;                  ///< FILE_NAME's name
  std::string timeStamp;
  std::string originatingSystem;
  std::vector<std::string> schemas;      ///< FILE_SCHEMA, e.g. {"IFC4"}
};

struct EntityRecord {
  std::uint64_t id = 0;
  std::uint64_t offset = 0;   ///< of the '(' that opens the attribute list (or of the complex instance's '(')
  std::uint32_t length = 0;   ///< up to and including the matching ')'
  std::uint32_t type = 0;     ///< index into StepFile::typeNames(); kComplexType for complex (multi-type) instances
};

class StepFile {
 public:
  static constexpr std::uint32_t kComplexType = 0xFFFFFFFFu;
  static constexpr std::uint32_t kNoIndex = 0xFFFFFFFFu;

  /// Maps and indexes the file. Fails when it cannot be read or is not ISO 10303-21 at all; damaged entity lines,
  /// duplicate ids and a truncated end are diagnostics (naming the #id and line) and the rest is indexed.
  static Result<StepFile> open(const std::filesystem::path& path, const ProgressFn& progress = {});
  /// The same for bytes in memory (not copied: the caller keeps them alive while the StepFile is used); `name`
  /// stands for the file in diagnostics.
  static Result<StepFile> openBytes(std::string_view bytes, const std::string& name, const ProgressFn& progress = {});

  const StepHeader& header() const { return header_; }
  const std::string& path() const { return path_; }

  std::size_t entityCount() const { return count_; }

  class RecordIterator;
  struct RecordEnd {};
  /// The instances in file order, each as a value (the index keeps no EntityRecord: an id's offset, length and type are
  /// packed into 8 bytes). A range for `for (const auto& r : f.records())`.
  class RecordRange {
   public:
    explicit RecordRange(const StepFile& f) : f_(&f) {}
    RecordIterator begin() const;
    RecordEnd end() const { return {}; }

   private:
    const StepFile* f_;
  };
  RecordRange records() const { return RecordRange(*this); }
  /// Record of #id, or nothing when no such instance exists.
  std::optional<EntityRecord> find(std::uint64_t id) const;

  /// Upper-case entity type names in first-seen order; EntityRecord::type indexes this.
  const std::vector<std::string>& typeNames() const { return typeNames_; }
  std::string_view typeName(const EntityRecord& r) const {
    return r.type == kComplexType ? std::string_view("(complex)") : std::string_view(typeNames_[r.type]);
  }
  /// Type index of an upper-case name, or kNoIndex when no instance has that type.
  std::uint32_t typeIndex(std::string_view upperName) const;

  /// The raw attribute text of a record, from '(' to ')'.
  std::string_view text(const EntityRecord& r) const { return file_.bytes().substr(r.offset, r.length); }
  /// Decodes the attributes of a record. False with `error` set on malformed text.
  bool attributes(const EntityRecord& r, AttributeList& out, std::string& error) const;

  /// Drops the file's pages from the resident set (see MappedFile::releaseResident); safe at any time.
  void releaseResident() const { file_.releaseResident(); }

  /// 1-based line number of a byte offset (counts newlines; meant for diagnostics, not hot paths).
  std::size_t lineOf(std::uint64_t offset) const;

 private:
  friend class RecordIterator;
  // An instance in 8 bytes: offset << 24 | type << 12 | length. Types and lengths that do not fit in 12 bits are looked
  // up by offset in the overflow maps (a length of 4095 or more, a type index of 4094 or more); 0 is an empty slot
  // (no instance starts at offset 0: the header comes first).
  static constexpr unsigned kFieldBits = 12;
  static constexpr std::uint64_t kFieldMask = (1u << kFieldBits) - 1;
  static constexpr std::uint64_t kOverflowField = kFieldMask;       ///< look the value up in the overflow map
  static constexpr std::uint64_t kComplexField = kFieldMask - 1;    ///< the type field of a complex instance
  static constexpr std::uint64_t kMaxOffset = (std::uint64_t(1) << (64 - 2 * kFieldBits)) - 1;  ///< 1 TiB
  // Ids below (instances so far + 1) * 4 + kDenseSlack go to the dense table, in chunks of 2^kChunkBits ids allocated
  // when first used; the others (few, unless the file numbers its instances sparsely) to `sparse_`. The dense table
  // thus stays within a constant factor of the instance count whatever ids a file uses.
  static constexpr unsigned kChunkBits = 14;
  static constexpr std::uint64_t kChunkSize = std::uint64_t(1) << kChunkBits;  ///< ids per chunk
  static constexpr std::uint64_t kChunkMask = kChunkSize - 1;                   ///< an id's place in its chunk
  static constexpr std::uint64_t kDenseSlack = std::uint64_t(1) << 20;
  struct SparseSlot {
    std::uint64_t id = 0;
    std::uint64_t packed = 0;
  };
  /// A dropped instance (duplicate id), reported after the scan.
  struct Dropped {
    std::uint64_t id = 0;
    std::uint64_t offset = 0;
  };

  /// Indexes `file`, named `name`.
  static Result<StepFile> index(MappedFile file, const std::string& name, const ProgressFn& progress);
  /// Adds instance #id (TYPE, or complex when `type` is empty) at [offset, offset + length); `upper` is scratch
  /// space, reused from call to call. A repeated id is kept out and noted in `dropped`; false when the instance
  /// cannot be indexed at all (offset beyond kMaxOffset).
  bool addRecord(std::uint64_t id, std::string_view type, std::size_t offset, std::size_t length, std::string& upper,
                 std::vector<Dropped>& dropped);
  /// After the scan: sorts the sparse slots, drops repeated ids among them and between them and the dense table (the
  /// first in the file wins), noting them in `dropped`.
  void finishIndex(std::vector<Dropped>& dropped);
  std::uint64_t pack(std::uint64_t offset, std::uint32_t type, std::uint32_t length);
  EntityRecord unpack(std::uint64_t id, std::uint64_t packed) const;
  std::uint64_t* denseSlot(std::uint64_t id) const;  ///< nullptr when its chunk does not exist
  /// Packed slot of #id from the dense table or the sparse slots, 0 when none.
  std::uint64_t packedOf(std::uint64_t id) const;

  std::string path_;
  MappedFile file_;
  StepHeader header_;
  std::vector<std::string> typeNames_;
  std::unordered_map<std::string, std::uint32_t> typeByName_;
  std::vector<std::unique_ptr<std::uint64_t[]>> chunks_;  ///< dense table: #id -> packed slot
  std::vector<SparseSlot> sparse_;                         ///< sorted by id once indexed
  std::unordered_map<std::uint64_t, std::uint32_t> longLength_, bigType_;  ///< by offset
  /// Ids in file order, kept only once a file's ids stop increasing (otherwise id order is file order).
  std::vector<std::uint64_t> order_;
  bool increasing_ = true;
  std::uint64_t lastId_ = 0;
  std::size_t count_ = 0;
};

/// For a pass that reads instances in file order (a type's instances, say) and does not come back: drops the file's
/// pages from the resident set after every 32 MB the pass moves on (or back, when a new pass starts), so such a pass
/// over a gigabyte file does not leave the gigabyte resident. Not for concurrent use.
class ResidentBound {
 public:
  explicit ResidentBound(const StepFile& f) : f_(f) {}
  void at(const EntityRecord& r) {
    if (r.offset < last_ ? last_ - r.offset >= kStep : r.offset - last_ >= kStep) {
      f_.releaseResident();
      last_ = r.offset;
    }
  }

 private:
  static constexpr std::uint64_t kStep = std::uint64_t(32) << 20;
  const StepFile& f_;
  std::uint64_t last_ = 0;
};

/// Walks the instances in file order (see StepFile::records).
class StepFile::RecordIterator {
 public:
  explicit RecordIterator(const StepFile& f);
  const EntityRecord& operator*() const { return current_; }
  const EntityRecord* operator->() const { return &current_; }
  RecordIterator& operator++() {
    advance();
    return *this;
  }
  bool operator==(RecordEnd) const { return done_; }
  bool operator!=(RecordEnd) const { return !done_; }

 private:
  void advance();
  const StepFile* f_;
  EntityRecord current_;
  std::size_t orderPos_ = 0, sparsePos_ = 0;
  std::uint64_t denseNext_ = 0;
  bool done_ = false;
};

inline StepFile::RecordIterator StepFile::RecordRange::begin() const { return RecordIterator(*f_); }

}  // namespace cim::io::ifc
