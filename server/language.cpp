#include "server/language.hpp"

#include "server/param_text.hpp"

#include <charconv>

namespace server {

std::optional<language> language_tag(std::string_view tag) {
    std::string_view const primary = trim_spaces(tag.substr(0, tag.find('-')));
    if (iequals(primary, "en")) return language::en;
    if (iequals(primary, "km")) return language::km;
    return std::nullopt;
}

namespace {
// The q of one Accept-Language entry's parameters (";q=0.8"); 1 when absent.
double q_value(std::string_view params) {
    for (std::size_t at = 0; (at = params.find(';', at)) != std::string_view::npos;) {
        std::string_view p = trim_spaces(params.substr(at + 1, params.find(';', at + 1) - at - 1));
        ++at;
        if (p.size() < 2 || (p[0] != 'q' && p[0] != 'Q') || p[1] != '=') continue;
        p.remove_prefix(2);
        double q = 0;
        auto const [end, ec] = std::from_chars(p.data(), p.data() + p.size(), q);
        return ec == std::errc() && end == p.data() + p.size() && q >= 0 && q <= 1 ? q : 0;
    }
    return 1;
}
}  // namespace

language accepted_language(std::string_view header) {
    // The highest q wins; at equal q, the first named (the client's order).
    language best = language::en;
    double best_q = 0;
    for (std::size_t start = 0; start <= header.size();) {
        std::size_t const comma = std::min(header.find(',', start), header.size());
        std::string_view const entry = header.substr(start, comma - start);
        std::size_t const semi = std::min(entry.find(';'), entry.size());
        auto const lang = language_tag(entry.substr(0, semi));
        double const q = q_value(entry.substr(semi));
        if (lang && q > best_q) {
            best = *lang;
            best_q = q;
        }
        start = comma + 1;
    }
    return best;
}

std::variant<language, message> choose_language(query_list const& query, std::string_view accept_language) {
    for (auto const& [key, value] : query) {
        if (key != "lang") continue;
        if (auto const lang = language_tag(value)) return *lang;
        return make_message(message_id::lang_unknown, quote_text(value));
    }
    return accepted_language(accept_language);
}

std::string_view language_code(language lang) { return lang == language::km ? "km" : "en"; }

}  // namespace server
