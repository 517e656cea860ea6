#include "io/ifc/step/step_file.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <functional>
#include "core/text.h"

namespace cim::io::ifc {

namespace {

constexpr std::size_t kMaxDiagnostics = 200;  // beyond this, findings are counted, not listed

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }
bool isWord(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

class Indexer {
 public:
  Indexer(std::string_view bytes, const std::string& source, const ProgressFn& progress)
      : s_(bytes), source_(source), progress_(progress) {}

  std::vector<Diagnostic> diags;
  std::size_t suppressed = 0;
  bool cancelled = false;

  void skip() {
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      if (isSpace(c)) {
        ++pos_;
      } else if (c == '/' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '*') {
        const auto end = s_.find("*/", pos_ + 2);
        pos_ = end == std::string_view::npos ? s_.size() : end + 2;
      } else {
        break;
      }
    }
  }

  bool keyword(std::string_view word) {
    skip();
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  std::size_t line(std::size_t offset) const {
    return 1 + static_cast<std::size_t>(std::count(s_.begin(), s_.begin() + static_cast<std::ptrdiff_t>(std::min(offset, s_.size())), '\n'));
  }

  bool full() const { return diags.size() >= kMaxDiagnostics; }

  void report(Severity sev, ErrorCode code, std::string message, std::string element = {}) {
    if (full()) {
      ++suppressed;
      return;
    }
    diags.push_back(Diagnostic{sev, code, std::move(element), std::move(message), source_});
  }

  // From '(' at pos_: advances past the matching ')'. Returns 0 on success, 1 when the file ends first,
  // 2 when a ';' at the end of a line comes first (an entity with unbalanced parentheses); pos_ is then at that ';'.
  int balanced() {
    int depth = 0;
    const char* p = s_.data() + pos_;
    const char* end = s_.data() + s_.size();
    while (p < end) {
      const char c = *p;
      if (c == '(') {
        ++depth;
      } else if (c == ')') {
        if (--depth == 0) {
          pos_ = static_cast<std::size_t>(p + 1 - s_.data());
          return 0;
        }
      } else if (c == '\'') {
        // Strings: '' is an escaped quote, so the string ends at a quote not followed by another.
        ++p;
        while (p < end) {
          if (*p == '\'') {
            if (p + 1 < end && p[1] == '\'') {
              p += 2;
              continue;
            }
            break;
          }
          ++p;
        }
        if (p >= end) break;
      } else if (c == '"') {
        while (++p < end && *p != '"') {
        }
        if (p >= end) break;
      } else if (c == '/' && p + 1 < end && p[1] == '*') {
        const auto close = s_.find("*/", static_cast<std::size_t>(p + 2 - s_.data()));
        if (close == std::string_view::npos) break;
        p = s_.data() + close + 1;
      } else if (c == ';') {
        // A statement end inside an attribute list: the entity lost a ')'. Resynchronise here if a new instance or
        // section end follows.
        const char* q = p + 1;
        while (q < end && isSpace(*q)) ++q;
        if (q >= end || *q == '#' || *q == 'E') {
          pos_ = static_cast<std::size_t>(p - s_.data());
          return 2;
        }
      }
      ++p;
    }
    pos_ = s_.size();
    return 1;
  }

  // True when a line starting at `p` (after blanks) begins an instance: "#<digits> =".
  bool instanceStartsAt(std::size_t p) const {
    while (p < s_.size() && (s_[p] == ' ' || s_[p] == '\t')) ++p;
    if (p >= s_.size() || s_[p] != '#') return false;
    const std::size_t digits = ++p;
    while (p < s_.size() && s_[p] >= '0' && s_[p] <= '9') ++p;
    if (p == digits) return false;
    while (p < s_.size() && (s_[p] == ' ' || s_[p] == '\t')) ++p;
    return p < s_.size() && s_[p] == '=';
  }

  // Offset of the first line in [from, to) that starts an instance, or npos.
  std::size_t nextInstanceLine(std::size_t from, std::size_t to) const {
    for (std::size_t p = from; p < to;) {
      const void* nl = std::memchr(s_.data() + p, '\n', to - p);
      if (!nl) return std::string_view::npos;
      p = static_cast<std::size_t>(static_cast<const char*>(nl) - s_.data()) + 1;
      if (p < to && instanceStartsAt(p)) return p;
    }
    return std::string_view::npos;
  }

  // After damaged text: skips to just after the next ';' that is followed by another instance or the section's end,
  // or to the next line that starts an instance, whichever comes first. Quotes are not trusted here: in damaged text
  // a stray one would otherwise swallow the instances after it.
  void resync() {
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      if (c == '\n' && instanceStartsAt(pos_ + 1)) {
        ++pos_;
        return;
      }
      ++pos_;
      if (c == ';') {
        std::size_t q = pos_;
        while (q < s_.size() && isSpace(s_[q])) ++q;
        if (q >= s_.size() || s_[q] == '#' || s_.substr(q, 6) == "ENDSEC" || s_.substr(q, 3) == "END") return;
      }
    }
  }

  bool header(StepHeader& h, std::string& fatal) {
    if (s_.size() >= 3 && static_cast<unsigned char>(s_[0]) == 0xEF && static_cast<unsigned char>(s_[1]) == 0xBB &&
        static_cast<unsigned char>(s_[2]) == 0xBF)
      pos_ = 3;  // UTF-8 byte order mark
    if (!keyword("ISO-10303-21")) {
      fatal = "not an ISO 10303-21 (STEP/IFC) file: it does not start with ISO-10303-21;";
      return false;
    }
    keyword(";");
    if (!keyword("HEADER")) {
      report(Severity::Warning, ErrorCode::CorruptFile, "no HEADER section");
    } else {
      keyword(";");
      for (;;) {
        skip();
        if (pos_ >= s_.size()) {
          fatal = "the file ends inside its HEADER section";
          return false;
        }
        if (keyword("ENDSEC")) {
          keyword(";");
          break;
        }
        const std::size_t start = pos_;
        while (pos_ < s_.size() && isWord(s_[pos_])) ++pos_;
        const std::string name(s_.substr(start, pos_ - start));
        skip();
        if (pos_ >= s_.size() || s_[pos_] != '(') {
          report(Severity::Warning, ErrorCode::CorruptFile, "malformed header entry at line " + std::to_string(line(start)));
          resync();
          continue;
        }
        const std::size_t open = pos_;
        if (balanced() != 0) {
          fatal = "the file ends inside its HEADER section";
          return false;
        }
        AttributeList attrs;
        std::string err;
        if (parseAttributes(s_.substr(open, pos_ - open), attrs, err)) readHeaderEntry(name, attrs, h);
        else report(Severity::Warning, ErrorCode::CorruptFile, "header entry " + name + ": " + err);
        keyword(";");
      }
    }
    // DATA; (or DATA(...); in the third edition of the standard)
    if (!keyword("DATA")) {
      fatal = "no DATA section";
      return false;
    }
    skip();
    if (pos_ < s_.size() && s_[pos_] == '(') balanced();
    keyword(";");
    return true;
  }

  static std::string text(const Value& v) {
    std::string out, err;
    if (v.kind == ValueKind::String) decodeStepString(v.raw, out, err);
    return out;
  }

  static void readHeaderEntry(const std::string& name, const AttributeList& a, StepHeader& h) {
    if (name == "FILE_DESCRIPTION" && a.size() >= 1 && a[0].kind == ValueKind::List) {
      for (const auto& v : a.children(a[0])) h.description.push_back(text(v));
    } else if (name == "FILE_NAME") {
      if (a.size() >= 1) h.fileName = text(a[0]);
      if (a.size() >= 2) h.timeStamp = text(a[1]);
      if (a.size() >= 6) h.originatingSystem = text(a[5]);
    } else if (name == "FILE_SCHEMA" && a.size() >= 1 && a[0].kind == ValueKind::List) {
      for (const auto& v : a.children(a[0])) h.schemas.push_back(text(v));
    }
  }

  // Indexes DATA until ENDSEC. Calls add(id, typeName, offset, length, start) per instance; typeName is empty for
  // complex instances.
  template <class Add>
  void data(Add&& add) {
    std::size_t nextReport = 16u << 20;
    for (;;) {
      skip();
      if (pos_ >= s_.size()) {
        report(Severity::Warning, ErrorCode::CorruptFile, "the file ends without closing its DATA section (truncated?)");
        return;
      }
      if (pos_ >= nextReport) {
        nextReport += 16u << 20;
        if (passed) passed();
        if (!reportProgress(progress_, "index", static_cast<double>(pos_) / s_.size())) {
          cancelled = true;
          return;
        }
      }
      if (s_[pos_] == '#' ? !instance(add) : !notInstance()) return;
    }
  }

  void endOfFile() {
    skip();
    if (!keyword("END-ISO-10303-21"))
      report(Severity::Warning, ErrorCode::CorruptFile, "the file does not end with END-ISO-10303-21; (truncated?)");
  }

 private:
  // Text in DATA that does not start an instance: ENDSEC (read), END-ISO-10303-21 (left for endOfFile) or anything
  // else (skipped up to the next ';'). False when the section ends here.
  bool notInstance() {
    if (s_.substr(pos_, 6) == "ENDSEC") {
      pos_ += 6;
      keyword(";");
      return false;
    }
    if (s_.substr(pos_, 16) == "END-ISO-10303-21") {
      report(Severity::Warning, ErrorCode::CorruptFile,
             "the DATA section is not closed by ENDSEC; at line " + std::to_string(line(pos_)));
      return false;
    }
    report(Severity::Warning, ErrorCode::CorruptFile,
           "unexpected text at line " + std::to_string(line(pos_)) + " skipped up to the next ';'");
    resync();
    return true;
  }

  // "#id = TYPE" of the instance starting at `start` (pos_ just past its '#'), leaving pos_ at its '('; the type is
  // empty for a complex instance. False (reported, and resynced to the next ';') when it is malformed.
  bool instanceHead(std::size_t start, std::uint64_t& id, std::string_view& type) {
    auto [p, ec] = std::from_chars(s_.data() + pos_, s_.data() + s_.size(), id);
    if (ec != std::errc() || p == s_.data() + pos_) {
      report(Severity::Warning, ErrorCode::CorruptFile, "bad instance id at line " + std::to_string(line(start)));
      resync();
      return false;
    }
    pos_ = static_cast<std::size_t>(p - s_.data());
    skip();
    if (pos_ >= s_.size() || s_[pos_] != '=') {
      report(Severity::Warning, ErrorCode::CorruptFile, "missing '=' at line " + std::to_string(line(start)), name(id));
      resync();
      return false;
    }
    ++pos_;
    skip();
    if (pos_ < s_.size() && s_[pos_] != '(') {
      const std::size_t t = pos_;
      while (pos_ < s_.size() && isWord(s_[pos_])) ++pos_;
      type = s_.substr(t, pos_ - t);
      skip();
      // At the end of the file this is a truncation, reported by instance().
      if (pos_ < s_.size() && (type.empty() || s_[pos_] != '(')) {
        report(Severity::Warning, ErrorCode::CorruptFile, "malformed instance at line " + std::to_string(line(start)),
               name(id));
        resync();
        return false;
      }
    }
    return true;
  }

  // The instance whose '#' is at pos_, handed to `add` when it is whole. A damaged one is reported and skipped;
  // false when the file ends inside it.
  template <class Add>
  bool instance(Add& add) {
    const std::size_t start = pos_++;
    std::uint64_t id = 0;
    std::string_view type;
    if (!instanceHead(start, id, type)) return true;
    const std::size_t open = pos_;
    const int r = pos_ >= s_.size() ? 1 : balanced();
    // An unterminated string or a lost ')' makes the scan run over the lines after the instance. When one of them
    // starts an instance, this one is damaged: report it and read on from there, so the rest is not lost.
    if (const auto next = nextInstanceLine(start, std::min(pos_, s_.size())); next != std::string_view::npos) {
      report(Severity::Warning, ErrorCode::CorruptFile,
             "instance at line " + std::to_string(line(start)) +
                 " does not end before the next one (unterminated string or unbalanced parentheses); skipped",
             name(id));
      pos_ = next;
      return true;
    }
    if (r == 1) {
      report(Severity::Error, ErrorCode::CorruptFile,
             "instance at line " + std::to_string(line(start)) + " is cut off by the end of the file (truncated?)",
             name(id));
      return false;
    }
    if (r == 2) {
      report(Severity::Warning, ErrorCode::CorruptFile,
             "unbalanced parentheses at line " + std::to_string(line(start)) + "; instance skipped", name(id));
      ++pos_;  // past the ';'
      return true;
    }
    const std::size_t close = pos_;
    skip();
    if (pos_ < s_.size() && s_[pos_] == ';') {
      ++pos_;
    } else {
      report(Severity::Warning, ErrorCode::CorruptFile, "missing ';' after instance at line " + std::to_string(line(start)),
             name(id));
    }
    if (close - open > 0xFFFFFFFFu) {
      report(Severity::Warning, ErrorCode::CorruptFile, "instance larger than 4 GiB skipped", name(id));
      return true;
    }
    add(id, type, open, close - open, start);
    return true;
  }

  // "#id": built only when something is reported (a string per instance would cost more than the scan).
  static std::string name(std::uint64_t id) { return std::string(1, '#').append(std::to_string(id)); }

  std::string_view s_;
  const std::string& source_;
  const ProgressFn& progress_;
  std::size_t pos_ = 0;

 public:
  /// Called after every 16 MB of the DATA section (may be empty).
  std::function<void()> passed;
};

}  // namespace

