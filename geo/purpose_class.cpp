#include "geo/purpose_class.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace geo {

namespace {

// Words as the Open Development Cambodia layers spell them, misspellings
// included ("Surgar Cane", "Ecoturiusm"), each matched at the start of a
// word ("port" is in "International Port", not in "support"). Tectona is
// teak, merkusii a pine, Trincomali wood and maysak timber trees, Pistacia
// chinensis a tree grown for its wood.
constexpr std::array<std::string_view, 1> rubber = {"rubber"};
constexpr std::array<std::string_view, 2> sugar = {"sugar", "surgar"};
constexpr std::array<std::string_view, 1> palm = {"palm"};
constexpr std::array<std::string_view, 3> cassava = {"cassava", "tapioca", "manioc"};
constexpr std::array<std::string_view, 11> trees = {"acacia", "eucalypt", "teak",   "tectona",  "tree",    "wood",
                                                    "timber", "pine",     "maysak", "merkusii", "pistacia"};
constexpr std::array<std::string_view, 2> agro = {"agro", "agri"};
constexpr std::array<std::string_view, 6> crops = {"corn", "cashew", "jatropha", "coffee", "fruit", "pepper"};
constexpr std::array<std::string_view, 2> tourism = {"touris", "ecotur"};
constexpr std::array<std::string_view, 5> building = {"port", "airport", "hydrodam", "dam", "hydropower"};
constexpr std::array<std::string_view, 3> fish = {"shrimp", "fish", "aquaculture"};
constexpr std::array<std::string_view, 0> none = {};

constexpr std::array<purpose_class_info, 11> table = {{
    {"Rubber", "កៅស៊ូ", rubber},
    {"Sugar cane", "អំពៅ", sugar},
    {"Oil palm", "ដូងប្រេង", palm},
    {"Cassava", "ដំឡូងមី", cassava},
    {"Trees and wood", "ដើមឈើ និងឈើ", trees},
    {"Agro-industrial", "កសិ-ឧស្សាហកម្ម", agro},
    {"Other crops", "ដំណាំផ្សេងទៀត", crops},
    {"Tourism", "ទេសចរណ៍", tourism},
    {"Infrastructure", "ហេដ្ឋារចនាសម្ព័ន្ធ", building},
    {"Aquaculture", "វារីវប្បកម្ម", fish},
    {"Other", "ផ្សេងទៀត", none},
}};
constexpr std::uint16_t other_bit = 1u << (table.size() - 1);

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return out;
}

// Whether `word` occurs in `text` at the start of a word (after its start or
// anything but a letter).
bool starts_a_word(std::string const& text, std::string_view word) {
    for (std::size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + 1))
        if (at == 0 || !std::isalpha(static_cast<unsigned char>(text[at - 1]))) return true;
    return false;
}

}  // namespace

std::span<purpose_class_info const> purpose_classes() {
    return table;
}

std::uint16_t classify_purpose(std::string_view text) {
    std::string const t = lower(text);
    if (std::all_of(t.begin(), t.end(), [](unsigned char ch) { return std::isspace(ch) || ch == '-' || ch == '.'; }))
        return 0;
    std::uint16_t mask = 0;
    for (std::size_t k = 0; k < table.size(); ++k)
        for (auto word : table[k].words)
            if (starts_a_word(t, word)) mask |= static_cast<std::uint16_t>(1u << k);
    return mask ? mask : other_bit;
}

std::vector<std::string_view> purpose_class_names(std::uint16_t mask) {
    std::vector<std::string_view> names;
    for (std::size_t k = 0; k < table.size(); ++k)
        if (mask & (1u << k)) names.push_back(table[k].name);
    return names;
}

std::string purpose_class_text(std::uint16_t mask) {
    std::string out;
    for (auto name : purpose_class_names(mask)) out.append(out.empty() ? "" : "; ").append(name);
    return out;
}

std::optional<std::uint16_t> purpose_class_bit(std::string_view name) {
    std::string const wanted = lower(name);
    for (std::size_t k = 0; k < table.size(); ++k)
        if (lower(table[k].name) == wanted) return static_cast<std::uint16_t>(1u << k);
    return std::nullopt;
}

std::string purpose_class_list() {
    std::string out;
    for (auto const& c : table) out.append(out.empty() ? "" : ", ").append(c.name);
    return out;
}

}  // namespace geo
