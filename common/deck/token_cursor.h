// TokenCursor: reads the tokens of one deck line for the parser and turns
// every way they can be wrong into one clear diagnostic.
//
// A line reports at most one error, its leftmost: after the first problem the
// cursor is failed() and every further Take*() returns nothing without
// reporting, so the parser can read a whole statement and check once.
// Messages name the statement or card being read (the "context") and, for
// missing operands, point just past the end of the line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "common/deck/deck.h"
#include "common/deck/diagnostic_sink.h"
#include "common/deck/lexer.h"

namespace cardflow {

inline constexpr size_t kMaxNameLength = 64;

class TokenCursor {
 public:
  // `tokens` are the line's (see TokenizeLine); `end_column` is one past its
  // last byte, where a missing operand is reported.
  TokenCursor(const std::vector<Token>& tokens, int line, int end_column, DiagnosticSink& sink);
  TokenCursor(const TokenCursor&) = delete;
  TokenCursor& operator=(const TokenCursor&) = delete;

  // `keyword` is the statement or card being read, `usage` its syntax (e.g.
  // "add REGISTER VALUE"); both must outlive the cursor. `is_card` selects
  // the wording of ExpectEnd().
  void SetContext(std::string_view keyword, std::string_view usage, bool is_card);

  bool failed() const { return failed_; }
  bool AtEnd() const { return next_ == tokens_.size(); }
  const Token* Peek() const { return AtEnd() ? nullptr : &tokens_[next_]; }
  SourcePos PosOf(const Token& token) const { return {line_, token.column}; }
  void Skip() { ++next_; }

  // Consumes the next token when it has `kind`.
  bool TakeIf(TokenKind kind);
  // Consumes the next token when it is the word `word`.
  bool TakeWordIf(std::string_view word);

  // Each of these consumes one token on success; on failure it reports
  // "CONTEXT needs WHAT[, found X]" or a more precise message. `what` reads
  // like "a register" or "'-> REGISTER'".
  bool Take(TokenKind kind, std::string_view what);
  std::optional<Name> TakeName(std::string_view what);
  std::optional<int64_t> TakeInteger(std::string_view what);
  std::optional<Value> TakeValue(std::string_view what);
  std::optional<Term> TakeTerm(std::string_view what);
  std::optional<CompareOp> TakeCompare(std::string_view what);

  // Reports anything left on the line.
  bool ExpectEnd();

  // Reports `message` at `pos` unless the line already failed.
  void Fail(SourcePos pos, std::string message);

 private:
  // Reports what is wrong with the next token (or its absence).
  void FailNeeds(std::string_view what);
  // Validates a name written at `pos`; reports and returns false if invalid.
  bool CheckName(std::string_view text, SourcePos pos);
  std::optional<int64_t> ParseInteger(const Token& token);

  const std::vector<Token>& tokens_;
  size_t next_ = 0;
  int line_;
  int end_column_;
  DiagnosticSink& sink_;
  std::string_view keyword_;
  std::string_view usage_;
  bool is_card_ = false;
  bool failed_ = false;
};

}  // namespace cardflow
