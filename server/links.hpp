#pragma once
// URLs and links of the answers: absolute URLs from the request's base,
// query strings, OGC link objects, and names made from user text.

#include "server/router.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace server {

// RFC 3986 unreserved characters, ',' and ':' stay; the rest is %-escaped.
std::string percent_encode(std::string_view s);

// "?k=v&k2=v2" (empty for no pairs), each part percent-encoded.
std::string query_string(query_list const& q);

// q with key set to value (replaced where present, else appended).
query_list with_param(query_list q, std::string const& key, std::string const& value);

// "Koh Kong, 2012" -> "koh-kong-2012": at most 40 lower-case letters, digits and '-'.
std::string slug(std::string_view s);

// An OGC link object {"href", "rel", "type", "title"}.
nlohmann::json link(std::string href, std::string rel, std::string type, std::string title = {});

// The same link object, written straight into a response being built.
void append_link(std::string& out, std::string_view href, std::string_view rel, std::string_view type, std::string_view title);

}  // namespace server
