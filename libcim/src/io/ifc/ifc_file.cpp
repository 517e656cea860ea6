#include "io/ifc/ifc_file.h"

namespace cim::io::ifc {

Result<IfcFile> IfcFile::open(const std::filesystem::path& path, const ProgressFn& progress) {
  return withSchema(StepFile::open(path, progress));
}

Result<IfcFile> IfcFile::openBytes(std::string_view bytes, const std::string& name, const ProgressFn& progress) {
  return withSchema(StepFile::openBytes(bytes, name, progress));
}

Result<IfcFile> IfcFile::withSchema(Result<StepFile> step) {
  if (!step.ok()) return Result<IfcFile>::failureFrom(step);
  std::vector<Diagnostic> diags = step.takeDiagnostics();
  IfcFile f;
  f.step_ = std::move(step).value();
  const auto& schemas = f.step_.header().schemas;
  const std::string name = schemas.empty() ? std::string() : schemas.front();
  f.schema_ = schema::schemaForFile(name, &f.exact_);
  if (!f.schema_)
    return Result<IfcFile>::failure(
        Diagnostic::error(ErrorCode::UnsupportedFormat,
                          name.empty() ? "no FILE_SCHEMA in the header" : "schema '" + name + "' is not an IFC schema",
                          f.path()),
        std::move(diags));
  if (!f.exact_)
    diags.push_back(Diagnostic::info(ErrorCode::ConventionApplied,
                                     "schema '" + name + "' is read with the " + std::string(f.schema_->name()) +
                                         " tables; instances that differ from them are reported",
                                     f.path()));
  f.byType_.reserve(f.step_.typeNames().size());
  for (const auto& t : f.step_.typeNames()) f.byType_.push_back(f.schema_->entity(t));
  // Instances of types the schema does not know are skipped: say which, how many, and where the first one is.
  std::vector<std::size_t> unknown(f.byType_.size(), 0);
  std::vector<EntityRecord> firstUnknown(f.byType_.size());
  std::size_t complex = 0;
  EntityRecord firstComplex;
  for (const auto& r : f.step_.records()) {
    if (r.type == StepFile::kComplexType) {
      if (!complex++) firstComplex = r;
    } else if (!f.byType_[r.type] && !unknown[r.type]++) {
      firstUnknown[r.type] = r;
    }
  }
  for (std::size_t t = 0; t < unknown.size(); ++t)
    if (unknown[t])
      diags.push_back(Diagnostic::warning(
          ErrorCode::IfcSchemaMismatch,
          "type " + f.step_.typeNames()[t] + " is not in " + std::string(f.schema_->name()) + ": " +
              std::to_string(unknown[t]) + " instance(s) skipped, the first at line " +
              std::to_string(f.step_.lineOf(firstUnknown[t].offset)),
          f.path(), instanceName(firstUnknown[t].id)));
  // A pre-release schema read with the final tables: say which types differ in attribute count (judged by their first
  // instance), since their values are then read by position.
  if (!f.exact_) {
    std::vector<bool> seen(f.byType_.size(), false);
    AttributeList attrs;
    std::string err;
    for (const auto& r : f.step_.records()) {
      if (r.type == StepFile::kComplexType || !f.byType_[r.type] || seen[r.type]) continue;
      seen[r.type] = true;
      const std::size_t expected = f.schema_->attributes(*f.byType_[r.type]).size();
      if (f.step_.attributes(r, attrs, err) && attrs.size() != expected)
        diags.push_back(Diagnostic::info(ErrorCode::IfcSchemaMismatch,
                                         std::string(f.byType_[r.type]->name) + " has " + std::to_string(attrs.size()) +
                                             " attributes in '" + name + "', " + std::string(f.schema_->name()) +
                                             " defines " + std::to_string(expected) + ": read by position",
                                         f.path(), instanceName(r.id)));
    }
  }
  if (complex)
    diags.push_back(Diagnostic::warning(ErrorCode::IfcItemNotRead,
                                        std::to_string(complex) + " complex (multi-type) instance(s) are skipped, the first at line " +
                                            std::to_string(f.step_.lineOf(firstComplex.offset)),
                                        f.path(), instanceName(firstComplex.id)));
  return Result<IfcFile>::success(std::move(f), std::move(diags));
}

bool IfcFile::isA(const EntityRecord& r, const schema::EntityDef* ancestor) const {
  const auto* e = entity(r);
  return e && ancestor && schema_->isSubtypeOf(*e, *ancestor);
}

bool IfcFile::isA(const EntityRecord& r, std::string_view upperAncestor) const {
  return isA(r, schema_->entity(upperAncestor));
}

std::vector<EntityRecord> IfcFile::instancesOf(std::string_view upperType) const {
  std::vector<EntityRecord> out;
  const auto* base = schema_->entity(upperType);
  if (!base) return out;
  std::vector<bool> match(byType_.size());
  for (std::size_t t = 0; t < byType_.size(); ++t) match[t] = byType_[t] && schema_->isSubtypeOf(*byType_[t], *base);
  for (const auto& r : step_.records())
    if (r.type < match.size() && match[r.type]) out.push_back(r);
  return out;
}

int IfcFile::attributeIndex(const schema::Schema& s, const schema::EntityDef& e, std::string_view name) {
  return s.attributeIndex(e, name);
}

bool Instance::load(const IfcFile& file, const EntityRecord& r) {
  file_ = &file;
  record_ = r;
  entity_ = file.entity(r);
  if (!entity_) {
    error_ = "type " + std::string(file.step().typeName(r)) + " is not in " + std::string(file.schema().name());
    return false;
  }
  if (!file.step().attributes(r, attrs_, error_)) return false;
  // A wrong attribute count means the instance was written for another schema or damaged: which value is which is
  // then unknown, so it is not guessed. Files of a pre-release schema read with the final tables are read by
  // position instead (IfcFile::open reports the types that differ).
  const std::size_t expected = file.schema().attributes(*entity_).size();
  if (attrs_.size() != expected && file.schemaExact()) {
    error_ = std::string(entity_->name) + " has " + std::to_string(attrs_.size()) + " attributes; " +
             std::string(file.schema().name()) + " defines " + std::to_string(expected);
    return false;
  }
  return true;
}

bool Instance::load(const IfcFile& file, std::uint64_t id) {
  const auto r = file.find(id);
  if (!r) {
    error_ = instanceName(id) + " does not exist";
    record_ = EntityRecord{};
    return false;
  }
  return load(file, *r);
}

const Value* Instance::get(std::string_view name) const {
  const int i = IfcFile::attributeIndex(file_->schema(), *entity_, name);
  if (i < 0 || static_cast<std::size_t>(i) >= attrs_.size()) return nullptr;
  return &attrs_[static_cast<std::size_t>(i)];
}

std::optional<std::uint64_t> Instance::ref(std::string_view name) const {
  const Value* v = get(name);
  if (!v || v->kind != ValueKind::Ref) return std::nullopt;
  return v->ref;
}

namespace {
void collectRefs(const AttributeList& a, const Value& v, std::vector<std::uint64_t>& out) {
  if (v.kind == ValueKind::Ref) out.push_back(v.ref);
  else if (v.kind == ValueKind::List)
    for (const auto& c : a.children(v)) collectRefs(a, c, out);
}
}  // namespace

std::vector<std::uint64_t> Instance::refs(std::string_view name) const {
  std::vector<std::uint64_t> out;
  if (const Value* v = get(name)) collectRefs(attrs_, *v, out);
  return out;
}

std::optional<double> numberOf(const AttributeList& a, const Value& v) {
  double d;
  if (v.number(d)) return d;
  if (v.kind == ValueKind::Typed && v.count == 1) return numberOf(a, a.children(v)[0]);
  return std::nullopt;
}

std::optional<std::string> textOf(const AttributeList& a, const Value& v, std::string* error) {
  if (v.kind == ValueKind::Typed && v.count == 1) return textOf(a, a.children(v)[0], error);
  if (v.kind != ValueKind::String) return std::nullopt;
  std::string out, err;
  if (!decodeStepString(v.raw, out, err) && error) *error = err;
  return out;
}

std::optional<double> Instance::real(std::string_view name) const {
  const Value* v = get(name);
  return v ? numberOf(attrs_, *v) : std::nullopt;
}

std::optional<std::int64_t> Instance::integer(std::string_view name) const {
  const Value* v = get(name);
  if (!v || v->kind != ValueKind::Integer) return std::nullopt;
  return v->integer;
}

std::optional<std::string> Instance::text(std::string_view name, std::string* error) const {
  const Value* v = get(name);
  return v ? textOf(attrs_, *v, error) : std::nullopt;
}

std::optional<std::string_view> Instance::enumeration(std::string_view name) const {
  const Value* v = get(name);
  if (!v || v->kind != ValueKind::Enum) return std::nullopt;
  return v->raw;
}

std::vector<double> Instance::reals(std::string_view name) const {
  std::vector<double> out;
  const Value* v = get(name);
  if (!v || v->kind != ValueKind::List) return out;
  for (const auto& c : attrs_.children(*v))
    if (auto d = numberOf(attrs_, c)) out.push_back(*d);
  return out;
}

std::span<const Value> Instance::list(std::string_view name) const {
  const Value* v = get(name);
  if (!v || v->kind != ValueKind::List) return {};
  return attrs_.children(*v);
}

}  // namespace cim::io::ifc
