#include "io/ifc/ifc_file.h"

namespace cim::io::ifc {

Result<IfcFile> IfcFile::open(const std::filesystem::path& path, const ProgressFn& progress) {
  auto step = StepFile::open(path, progress);
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
  // Instances of types the schema does not know are skipped: say which and how many.
  std::vector<std::size_t> unknown(f.byType_.size(), 0);
  std::size_t complex = 0;
  for (const auto& r : f.step_.records()) {
    if (r.type == StepFile::kComplexType) ++complex;
    else if (!f.byType_[r.type]) ++unknown[r.type];
  }
  std::string list;
  for (std::size_t t = 0; t < unknown.size(); ++t)
    if (unknown[t]) list += (list.empty() ? "" : ", ") + f.step_.typeNames()[t] + " x" + std::to_string(unknown[t]);
  if (!list.empty())
    diags.push_back(Diagnostic::warning(ErrorCode::InvalidElement,
                                        "instances of types not in " + std::string(f.schema_->name()) +
                                            " are skipped: " + list,
                                        f.path()));
  if (complex)
    diags.push_back(Diagnostic::warning(ErrorCode::InvalidElement,
                                        std::to_string(complex) + " complex (multi-type) instance(s) are skipped",
                                        f.path()));
  return Result<IfcFile>::success(std::move(f), std::move(diags));
}

bool IfcFile::isA(const EntityRecord& r, const schema::EntityDef* ancestor) const {
  const auto* e = entity(r);
  return e && ancestor && schema_->isSubtypeOf(*e, *ancestor);
}

bool IfcFile::isA(const EntityRecord& r, std::string_view upperAncestor) const {
  return isA(r, schema_->entity(upperAncestor));
}

std::vector<const EntityRecord*> IfcFile::instancesOf(std::string_view upperType) const {
  std::vector<const EntityRecord*> out;
  const auto* base = schema_->entity(upperType);
  if (!base) return out;
  std::vector<bool> match(byType_.size());
  for (std::size_t t = 0; t < byType_.size(); ++t) match[t] = byType_[t] && schema_->isSubtypeOf(*byType_[t], *base);
  for (const auto& r : step_.records())
    if (r.type < match.size() && match[r.type]) out.push_back(&r);
  return out;
}

int IfcFile::attributeIndex(const schema::Schema& s, const schema::EntityDef& e, std::string_view name) {
  return s.attributeIndex(e, name);
}

bool Instance::load(const IfcFile& file, const EntityRecord& r) {
  file_ = &file;
  record_ = &r;
  entity_ = file.entity(r);
  if (!entity_) {
    error_ = "type " + std::string(file.step().typeName(r)) + " is not in " + std::string(file.schema().name());
    return false;
  }
  return file.step().attributes(r, attrs_, error_);
}

bool Instance::load(const IfcFile& file, std::uint64_t id) {
  const auto* r = file.find(id);
  if (!r) {
    error_ = instanceName(id) + " does not exist";
    record_ = nullptr;
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

std::optional<std::string> textOf(const AttributeList& a, const Value& v) {
  if (v.kind == ValueKind::Typed && v.count == 1) return textOf(a, a.children(v)[0]);
  if (v.kind != ValueKind::String) return std::nullopt;
  std::string out, err;
  decodeStepString(v.raw, out, err);
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

std::optional<std::string> Instance::text(std::string_view name) const {
  const Value* v = get(name);
  return v ? textOf(attrs_, *v) : std::nullopt;
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
