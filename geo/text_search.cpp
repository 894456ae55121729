#include "geo/text_search.hpp"

#include "geo/province_names.hpp"

#include <algorithm>
#include <array>

namespace geo {

std::span<khmer_term const> khmer_crop_terms() {
    // The page's crop classes (web/app.js purpose_class and purpose_names.km):
    // the Khmer label of each class, and the English words that put a
    // purpose into it.
    static std::vector<khmer_term> const terms = {
        {"កៅស៊ូ", {"rubber"}},
        {"អំពៅ", {"sugar"}},
        {"ដូងប្រេង", {"palm"}},
        {"ដំឡូងមី", {"cassava"}},
        {"ដើមឈើ និងឈើ",
         {"acacia", "eucalypt", "teak", "tectona", "tree", "wood", "timber", "pine", "merkusii", "trincomali"}},
        {"កសិ-ឧស្សាហកម្ម", {"agro", "agri"}},
    };
    return terms;
}

namespace {

bool has_non_ascii(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

bool is_zero_width_space(std::string_view s, std::size_t i) {  // U+200B..U+200D at s[i]
    return i + 2 < s.size() && static_cast<unsigned char>(s[i]) == 0xE2 && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
           static_cast<unsigned char>(s[i + 2]) >= 0x8B && static_cast<unsigned char>(s[i + 2]) <= 0x8D;
}

bool is_word_byte(unsigned char c) { return c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool is_letter(char c) { return c >= 'a' && c <= 'z'; }

constexpr std::array<std::string_view, 14> company_suffixes = {"co",  "ltd", "coltd", "company", "limited",
                                                               "group", "corp", "corporation", "inc", "plc",
                                                               "llc", "pte", "pty", "pvt"};

// One lower-case word, its romanisation variants folded (see search_key).
std::string fold_word(std::string_view w) {
    // Pairs first, left to right, each read once: "ph" -> "p" never meets
    // the "h" again.
    struct pair_fold {
        std::string_view from, to;
    };
    static constexpr std::array<pair_fold, 13> pairs = {{{"ph", "p"},
                                                         {"th", "t"},
                                                         {"kh", "k"},
                                                         {"gh", "g"},
                                                         {"ch", "j"},
                                                         {"ia", "ea"},
                                                         {"ie", "ea"},
                                                         {"ou", "u"},
                                                         {"oo", "u"},
                                                         {"oe", "u"},
                                                         {"eu", "u"},
                                                         {"ey", "ei"},
                                                         {"ay", "ai"}}};
    std::string out;
    out.reserve(w.size());
    for (std::size_t i = 0; i < w.size();) {
        auto const hit = std::find_if(pairs.begin(), pairs.end(), [&](pair_fold const& p) { return w.substr(i, 2) == p.from; });
        if (hit != pairs.end()) {
            out += hit->to;
            i += 2;
        } else {
            out += w[i];
            ++i;
        }
    }
    if (out.size() > 1 && out.back() == 'y') out.back() = 'i';  // Sophy, Sophi
    // Doubled letters single ("Rattanak", "Ratanak"); digits stay ("100").
    std::string single;
    single.reserve(out.size());
    for (char c : out)
        if (single.empty() || c != single.back() || !is_letter(c)) single += c;
    return single;
}

}  // namespace

std::vector<std::string> english_for_khmer(std::string_view text) {
    std::vector<std::string> out;
    if (!has_non_ascii(text)) return out;  // "16" or "Koh Kong" are not Khmer names
    std::string const key = name_key(text);
    if (key.empty()) return out;
    for (auto const& e : gazetteer())
        if (name_key(e.khmer) == key) out.emplace_back(e.name);
    for (auto const& t : khmer_crop_terms())
        if (name_key(t.khmer) == key)
            for (auto english : t.english) out.emplace_back(english);
    return out;
}

std::string ascii_lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

std::vector<std::string> name_words(std::string_view text) {
    std::string const lower = ascii_lower(text);
    std::vector<std::string> out;
    for (std::size_t i = 0; i < lower.size();) {
        if (is_zero_width_space(lower, i) || !is_word_byte(static_cast<unsigned char>(lower[i]))) {
            i += is_zero_width_space(lower, i) ? 3 : 1;
            continue;
        }
        std::size_t end = i;
        while (end < lower.size() && is_word_byte(static_cast<unsigned char>(lower[end])) && !is_zero_width_space(lower, end))
            ++end;
        std::string_view const word = std::string_view(lower).substr(i, end - i);
        if (std::find(company_suffixes.begin(), company_suffixes.end(), word) == company_suffixes.end())
            out.emplace_back(word);
        i = end;
    }
    return out;
}

std::string fold_name_word(std::string_view word) { return fold_word(word); }

std::string search_words(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (auto const& word : name_words(text)) {
        if (!out.empty()) out += ' ';
        out += fold_word(word);
    }
    return out;
}

bool says_no_value(std::string_view text) {
    auto const b = text.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos) return true;
    std::string const lower = ascii_lower(text.substr(b, text.find_last_not_of(" \t\r\n") - b + 1));
    for (std::string_view none : {"not found", "unknown", "n/a", "na", "-", "(null)", "null", "none"})
        if (lower == none) return true;
    return false;
}

std::string search_key(std::string_view text) {
    std::string key = search_words(text);
    std::erase(key, ' ');
    return key;
}

namespace {
// Whether key (no spaces) is spelled in words from a word start on, the
// spaces between words skipped: "peapimex" in "pea pimex", not "peap" in
// "sopea peanij" (it starts inside a word).
bool in_words(std::string_view words, std::string_view key) {
    for (std::size_t start = 0; start < words.size(); ++start) {
        if (start > 0 && words[start - 1] != ' ' && words[start - 1] != '\n') continue;
        std::size_t i = start, k = 0;
        while (k < key.size() && i < words.size()) {
            if (words[i] == ' ' && i > start) {
                ++i;
                continue;
            }
            if (words[i] != key[k]) break;
            ++i;
            ++k;
        }
        if (k == key.size()) return true;
    }
    return false;
}
}  // namespace

text_matcher::text_matcher(std::string_view query) {
    auto const b = query.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos) return;
    query = query.substr(b, query.find_last_not_of(" \t\r\n") - b + 1);
    literal_.push_back(ascii_lower(query));
    for (auto& english : english_for_khmer(query)) literal_.push_back(ascii_lower(english));
    for (auto const& l : literal_)
        if (std::string k = search_key(l); k.size() >= min_search_key_bytes) keys_.push_back(std::move(k));
}

bool text_matcher::matches(std::string_view lower, std::string_view keys) const {
    for (auto const& l : literal_)
        if (lower.find(l) != std::string_view::npos) return true;
    for (auto const& k : keys_)
        if (in_words(keys, k)) return true;
    return false;
}

searchable_text make_searchable(std::span<std::string const* const> values) {
    searchable_text out;
    for (auto const* v : values) {
        if (!v) continue;
        if (!out.lower.empty()) {
            out.lower += '\n';
            out.keys += '\n';
        }
        out.lower += ascii_lower(*v);
        out.keys += search_words(*v);
    }
    out.lower.shrink_to_fit();
    out.keys.shrink_to_fit();
    return out;
}

}  // namespace geo
