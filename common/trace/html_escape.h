// HtmlEscape: text made safe to put inside HTML (and inline SVG) element
// content or a quoted attribute value.
#pragma once

#include <string>
#include <string_view>

namespace cardflow {

// Replaces & < > " ' by their character references; everything else,
// UTF-8 included, is kept as is.
std::string HtmlEscape(std::string_view text);

}  // namespace cardflow
