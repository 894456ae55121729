#pragma once
// Cambodia's provinces under every spelling the data uses. Names differ
// between layers ("Ratanakiri", "Ratanak Kiri", "Ratanakiri Province") and
// within one ("Oddarmeanchey", "Oddar Meanchey"); codes are the NIS province
// codes ("16") and ISO 3166-2 ("KH-16").

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace geo {

struct gazetteer_entry {
    std::string_view name;  // the spelling we display
    std::string_view code;  // NIS code, "01".."25"
    std::string_view khmer;  // in Khmer script ("កោះកុង")
    std::vector<std::string_view> aliases;
};

std::span<gazetteer_entry const> gazetteer();

// Lower case, letters and digits only, "province"/"krong"/"khaet" and the
// Kompong/Kampong, Kaoh/Koh variants folded: "Ratanak-Kiri Province" and
// "ratanakiri" give the same key. Non-ASCII text (Khmer, accented letters)
// is kept byte for byte, without zero-width spaces and without a leading
// ខេត្ត (province), រាជធានី (capital) or ក្រុង (town): "ខេត្តកោះកុង" and
// "កោះកុង" give the same key.
std::string name_key(std::string_view name);

// Index into gazetteer() for a name, alias, NIS code ("16", "1") or ISO code
// ("KH-16").
std::optional<std::size_t> find_in_gazetteer(std::string_view name_or_code);

// "Kratie, Mondulkiri", "Kampong Thom;Preah Vihear", "Kratie and Stung
// Treng" -> the names, trimmed.
std::vector<std::string> split_province_list(std::string_view text);

// Edit distance between name keys, for "did you mean" suggestions.
std::size_t name_distance(std::string_view a, std::string_view b);

}  // namespace geo