std::uint64_t StepFile::pack(std::uint64_t offset, std::uint32_t type, std::uint32_t length) {
  std::uint64_t t = type == kComplexType ? kComplexField : type;
  if (type != kComplexType && type >= kComplexField) {
    bigType_[offset] = type;
    t = kOverflowField;
  }
  std::uint64_t l = length;
  if (length >= kOverflowField) {
    longLength_[offset] = length;
    l = kOverflowField;
  }
  return offset << (2 * kFieldBits) | t << kFieldBits | l;
}

EntityRecord StepFile::unpack(std::uint64_t id, std::uint64_t packed) const {
  EntityRecord r;
  r.id = id;
  r.offset = packed >> (2 * kFieldBits);
  const std::uint64_t t = (packed >> kFieldBits) & kFieldMask, l = packed & kFieldMask;
  if (t == kComplexField) r.type = kComplexType;
  else if (t == kOverflowField) r.type = bigType_.at(r.offset);
  else r.type = static_cast<std::uint32_t>(t);
  r.length = l == kOverflowField ? longLength_.at(r.offset) : static_cast<std::uint32_t>(l);
  return r;
}

std::uint64_t* StepFile::denseSlot(std::uint64_t id) const {
  const std::uint64_t chunk = id >> kChunkBits;
  if (chunk >= chunks_.size() || !chunks_[chunk]) return nullptr;
  return &chunks_[chunk][id & kChunkMask];
}

