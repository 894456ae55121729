#include "server/filters.hpp"

#include "geo/drawn_area.hpp"
#include "geo/projection.hpp"
#include "geo/purpose_class.hpp"
#include "server/links.hpp"
#include "server/param_text.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

#include <cstdio>

namespace server {

namespace {


bool valid_date(int year, int month, int day) {
    static constexpr std::array<int, 12> days = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool const leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (month < 1 || month > 12 || day < 1) return false;
    return day <= days[month - 1] + (month == 2 && leap ? 1 : 0);
}

// Reads `count` digits at `pos` as a number, -1 when they are not all digits.
int digits_at(std::string_view s, std::size_t pos, std::size_t count) {
    if (pos + count > s.size()) return -1;
    int value = 0;
    for (std::size_t i = pos; i < pos + count; ++i) {
        if (s[i] < '0' || s[i] > '9') return -1;
        value = value * 10 + (s[i] - '0');
    }
    return value;
}

// RFC 3339 section 5.6 partial-time and time-offset: "10:00:00Z",
// "10:00:00.5+07:00". A '+' sent unescaped arrives as a space, so a space
// is read as '+'.
bool valid_time(std::string_view t) {
    int const hour = digits_at(t, 0, 2), minute = digits_at(t, 3, 2), second = digits_at(t, 6, 2);
    if (t.size() < 8 || t[2] != ':' || t[5] != ':' || hour < 0 || hour > 23 || minute < 0 || minute > 59 ||
        second < 0 || second > 60)  // 60: a leap second
        return false;
    t.remove_prefix(8);
    if (t.starts_with('.')) {
        std::size_t digits = 1;
        while (digits < t.size() && t[digits] >= '0' && t[digits] <= '9') ++digits;
        if (digits == 1) return false;
        t.remove_prefix(digits);
    }
    if (t == "Z" || t == "z") return true;
    int const offset_hour = digits_at(t, 1, 2), offset_minute = digits_at(t, 4, 2);
    return t.size() == 6 && (t[0] == '+' || t[0] == '-' || t[0] == ' ') && t[3] == ':' && offset_hour >= 0 &&
           offset_hour <= 23 && offset_minute >= 0 && offset_minute <= 59;
}

// An RFC 3339 full-date or date-time; only the date is kept, since contract
// dates have no time of day.
std::optional<std::string> parse_instant(std::string_view text) {
    int const year = digits_at(text, 0, 4), month = digits_at(text, 5, 2), day = digits_at(text, 8, 2);
    if (text.size() < 10 || text[4] != '-' || text[7] != '-' || year < 0 || !valid_date(year, month, day))
        return std::nullopt;
    std::string_view const rest = text.substr(10);
    if (!rest.empty() && !((rest[0] == 'T' || rest[0] == 't') && valid_time(rest.substr(1)))) return std::nullopt;
    return std::string(text.substr(0, 10));
}



}  // namespace

namespace {
// The comma-separated parts of a bbox=, spaces trimmed.
std::vector<std::string_view> bbox_tokens(std::string_view text) {
    std::vector<std::string_view> tokens;
    for (std::size_t start = 0;;) {
        std::size_t const comma = text.find(',', start);
        tokens.push_back(trim_spaces(text.substr(start, comma - start)));
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return tokens;
}
}  // namespace

std::variant<std::array<double, 4>, param_error> parse_bbox(std::string_view text) {
    std::vector<std::string_view> const tokens = bbox_tokens(text);
    // OGC 17-069r4 section 7.15.3: 4 numbers, or 6 with heights.
    if (tokens.size() != 4 && tokens.size() != 6)
        return make_param_error(message_id::bbox_count, std::to_string(tokens.size()));
    bool const with_heights = tokens.size() == 6;
    constexpr std::array<std::string_view, 4> flat_names = {"minLon", "minLat", "maxLon", "maxLat"};
    constexpr std::array<std::string_view, 6> names_3d = {"minLon", "minLat", "minHeight",
                                                          "maxLon", "maxLat", "maxHeight"};
    std::array<double, 6> numbers{};
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        std::string_view const token = tokens[i];
        std::string_view const name = with_heights ? names_3d[i] : flat_names[i];
        auto const [end, ec] = std::from_chars(token.data(), token.data() + token.size(), numbers[i]);
        if (token.empty() || ec != std::errc{} || end != token.data() + token.size() || !std::isfinite(numbers[i]))
            return make_param_error(message_id::bbox_not_number, name, quote_text(token));
    }
    // A flat map ignores the heights of a 3-D box.
    using four_indices = std::array<std::size_t, 4>;
    four_indices const at = with_heights ? four_indices{0, 1, 3, 4} : four_indices{0, 1, 2, 3};
    std::array<double, 4> box{};
    for (std::size_t i = 0; i < 4; ++i) {
        box[i] = numbers[at[i]];
        double const bound = i % 2 == 0 ? 180.0 : 90.0;
        if (box[i] < -bound || box[i] > bound)
            return make_param_error(message_id::bbox_outside, flat_names[i], quote_text(tokens[at[i]]),
                                    std::to_string(static_cast<int>(bound)));
    }
    // No antimeridian-crossing boxes: Cambodia is nowhere near it, so min > max
    // is a mistake, not a wrap.
    if (box[0] > box[2])
        return make_param_error(message_id::bbox_lon_order, quote_text(tokens[at[0]]), quote_text(tokens[at[2]]));
    if (box[1] > box[3])
        return make_param_error(message_id::bbox_lat_order, quote_text(tokens[at[1]]), quote_text(tokens[at[3]]));
    return box;
}

std::string offered_crs_uris() {
    std::string out;
    for (auto code : geo::offered_crs) out += (out.empty() ? "" : ", ") + geo::crs_uri(code);
    return out;
}

namespace {
// The numbers of a bbox=, 4 or 6 (heights dropped): the 4 of a flat box.
std::variant<std::array<double, 4>, param_error> bbox_numbers(std::string_view text) {
    std::vector<std::string_view> const tokens = bbox_tokens(text);
    if (tokens.size() != 4 && tokens.size() != 6)
        return make_param_error(message_id::bbox_count, std::to_string(tokens.size()));
    std::array<double, 4> out{};
    std::size_t k = 0;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        double v = 0;
        auto const [end, ec] = std::from_chars(tokens[i].data(), tokens[i].data() + tokens[i].size(), v);
        if (tokens[i].empty() || ec != std::errc{} || end != tokens[i].data() + tokens[i].size() || !std::isfinite(v))
            return make_param_error(message_id::bbox_not_number, "number " + std::to_string(i + 1),
                                    quote_text(tokens[i]));
        if (tokens.size() == 6 && (i == 2 || i == 5)) continue;  // heights
        out[k++] = v;
    }
    return out;
}
}  // namespace

