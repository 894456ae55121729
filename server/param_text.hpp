#pragma once
// Client text in error messages and parameter values: compared without
// case, trimmed, and quoted safely (a 400's description goes into JSON).

#include <string>
#include <string_view>

namespace server {

// ASCII case-insensitive equality.
bool iequals(std::string_view a, std::string_view b);
// Without leading and trailing spaces.
std::string_view trim_spaces(std::string_view s);
// 'text' for an error message: invalid UTF-8 and control characters become
// U+FFFD, and long text is cut.
std::string quote_text(std::string_view text);

}  // namespace server