std::uint64_t StepFile::packedOf(std::uint64_t id) const {
  if (const auto* slot = denseSlot(id); slot && *slot) return *slot;
  if (sparse_.empty()) return 0;
  auto it = std::lower_bound(sparse_.begin(), sparse_.end(), id,
                             [](const SparseSlot& s, std::uint64_t v) { return s.id < v; });
  return it != sparse_.end() && it->id == id ? it->packed : 0;
}

bool StepFile::addRecord(std::uint64_t id, std::string_view type, std::size_t offset, std::size_t length,
                         std::string& upper, std::vector<Dropped>& dropped) {
  if (offset > kMaxOffset) return false;
  std::uint32_t t = kComplexType;
  if (!type.empty()) {
    upper.assign(type);
    for (auto& ch : upper) ch = cim::detail::upperAscii(ch);
    auto [it, inserted] = typeByName_.try_emplace(upper, static_cast<std::uint32_t>(typeNames_.size()));
    if (inserted) typeNames_.push_back(upper);
    t = it->second;
  }
  if (increasing_ && count_ > 0 && id <= lastId_) {
    // File order stops being id order here: from now on it is kept. Up to this instance the two agree, so the ids
    // so far, in id order, are the file order (the sparse slots are in file order too, which so far is id order).
    order_.reserve(count_ + 1);
    for (auto r = RecordIterator(*this); r != RecordEnd{}; ++r) order_.push_back(r->id);
    increasing_ = false;
  }
  if (id < (count_ + 1) * 4 + kDenseSlack) {
    const std::uint64_t chunk = id >> kChunkBits;
    if (chunk >= chunks_.size()) chunks_.resize(chunk + 1);
    if (!chunks_[chunk]) chunks_[chunk] = std::make_unique<std::uint64_t[]>(kChunkSize);
    std::uint64_t& slot = chunks_[chunk][id & kChunkMask];
    if (slot) {  // the first instance of an id wins
      dropped.push_back({id, offset});
      return true;
    }
    slot = pack(offset, t, static_cast<std::uint32_t>(length));
  } else {
    // Repeats among these (and of dense ids) are found once they are sorted (finishIndex).
    sparse_.push_back({id, pack(offset, t, static_cast<std::uint32_t>(length))});
  }
  if (!increasing_) order_.push_back(id);
  lastId_ = std::max(lastId_, id);
  ++count_;
  return true;
}

