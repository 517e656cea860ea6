#include "io/ifc/step/step_value.h"

#include <charconv>
#include <cstdlib>

namespace cim::io::ifc {

namespace {

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }
bool isUpperWord(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

}  // namespace

class AttributeParser {
 public:
  AttributeParser(std::string_view text, AttributeList& out) : s_(text), out_(out) {}

  bool run(std::string& error) {
    out_.nodes_.clear();
    skip();
    if (!peek('(')) return fail("attribute list does not start with '('", error);
    Value top;
    if (!parseList(top, error)) return false;
    skip();
    if (pos_ != s_.size()) return fail("unexpected text after the attribute list", error);
    out_.topFirst_ = top.first;
    out_.topCount_ = top.count;
    return true;
  }

 private:
  bool fail(const char* what, std::string& error) {
    error = std::string(what) + " at offset " + std::to_string(pos_);
    return false;
  }

  void skip() {
    while (pos_ < s_.size()) {
      if (isSpace(s_[pos_])) {
        ++pos_;
      } else if (s_[pos_] == '/' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '*') {
        const auto end = s_.find("*/", pos_ + 2);
        pos_ = end == std::string_view::npos ? s_.size() : end + 2;
      } else {
        break;
      }
    }
  }
  bool peek(char c) const { return pos_ < s_.size() && s_[pos_] == c; }

  // At '(' : parses children until the matching ')'.
  bool parseList(Value& list, std::string& error) {
    if (++depth_ > 64) return fail("lists nested more than 64 deep", error);
    ++pos_;  // '('
    // Items are gathered on one stack per thread (nested lists above their parent's items) rather than a vector per
    // list: a malloc per list was a tenth of the reader's time on large files.
    thread_local std::vector<Value> stack;
    const std::size_t mark = stack.size();
    struct Unwind {
      std::size_t mark;
      ~Unwind() { stack.resize(mark); }
    } unwind{mark};
    skip();
    if (peek(')')) {
      ++pos_;
    } else {
      for (;;) {
        Value v;
        if (!parseValue(v, error)) return false;
        stack.push_back(v);
        skip();
        if (peek(',')) {
          ++pos_;
          skip();
          continue;
        }
        if (peek(')')) {
          ++pos_;
          break;
        }
        return fail(pos_ >= s_.size() ? "attribute list ends without ')'" : "expected ',' or ')'", error);
      }
    }
    --depth_;
    list.kind = ValueKind::List;
    list.first = static_cast<std::uint32_t>(out_.nodes_.size());
    list.count = static_cast<std::uint32_t>(stack.size() - mark);
    out_.nodes_.insert(out_.nodes_.end(), stack.begin() + static_cast<std::ptrdiff_t>(mark), stack.end());
    return true;
  }

  bool parseValue(Value& v, std::string& error) {
    if (pos_ >= s_.size()) return fail("value expected", error);
    const char c = s_[pos_];
    switch (c) {
      case '$': ++pos_; v.kind = ValueKind::Null; return true;
      case '*': ++pos_; v.kind = ValueKind::Derived; return true;
      case '(': return parseList(v, error);
      case '#': {
        ++pos_;
        std::uint64_t id = 0;
        auto [p, ec] = std::from_chars(s_.data() + pos_, s_.data() + s_.size(), id);
        if (ec != std::errc() || p == s_.data() + pos_) return fail("bad entity reference", error);
        pos_ = static_cast<std::size_t>(p - s_.data());
        v.kind = ValueKind::Ref;
        v.ref = id;
        return true;
      }
      case '\'': {
        const std::size_t start = ++pos_;
        for (;;) {
          const auto q = s_.find('\'', pos_);
          if (q == std::string_view::npos) return fail("string without closing quote", error);
          if (q + 1 < s_.size() && s_[q + 1] == '\'') {
            pos_ = q + 2;
            continue;
          }
          v.kind = ValueKind::String;
          v.raw = s_.substr(start, q - start);
          pos_ = q + 1;
          return true;
        }
      }
      case '"': {
        const std::size_t start = ++pos_;
        const auto q = s_.find('"', pos_);
        if (q == std::string_view::npos) return fail("binary without closing quote", error);
        v.kind = ValueKind::Binary;
        v.raw = s_.substr(start, q - start);
        pos_ = q + 1;
        return true;
      }
      case '.': {
        const std::size_t start = ++pos_;
        while (pos_ < s_.size() && isUpperWord(s_[pos_])) ++pos_;
        if (!peek('.') || pos_ == start) return fail("bad enumeration", error);
        v.kind = ValueKind::Enum;
        v.raw = s_.substr(start, pos_ - start);
        ++pos_;
        return true;
      }
      default: break;
    }
    if (c == '-' || c == '+' || (c >= '0' && c <= '9')) return parseNumber(v, error);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) {
      const std::size_t start = pos_;
      while (pos_ < s_.size() && isUpperWord(s_[pos_])) ++pos_;
      const std::string_view name = s_.substr(start, pos_ - start);
      skip();
      if (!peek('(')) return fail("typed value without '('", error);
      Value inner;
      if (!parseList(inner, error)) return false;
      v.kind = ValueKind::Typed;
      v.raw = name;
      v.first = inner.first;
      v.count = inner.count;
      return true;
    }
    return fail("unexpected character", error);
  }

