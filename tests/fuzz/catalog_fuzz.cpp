// The catalog reader on the text of a catalog file, read as if from
// /tmp/concessions-fuzz/catalog.json (no file is written: relative sources
// resolve under that folder, which need not exist).
//
// Properties: text that is no usable catalog is refused with a
// catalog_error (any other exception escapes and is reported as a crash),
// and a catalog that is read has, for each collection, a source and a kind
// of the two there are.

#include "geo/catalog.hpp"
#include "tests/fuzz/fuzz_check.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    std::string_view const text(reinterpret_cast<char const*>(data), size);
    geo::catalog cat;
    try {
        cat = geo::parse_catalog(text, "/tmp/concessions-fuzz/catalog.json");
    } catch (geo::catalog_error const& e) {
        fuzz::check(std::string_view(e.what()).size() > 0, "a catalog error without words", text);
        return 0;
    }
    for (auto const& c : cat.collections) {
        fuzz::check(!c.source.empty(), "a collection without a source was read", text);
        fuzz::check(c.kind == "concession" || c.kind == "context", "a collection of an unknown kind was read", text);
        fuzz::check(c.sql.empty() || !c.id.empty(), "a collection read with sql but without an id", text);
    }
    if (cat.provinces) fuzz::check(!cat.provinces->source.empty(), "provinces without a source were read", text);
    return 0;
}
