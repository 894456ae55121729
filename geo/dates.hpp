#pragma once
// Contract dates arrive as text in many shapes ("26/10/2000", "2011/06/20",
// "19/Nov/2012", "10-Jan-13"). parse_date turns the ones it can read into
// ISO 8601 dates and rejects the rest ("12:00:00 AM") so they can be
// reported rather than guessed.

#include <optional>
#include <string>
#include <string_view>

namespace geo {

// "YYYY-MM-DD", or nullopt when the text is not a recognisable calendar date.
// Day-first is assumed for d/m/y, as in Cambodian government documents.
std::optional<std::string> parse_date(std::string_view text);

// The time now in UTC, ISO 8601 to the second: "2026-12-06T01:02:03Z".
std::string utc_now_iso();

}  // namespace geo