  bool parseNumber(Value& v, std::string& error) {
    const std::size_t start = pos_;
    if (s_[pos_] == '-' || s_[pos_] == '+') ++pos_;
    bool real = false;
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      if (c >= '0' && c <= '9') {
        ++pos_;
      } else if (c == '.' || c == 'E' || c == 'e') {
        real = true;
        ++pos_;
        if ((c == 'E' || c == 'e') && pos_ < s_.size() && (s_[pos_] == '-' || s_[pos_] == '+')) ++pos_;
      } else {
        break;
      }
    }
    std::string_view token = s_.substr(start, pos_ - start);
    if (!token.empty() && token.front() == '+') token.remove_prefix(1);
    if (real) {
      // STEP allows "1." and "1.E5"; from_chars accepts both forms.
      double d = 0;
      auto [p, ec] = std::from_chars(token.data(), token.data() + token.size(), d);
      if (ec == std::errc::result_out_of_range) {
        d = std::strtod(std::string(token).c_str(), nullptr);  // inf or denormal; the caller checks finiteness
      } else if (ec != std::errc() || p != token.data() + token.size()) {
        return fail("bad real number", error);
      }
      v.kind = ValueKind::Real;
      v.real = d;
    } else {
      std::int64_t i = 0;
      auto [p, ec] = std::from_chars(token.data(), token.data() + token.size(), i);
      if (ec != std::errc() || p != token.data() + token.size()) return fail("bad integer", error);
      v.kind = ValueKind::Integer;
      v.integer = i;
    }
    return true;
  }

  std::string_view s_;
  AttributeList& out_;
  std::size_t pos_ = 0;
  int depth_ = 0;
};

bool parseAttributes(std::string_view text, AttributeList& out, std::string& error) {
  return AttributeParser(text, out).run(error);
}

namespace {

void appendUtf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

bool readHex(std::string_view s, std::size_t pos, std::size_t digits, std::uint32_t& value) {
  if (pos + digits > s.size()) return false;
  value = 0;
  for (std::size_t i = 0; i < digits; ++i) {
    const int h = hexValue(s[pos + i]);
    if (h < 0) return false;
    value = value * 16 + static_cast<std::uint32_t>(h);
  }
  return true;
}

// Length of the valid UTF-8 sequence starting at s[i], or 0.
std::size_t utf8Length(std::string_view s, std::size_t i) {
  const auto b = static_cast<unsigned char>(s[i]);
  std::size_t n = b >= 0xF0 && b <= 0xF4 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 && b < 0xE0 ? 2 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  return n;
}

// Decodes one STEP string into `out`, keeping the first problem met in `error`.
class StringDecoder {
 public:
  StringDecoder(std::string_view s, std::string& out, std::string& error) : s_(s), out_(out), error_(error) {}

  bool run() {
    out_.clear();
    out_.reserve(s_.size());
    for (std::size_t i = 0; i < s_.size();) i = s_[i] == '\\' ? escape(i) : plain(i);
    return ok_;
  }

