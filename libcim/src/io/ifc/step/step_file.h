#pragma once
// An indexed ISO 10303-21 (STEP physical) file: one tokenising pass over the memory-mapped bytes finds every entity
// instance (#id = TYPE(...);) and records where its attribute list is; attributes are decoded only when asked for.
// Memory: the mapping plus about 16 bytes per entity instance and a small table per distinct type name.

#include <cstdint>
#include <filesystem>
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

  std::size_t entityCount() const { return records_.size(); }
  const std::vector<EntityRecord>& records() const { return records_; }
  /// Record of #id, or nullptr when no such instance exists.
  const EntityRecord* find(std::uint64_t id) const;

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
  /// Appends the record of instance #id (TYPE, or complex when `type` is empty) at [offset, offset + length);
  /// `upper` is scratch space, reused from call to call (a type name per instance would otherwise allocate).
  /// Indexes `file`, named `name`.
  static Result<StepFile> index(MappedFile file, const std::string& name, const ProgressFn& progress);
  void addRecord(std::uint64_t id, std::string_view type, std::size_t offset, std::size_t length, std::string& upper);
  /// Maps #id -> record index (a dense table when ids are compact, a hash map otherwise); the first record of an id
  /// wins. Returns, per record, whether its id repeats an earlier one's; empty when no id repeats.
  std::vector<bool> buildIndex();

  std::string path_;
  MappedFile file_;
  StepHeader header_;
  std::vector<EntityRecord> records_;
  std::vector<std::string> typeNames_;
  std::unordered_map<std::string, std::uint32_t> typeByName_;
  // #id -> index into records_: dense table when ids are compact, hash map otherwise.
  std::vector<std::uint32_t> denseIndex_;
  std::unordered_map<std::uint64_t, std::uint32_t> sparseIndex_;
};

}  // namespace cim::io::ifc
