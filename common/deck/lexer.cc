#include "common/deck/lexer.h"

#include <array>
#include <cstdio>

namespace cardflow {
namespace {

constexpr std::array<bool, 256> MakeWordTable() {
  std::array<bool, 256> table{};
  for (int c = 'a'; c <= 'z'; ++c) table[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) table[c] = true;
  for (int c = '0'; c <= '9'; ++c) table[c] = true;
  table['_'] = true;
  table['.'] = true;
  return table;
}
constexpr std::array<bool, 256> kWordByte = MakeWordTable();

bool IsWordByte(char c) { return kWordByte[static_cast<unsigned char>(c)]; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }

// Length of the identifier at the start of `s` (0 if none).
size_t IdentifierLength(std::string_view s) {
  if (s.empty() || !IsNameStart(s[0])) return 0;
  size_t i = 1;
  while (i < s.size() && IsWordByte(s[i]) && s[i] != '.') ++i;
  return i;
}

}  // namespace

void TokenizeLine(std::string_view line, std::vector<Token>& out) {
  out.clear();
  const size_t n = line.size();
  size_t i = 0;
  while (i < n) {
    const char c = line[i];
    if (c == ' ' || c == '\t') {
      ++i;
      continue;
    }
    const size_t start = i;
    TokenKind kind = TokenKind::kBad;
    if (IsWordByte(c) || (c == '-' && i + 1 < n && IsDigit(line[i + 1]))) {
      kind = TokenKind::kWord;
      ++i;
      while (i < n && IsWordByte(line[i])) ++i;
    } else if (c == '-' && i + 1 < n && line[i + 1] == '>') {
      kind = TokenKind::kArrow;
      i += 2;
    } else if (c == ',' || c == ':') {
      kind = c == ',' ? TokenKind::kComma : TokenKind::kColon;
      ++i;
    } else if (c == '=' || c == '!' || c == '<' || c == '>') {
      const bool has_equals = i + 1 < n && line[i + 1] == '=';
      if (c == '=') {
        kind = has_equals ? TokenKind::kCompare : TokenKind::kEquals;
      } else if (c != '!' || has_equals) {
        kind = TokenKind::kCompare;
      }
      i += has_equals ? 2 : 1;
    }
    if (kind == TokenKind::kBad) {
      out.push_back({kind, line.substr(start, 1), static_cast<int>(start) + 1});
      return;
    }
    out.push_back({kind, line.substr(start, i - start), static_cast<int>(start) + 1});
  }
}

WordShape ShapeOf(std::string_view word) {
  const size_t first = IdentifierLength(word);
  if (first == word.size()) return WordShape::kName;
  if (first > 0 && word[first] == '.') {
    const size_t second = IdentifierLength(word.substr(first + 1));
    return second > 0 && first + 1 + second == word.size() ? WordShape::kDotted
                                                           : WordShape::kMalformed;
  }
  if (first > 0) return WordShape::kMalformed;
  size_t i = !word.empty() && word[0] == '-' ? 1 : 0;
  if (i == word.size()) return WordShape::kMalformed;
  for (; i < word.size(); ++i) {
    if (!IsDigit(word[i])) return WordShape::kMalformed;
  }
  return WordShape::kInteger;
}

bool IsKeyword(std::string_view word) {
  static constexpr std::string_view kKeywords[] = {
      "shared", "stack", "on",   "expect", "outcome", "repeat", "set",  "add",   "sub",  "mul",
      "div",    "mod",   "read", "write",  "notify",  "await",  "work", "sleep", "print"};
  if (word.size() < 2 || word.size() > 7) return false;
  for (std::string_view keyword : kKeywords) {
    if (word == keyword) return true;
  }
  return false;
}

std::string Quoted(std::string_view text) {
  constexpr size_t kShown = 32;
  if (text.size() <= kShown + 8) return "'" + std::string(text) + "'";
  return "'" + std::string(text.substr(0, kShown)) + "...' (" + std::to_string(text.size()) +
         " characters)";
}

std::string HexByte(char byte) {
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(byte));
  return hex;
}

std::string DescribeBadByte(char byte) {
  const auto value = static_cast<unsigned char>(byte);
  if (value > ' ' && value < 0x7f) return std::string("unexpected character '") + byte + "'";
  if (value >= 0x80) {
    return "unexpected byte " + HexByte(byte) + " (only ASCII is allowed outside comments)";
  }
  return "unexpected control byte " + HexByte(byte);
}

size_t FindInvalidUtf8(std::string_view text) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char lead = byte(i);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    // The well-formed sequences (Unicode, table 3-7): the length and the
    // range of the second byte follow from the first; later bytes are 80..BF.
    size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) low = 0xA0;   // no overlong forms
      if (lead == 0xED) high = 0x9F;  // no surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) low = 0x90;   // no overlong forms
      if (lead == 0xF4) high = 0x8F;  // nothing above U+10FFFF
    } else {
      return i;
    }
    if (i + length > text.size()) return i;
    if (byte(i + 1) < low || byte(i + 1) > high) return i;
    for (size_t k = 2; k < length; ++k) {
      if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return i;
    }
    i += length;
  }
  return std::string_view::npos;
}

}  // namespace cardflow