 private:
  void bad(const std::string& why) {
    if (ok_) error_ = why;
    ok_ = false;
  }

  // The character at i (no escape); returns where the next one starts.
  std::size_t plain(std::size_t i) {
    const char c = s_[i];
    if (c == '\'') {  // '' inside a string is one quote
      out_ += '\'';
      return i + ((i + 1 < s_.size() && s_[i + 1] == '\'') ? 2 : 1);
    }
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x80) {
      out_ += c;
      return i + 1;
    }
    if (std::size_t n = utf8Length(s_, i)) {
      out_.append(s_.substr(i, n));
      return i + n;
    }
    bad("bytes that are not UTF-8 (taken as ISO 8859-1)");
    appendUtf8(out_, b);
    return i + 1;
  }

  // The escape starting with the backslash at i; returns where the next character starts. An escape that cannot be
  // read is reported and its backslash kept as text.
  std::size_t escape(std::size_t i) {
    const std::string_view rest = s_.substr(i);
    if (rest.starts_with("\\\\")) {
      out_ += '\\';
      return i + 2;
    }
    if (rest.starts_with("\\X\\")) {
      std::uint32_t v;
      if (!readHex(s_, i + 3, 2, v)) return keepBackslash(i, "bad \\X\\ escape");
      appendUtf8(out_, v);
      return i + 5;
    }
    if (rest.starts_with("\\X2\\") || rest.starts_with("\\X4\\")) {
      const std::size_t digits = rest[2] == '2' ? 4 : 8;
      const auto end = s_.find("\\X0\\", i + 4);
      if (end == std::string_view::npos || (end - i - 4) % digits != 0)
        return keepBackslash(i, digits == 4 ? "unterminated or odd-length \\X2\\ escape"
                                            : "unterminated or odd-length \\X4\\ escape");
      wide(i + 4, end, digits);
      return end + 4;
    }
    if (rest.starts_with("\\S\\") && rest.size() >= 4) {
      appendUtf8(out_, static_cast<unsigned char>(rest[3]) + 0x80u);  // ISO 8859-1 upper half
      return i + 4;
    }
    if (rest.size() >= 4 && rest[1] == 'P' && rest[3] == '\\' && rest[2] >= 'A' && rest[2] <= 'I') {
      if (rest[2] != 'A') bad("code page \\P" + std::string(1, rest[2]) + "\\ is read as ISO 8859-1");
      return i + 4;
    }
    return keepBackslash(i, "unknown escape '\\" + std::string(rest.substr(1, 1)) + "'");
  }

  std::size_t keepBackslash(std::size_t i, const std::string& why) {
    bad(why);
    out_ += '\\';
    return i + 1;
  }

  // The code units of a \X2\ (UTF-16, surrogate pairs joined) or \X4\ (UTF-32) run from p to end.
  void wide(std::size_t p, std::size_t end, std::size_t digits) {
    std::uint32_t high = 0;
    for (; p < end; p += digits) {
      std::uint32_t u;
      if (!readHex(s_, p, digits, u)) {
        bad("bad hex digit in \\X2\\ or \\X4\\ escape");
        break;
      }
      if (digits == 4 && u >= 0xD800 && u <= 0xDBFF) {
        high = u;
        continue;
      }
      if (digits == 4 && u >= 0xDC00 && u <= 0xDFFF) {
        if (high == 0) {
          bad("lone UTF-16 low surrogate");
          continue;
        }
        u = 0x10000 + ((high - 0xD800) << 10) + (u - 0xDC00);
        high = 0;
      } else if (high != 0) {
        bad("lone UTF-16 high surrogate");
        high = 0;
      }
      if (u > 0x10FFFF || (u >= 0xD800 && u <= 0xDFFF)) {
        bad("code point out of range");
        continue;
      }
      appendUtf8(out_, u);
    }
  }

  std::string_view s_;
  std::string& out_;
  std::string& error_;
  bool ok_ = true;
};

}  // namespace

bool decodeStepString(std::string_view s, std::string& out, std::string& error) {
  return StringDecoder(s, out, error).run();
}

}  // namespace cim::io::ifc
