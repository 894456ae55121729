#include "server/filters.hpp"

#include "server/links.hpp"

#include <cstdio>

namespace server {

std::variant<filter_set, response> resolve_filters(feature_filters const& f, geo::province_index const& provinces) {
    filter_set out;
    auto add_key = [&out](std::string_view name, std::string_view value) {
        out.key.append(out.key.empty() ? "" : "&").append(name).append("=").append(value);
    };
    if (f.bbox) {
        auto const& b = *f.bbox;
        out.query.bbox = geo::box{b[0], b[1], b[2], b[3]};
        char text[128];
        std::snprintf(text, sizeof text, "%.17g,%.17g,%.17g,%.17g", b[0], b[1], b[2], b[3]);
        add_key("bbox", text);
        out.file_suffix += "-bbox";
    }
    if (f.province) {
        auto const p = provinces.find(*f.province);
        if (!p) {
            std::string closest;
            for (auto const& n : provinces.closest(*f.province)) closest += (closest.empty() ? "" : ", ") + n;
            return error_response(400, "unknown province '" + *f.province + "'; closest: " + closest);
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
        out.file_suffix += "-" + f.date_from.value_or("") + "-" + f.date_to.value_or("");
    }
    return out;
}

}  // namespace server
