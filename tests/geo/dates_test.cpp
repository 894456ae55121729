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

// The ELC layer's Cancelled field names documents; the date in a name is
// the cancellation's, the earliest when there are several.
TEST(earliest_date_in, reads_the_dates_in_document_names) {
    EXPECT_EQ(geo::earliest_date_in("Sub_Decree_No_124__16.08.2012.pdf"), "2012-08-16");
    EXPECT_EQ(
        geo::earliest_date_in("MAFF_No_2483__04.04.2011.pdf;Office_Of_Council_Of_Ministers_No_437__08.04.2011.pdf"),
        "2011-04-04");
    EXPECT_EQ(geo::earliest_date_in("Letter__08.04.2011.pdf;Decision__04.04.2011.pdf"), "2011-04-04");
    EXPECT_EQ(geo::earliest_date_in("2nds_CEA_RESEARCH_REPORT__02.07.2010.pdf"), "2010-07-02");
    EXPECT_EQ(geo::earliest_date_in("cancelled 2012-08-16 by sub-decree"), "2012-08-16");
    EXPECT_EQ(geo::earliest_date_in("5/3/2011"), "2011-03-05");
}

TEST(earliest_date_in, finds_none_where_digits_are_no_date) {
    EXPECT_EQ(geo::earliest_date_in("Sub_Decree_No_124.pdf"), std::nullopt);
    EXPECT_EQ(geo::earliest_date_in("cancelled"), std::nullopt);
    EXPECT_EQ(geo::earliest_date_in(""), std::nullopt);
    EXPECT_EQ(geo::earliest_date_in("31.02.2011"), std::nullopt);   // no 31 February
    EXPECT_EQ(geo::earliest_date_in("116.08.2012"), std::nullopt);  // a day of three digits
    EXPECT_EQ(geo::earliest_date_in("16.08.20123"), std::nullopt);  // a year of five
    EXPECT_EQ(geo::earliest_date_in("No_2483__04"), std::nullopt);
}

TEST(parse_term, reads_years_months_and_the_sources_words_for_none) {
    bool unreadable = true;
    auto term = geo::parse_term("70", unreadable);
    ASSERT_TRUE(term);
    EXPECT_EQ(term->years, 70);
    EXPECT_FALSE(unreadable);
    term = geo::parse_term("2 years", unreadable);
    ASSERT_TRUE(term);
    EXPECT_EQ(term->years, 2);
    term = geo::parse_term(" 2 Months ", unreadable);
    ASSERT_TRUE(term);
    EXPECT_EQ(term->months, 2);
    EXPECT_EQ(term->years, 0);
    term = geo::parse_term("1 year 6 months", unreadable);
    ASSERT_TRUE(term);
    EXPECT_EQ(term->years * 12 + term->months, 18);
    for (std::string_view none : {"0", "", "Not found", "unknown", "0 years"}) {
        EXPECT_EQ(geo::parse_term(none, unreadable), std::nullopt) << none;
        EXPECT_FALSE(unreadable) << none;
    }
    for (std::string_view bad : {"forever", "70 decades", "2 years and more", "-5", "99999"}) {
        EXPECT_EQ(geo::parse_term(bad, unreadable), std::nullopt) << bad;
        EXPECT_TRUE(unreadable) << bad;
    }
}

TEST(add_term, moves_by_years_and_months_and_keeps_the_day_in_its_month) {
    EXPECT_EQ(geo::add_term("2011-03-15", {70, 0}), "2081-03-15");
    EXPECT_EQ(geo::add_term("2011-11-30", {0, 3}), "2012-02-29");  // 30 February: its last day, in a leap year
    EXPECT_EQ(geo::add_term("2012-02-29", {1, 0}), "2013-02-28");
    EXPECT_EQ(geo::add_term("2011-06-20", {1, 18}), "2013-12-20");
}
