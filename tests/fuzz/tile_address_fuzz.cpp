// The tile address of /collections/{c}/tiles/{z}/{x}/{y}.{ext}: the first
// input byte picks the collection's zoom range, the rest is the path after
// "tiles/" as a client sends it (percent-escapes, query and all).
//
// Properties: an accepted address names a tile that exists (x and y within
// 2^z, z within the range) and its canonical target reads back as the same
// tile; a refused one is a 400 (no tile) or a 404 (no such zoom or format).

#include "server/handlers/handlers.hpp"
#include "server/router.hpp"
#include "tests/fuzz/fuzz_check.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace {

// nullopt when the target is no tile route at all.
std::optional<std::variant<server::tile_request, server::response>> address_of(std::string_view target,
                                                                               unsigned min_zoom, unsigned max_zoom) {
    auto const t = server::parse_target(target);
    if (!t) return std::nullopt;
    auto const r = server::match_route(t->path);
    if (!r || r->kind != server::route_kind::tile) return std::nullopt;
    return server::parse_tile_address(*r, min_zoom, max_zoom);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    if (size == 0) return 0;
    unsigned const max_zoom = data[0] % (geo::tiles::max_zoom_supported + 1);
    unsigned const min_zoom = (data[0] / 32) % (max_zoom + 1);
    std::string const target =
        "/collections/elc/tiles/" + std::string(reinterpret_cast<char const*>(data) + 1, size - 1);

    auto const got = address_of(target, min_zoom, max_zoom);
    if (!got) return 0;
    if (auto const* e = std::get_if<server::response>(&*got)) {
        fuzz::check(e->status == 400 || e->status == 404, "a tile refused with an unexpected status", target);
        return 0;
    }
    auto const& tile = std::get<server::tile_request>(*got);
    auto const& id = tile.tile;
    fuzz::check(geo::tiles::valid(id), "an accepted tile that does not exist", target);
    fuzz::check(id.z >= min_zoom && id.z <= max_zoom, "an accepted tile outside the zoom range", target);

    auto const again = address_of(tile.canonical_target, min_zoom, max_zoom);
    auto const* same = again ? std::get_if<server::tile_request>(&*again) : nullptr;
    fuzz::check(same && same->tile == id && same->mvt == tile.mvt && same->canonical_target == tile.canonical_target,
                "a canonical tile target that does not read back as the same tile", target);
    return 0;
}
