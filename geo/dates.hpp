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

// The earliest calendar date written anywhere in a text, as a cancellation
// field names its documents: "Sub_Decree_No_124__16.08.2012.pdf" ->
// "2012-08-16"; "MAFF_No_2483__04.04.2011.pdf;Office_..._08.04.2011.pdf" ->
// "2011-04-04". Dates are d.m.yyyy (day first, any of . / - _ between) or
// yyyy-mm-dd, not touching other digits; nullopt when there is none.
std::optional<std::string> earliest_date_in(std::string_view text);

// A term of years and months: "70", "2 years", "2 months", "1 year 6
// months" (a bare number is years). nullopt for 0 or empty (the sources
// write 0 for unknown); unreadable is set for anything else.
struct term {
    int years = 0, months = 0;
};
std::optional<term> parse_term(std::string_view text, bool& unreadable);

// The ISO date `t` after `date` ("2011-03-15" + 70 years -> "2081-03-15");
// a day past the month's end goes back to its last day (Feb 29 -> Feb 28).
std::string add_term(std::string_view date, term t);

// The time now in UTC, ISO 8601 to the second: "2026-12-06T01:02:03Z".
std::string utc_now_iso();

}  // namespace geo
