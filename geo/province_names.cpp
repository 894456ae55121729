#include "geo/province_names.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace geo {

std::span<gazetteer_entry const> gazetteer() {
    // Names as the Royal Government and ODC most often write them; the
    // Khmer name (the page's web/i18n.js has the same list, checked by
    // tests/geo/khmer_names_test.cpp); aliases from the NIS 2008 census,
    // geoBoundaries, ODC layers and UNGEGN romanisation.
    static std::vector<gazetteer_entry> const entries = {
        {"Banteay Meanchey", "01", "បន្ទាយមានជ័យ", {"Bantey Meanchey", "Banteay Mean Chey", "Banteay Mean Chey", "Bântéay Méanchey"}},
        {"Battambang", "02", "បាត់ដំបង", {"Batdambang", "Bat Dambang", "Battam Bang"}},
        {"Kampong Cham", "03", "កំពង់ចាម", {"Kompong Cham", "Kampong Chaam"}},
        {"Kampong Chhnang", "04", "កំពង់ឆ្នាំង", {"Kompong Chhnang", "Kampong Chnang"}},
        {"Kampong Speu", "05", "កំពង់ស្ពឺ", {"Kompong Speu", "Kampong Spoe"}},
        {"Kampong Thom", "06", "កំពង់ធំ", {"Kompong Thom", "Kampong Thum"}},
        {"Kampot", "07", "កំពត", {"Kampaot"}},
        {"Kandal", "08", "កណ្ដាល", {"Kandaal"}},
        {"Koh Kong", "09", "កោះកុង", {"Kaoh Kong", "Kohkong"}},
        {"Kratie", "10", "ក្រចេះ", {"Kracheh", "Krati", "Kratié"}},
        {"Mondulkiri", "11", "មណ្ឌលគិរី", {"Mondul Kiri", "Mundul Kiri", "Mondolkiri", "Mondulkiry", "Mondol Kiri"}},
        {"Phnom Penh", "12", "ភ្នំពេញ", {"Phnum Penh", "Phnom Penh Capital", "Phnompenh"}},
        {"Preah Vihear", "13", "ព្រះវិហារ", {"Preah Vihea", "Preahvihear", "Preah Vihéar"}},
        {"Prey Veng", "14", "ព្រៃវែង", {"Prey Vaeng"}},
        {"Pursat", "15", "ពោធិ៍សាត់", {"Pouthisat", "Posat"}},
        {"Ratanakiri", "16", "រតនគិរី", {"Ratanak Kiri", "Rattanakiri", "Rotanak Kiri", "Ratana Kiri", "Rattanak Kiri"}},
        {"Siem Reap", "17", "សៀមរាប", {"Siemreap", "Siem Riep", "Siemreab", "Siem Reab"}},
        {"Preah Sihanouk", "18", "ព្រះសីហនុ", {"Sihanoukville", "Preach Sihanouk", "Kampong Som", "Kompong Som", "Krong Preah Sihanouk", "Sihanouk"}},
        {"Stung Treng", "19", "ស្ទឹងត្រែង", {"Stoeng Treng", "Steung Treng", "Stung Streng"}},
        {"Svay Rieng", "20", "ស្វាយរៀង", {"Svay Rieng", "Svay Rieng"}},
        {"Takeo", "21", "តាកែវ", {"Takev", "Ta Keo"}},
        {"Oddar Meanchey", "22", "ឧត្ដរមានជ័យ", {"Otdar Meanchey", "Oddarmeanchey", "Oddar Mean Chey", "Otdar Mean Chey", "Udor Meanchey"}},
        {"Kep", "23", "កែប", {"Kaeb", "Krong Kep", "Keb"}},
        {"Pailin", "24", "ប៉ៃលិន", {"Krong Pailin", "Pailen"}},
        {"Tbong Khmum", "25", "ត្បូងឃ្មុំ", {"Tboung Khmum", "Tbong Khmom", "Tboung Khmom"}},
    };
    return entries;
}

std::string name_key(std::string_view name) {
    std::string k;
    k.reserve(name.size());
    for (std::size_t i = 0; i < name.size(); ++i) {
        auto const u = static_cast<unsigned char>(name[i]);
        // U+200B..U+200D (E2 80 8B..8D): Khmer writes zero-width spaces
        // between words, invisible and not part of any name.
        if (u == 0xE2 && name.substr(i + 1, 1) == "\x80" && i + 2 < name.size() &&
            static_cast<unsigned char>(name[i + 2]) >= 0x8B && static_cast<unsigned char>(name[i + 2]) <= 0x8D) {
            i += 2;
            continue;
        }
        if (u >= 0x80)
            k += name[i];
        else if (std::isalnum(u))
            k += static_cast<char>(std::tolower(u));
    }
    auto strip_prefix = [&](std::string_view p) {
        if (k.size() > p.size() && k.compare(0, p.size(), p) == 0) k.erase(0, p.size());
    };
    auto strip_suffix = [&](std::string_view s) {
        if (k.size() > s.size() && k.compare(k.size() - s.size(), s.size(), s) == 0) k.erase(k.size() - s.size());
    };
    strip_suffix("province");
    strip_suffix("capital");
    strip_suffix("city");
    strip_prefix("krong");
    strip_prefix("khaet");
    strip_prefix("khett");
    strip_prefix("province");
    strip_prefix("ខេត្ត");
    strip_prefix("រាជធានី");
    strip_prefix("ក្រុង");
    if (k.compare(0, 7, "kompong") == 0) k.replace(0, 7, "kampong");
    if (k.compare(0, 4, "kaoh") == 0) k.replace(0, 4, "koh");
    return k;
}

std::optional<std::size_t> find_in_gazetteer(std::string_view name_or_code) {
    auto const entries = gazetteer();
    std::string key = name_key(name_or_code);
    if (key.empty()) return std::nullopt;
    if (key.size() > 2 && key.compare(0, 2, "kh") == 0 && std::isdigit(static_cast<unsigned char>(key[2])))
        key.erase(0, 2);  // ISO 3166-2 "KH-16"
    if (std::all_of(key.begin(), key.end(), [](unsigned char c) { return std::isdigit(c); })) {
        int code = 0;
        std::from_chars(key.data(), key.data() + key.size(), code);
        if (code >= 1 && code <= static_cast<int>(entries.size())) return static_cast<std::size_t>(code - 1);
        return std::nullopt;
    }
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (name_key(entries[i].name) == key || name_key(entries[i].khmer) == key) return i;
        for (auto alias : entries[i].aliases)
            if (name_key(alias) == key) return i;
    }
    return std::nullopt;
}

std::vector<std::string> split_province_list(std::string_view text) {
    std::string s(text);
    // " and " and "&" separate provinces as commas do.
    for (std::string_view sep : {" and ", " And ", " AND ", "&", ";", "/", "+"}) {
        for (std::size_t pos; (pos = s.find(sep)) != std::string::npos;) s.replace(pos, sep.size(), ",");
    }
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= s.size()) {
        std::size_t end = s.find(',', start);
        if (end == std::string::npos) end = s.size();
        std::string part = s.substr(start, end - start);
        auto not_space = [](unsigned char c) { return !std::isspace(c); };
        part.erase(part.begin(), std::find_if(part.begin(), part.end(), not_space));
        part.erase(std::find_if(part.rbegin(), part.rend(), not_space).base(), part.end());
        if (!part.empty()) out.push_back(std::move(part));
        start = end + 1;
    }
    return out;
}

std::size_t name_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j)
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

}  // namespace geo
