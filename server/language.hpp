#pragma once
// Which language an answer speaks: `lang=en|km` wins, then the
// Accept-Language header (RFC 9110 section 12.5.4, q-values honoured), then
// English. Only the API's own words change (collection titles and
// descriptions, province display names, error descriptions); which features
// a request selects never does.

#include "server/messages.hpp"
#include "server/router.hpp"

#include <optional>
#include <string_view>
#include <variant>

namespace server {

// "en", "km", "km-KH", "EN-gb": the language, or nullopt for any other tag.
std::optional<language> language_tag(std::string_view tag);

// The preferred of en and km in an Accept-Language header; English when
// it names neither (or is empty).
language accepted_language(std::string_view accept_language);

// lang from the query, else the header. A lang that is neither en nor km
// is the message of a 400.
std::variant<language, message> choose_language(query_list const& query, std::string_view accept_language);

std::string_view language_code(language lang);  // "en", "km"

}  // namespace server
