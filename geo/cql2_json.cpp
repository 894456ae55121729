// cql2-json (OGC 21-065 Annex B's JSON encoding) into the tree the text
// grammar makes (geo/cql2.hpp), refusing what the text could not say, so
// that every tree prints as text that reads back.

#include "geo/cql2.hpp"
#include "geo/cql2_grammar.hpp"

#include <nlohmann/json.hpp>

namespace geo::cql2 {

namespace {

using namespace detail;

using json = nlohmann::json;

[[noreturn]] void json_fail(std::string message) { throw failure{std::move(message), 0}; }

node from_json(json const& j, std::size_t depth);

// parse_json's filter-crs, for the geometry literals read on the way.
thread_local literal_crs const* literal_crs_now = nullptr;

node json_scalar(json const& j, std::size_t depth) {
    node n;
    if (j.is_string()) {
        n.k = kind::string;
        n.text = j.get<std::string>();
        return n;
    }
    if (j.is_number()) {
        n.k = kind::number;
        n.number = j.get<double>();
        return n;
    }
    if (j.is_boolean()) {
        n.k = kind::boolean;
        n.flag = j.get<bool>();
        return n;
    }
    if (!j.is_object()) json_fail("expected a value, a {\"property\": ...}, {\"date\": ...}, {\"timestamp\": ...}, {\"interval\": ...} or an operation");
    if (j.contains("property")) {
        if (!j["property"].is_string()) json_fail("\"property\" must be a name");
        n.k = kind::property;
        n.text = j["property"].get<std::string>();
        return n;
    }
    if (j.contains("date") || j.contains("timestamp")) {
        bool const date = j.contains("date");
        json const& v = date ? j["date"] : j["timestamp"];
        std::string const text = v.is_string() ? v.get<std::string>() : "";
        if (date ? !is_date(text) : !is_timestamp(text)) json_fail(v.dump() + " is not a " + (date ? "date (YYYY-MM-DD)" : "timestamp (RFC 3339)"));
        n.k = date ? kind::date : kind::timestamp;
        n.text = text;
        return n;
    }
    if (j.contains("interval")) {
        json const& v = j["interval"];
        if (!v.is_array() || v.size() != 2) json_fail("\"interval\" takes two ends");
        n.k = kind::interval;
        for (auto const& end : v) {
            if (end.is_string()) {
                std::string const t = end.get<std::string>();
                node b;
                b.k = t == ".." ? kind::open_bound : is_date(t) ? kind::date : is_timestamp(t) ? kind::timestamp : kind::string;
                if (b.k == kind::string) json_fail("\"" + t + "\" is not a date, a timestamp or \"..\"");
                b.text = b.k == kind::open_bound ? "" : t;
                n.args.push_back(std::move(b));
            } else {
                n.args.push_back(json_scalar(end, depth + 1));
            }
        }
        return n;
    }
    if (j.contains("bbox") || j.contains("type")) {
        // A GeoJSON geometry (which may carry a "bbox" of its own), or
        // {"bbox": [...]}: read as the text form reads it.
        std::string text;
        if (!j.contains("type")) {
            text = "BBOX(";
            for (std::size_t i = 0; i < j["bbox"].size(); ++i) text += (i ? "," : "") + j["bbox"][i].dump();
            text += ")";
        } else {
            std::string const type = upper(j.value("type", ""));
            json const& c = j.contains("coordinates") ? j["coordinates"] : json();
            auto pos = [](json const& p) { return p.size() >= 2 ? p[0].dump() + " " + p[1].dump() : std::string("?"); };
            auto list = [&](json const& ps) {
                std::string out = "(";
                for (std::size_t i = 0; i < ps.size(); ++i) out += (i ? "," : "") + pos(ps[i]);
                return out + ")";
            };
            auto rings = [&](json const& rs) {
                std::string out = "(";
                for (std::size_t i = 0; i < rs.size(); ++i) out += (i ? "," : "") + list(rs[i]);
                return out + ")";
            };
            if (type == "POINT") text = "POINT(" + pos(c) + ")";
            else if (type == "LINESTRING") text = "LINESTRING" + list(c);
            else if (type == "POLYGON") text = "POLYGON" + rings(c);
            else if (type == "MULTIPOLYGON") {
                text = "MULTIPOLYGON(";
                for (std::size_t i = 0; i < c.size(); ++i) text += (i ? "," : "") + rings(c[i]);
                text += ")";
            } else json_fail("geometry type \"" + j.value("type", "") + "\" is not supported here (Point, LineString, Polygon, MultiPolygon and bbox are)");
        }
        // S_INTERSECTS(geometry, <text>): the literal comes back as the second argument.
        auto parsed =
            parse_text("S_INTERSECTS(geometry, " + text + ")", literal_crs_now ? *literal_crs_now : literal_crs{});
        if (auto const* e = std::get_if<error>(&parsed)) json_fail(e->message);
        return std::get<node>(parsed).args[1];
    }
    if (j.contains("op")) return from_json(j, depth);
    json_fail("unknown value " + j.dump().substr(0, 80));
}

node from_json(json const& j, std::size_t depth) {
    if (depth > max_depth) json_fail("nested more than " + std::to_string(max_depth) + " levels deep");
    if (j.is_boolean()) return json_scalar(j, depth);
    if (!j.is_object() || !j.contains("op") || !j["op"].is_string()) json_fail("expected {\"op\": ..., \"args\": [...]}");
    std::string const op = lower(j["op"].get<std::string>());
    json const& a = j.contains("args") ? j["args"] : json::array();
    if (!a.is_array()) json_fail("\"args\" of " + op + " must be an array");
    auto count = [&](std::size_t n) {
        if (a.size() != n) json_fail(op + " takes " + std::to_string(n) + " arguments, not " + std::to_string(a.size()));
    };
    node n;
    if (op == "and" || op == "or") {
        if (a.size() < 2) json_fail(op + " takes two or more arguments");
        n.k = op == "and" ? kind::and_ : kind::or_;
        for (auto const& x : a) n.args.push_back(from_json(x, depth + 1));
        return n;
    }
    if (op == "not") {
        count(1);
        n.k = kind::not_;
        n.args.push_back(from_json(a[0], depth + 1));
        return n;
    }
    for (std::string_view cmp : {"=", "<>", "<", ">", "<=", ">="})
        if (op == cmp) {
            count(2);
            n.k = kind::comparison;
            n.text = op;
            for (auto const& x : a) n.args.push_back(json_scalar(x, depth + 1));
            return n;
        }
    if (op == "like" || op == "between" || op == "in" || op == "isnull") {
        n.k = op == "like" ? kind::like : op == "between" ? kind::between : op == "in" ? kind::in : kind::is_null;
        if (op == "like") count(2);
        if (op == "between") count(3);
        if (op == "isnull") count(1);
        if (op == "in") {
            count(2);
            if (!a[1].is_array() || a[1].empty()) json_fail("the second argument of in is the list, of one value or more");
            n.args.push_back(json_scalar(a[0], depth + 1));
            for (auto const& x : a[1]) n.args.push_back(json_scalar(x, depth + 1));
            return n;
        }
        for (auto const& x : a) n.args.push_back(json_scalar(x, depth + 1));
        return n;
    }
    if (op == "casei" || op == "accenti") {
        count(1);
        n.k = op == "casei" ? kind::casei : kind::accenti;
        n.args.push_back(json_scalar(a[0], depth + 1));
        return n;
    }
    for (std::string_view ar : {"+", "-", "*", "/", "%", "div"})
        if (op == ar) {
            count(2);
            n.k = kind::arithmetic;
            n.text = op;
            for (auto const& x : a) n.args.push_back(json_scalar(x, depth + 1));
            return n;
        }
    std::string const up = upper(op);
    if (contains(spatial_functions, up) || contains(temporal_functions, up)) {
        count(2);
        n.k = contains(spatial_functions, up) ? kind::spatial : kind::temporal;
        n.text = op;
        for (auto const& x : a) {
            node arg = json_scalar(x, depth + 1);
            bool const fits = n.k == kind::spatial ? arg.k == kind::geometry || arg.k == kind::property
                                                   : arg.k == kind::date || arg.k == kind::timestamp ||
                                                         arg.k == kind::interval || arg.k == kind::property;
            if (!fits)
                json_fail(op + (n.k == kind::spatial ? " compares the geometry with a geometry"
                                                     : " compares date properties, dates, timestamps and intervals"));
            n.args.push_back(std::move(arg));
        }
        return n;
    }
    json_fail("unknown operation \"" + op + "\"");
}

}  // namespace

std::variant<node, error> parse_json(std::string_view text, literal_crs const& crs) {
    struct scope {
        explicit scope(literal_crs const& c) { literal_crs_now = &c; }
        ~scope() { literal_crs_now = nullptr; }
    } const using_crs(crs);
    json const j = json::parse(text, nullptr, false, false);
    if (j.is_discarded()) return error{"not valid JSON", 0};
    try {
        return bounded(from_json(j, 0), 0);
    } catch (failure const& f) {
        return error{f.message, 0};
    } catch (json::exception const& e) {
        return error{std::string("unexpected JSON: ") + e.what(), 0};
    }
}

}  // namespace geo::cql2
