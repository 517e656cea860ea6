// Selectors: parsing and matching (see cim/index/selector.h).
#include "cim/index/selector.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "core/text.h"
#include "index/selector_inputs.h"

namespace cim::index {

namespace {

using Op = Selector::Condition::Op;

// The operator at position i of a condition, and its length; nullopt when there is none.
std::optional<std::pair<Op, std::size_t>> operatorAt(std::string_view s, std::size_t i) {
  auto two = s.substr(i, 2);
  if (two == "!=") return std::pair{Op::Ne, std::size_t{2}};
  if (two == "<=") return std::pair{Op::Le, std::size_t{2}};
  if (two == ">=") return std::pair{Op::Ge, std::size_t{2}};
  if (s[i] == '=') return std::pair{Op::Eq, std::size_t{1}};
  if (s[i] == '<') return std::pair{Op::Lt, std::size_t{1}};
  if (s[i] == '>') return std::pair{Op::Gt, std::size_t{1}};
  return std::nullopt;
}

std::string_view opText(Op op) {
  switch (op) {
    case Op::Eq: return "=";
    case Op::Ne: return "!=";
    case Op::Lt: return "<";
    case Op::Le: return "<=";
    case Op::Gt: return ">";
    case Op::Ge: return ">=";
  }
  return "=";
}

std::optional<double> number(std::string_view s) {
  s = detail::trimView(s);
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

// '*' matches any run of characters.
bool wildcardMatch(std::string_view pattern, std::string_view text) {
  if (pattern.find('*') == std::string_view::npos) return pattern == text;
  const auto star = pattern.find('*');
  const std::string_view head = pattern.substr(0, star), rest = pattern.substr(star + 1);
  if (text.substr(0, head.size()) != head) return false;
  for (std::size_t i = head.size(); i <= text.size(); ++i)
    if (wildcardMatch(rest, text.substr(i))) return true;
  return false;
}

// "pressure_class" -> "pipe.pressureClass".
std::string pipeKey(std::string_view key) {
  std::string out = "pipe.";
  bool upper = false;
  for (char c : key) {
    if (c == '_') {
      upper = true;
      continue;
    }
    out += upper ? detail::upperAscii(c) : c;
    upper = false;
  }
  return out;
}

// The element's value of `key` as text, and as a number when it is one; nullopt when absent.
struct Value {
  std::string text;
  std::optional<double> number;
};

std::optional<Value> attributeValue(const model::Attributes& attributes, const std::string& key) {
  auto it = attributes.find(key);
  if (it == attributes.end()) it = attributes.find(pipeKey(key));
  if (it == attributes.end()) return std::nullopt;
  const auto& v = it->second;
  if (const auto* s = std::get_if<std::string>(&v)) return Value{*s, number(*s)};
  if (const auto* b = std::get_if<bool>(&v)) return Value{*b ? "true" : "false", std::nullopt};
  if (const auto* i = std::get_if<std::int64_t>(&v)) return Value{std::to_string(*i), static_cast<double>(*i)};
  if (const auto* d = std::get_if<double>(&v)) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.15g", *d);
    return Value{buf, *d};
  }
  return std::nullopt;
}

bool typeMatches(const model::Element& e, const std::string& wanted) {
  const auto type = pipeTypeOf(e);
  if (!type) return false;
  if (wanted == "*") return true;
  const std::string w = detail::toUpper(wanted);
  return type->code == w || classCode(type->cls) == w;
}

// Attribute text for comparison: lower case, '-' and '_' as blanks ("medium-A" finds "medium A").
std::string loose(std::string_view s) {
  std::string out = detail::toLower(s);
  for (auto& c : out)
    if (c == '-' || c == '_') c = ' ';
  return out;
}

bool compare(const Value& v, Op op, const std::string& wanted) {
  if (op == Op::Eq || op == Op::Ne) {
    bool equal = wildcardMatch(loose(wanted), loose(v.text));
    if (!equal && v.number)
      if (auto w = number(wanted)) equal = *w == *v.number;
    return op == Op::Eq ? equal : !equal;
  }
  const auto w = number(wanted);
  if (!v.number || !w) return false;
  switch (op) {
    case Op::Lt: return *v.number < *w;
    case Op::Le: return *v.number <= *w;
    case Op::Gt: return *v.number > *w;
    case Op::Ge: return *v.number >= *w;
    default: return false;
  }
}

bool conditionHolds(const Selector::Condition& c, const model::Element& e, std::string_view layer) {
  auto any = [&](auto&& test) {
    bool hit = false;
    for (const auto& value : c.values) hit = hit || test(value);
    return c.op == Op::Ne ? !hit : hit;
  };
  auto textEquals = [&](const std::string& actual) {
    return any([&](const std::string& v) { return wildcardMatch(v, actual); });
  };
  if (c.key == "layer") return textEquals(std::string(layer));
  if (c.key == "class" || c.key == "kind") return textEquals(e.kind);
  if (c.key == "guid") return textEquals(e.guid);
  if (c.key == "name") return textEquals(e.name);
  if (c.key == "id") return textEquals(std::to_string(e.id));
  if (c.key == "type") return any([&](const std::string& v) { return typeMatches(e, v); });
  const auto value = attributeValue(e.attributes, c.key);
  if (!value) return c.op == Op::Ne;
  if (c.op == Op::Ne) {
    for (const auto& v : c.values)
      if (compare(*value, Op::Eq, v)) return false;
    return true;
  }
  for (const auto& v : c.values)
    if (compare(*value, c.op, v)) return true;
  return false;
}

}  // namespace

std::optional<model::PipeType> pipeTypeOf(const model::Element& e) {
  if (const auto* p = e.pipe()) return p->type;
  if (const auto* w = e.well()) return w->type;
  if (auto it = e.attributes.find("pipe.typeCode"); it != e.attributes.end())
    if (const auto* s = std::get_if<std::string>(&it->second)) return model::pipeTypeFromCode(*s);
  return std::nullopt;
}

Result<Selector> Selector::parse(std::string_view text) {
  Selector s;
  const std::string_view all = detail::trimView(text);
  if (all.empty() || all == "*") return Result<Selector>::success(std::move(s));
  std::size_t start = 0;
  while (start <= all.size()) {
    const std::size_t comma = all.find(',', start);
    const std::string_view part = detail::trimView(all.substr(start, comma == std::string_view::npos ? all.npos : comma - start));
    start = comma == std::string_view::npos ? all.size() + 1 : comma + 1;
    if (part.empty()) continue;
    std::optional<std::pair<Op, std::size_t>> op;
    std::size_t at = 0;
    for (; at < part.size() && !op; ++at) op = operatorAt(part, at);
    if (!op)
      return Result<Selector>::failure(Diagnostic::error(
          ErrorCode::InvalidArgument, "selector condition '" + std::string(part) +
                                          "' has no operator (key=value, key!=value, key<value ...)"));
    --at;
    Condition c;
    c.key = std::string(detail::trimView(part.substr(0, at)));
    // The reserved keys in any case; attribute keys as written (they are case-sensitive).
    for (const char* reserved : {"layer", "class", "kind", "guid", "name", "id", "type"})
      if (detail::iequals(c.key, reserved)) c.key = reserved;
    c.op = op->first;
    const std::string_view values = detail::trimView(part.substr(at + op->second));
    if (c.key.empty() || values.empty())
      return Result<Selector>::failure(Diagnostic::error(
          ErrorCode::InvalidArgument, "selector condition '" + std::string(part) + "' needs a key and a value"));
    std::size_t vstart = 0;
    while (vstart <= values.size()) {
      const std::size_t bar = values.find('|', vstart);
      c.values.emplace_back(detail::trimView(values.substr(vstart, bar == std::string_view::npos ? values.npos : bar - vstart)));
      vstart = bar == std::string_view::npos ? values.size() + 1 : bar + 1;
    }
    // Named groups of values.
    std::vector<std::string> expanded;
    for (const auto& v : c.values) {
      if (v.empty() || v[0] != '@') {
        expanded.push_back(v);
        continue;
      }
      if (v != "@building")
        return Result<Selector>::failure(Diagnostic::error(
            ErrorCode::InvalidArgument, "selector condition '" + std::string(part) + "' names an unknown group " + v +
                                            " (known: @building)"));
      for (const char* cls : {"building", "building-part", "IfcWall", "IfcWallStandardCase", "IfcSlab", "IfcFooting",
                              "IfcColumn", "IfcPile", "IfcBuildingElementProxy", "IfcCurtainWall"})
        expanded.emplace_back(cls);
    }
    c.values = std::move(expanded);
    if ((c.op != Op::Eq && c.op != Op::Ne))
      for (const auto& v : c.values)
        if (!number(v))
          return Result<Selector>::failure(Diagnostic::error(
              ErrorCode::InvalidArgument, "selector condition '" + std::string(part) + "' compares with a non-number"));
    s.conditions_.push_back(std::move(c));
  }
  return Result<Selector>::success(std::move(s));
}

bool Selector::matches(const model::Element& element, std::string_view layer) const {
  for (const auto& c : conditions_)
    if (!conditionHolds(c, element, layer)) return false;
  return true;
}

std::string Selector::text() const {
  if (conditions_.empty()) return "*";
  std::string out;
  for (const auto& c : conditions_) {
    if (!out.empty()) out += ',';
    out += c.key;
    out += opText(c.op);
    for (std::size_t i = 0; i < c.values.size(); ++i) out += (i ? "|" : "") + c.values[i];
  }
  return out;
}

SelectorInputs::SelectorInputs(const std::vector<const Selector*>& selectors) : selectors_(selectors) {
  for (const auto* s : selectors)
    for (const auto& c : s->conditions()) {
      if (std::any_of(keys_.begin(), keys_.end(), [&](const Key& k) { return k.key == c.key; })) continue;
      Key k;
      k.key = c.key;
      if (c.key == "layer") k.reads = Reads::Layer;
      else if (c.key == "class" || c.key == "kind") k.reads = Reads::Kind;
      else if (c.key == "guid") k.reads = Reads::Guid;
      else if (c.key == "name") k.reads = Reads::Name;
      else if (c.key == "id") k.reads = Reads::Id;
      else if (c.key == "type") k.reads = Reads::Type;
      else k.pipeKey = pipeKey(c.key);
      keys_.push_back(std::move(k));
    }
}

std::size_t SelectorInputs::indexOf(const std::string& key) const {
  for (std::size_t i = 0; i < keys_.size(); ++i)
    if (keys_[i].key == key) return i;
  return keys_.size();
}

namespace {

// Attributes::find(key), trying position `hint` first (and leaving there where the key is or would be).
model::Attributes::const_iterator findNear(const model::Attributes& a, std::string_view key, std::size_t& hint) {
  const auto begin = a.begin();
  const std::size_t n = a.size();
  if (hint < n && begin[std::ptrdiff_t(hint)].first == key) return begin + std::ptrdiff_t(hint);
  if (hint <= n && (hint == 0 || std::string_view(begin[std::ptrdiff_t(hint) - 1].first) < key) &&
      (hint == n || key < std::string_view(begin[std::ptrdiff_t(hint)].first)))
    return a.end();  // it would stand at the hint: absent
  const auto it = std::lower_bound(begin, a.end(), key, [](const auto& v, std::string_view k) { return std::string_view(v.first) < k; });
  hint = static_cast<std::size_t>(it - begin);
  return it != a.end() && it->first == key ? it : a.end();
}

void putText(std::string& out, std::string_view text) {
  const auto n = static_cast<std::uint32_t>(text.size());
  out.append(reinterpret_cast<const char*>(&n), sizeof n);
  out.append(text);
}

template <class T>
void putBytes(std::string& out, const T& v) {
  putText(out, std::string_view(reinterpret_cast<const char*>(&v), sizeof v));
}

void putNone(std::string& out) {  // a length no text has
  const auto n = ~std::uint32_t{0};
  out.append(reinterpret_cast<const char*>(&n), sizeof n);
}

bool isPlainKey(const std::string& key) {
  for (const char* k : {"layer", "class", "kind", "guid", "name", "id", "type"})
    if (key == k) return true;
  return false;
}

}  // namespace

void SelectorInputs::appendPlain(const model::Element& e, std::string_view layer, std::string& out) const {
  for (const auto& k : keys_) {
    switch (k.reads) {
      case Reads::Layer: putText(out, layer); break;
      case Reads::Kind: putText(out, e.kind); break;
      case Reads::Guid: putText(out, e.guid); break;
      case Reads::Name: putText(out, e.name); break;
      case Reads::Id: putBytes(out, e.id); break;
      case Reads::Type: {  // typeMatches reads the code and the class code of pipeTypeOf
        const model::PipeType* known = e.pipe() ? &e.pipe()->type : e.well() ? &e.well()->type : nullptr;
        const auto type = known ? std::optional<model::PipeType>() : pipeTypeOf(e);
        if (!known && type) known = &*type;
        if (!known) {
          putNone(out);
          break;
        }
        putText(out, known->code);
        putText(out, classCode(known->cls));
        break;
      }
      case Reads::Attribute: break;
    }
  }
}

std::vector<std::size_t> SelectorInputs::attributesThatMatter(const model::Element& e, std::string_view layer) const {
  std::vector<std::size_t> out;
  for (const auto* s : selectors_) {
    bool plainHold = true;
    for (const auto& c : s->conditions())
      if (isPlainKey(c.key) && !conditionHolds(c, e, layer)) plainHold = false;
    if (!plainHold) continue;
    for (const auto& c : s->conditions())
      if (!isPlainKey(c.key)) out.push_back(indexOf(c.key));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void SelectorInputs::appendAttributes(const model::Element& e, const std::vector<std::size_t>& which, std::string& out,
                                      Hints& hints) const {
  hints.at.resize(2 * keys_.size(), 0);
  for (std::size_t i : which) {  // attributeValue's lookup: the key as written, else its pipe. form
    const Key& k = keys_[i];
    auto it = findNear(e.attributes, k.key, hints.at[2 * i]);
    if (it == e.attributes.end()) it = findNear(e.attributes, k.pipeKey, hints.at[2 * i + 1]);
    if (it == e.attributes.end()) {
      putNone(out);
      continue;
    }
    const auto& v = it->second;
    putBytes(out, v.index());
    if (const auto* t = std::get_if<std::string>(&v)) putText(out, *t);
    else if (const auto* b = std::get_if<bool>(&v)) putBytes(out, *b);
    else if (const auto* n = std::get_if<std::int64_t>(&v)) putBytes(out, *n);
    else if (const auto* d = std::get_if<double>(&v)) putBytes(out, *d);
  }
}

}  // namespace cim::index
