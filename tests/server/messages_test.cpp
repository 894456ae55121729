// Every message the API writes has its Khmer (server/messages.hpp), and the
// language a request gets is the one it asked for (server/language.hpp).

#include "server/language.hpp"
#include "server/messages.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace {

using server::language;

std::set<std::string> placeholders(std::string_view text) {
    std::set<std::string> out;
    std::string const s(text);
    static std::regex const place(R"(\{[0-9]\})");
    for (std::sregex_iterator it(s.begin(), s.end(), place), end; it != end; ++it) out.insert(it->str());
    return out;
}

TEST(messages, every_template_has_khmer_with_the_same_values) {
    auto const table = server::message_templates();
    ASSERT_EQ(table.size(), static_cast<std::size_t>(server::message_id::count_));
    for (std::size_t i = 0; i < table.size(); ++i) {
        auto const& t = table[i];
        EXPECT_EQ(static_cast<std::size_t>(t.id), i) << "row " << i << " is out of message_id order: " << t.en;
        EXPECT_FALSE(t.en.empty()) << "row " << i;
        EXPECT_FALSE(t.km.empty()) << "no Khmer for: " << t.en;
        EXPECT_NE(t.km, t.en) << "Khmer is the English: " << t.en;
        EXPECT_EQ(placeholders(t.km), placeholders(t.en)) << t.en << " / " << t.km;
        // Khmer script (U+1780..U+17FF, E1 9E/9F in UTF-8) in every translation.
        EXPECT_TRUE(t.km.find("\xE1\x9E") != std::string_view::npos || t.km.find("\xE1\x9F") != std::string_view::npos) << t.km;
    }
}

TEST(messages, values_fill_their_places_in_either_language) {
    auto const m = server::make_message(server::message_id::unknown_province, "Atlantis", "Kampot, Kep");
    EXPECT_EQ(m.in(language::en), "unknown province 'Atlantis'; closest: Kampot, Kep");
    EXPECT_EQ(m.in(language::km), "មិនស្គាល់ខេត្ត 'Atlantis' ទេ; ជិតបំផុត៖ Kampot, Kep");
    // Braces that are not {N} are text.
    EXPECT_EQ(server::make_message(server::message_id::tile_not_numbers).in(language::en),
              "tile coordinates must be whole numbers: /tiles/{z}/{x}/{y}.geojson");
}

// No error text is written outside the table: every error_response and
// param_error in server/ names a message_id (a string description is only
// for words that come from elsewhere, such as a library's exception).
TEST(messages, server_code_writes_errors_only_from_the_table) {
    std::regex const literal_error(R"(error_response\(\s*\d+\s*,\s*(std::string\()?")");
    for (char const* file : {"api.cpp", "filters.cpp", "request_params.cpp", "http_session.cpp", "handlers/items.cpp",
                             "handlers/tiles.cpp", "handlers/provinces.cpp", "handlers/documents.cpp",
                             "handlers/downloads.cpp", "handlers/common.cpp"}) {
        std::ifstream in(std::string(CONCESSIONS_SOURCE_DIR) + "/server/" + file);
        ASSERT_TRUE(in) << file;
        std::stringstream text;
        text << in.rdbuf();
        std::string const s = text.str();
        std::smatch m;
        bool const literal = std::regex_search(s, m, literal_error);
        // downloads.cpp's "export failed: " + a GDAL error: a library's
        // words, sent under message_id::detail (Khmer: "កំហុស៖ ...").
        if (std::string(file) == "handlers/downloads.cpp") continue;
        EXPECT_FALSE(literal) << file << " writes an error description that is not in server/messages.cpp: " << m.str();
    }
}

TEST(language, lang_wins_then_accept_language_with_q_values_then_english) {
    using server::choose_language;
    auto lang_of = [](server::query_list const& q, std::string_view header) {
        auto const chosen = choose_language(q, header);
        return std::holds_alternative<language>(chosen) ? std::get<language>(chosen) : language::en;
    };
    EXPECT_EQ(lang_of({}, ""), language::en);
    EXPECT_EQ(lang_of({}, "km"), language::km);
    EXPECT_EQ(lang_of({}, "km-KH,km;q=0.9,en;q=0.8"), language::km);
    EXPECT_EQ(lang_of({}, "en;q=0.5, km;q=0.9"), language::km);
    EXPECT_EQ(lang_of({}, "km;q=0.3, en"), language::en);
    EXPECT_EQ(lang_of({}, "km;q=0"), language::en);  // q=0: not acceptable
    EXPECT_EQ(lang_of({}, "fr, km;q=0.5"), language::km);
    EXPECT_EQ(lang_of({}, "fr, de"), language::en);
    EXPECT_EQ(lang_of({{"lang", "en"}}, "km"), language::en);
    EXPECT_EQ(lang_of({{"lang", "KM"}}, "en"), language::km);
    auto const bad = choose_language({{"lang", "fr"}}, "km");
    ASSERT_TRUE(std::holds_alternative<server::message>(bad));
    EXPECT_EQ(std::get<server::message>(bad).in(language::en), "lang must be en or km, got 'fr'");
}

}  // namespace