std::variant<crs_box, param_error> parse_bbox_in(std::string_view text, std::string const& crs) {
    auto numbers = bbox_numbers(text);
    if (auto* e = std::get_if<param_error>(&numbers)) return std::move(*e);
    auto const [a0, a1, a2, a3] = std::get<0>(numbers);
    auto number = [](double v) {
        char text[32];
        return std::string(text, std::to_chars(text, text + sizeof text, v).ptr);
    };
    auto corner = [&](double a, double b) { return "(" + number(a) + ", " + number(b) + ")"; };
    if (a0 > a2 || a1 > a3)
        return make_param_error(message_id::bbox_crs_order, geo::crs_uri(crs), quote_text(text), corner(a0, a1),
                                corner(a2, a3));
    auto outside = [&] { return make_param_error(message_id::bbox_crs_outside, quote_text(text), geo::crs_uri(crs)); };
    try {
        auto const& to = geo::crs_transform_for(crs, geo::axis_order::authority);
        auto edge = geo::box_in_lon_lat(a0, a1, a2, a3, [&to](std::span<geo::point> p) { return to.inverse(p); });
        if (!edge) return outside();
        geo::box b;
        for (auto const& p : *edge) b.expand(p);
        if (b.min_x < -180 || b.max_x > 180 || b.min_y < -90 || b.max_y > 90) return outside();
        crs_box out{{b.min_x, b.min_y, b.max_x, b.max_y}, nullptr};
        // Degrees and web Mercator keep a lon/lat rectangle a rectangle.
        if (!to.geographic() && crs != "EPSG:3857") {
            auto area = std::make_shared<geo::geometry>();
            area->type = geo::geometry_type::polygon;
            area->polygons.push_back({{std::move(*edge)}});
            out.area = std::move(area);
        }
        return out;
    } catch (geo::projection_error const& e) {
        return make_param_error(message_id::crs_failed, geo::crs_uri(crs), e.what());
    }
}