void StepFile::finishIndex(std::vector<Dropped>& dropped) {
  if (sparse_.empty()) return;
  const auto offsetOf = [](std::uint64_t packed) { return packed >> (2 * kFieldBits); };
  // Ids in increasing order came in sorted; otherwise sort, the first in the file first among equal ids.
  if (!increasing_)
    std::sort(sparse_.begin(), sparse_.end(), [&](const SparseSlot& a, const SparseSlot& b) {
      return a.id != b.id ? a.id < b.id : offsetOf(a.packed) < offsetOf(b.packed);
    });
  std::size_t kept = 0;
  std::vector<std::uint64_t> repeated;  // ids with a dropped instance, for order_
  for (std::size_t i = 0; i < sparse_.size(); ++i) {
    SparseSlot s = sparse_[i];
    if (kept > 0 && sparse_[kept - 1].id == s.id) {
      dropped.push_back({s.id, offsetOf(s.packed)});
      repeated.push_back(s.id);
      continue;
    }
    if (auto* slot = denseSlot(s.id); slot && *slot) {
      // Also in the dense table (it was given there once the file had grown): the earlier one stays, in the table.
      if (offsetOf(*slot) > offsetOf(s.packed)) std::swap(*slot, s.packed);
      dropped.push_back({s.id, offsetOf(s.packed)});
      repeated.push_back(s.id);
      continue;
    }
    sparse_[kept++] = s;
  }
  sparse_.resize(kept);
  sparse_.shrink_to_fit();
  if (repeated.empty()) return;
  count_ -= repeated.size();
  // order_ (there is one: a repeated id does not increase) lists the id once per instance; keep its first place.
  std::sort(repeated.begin(), repeated.end());
  repeated.erase(std::unique(repeated.begin(), repeated.end()), repeated.end());
  std::vector<bool> seen(repeated.size(), false);
  std::size_t k = 0;
  for (const auto id : order_) {
    auto it = std::lower_bound(repeated.begin(), repeated.end(), id);
    if (it != repeated.end() && *it == id) {
      auto&& was = seen[static_cast<std::size_t>(it - repeated.begin())];
      if (was) continue;
      was = true;
    }
    order_[k++] = id;
  }
  order_.resize(k);
}

