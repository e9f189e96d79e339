#include "common/deck/token_cursor.h"

#include <charconv>
#include <string>
#include <utility>

namespace cardflow {
namespace {

std::string Describe(const Token& token) {
  if (token.kind == TokenKind::kWord) {
    if (ShapeOf(token.text) == WordShape::kInteger) return "integer " + Quoted(token.text);
    if (IsKeyword(token.text)) return "keyword " + Quoted(token.text);
  }
  return Quoted(token.text);
}

}  // namespace

TokenCursor::TokenCursor(const std::vector<Token>& tokens, int line, int end_column,
                         DiagnosticSink& sink)
    : tokens_(tokens), line_(line), end_column_(end_column), sink_(sink) {}

void TokenCursor::SetContext(std::string_view keyword, std::string_view usage, bool is_card) {
  keyword_ = keyword;
  usage_ = usage;
  is_card_ = is_card;
}

void TokenCursor::Fail(SourcePos pos, std::string message) {
  if (failed_) return;
  failed_ = true;
  sink_.Error(pos, std::move(message));
}

void TokenCursor::FailNeeds(std::string_view what) {
  std::string needs = "'" + std::string(keyword_) + "' needs " + std::string(what);
  if (AtEnd()) return Fail({line_, end_column_}, std::move(needs));
  const Token& token = tokens_[next_];
  if (token.kind == TokenKind::kBad) return Fail(PosOf(token), DescribeBadByte(token.text[0]));
  Fail(PosOf(token), needs + ", found " + Describe(token));
}

bool TokenCursor::TakeIf(TokenKind kind) {
  if (failed_ || AtEnd() || tokens_[next_].kind != kind) return false;
  ++next_;
  return true;
}

bool TokenCursor::TakeWordIf(std::string_view word) {
  if (failed_ || AtEnd() || tokens_[next_].kind != TokenKind::kWord) return false;
  if (tokens_[next_].text != word) return false;
  ++next_;
  return true;
}

bool TokenCursor::Take(TokenKind kind, std::string_view what) {
  if (TakeIf(kind)) return true;
  FailNeeds(what);
  return false;
}

bool TokenCursor::CheckName(std::string_view text, SourcePos pos) {
  if (text.size() > kMaxNameLength) {
    Fail(pos, "name " + Quoted(text) + " is longer than " + std::to_string(kMaxNameLength) +
                  " characters");
    return false;
  }
  if (IsKeyword(text)) {
    Fail(pos, Quoted(text) + " is a keyword and cannot be used as a name");
    return false;
  }
  return true;
}

std::optional<Name> TokenCursor::TakeName(std::string_view what) {
  if (failed_) return std::nullopt;
  if (AtEnd() || tokens_[next_].kind != TokenKind::kWord ||
      ShapeOf(tokens_[next_].text) != WordShape::kName) {
    FailNeeds(what);
    return std::nullopt;
  }
  const Token& token = tokens_[next_];
  if (!CheckName(token.text, PosOf(token))) return std::nullopt;
  ++next_;
  return Name{token.text, PosOf(token)};
}

std::optional<int64_t> TokenCursor::ParseInteger(const Token& token) {
  int64_t value = 0;
  const char* end = token.text.data() + token.text.size();
  const auto [ptr, ec] = std::from_chars(token.text.data(), end, value);
  if (ec != std::errc() || ptr != end) {
    Fail(PosOf(token), "integer " + Quoted(token.text) + " is outside the signed 64-bit range");
    return std::nullopt;
  }
  return value;
}

std::optional<int64_t> TokenCursor::TakeInteger(std::string_view what) {
  if (failed_) return std::nullopt;
  if (AtEnd() || tokens_[next_].kind != TokenKind::kWord ||
      ShapeOf(tokens_[next_].text) != WordShape::kInteger) {
    FailNeeds(what);
    return std::nullopt;
  }
  std::optional<int64_t> value = ParseInteger(tokens_[next_]);
  if (value) ++next_;
  return value;
}

std::optional<Value> TokenCursor::TakeValue(std::string_view what) {
  if (failed_) return std::nullopt;
  if (!AtEnd() && tokens_[next_].kind == TokenKind::kWord &&
      ShapeOf(tokens_[next_].text) == WordShape::kInteger) {
    const SourcePos pos = PosOf(tokens_[next_]);
    std::optional<int64_t> literal = TakeInteger(what);
    if (!literal) return std::nullopt;
    return Value{false, *literal, Name{{}, pos}};
  }
  std::optional<Name> reg = TakeName(what);
  if (!reg) return std::nullopt;
  return Value{true, 0, std::move(*reg)};
}

std::optional<Term> TokenCursor::TakeTerm(std::string_view what) {
  if (failed_) return std::nullopt;
  if (AtEnd() || tokens_[next_].kind != TokenKind::kWord) {
    FailNeeds(what);
    return std::nullopt;
  }
  const Token& token = tokens_[next_];
  const WordShape shape = ShapeOf(token.text);
  if (shape == WordShape::kName) {
    std::optional<Name> name = TakeName(what);
    if (!name) return std::nullopt;
    return Term{{}, *name, name->pos};
  }
  if (shape != WordShape::kDotted) {
    FailNeeds(what);
    return std::nullopt;
  }
  const size_t dot = token.text.find('.');
  const std::string_view stack = token.text.substr(0, dot);
  const std::string_view reg = token.text.substr(dot + 1);
  const SourcePos stack_pos = PosOf(token);
  const SourcePos reg_pos{line_, token.column + static_cast<int>(dot) + 1};
  if (!CheckName(stack, stack_pos) || !CheckName(reg, reg_pos)) return std::nullopt;
  ++next_;
  return Term{{stack, stack_pos}, {reg, reg_pos}, stack_pos};
}

std::optional<CompareOp> TokenCursor::TakeCompare(std::string_view what) {
  if (failed_) return std::nullopt;
  if (AtEnd() || tokens_[next_].kind != TokenKind::kCompare) {
    FailNeeds(what);
    return std::nullopt;
  }
  const std::string_view text = tokens_[next_++].text;
  if (text == "==") return CompareOp::kEq;
  if (text == "!=") return CompareOp::kNe;
  if (text == "<") return CompareOp::kLt;
  if (text == "<=") return CompareOp::kLe;
  if (text == ">") return CompareOp::kGt;
  return CompareOp::kGe;
}

bool TokenCursor::ExpectEnd() {
  if (failed_) return false;
  if (AtEnd()) return true;
  const Token& token = tokens_[next_];
  if (token.kind == TokenKind::kBad) {
    Fail(PosOf(token), DescribeBadByte(token.text[0]));
  } else if (is_card_) {
    Fail(PosOf(token), "too many operands for '" + std::string(keyword_) + "': unexpected " +
                           Describe(token) + " (usage: " + std::string(usage_) + ")");
  } else {
    Fail(PosOf(token), "unexpected " + Describe(token) + " in '" + std::string(keyword_) +
                           "' line (usage: " + std::string(usage_) + ")");
  }
  return false;
}

}  // namespace cardflow
