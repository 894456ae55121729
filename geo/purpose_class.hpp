#pragma once
// What a concession is for, in classes a person can pick (issue 15): the
// source's purpose text has about sixty spellings ("Rubber plantation",
// "Rubber Plantation, Agro-industrial", "Agri-Industry (Sugar Can) and other
// Plantation"...), and each maps to the classes whose words it holds, so
// that "Rubber and Cassava plantation" is both Rubber and Cassava. The raw
// text stays in the feature and in search; the classes are a derived,
// queryable property, purpose_class, of every collection with a purpose role.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace geo {

struct purpose_class_info {
    std::string_view name;                    // the value clients see and filter on, e.g. "Sugar cane"
    std::string_view name_km;                 // in Khmer
    std::span<std::string_view const> words;  // any of them in the lower-cased text puts it in the class
};

// Every class, in the order answers list them; bit k of a mask is class k.
std::span<purpose_class_info const> purpose_classes();

// The classes of a purpose text: 0 for empty text; text that names no
// class's word is "Other".
std::uint16_t classify_purpose(std::string_view text);

// The names of the classes in a mask, in purpose_classes() order.
std::vector<std::string_view> purpose_class_names(std::uint16_t mask);

// The names joined by "; " ("Rubber; Cassava"), as CSV and file downloads write them.
std::string purpose_class_text(std::uint16_t mask);

// The bit of a class by name (any case), or nullopt.
std::optional<std::uint16_t> purpose_class_bit(std::string_view name);

// "Rubber, Sugar cane, ...": every class name, for messages.
std::string purpose_class_list();

}  // namespace geo