std::variant<std::pair<std::optional<std::string>, std::optional<std::string>>, param_error> parse_datetime(
    std::string_view text) {
    // OGC 17-069r4 section 7.15.4.
    std::size_t const slash = text.find('/');
    if (slash == std::string_view::npos) {
        auto instant = parse_instant(text);
        if (!instant) return make_param_error(message_id::datetime_not_date, quote_text(text));
        return std::pair{instant, instant};
    }
    if (text.find('/', slash + 1) != std::string_view::npos)
        return make_param_error(message_id::datetime_slashes, quote_text(text));

    std::array<std::optional<std::string>, 2> ends;
    std::array<std::string_view, 2> const texts = {text.substr(0, slash), text.substr(slash + 1)};
    for (std::size_t i = 0; i < 2; ++i) {
        if (texts[i].empty() || texts[i] == "..") continue;  // open
        ends[i] = parse_instant(texts[i]);
        if (!ends[i])
            return make_param_error(i == 0 ? message_id::datetime_start : message_id::datetime_end, quote_text(texts[i]));
    }
    // "YYYY-MM-DD" compares as text in calendar order.
    if (ends[0] && ends[1] && *ends[0] > *ends[1])
        return make_param_error(message_id::datetime_order, *ends[0], *ends[1]);
    return std::pair{std::move(ends[0]), std::move(ends[1])};
}


std::optional<param_error> parse_filter(std::string const& key, std::string const& value, bool is_property,
                                       feature_filters& filters) {
    if (is_property) {
        filters.properties.emplace_back(key, value);
    } else if (key == "bbox") {
        filters.bbox_text = value;  // read by finish_filters, once bbox-crs is known
    } else if (key == "bbox-crs") {
        auto code = geo::crs_code(value);
        if (!code) return make_param_error(message_id::crs_unknown, "bbox-crs", quote_text(value), offered_crs_uris());
        filters.bbox_crs = std::move(*code);
    } else if (key == "province") {
        filters.province = value;
    } else if (key == "q") {
        filters.q = value;
    } else if (key == "datetime") {
        auto parsed = parse_datetime(value);
        if (auto* e = std::get_if<param_error>(&parsed)) return std::move(*e);
        auto& [from, to] = std::get<0>(parsed);
        filters.date_from = std::move(from);
        filters.date_to = std::move(to);
    } else if (key == "as_of") {
        filters.as_of = parse_instant(value);
        if (!filters.as_of) return make_param_error(message_id::as_of_not_date, quote_text(value));
    } else if (key == "overlaps") {
        // "protected-areas" or "protected-areas:Beng Per"
        std::size_t const colon = value.find(':');
        geo::overlap_filter o{value.substr(0, colon), colon == std::string::npos ? "" : value.substr(colon + 1)};
        if (o.collection.empty() || (colon != std::string::npos && o.name.empty()))
            return make_param_error(message_id::overlaps_syntax, quote_text(value));
        filters.overlaps = std::move(o);
    } else if (key == "company") {
        filters.company = value;
    } else if (key == "filter") {
        filters.filter_text = value;  // parsed by finish_filters, once filter-lang is known
    } else if (key == "filter-lang") {
        if (value != "cql2-text" && value != "cql2-json") return make_param_error(message_id::filter_lang_unknown, quote_text(value));
        filters.filter_json = value == "cql2-json";
    } else if (key == "filter-crs") {
        auto code = geo::crs_code(value);
        if (!code || std::find(geo::offered_crs.begin(), geo::offered_crs.end(), *code) == geo::offered_crs.end())
            return make_param_error(message_id::filter_crs_unknown, quote_text(value), offered_crs_uris());
        filters.filter_crs = std::move(*code);
    } else if (key == "intersects") {
        auto parsed = geo::read_drawn_area(value);
        if (auto* e = std::get_if<std::string>(&parsed)) return make_param_error(message_id::intersects_unusable, *e);
        filters.area = std::make_shared<geo::geometry const>(std::move(std::get<geo::geometry>(parsed)));
    }
    return std::nullopt;
}

