#include "geo/dates.hpp"

#include <gtest/gtest.h>

TEST(parse_date, day_first_slashes_as_in_the_elc_layer) {
    EXPECT_EQ(geo::parse_date("26/10/2000"), "2000-10-26");
    EXPECT_EQ(geo::parse_date("15/03/2011"), "2011-03-15");
    EXPECT_EQ(geo::parse_date("1/2/2012"), "2012-02-01");
}

TEST(parse_date, year_first_and_iso) {
    EXPECT_EQ(geo::parse_date("2011/06/20"), "2011-06-20");
    EXPECT_EQ(geo::parse_date("2011-06-20"), "2011-06-20");
}

TEST(parse_date, month_names_and_two_digit_years) {
    EXPECT_EQ(geo::parse_date("19/Nov/2012"), "2012-11-19");
    EXPECT_EQ(geo::parse_date("10-Jan-13"), "2013-01-10");
    EXPECT_EQ(geo::parse_date("05.04.99"), "1999-04-05");
}

TEST(parse_date, rejects_what_is_not_a_calendar_date) {
    EXPECT_EQ(geo::parse_date("12:00:00 AM"), std::nullopt);
    EXPECT_EQ(geo::parse_date("unknown"), std::nullopt);
    EXPECT_EQ(geo::parse_date(""), std::nullopt);
    EXPECT_EQ(geo::parse_date("31/02/2011"), std::nullopt);  // no 31 February
    EXPECT_EQ(geo::parse_date("29/02/2011"), std::nullopt);
    EXPECT_EQ(geo::parse_date("29/02/2012"), "2012-02-29");
    EXPECT_EQ(geo::parse_date("13/13/2012"), std::nullopt);
    EXPECT_EQ(geo::parse_date("Updated: 10-Jan-13"), std::nullopt);
    EXPECT_EQ(geo::parse_date("2012"), std::nullopt);
}
