#pragma once
// The OpenAPI 3.0 definition of every route and parameter the server
// answers (served at /api).

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace server {

struct openapi_collection {
    std::string id;
    std::string title;
    std::vector<std::string> queryables;
};

nlohmann::json openapi_document(std::string const& title, std::string const& base_url,
                                std::vector<openapi_collection> const& collections);

}  // namespace server
