#include "server/links.hpp"

#include "geo/feature_writer.hpp"

#include <cctype>

namespace server {

std::string percent_encode(std::string_view s) {
    static char const hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == ',' || c == ':') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

std::string query_string(query_list const& q) {
    std::string out;
    for (auto const& [k, v] : q) {
        out += out.empty() ? '?' : '&';
        out += percent_encode(k) + "=" + percent_encode(v);
    }
    return out;
}

query_list with_param(query_list q, std::string const& key, std::string const& value) {
    bool found = false;
    for (auto& [k, v] : q)
        if (k == key) {
            v = value;
            found = true;
        }
    if (!found) q.emplace_back(key, value);
    return q;
}

std::string slug(std::string_view s) {
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c))
            out += static_cast<char>(std::tolower(c));
        else if (!out.empty() && out.back() != '-')
            out += '-';
    }
    while (!out.empty() && out.back() == '-') out.pop_back();
    return out.substr(0, 40);
}

nlohmann::json link(std::string href, std::string rel, std::string type, std::string title) {
    nlohmann::json l = {{"href", std::move(href)}, {"rel", std::move(rel)}, {"type", std::move(type)}};
    if (!title.empty()) l["title"] = std::move(title);
    return l;
}

void append_link(std::string& out, std::string_view href, std::string_view rel, std::string_view type, std::string_view title) {
    out += R"({"href":)";
    geo::append_json_string(out, href);
    out += R"(,"rel":)";
    geo::append_json_string(out, rel);
    if (!title.empty()) {
        out += R"(,"title":)";
        geo::append_json_string(out, title);
    }
    out += R"(,"type":)";
    geo::append_json_string(out, type);
    out += '}';
}

}  // namespace server