StepFile::RecordIterator::RecordIterator(const StepFile& f) : f_(&f) { advance(); }

void StepFile::RecordIterator::advance() {
  const StepFile& f = *f_;
  if (!f.increasing_) {
    if (orderPos_ >= f.order_.size()) {
      done_ = true;
      return;
    }
    const std::uint64_t id = f.order_[orderPos_++];
    current_ = f.unpack(id, f.packedOf(id));
    return;
  }
  // Ids in file order increase: merge the dense table's ids with the sparse slots'.
  std::uint64_t id = denseNext_, packed = 0;
  while ((id >> kChunkBits) < f.chunks_.size()) {
    const auto& chunk = f.chunks_[id >> kChunkBits];
    if (!chunk) {
      id = ((id >> kChunkBits) + 1) << kChunkBits;
      continue;
    }
    if ((packed = chunk[id & kChunkMask]) != 0) break;
    ++id;
  }
  const bool dense = packed != 0;
  const bool sparse = sparsePos_ < f.sparse_.size();
  if (!dense && !sparse) {
    done_ = true;
    return;
  }
  if (sparse && (!dense || f.sparse_[sparsePos_].id < id)) {
    const auto& s = f.sparse_[sparsePos_++];
    current_ = f.unpack(s.id, s.packed);
    denseNext_ = id;  // the dense id found (if any) is still to come
    return;
  }
  current_ = f.unpack(id, packed);
  denseNext_ = id + 1;
}

