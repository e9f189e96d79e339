// Lexer: splits one deck line into tokens (DECK.md, "Lexical rules").
//
// The deck language is line-based, so the lexer works a line at a time: the
// parser strips the line end and the comment, then calls TokenizeLine().
// Tokens are views into the caller's text; nothing is allocated per token
// beyond the caller's reusable vector.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cardflow {

enum class TokenKind : unsigned char {
  kWord,     // a run of [A-Za-z0-9_.], optionally after a '-' that precedes a digit
  kArrow,    // ->
  kComma,    // ,
  kEquals,   // =
  kColon,    // :
  kCompare,  // == != < <= > >=
  kBad,      // a byte that starts no token; always the last token of its line
};

struct Token {
  TokenKind kind = TokenKind::kBad;
  std::string_view text;
  int column = 0;  // 1-based byte column in the line
};

// Replaces `out` with the tokens of `line` (which holds no '\n'). Spaces and
// tabs separate tokens. Tokenizing stops at the first byte that starts no
// token, which becomes a kBad token of that one byte.
void TokenizeLine(std::string_view line, std::vector<Token>& out);

// What a kWord token looks like; the parser decides what it may be where.
enum class WordShape {
  kName,       // [A-Za-z_][A-Za-z0-9_]* (any length; the parser limits it)
  kInteger,    // -?[0-9]+ (any size; the parser checks the range)
  kDotted,     // NAME.NAME, a stack's register
  kMalformed,  // anything else, such as 12ab or a..b
};
WordShape ShapeOf(std::string_view word);

// True for the words DECK.md reserves (shared, stack, on, expect, ...).
bool IsKeyword(std::string_view word);

// `text` quoted for an error message, shortened when long so that a
// 100,000-character token does not make a 100,000-character message.
std::string Quoted(std::string_view text);

// The message for a kBad token: the character, or its byte value when it is
// not printable ASCII (messages stay ASCII even for binary input).
std::string DescribeBadByte(char byte);
// "0xE9".
std::string HexByte(char byte);

// The offset of the first byte of `text` that is not part of well-formed
// UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above
// U+10FFFF), or std::string_view::npos when all of it is. Protobuf checks
// string fields the same way, and a deck travels to nodes as one.
size_t FindInvalidUtf8(std::string_view text);

}  // namespace cardflow
