#include "server/router.hpp"

#include <array>

namespace server {

namespace {

bool is_control(unsigned char c) { return c < 0x20 || c == 0x7f; }

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// RFC 3986 section 2.1. '+' means a space only in a query
// (application/x-www-form-urlencoded); in a path it is a literal '+'.
// Control characters are refused whether sent raw or escaped: none belongs
// in a file name, a filter or a log line.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '%') {
            if (i + 2 >= text.size()) return std::nullopt;  // truncated: "%4", "%"
            int const hi = hex_value(text[i + 1]);
            int const lo = hex_value(text[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            c = static_cast<char>(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plus_is_space) {
            c = ' ';
        }
        if (is_control(static_cast<unsigned char>(c))) return std::nullopt;
        out += c;
    }
    return out;
}

// "." and ".." are refused rather than resolved (RFC 3986 section 5.2.4):
// no legitimate client of this API sends them, and refusing them after
// decoding closes "%2e%2e" as well.
bool has_dot_segment(std::string_view path) {
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t end = path.find('/', start);
        if (end == std::string_view::npos) end = path.size();
        std::string_view const segment = path.substr(start, end - start);
        if (segment == "." || segment == "..") return true;
        start = end + 1;
    }
    return false;
}

std::optional<query_list> parse_query(std::string_view text) {
    query_list query;
    while (!text.empty()) {
        std::size_t const amp = text.find('&');
        std::string_view const piece = text.substr(0, amp);
        text = amp == std::string_view::npos ? std::string_view{} : text.substr(amp + 1);
        if (piece.empty()) continue;  // "a=1&&b=2", a trailing '&'
        std::size_t const eq = piece.find('=');
        auto key = percent_decode(piece.substr(0, eq), true);
        auto value =
            eq == std::string_view::npos ? std::optional<std::string>{""} : percent_decode(piece.substr(eq + 1), true);
        if (!key || !value) return std::nullopt;
        query.emplace_back(std::move(*key), std::move(*value));
    }
    return query;
}

std::vector<std::string_view> split_segments(std::string_view path) {
    std::vector<std::string_view> segments;
    path.remove_prefix(1);  // the leading '/'
    while (true) {
        std::size_t const slash = path.find('/');
        segments.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return segments;
}

struct fixed_route {
    std::string_view name;
    route_kind kind;
};

constexpr std::array top_level = {
    fixed_route{"api", route_kind::api},
    fixed_route{"conformance", route_kind::conformance},
    fixed_route{"collections", route_kind::collections},
    fixed_route{"provinces", route_kind::provinces},
    fixed_route{"companies", route_kind::companies},
    fixed_route{"healthz", route_kind::healthz},
    fixed_route{"metrics", route_kind::metrics},
    fixed_route{"download", route_kind::download},
};

constexpr std::array collection_children = {
    fixed_route{"queryables", route_kind::queryables}, fixed_route{"items", route_kind::items},
    fixed_route{"stats", route_kind::stats},           fixed_route{"timeline", route_kind::timeline},
    fixed_route{"tiles.json", route_kind::tilejson},
};

template <std::size_t N>
std::optional<route_kind> find_fixed(std::array<fixed_route, N> const& table, std::string_view name) {
    for (auto const& entry : table)
        if (entry.name == name) return entry.kind;
    return std::nullopt;
}

route make_route(route_kind kind, std::string_view collection = {}, std::string_view id = {}) {
    route r;
    r.kind = kind;
    r.collection = collection;
    r.id = id;
    return r;
}

// /collections/{c}/tiles/{z}/{x}/{y}.{ext}; the extension is whatever follows
// the last '.', so "3.mvt" and "3.geojson" both work and the handler decides
// which encodings exist.
std::optional<route> match_tile(std::string_view collection, std::string_view z, std::string_view x,
                                std::string_view y_dot_ext) {
    std::size_t const dot = y_dot_ext.rfind('.');
    if (dot == std::string_view::npos) return std::nullopt;
    std::string_view const y = y_dot_ext.substr(0, dot);
    std::string_view const extension = y_dot_ext.substr(dot + 1);
    if (z.empty() || x.empty() || y.empty() || extension.empty()) return std::nullopt;
    route r = make_route(route_kind::tile, collection);
    r.z = z;
    r.x = x;
    r.y = y;
    r.extension = extension;
    return r;
}

}  // namespace

std::optional<target> parse_target(std::string_view raw) {
    // Browsers never send the fragment (RFC 3986 section 3.5); drop it if a
    // hand-written client does.
    raw = raw.substr(0, raw.find('#'));
    std::size_t const question = raw.find('?');
    std::string_view const raw_path = raw.substr(0, question);
    if (raw_path.empty() || raw_path.front() != '/') return std::nullopt;  // also absolute-form and "*"

    auto path = percent_decode(raw_path, false);
    if (!path || path->find('\\') != std::string::npos || has_dot_segment(*path)) return std::nullopt;
    if (path->size() > 1 && path->back() == '/') path->pop_back();

    query_list query;
    if (question != std::string_view::npos) {
        auto parsed = parse_query(raw.substr(question + 1));
        if (!parsed) return std::nullopt;
        query = std::move(*parsed);
    }
    return target{std::move(*path), std::move(query)};
}

std::optional<route> match_route(std::string_view path) {
    if (path.empty() || path.front() != '/') return std::nullopt;
    if (path == "/") return make_route(route_kind::landing);

    auto const s = split_segments(path);
    for (std::string_view const segment : s)
        if (segment.empty()) return std::nullopt;  // "//", "/collections//items", a trailing '/'

    // The asset path keeps its slashes: "/assets/js/map.js" -> "js/map.js".
    constexpr std::string_view assets_prefix = "/assets/";
    if (path.starts_with(assets_prefix)) return make_route(route_kind::asset, {}, path.substr(assets_prefix.size()));

    if (s.size() == 1) {
        if (auto kind = find_fixed(top_level, s[0])) return make_route(*kind);
        return std::nullopt;
    }
    if (s[0] == "provinces") {
        if (s.size() == 2) return make_route(route_kind::province, {}, s[1]);
        return std::nullopt;
    }
    if (s[0] == "companies") {
        if (s.size() == 2) return make_route(route_kind::company, {}, s[1]);
        return std::nullopt;
    }
    if (s[0] != "collections") return std::nullopt;

    switch (s.size()) {
        case 2:
            return make_route(route_kind::collection, s[1]);
        case 3:
            if (auto kind = find_fixed(collection_children, s[2])) return make_route(*kind, s[1]);
            return std::nullopt;
        case 4:
            if (s[2] == "items") return make_route(route_kind::item, s[1], s[3]);
            if (s[2] == "overlaps") return make_route(route_kind::overlaps, s[1], s[3]);
            return std::nullopt;
        case 6:
            if (s[2] == "tiles") return match_tile(s[1], s[3], s[4], s[5]);
            return std::nullopt;
        default:
            return std::nullopt;
    }
}

char const* metrics_label(route_kind kind) {
    switch (kind) {
        case route_kind::landing: return "landing";
        case route_kind::api:
        case route_kind::conformance: return "api";
        case route_kind::collections:
        case route_kind::collection:
        case route_kind::queryables: return "collections";
        case route_kind::items:
        case route_kind::item: return "items";
        case route_kind::tile:
        case route_kind::tilejson: return "tiles";
        case route_kind::stats: return "stats";
        case route_kind::timeline:
            return "timeline";
        case route_kind::overlaps:
            return "overlaps";
        case route_kind::provinces:
        case route_kind::province: return "provinces";
        case route_kind::companies:
        case route_kind::company: return "companies";
        case route_kind::download: return "download";
        default: return "other";
    }
}

}  // namespace server