Result<StepFile> StepFile::open(const std::filesystem::path& path, const ProgressFn& progress) {
  auto mapped = MappedFile::open(path);
  if (!mapped.ok()) return Result<StepFile>::failureFrom(mapped);
  return index(std::move(mapped).value(), path.string(), progress);
}

Result<StepFile> StepFile::openBytes(std::string_view bytes, const std::string& name, const ProgressFn& progress) {
  auto view = MappedFile::view(bytes, name);
  if (!view.ok()) return Result<StepFile>::failureFrom(view);
  return index(std::move(view).value(), name, progress);
}

Result<StepFile> StepFile::index(MappedFile file, const std::string& name, const ProgressFn& progress) {
  StepFile f;
  f.path_ = name;
  f.file_ = std::move(file);
  f.file_.adviseSequential(true);
  const std::string_view bytes = f.file_.bytes();

  Indexer ix(bytes, f.path_, progress);
  // What has been indexed is not read again in this pass: the pages read so far leave the resident set as the scan
  // goes (they stay in the page cache), so indexing a gigabyte file does not hold the gigabyte.
  ix.passed = [&f] { f.file_.releaseResident(); };
  std::string fatal;
  if (!ix.header(f.header_, fatal))
    return Result<StepFile>::failure(Diagnostic::error(ErrorCode::CorruptFile, fatal, f.path_), std::move(ix.diags));

  std::string upper;
  std::vector<Dropped> dropped;
  ix.data([&](std::uint64_t id, std::string_view type, std::size_t offset, std::size_t length, std::size_t) {
    if (!f.addRecord(id, type, offset, length, upper, dropped))
      ix.report(Severity::Warning, ErrorCode::CorruptFile, "instance beyond the first TiB of the file skipped",
                std::string(1, '#').append(std::to_string(id)));
  });
  if (ix.cancelled)
    return Result<StepFile>::failure(Diagnostic::error(ErrorCode::Cancelled, "cancelled", f.path_), std::move(ix.diags));
  ix.endOfFile();
  f.file_.adviseSequential(false);

  // Duplicates keep the first instance; the others are reported in file order and are not in records() either.
  f.finishIndex(dropped);
  std::sort(dropped.begin(), dropped.end(), [](const Dropped& a, const Dropped& b) { return a.offset < b.offset; });
  for (const auto& d : dropped) {
    if (ix.full()) {
      ++ix.suppressed;  // no line number for those not listed: counting lines costs a pass over the file
      continue;
    }
    ix.report(Severity::Warning, ErrorCode::InvalidElement,
              "duplicate instance id; the one at line " + std::to_string(ix.line(d.offset)) + " is ignored",
              std::string(1, '#').append(std::to_string(d.id)));
  }
  if (ix.suppressed > 0)
    ix.diags.push_back(Diagnostic::warning(ErrorCode::CorruptFile,
                                           std::to_string(ix.suppressed) + " more problems of the same kinds not listed",
                                           f.path_));
  if (f.count_ == 0)
    return Result<StepFile>::failure(Diagnostic::error(ErrorCode::NoGeometry, "the DATA section holds no instances", f.path_),
                                     std::move(ix.diags));
  return Result<StepFile>::success(std::move(f), std::move(ix.diags));
}

std::optional<EntityRecord> StepFile::find(std::uint64_t id) const {
  const std::uint64_t packed = packedOf(id);
  if (!packed) return std::nullopt;
  return unpack(id, packed);
}

std::uint32_t StepFile::typeIndex(std::string_view upperName) const {
  auto it = typeByName_.find(std::string(upperName));
  return it == typeByName_.end() ? kNoIndex : it->second;
}

bool StepFile::attributes(const EntityRecord& r, AttributeList& out, std::string& error) const {
  return parseAttributes(text(r), out, error);
}

std::size_t StepFile::lineOf(std::uint64_t offset) const {
  const auto b = file_.bytes();
  return 1 + static_cast<std::size_t>(std::count(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(std::min<std::uint64_t>(offset, b.size())), '\n'));
}

}  // namespace cim::io::ifc