namespace {
// main_province=Kratie and province_names=...: the provinces as items
// write them flat, which only CQL2 reads (through the province index):
// each becomes CASEI(name) = CASEI('value'), the case-insensitive equality
// of every name=value, in the filter AND-ed with the rest.
std::optional<param_error> flat_provinces_as_cql2(feature_filters& filters) {
    auto& properties = filters.properties;
    for (auto it = properties.begin(); it != properties.end();) {
        if (it->first != "main_province" && it->first != "province_names") {
            ++it;
            continue;
        }
        std::string quoted;
        for (char c : it->second) quoted += c == '\'' ? std::string("''") : std::string(1, c);
        auto parsed = geo::cql2::parse_text("CASEI(" + it->first + ") = CASEI('" + quoted + "')");
        if (auto const* e = std::get_if<geo::cql2::error>(&parsed))
            return make_param_error(message_id::filter_syntax, std::to_string(e->offset), e->message, quote_text(it->second));
        filters.filter =
            geo::cql2::all_of(filters.filter, std::make_shared<geo::cql2::node const>(std::move(std::get<geo::cql2::node>(parsed))));
        it = properties.erase(it);
    }
    return std::nullopt;
}
}  // namespace

std::optional<param_error> finish_filters(feature_filters& filters) {
    if (filters.bbox_text && filters.bbox_crs == geo::crs84_code) {
        auto parsed = parse_bbox(*filters.bbox_text);
        if (auto* e = std::get_if<param_error>(&parsed)) return std::move(*e);
        filters.bbox = std::get<0>(parsed);
    } else if (filters.bbox_text) {
        if (std::find(geo::offered_crs.begin(), geo::offered_crs.end(), filters.bbox_crs) == geo::offered_crs.end())
            return make_param_error(message_id::crs_unknown, "bbox-crs", quote_text(geo::crs_uri(filters.bbox_crs)),
                                    offered_crs_uris());
        auto parsed = parse_bbox_in(*filters.bbox_text, filters.bbox_crs);
        if (auto* e = std::get_if<param_error>(&parsed)) return std::move(*e);
        auto& b = std::get<crs_box>(parsed);
        filters.bbox = b.envelope;
        filters.bbox_area = std::move(b.area);
    }
    if (auto e = flat_provinces_as_cql2(filters)) return e;
    if (!filters.filter_text) return std::nullopt;
    // filter-crs: the literals' points taken to lon/lat as they are read.
    geo::cql2::literal_crs to_lon_lat;
    if (filters.filter_crs != geo::crs84_code) {
        try {
            auto const& to = geo::crs_transform_for(filters.filter_crs, geo::axis_order::authority);
            to_lon_lat = [&to](std::span<geo::point> points) { return to.inverse(points); };
        } catch (geo::projection_error const& e) {
            return make_param_error(message_id::crs_failed, geo::crs_uri(filters.filter_crs), e.what());
        }
    }
    auto parsed = filters.filter_json ? geo::cql2::parse_json(*filters.filter_text, to_lon_lat)
                                      : geo::cql2::parse_text(*filters.filter_text, to_lon_lat);
    if (auto const* e = std::get_if<geo::cql2::error>(&parsed))
        return make_param_error(message_id::filter_syntax, filters.filter_json ? std::string("(JSON)") : std::to_string(e->offset),
                                e->message, quote_text(*filters.filter_text));
    filters.filter = geo::cql2::all_of(filters.filter,
                                       std::make_shared<geo::cql2::node const>(std::move(std::get<geo::cql2::node>(parsed))));
    return std::nullopt;
}

