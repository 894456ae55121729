#pragma once
// Attribute values and schemas, as loaded from the source layer.

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace geo {

enum class field_type : std::uint8_t { string, integer, real, date, datetime };
std::string to_string(field_type type);

struct field {
    std::string name;
    field_type type = field_type::string;
};

// monostate is a null attribute. Dates and date-times are ISO 8601 strings
// with the field's type saying which they are.
using value = std::variant<std::monostate, std::int64_t, double, std::string>;

inline bool is_null(value const& v) { return std::holds_alternative<std::monostate>(v); }

// The value as text: strings as they are, numbers in their shortest exact
// form, null as "".
std::string text_of(value const& v);

}  // namespace geo
