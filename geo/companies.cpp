#include "geo/companies.hpp"

#include "geo/text_search.hpp"
#include "geo/value.hpp"

#include <algorithm>
#include <limits>
#include <map>

namespace geo {

namespace {

constexpr std::uint32_t none = std::numeric_limits<std::uint32_t>::max();

bool is_blank_or_punct(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '.' || c == ',' || c == ';' || c == ':' || c == '-';
}

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && is_blank_or_punct(s.front()) && s.front() != '(') s.remove_prefix(1);
    while (!s.empty() && is_blank_or_punct(s.back())) s.remove_suffix(1);
    return s;
}

bool is_ascii_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

bool is_roman(std::string_view w) {
    static constexpr std::string_view numerals[] = {"I",   "II",   "III", "IV", "V",  "VI",
                                                    "VII", "VIII", "IX",  "X",  "XI", "XII"};
    return std::find(std::begin(numerals), std::end(numerals), w) != std::end(numerals);
}

// "A", "C1", "B01": a block or region code.
bool is_code(std::string_view w) {
    return !w.empty() && w.size() <= 3 && std::all_of(w.begin(), w.end(), is_ascii_alnum);
}

// "15%", "50 %": a share.
bool is_share(std::string_view w) {
    w = trimmed(w);
    if (w.empty() || w.back() != '%') return false;
    w.remove_suffix(1);
    w = trimmed(w);
    return !w.empty() && std::all_of(w.begin(), w.end(), [](char c) { return is_digit(c) || c == '.'; });
}

// "JSIC", "C.I.M.G", "CNOOC": the name's own acronym.
bool is_acronym(std::string_view w) {
    std::size_t letters = 0;
    for (char c : w) {
        if (c >= 'A' && c <= 'Z')
            ++letters;
        else if (c != '.' && c != '&')
            return false;
    }
    return letters >= 2 && letters <= 8;
}

bool starts_with_region(std::string_view w) {
    return ascii_lower(w.substr(0, 6)) == "region";
}

// A legal-form word: "Ltd", "Ltd.", "Limited", "Pty", "Co.,Ltd".
bool is_suffix_word(std::string_view w) {
    return std::any_of(w.begin(), w.end(), is_ascii_alnum) && name_words(w).empty();
}

std::string_view last_word(std::string_view s) {
    auto const space = s.find_last_of(" \t");
    return space == std::string_view::npos ? s : s.substr(space + 1);
}

// "(Cambodia)" and the like, anywhere, replaced by a space.
std::string without_jurisdiction(std::string_view name) {
    std::string out;
    for (std::size_t i = 0; i < name.size();) {
        if (name[i] == '(') {
            auto const close = name.find(')', i);
            if (close != std::string_view::npos) {
                std::string const inner = ascii_lower(trimmed(name.substr(i + 1, close - i - 1)));
                if (inner == "cambodia" || inner == "cam" || inner == "kampuchea") {
                    out += ' ';
                    i = close + 1;
                    continue;
                }
            }
        }
        out += name[i++];
    }
    return out;
}

// One step of company_base: the text without its last varying part, or
// nullopt when it ends in none.
std::optional<std::string_view> drop_last_marker(std::string_view s) {
    if (!s.empty() && s.back() == ')') {
        auto const open = s.rfind('(');
        if (open == std::string_view::npos) return std::nullopt;
        std::string_view const inner = trimmed(s.substr(open + 1, s.size() - open - 2));
        std::string_view const before = trimmed(s.substr(0, open));
        if (before.empty()) return std::nullopt;
        if (starts_with_region(inner) || is_code(inner) || is_share(inner) || is_acronym(inner) || is_roman(inner) ||
            is_suffix_word(last_word(before)))
            return before;
        return std::nullopt;
    }
    std::string_view const word = last_word(s);
    std::string_view const before = trimmed(s.substr(0, s.size() - word.size()));
    if (before.empty()) return std::nullopt;
    if (is_roman(word) || ascii_lower(word) == "region") return before;
    return std::nullopt;
}

// The words company_key folds and company_slug joins.
std::vector<std::string> key_words(std::string_view name) {
    if (says_no_value(name)) return {};
    std::vector<std::string> words = name_words(company_base(without_jurisdiction(name)));
    if (words.size() > 1 && words.back() == "cambodia") {
        std::size_t rest = 0;
        for (std::size_t i = 0; i + 1 < words.size(); ++i) rest += fold_name_word(words[i]).size();
        if (rest >= min_search_key_bytes) words.pop_back();
    }
    return words;
}

// Mixed case ("Angkor Sugar") reads better than capitals or lower case.
bool mixed_case(std::string_view s) {
    bool upper = false, lower = false;
    for (char c : s) {
        upper = upper || (c >= 'A' && c <= 'Z');
        lower = lower || (c >= 'a' && c <= 'z');
    }
    return upper && lower;
}

}  // namespace

std::string company_base(std::string_view name) {
    std::string_view s = trimmed(name);
    while (auto shorter = drop_last_marker(s)) s = *shorter;
    std::string out;  // inner runs of blanks as one space
    for (char c : s) {
        bool const blank = c == ' ' || c == '\t' || c == '\r' || c == '\n';
        if (blank && (out.empty() || out.back() == ' ')) continue;
        out += blank ? ' ' : c;
    }
    return out;
}