std::optional<response> check_overlaps(geo::collection const& c, feature_filters const& filters,
                                       geo::dataset const& data) {
    if (!filters.overlaps) return std::nullopt;
    auto const& wanted = *filters.overlaps;
    auto const& measured = c.overlaps_with;
    if (std::find(measured.begin(), measured.end(), wanted.collection) == measured.end() ||
        !data.find(wanted.collection)) {
        std::string names;
        for (auto const& id : measured)
            if (data.find(id)) names += (names.empty() ? "" : ", ") + id;
        if (names.empty()) names = "nothing: the catalog names no \"overlaps\" for it";
        return error_response(400, make_message(message_id::overlaps_not_measured, quote_text(c.id),
                                                quote_text(wanted.collection), names));
    }
    if (wanted.name.empty()) return std::nullopt;
    // A feature of the other collection must answer to the name, whether or
    // not any of c's features overlaps it (then the answer is empty).
    geo::collection const& other = *data.find(wanted.collection);
    geo::overlap_names const names(wanted);
    bool const known = std::any_of(other.features.begin(), other.features.end(), [&](geo::feature const& g) {
        return names(other.id, g.id, geo::name_of(other, g));
    });
    if (!known)
        return error_response(400, make_message(message_id::overlaps_no_feature, other.id, quote_text(wanted.name)));
    return std::nullopt;
}

std::optional<response> check_filters_for(geo::collection const& c, feature_filters const& filters,
                                          geo::dataset const& data) {
    for (auto const& [name, value] : filters.properties)
        if (name == "purpose_class" && c.field_index(name) < 0 && !geo::purpose_class_bit(value))
            return error_response(
                400, make_message(message_id::purpose_class_unknown, quote_text(value), geo::purpose_class_list()));
    if (filters.filter) {
        auto compiled = geo::cql2::compile(*filters.filter, c, data.queryables(c), &data.provinces());
        if (auto const* e = std::get_if<geo::cql2::error>(&compiled))
            return error_response(400, make_message(message_id::filter_invalid, quote_text(c.id),
                                                    filters.filter_json ? std::string("(JSON)") : std::to_string(e->offset), e->message));
    }
    return check_overlaps(c, filters, data);
}

namespace {
response unknown_company(std::string_view name, geo::company_index const& companies) {
    auto const found = companies.search(name);
    if (found.empty() || found.size() > companies.all().size() / 2)  // nothing, or nearly everything: no hint
        return error_response(400, make_message(message_id::company_unknown, quote_text(name)));
    std::string matching;
    for (std::size_t i = 0; i < found.size() && i < 5; ++i) matching += (i ? ", " : "") + found[i]->slug;
    return error_response(400, make_message(message_id::company_unknown_closest, quote_text(name), matching));
}
}  // namespace

