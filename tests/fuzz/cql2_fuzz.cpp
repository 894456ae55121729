// CQL2 filters (geo/cql2.hpp): the first input byte picks cql2-text (even)
// or cql2-json (odd), the rest is the filter.
//
// Properties: parsing never crashes, however deep or long the input; an
// error's character is within the text; a parsed filter prints as text
// that parses back to the same text; compiling it against a collection
// either works or says why, and a compiled filter tests a feature without
// crashing.

#include "geo/cql2.hpp"
#include "tests/fuzz/fuzz_check.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

namespace {

geo::collection const& sample_collection() {
    static geo::collection const c = [] {
        geo::collection c;
        c.id = "fuzz";
        c.fields = {{"Name", geo::field_type::string}, {"Hectares", geo::field_type::real},
                    {"Duration", geo::field_type::integer}, {"Signed", geo::field_type::date}};
        c.roles.purpose = "Name";
        geo::feature f;
        f.id = 7;
        f.properties = {std::string("Rubber Co."), 1200.5, std::int64_t{70}, std::string("2010-06-30")};
        f.contract_date = "2010-06-30";
        f.purpose_classes = 1;
        c.features.push_back(f);
        geo::feature nulls;
        nulls.properties.resize(4);
        c.features.push_back(nulls);
        return c;
    }();
    return c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    if (size == 0) return 0;
    bool const json = data[0] % 2 == 1;
    std::string const text(reinterpret_cast<char const*>(data) + 1, size - 1);
    auto parsed = json ? geo::cql2::parse_json(text) : geo::cql2::parse_text(text);
    if (auto const* e = std::get_if<geo::cql2::error>(&parsed)) {
        fuzz::check(e->offset <= text.size(), "an error outside the text", text);
        fuzz::check(!e->message.empty(), "an error without a message", text);
        return 0;
    }
    auto const& tree = std::get<geo::cql2::node>(parsed);
    std::string const printed = geo::cql2::to_text(tree);
    auto again = geo::cql2::parse_text(printed);
    fuzz::check(std::holds_alternative<geo::cql2::node>(again), "canonical text that does not parse", printed);
    fuzz::check(geo::cql2::to_text(std::get<geo::cql2::node>(again)) == printed, "canonical text that prints differently", printed);

    auto const& c = sample_collection();
    std::vector<std::string> const queryables = {"Name", "Hectares", "Duration", "Signed", "id", "area_ha", "contract_date", "purpose_class"};
    auto compiled = geo::cql2::compile(tree, c, queryables);
    if (auto* p = std::get_if<geo::cql2::predicate>(&compiled))
        for (auto const& f : c.features) (void)p->matches(f);
    return 0;
}