std::string company_key(std::string_view name) {
    std::string key;
    for (auto const& w : key_words(name)) key += fold_name_word(w);
    return key;
}

std::string company_slug(std::string_view name) {
    std::string slug;
    for (auto const& w : key_words(name)) slug.append(slug.empty() ? "" : "-").append(w);
    return slug;
}

company_index::company_index(std::vector<collection> const& collections) {
    struct group {
        std::vector<company_record> records;
        std::map<std::string, std::size_t> spellings, bases;  // text -> records
    };
    std::map<std::string, group> groups;
    std::unordered_map<std::string, std::string> key_of;  // raw text -> company_key: names repeat
    of_.resize(collections.size());
    for (auto const& c : collections) collection_ids_.push_back(c.id);
    for (std::uint32_t k = 0; k < collections.size(); ++k) {
        collection const& c = collections[k];
        int const field = c.field_index(c.roles.company);
        if (field < 0) continue;
        for (std::uint32_t i = 0; i < c.features.size(); ++i) {
            std::string text = text_of(c.features[i].properties[static_cast<std::size_t>(field)]);
            text.erase(0, std::min(text.size(), text.find_first_not_of(" \t\r\n")));  // the source's spelling, but for
            text.erase(text.find_last_not_of(" \t\r\n") + 1);                         // spaces at its ends
            auto [at, fresh] = key_of.try_emplace(text);
            if (fresh) at->second = company_key(text);
            if (at->second.empty()) continue;
            group& g = groups[at->second];
            g.records.push_back({k, i});
            ++g.spellings[text];
            ++g.bases[company_base(text)];
        }
    }
    auto most_first = [](std::map<std::string, std::size_t> const& counts) {
        std::vector<std::pair<std::string, std::size_t>> v(counts.begin(), counts.end());
        std::stable_sort(v.begin(), v.end(), [](auto const& a, auto const& b) {
            if (a.second != b.second) return a.second > b.second;
            return mixed_case(a.first) && !mixed_case(b.first);
        });
        return v;
    };
    for (auto& [key, g] : groups) {
        company co;
        co.key = key;
        co.name = most_first(g.bases).front().first;
        co.slug = company_slug(co.name);
        for (auto& [text, n] : most_first(g.spellings)) co.spellings.push_back(text);
        co.records = std::move(g.records);
        companies_.push_back(std::move(co));
    }
    std::sort(companies_.begin(), companies_.end(), [](company const& a, company const& b) { return a.slug < b.slug; });
    for (std::uint32_t n = 0; n < companies_.size(); ++n) {
        auto const& co = companies_[n];
        by_key_.emplace(co.key, n);
        for (auto const& r : co.records) {
            auto& of = of_[r.collection];
            if (of.empty()) of.assign(collections[r.collection].features.size(), none);
            of[r.position] = n;
        }
        std::vector<std::string const*> texts{&co.name};
        for (auto const& s : co.spellings) texts.push_back(&s);
        text_.push_back(make_searchable(texts));
    }
}

company const* company_index::find(std::string_view slug_or_name) const {
    // A slug first (companies_ is sorted by slug): "unknown-co" must not
    // read as the sources' word for no company.
    auto const by_slug = std::lower_bound(companies_.begin(), companies_.end(), slug_or_name,
                                          [](company const& c, std::string_view s) { return c.slug < s; });
    if (by_slug != companies_.end() && by_slug->slug == slug_or_name) return &*by_slug;
    auto const it = by_key_.find(company_key(slug_or_name));
    return it == by_key_.end() ? nullptr : &companies_[it->second];
}

company const* company_index::of(std::string_view collection, std::uint32_t position) const {
    auto const k = static_cast<std::size_t>(std::find(collection_ids_.begin(), collection_ids_.end(), collection) -
                                            collection_ids_.begin());
    if (k >= of_.size() || position >= of_[k].size()) return nullptr;
    auto const n = of_[k][position];
    return n == none ? nullptr : &companies_[n];
}

std::vector<company const*> company_index::search(std::string_view query) const {
    std::vector<company const*> out;
    text_matcher const matcher(query);
    for (std::size_t n = 0; n < companies_.size(); ++n)
        if (matcher.empty() || matcher.matches(text_[n].lower, text_[n].keys)) out.push_back(&companies_[n]);
    return out;
}

std::size_t company_index::memory() const {
    std::size_t bytes = companies_.capacity() * sizeof(company) + by_key_.size() * (sizeof(std::string) + 32);
    for (auto const& co : companies_) {
        bytes += co.key.capacity() + co.slug.capacity() + co.name.capacity() +
                 co.records.capacity() * sizeof(company_record);
        for (auto const& s : co.spellings) bytes += sizeof(std::string) + s.capacity();
    }
    for (auto const& of : of_) bytes += of.capacity() * sizeof(std::uint32_t);
    for (auto const& t : text_) bytes += sizeof(searchable_text) + t.lower.capacity() + t.keys.capacity();
    return bytes;
}

}  // namespace geo