std::variant<filter_set, response> resolve_filters(feature_filters const& f, geo::dataset const& data) {
    geo::province_index const& provinces = data.provinces();
    filter_set out;
    auto add_key = [&out](std::string_view name, std::string_view value) {
        out.key.append(out.key.empty() ? "" : "&").append(name).append("=").append(value);
    };
    if (f.bbox) {
        auto const& b = *f.bbox;
        out.query.bbox = geo::box{b[0], b[1], b[2], b[3]};
        // Shortest round-trip text (to_chars): every request for a box makes
        // this key, and snprintf's %.17g cost several times more.
        char text[128];
        char* end = text;
        for (std::size_t i = 0; i < 4; ++i) {
            if (i) *end++ = ',';
            end = std::to_chars(end, text + sizeof text, b[i]).ptr;
        }
        add_key("bbox", std::string_view(text, static_cast<std::size_t>(end - text)));
        out.file_suffix += "-bbox";
    }
    if (f.province) {
        auto const p = provinces.find(*f.province);
        if (!p) {
            std::string closest;
            for (auto const& n : provinces.closest(*f.province)) closest += (closest.empty() ? "" : ", ") + n;
            return error_response(400, make_message(message_id::unknown_province, *f.province, closest));
        }
        out.query.province = *p;
        add_key("province", "#" + std::to_string(*p));
        out.file_suffix += "-" + slug(provinces.provinces()[*p].name);
    }
    if (f.q) {
        out.query.text = *f.q;
        add_key("q", percent_encode(*f.q));
        out.file_suffix += "-q-" + slug(*f.q);
    }
    for (auto const& [k, v] : f.properties) {
        out.query.equals.emplace_back(k, v);
        add_key(percent_encode(k), percent_encode(v));
        out.file_suffix += "-" + slug(k) + "-" + slug(v);
    }
    out.query.date_from = f.date_from;
    out.query.date_to = f.date_to;
    if (f.date_from || f.date_to) {
        add_key("datetime", f.date_from.value_or("..") + "/" + f.date_to.value_or(".."));
        // "-2008-01-01-2012-12-31", "-from-2008-01-01", "-to-2012-12-31": no dangling dash.
        out.file_suffix += !f.date_to ? "-from-" + *f.date_from
                           : !f.date_from ? "-to-" + *f.date_to
                                          : "-" + *f.date_from + "-" + *f.date_to;
    }
    if (f.as_of) {
        out.query.as_of = f.as_of;
        add_key("as_of", *f.as_of);
        out.file_suffix += "-as-of-" + *f.as_of;
    }
    if (f.overlaps) {
        out.query.overlaps = f.overlaps;
        std::string const& name = f.overlaps->name;
        add_key("overlaps", percent_encode(f.overlaps->collection + (name.empty() ? "" : ":" + name)));
        out.file_suffix += "-overlapping-" + slug(f.overlaps->collection) + (name.empty() ? "" : "-" + slug(name));
    }
    if (f.company) {
        auto const* co = data.companies().find(*f.company);
        if (!co) return unknown_company(*f.company, data.companies());
        auto chosen = std::make_shared<geo::company_selection>();
        chosen->slug = co->slug;
        for (auto const& r : co->records) chosen->positions[data.collections()[r.collection].id].push_back(r.position);
        out.query.company = std::move(chosen);
        add_key("company", percent_encode(co->slug));
        out.file_suffix += "-" + slug(co->slug);
    }
    out.query.provinces = &provinces;
    if (f.filter) {
        out.query.filter = f.filter;
        add_key("filter", percent_encode(geo::cql2::to_text(*f.filter)));
        out.file_suffix += "-filtered";
    }
    if (f.bbox_area) {
        // S_INTERSECTS(geometry, <the box as a lon/lat polygon>), beside any filter=.
        out.query.filter = geo::cql2::all_of(out.query.filter, std::make_shared<geo::cql2::node const>(geo::cql2::meets(f.bbox_area)));
        add_key("bbox-crs", percent_encode(f.bbox_crs + " " + f.bbox_text.value_or("")));
    }
    if (f.area) {
        out.query.area = f.area;
        add_key("intersects", geo::to_wkt(*f.area));
        out.file_suffix += "-area";
    }
    return out;
}

}  // namespace server
