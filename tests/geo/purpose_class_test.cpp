// Purpose classes from the source's purpose text: the spellings of the Open
// Development Cambodia layers, each with the classes a reader would give it.

#include "geo/purpose_class.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

std::vector<std::string> classes(std::string_view text) {
    std::vector<std::string> out;
    for (auto n : geo::purpose_class_names(geo::classify_purpose(text))) out.emplace_back(n);
    return out;
}

using names = std::vector<std::string>;

}  // namespace

TEST(purpose_class, source_spellings_get_the_classes_a_reader_gives_them) {
    EXPECT_EQ(classes("Rubber Plantation"), names{"Rubber"});
    EXPECT_EQ(classes("Rubber plantation"), names{"Rubber"});
    EXPECT_EQ(classes("Rubber Plantation."), names{"Rubber"});
    EXPECT_EQ(classes("Para rubber plantation"), names{"Rubber"});
    EXPECT_EQ(classes("Rubber Plantation, Agro-industrial"), (names{"Rubber", "Agro-industrial"}));
    EXPECT_EQ(classes("Agro-Industial"), names{"Agro-industrial"});
    EXPECT_EQ(classes("Agri-Industry(Sugar Cane) Other Plantation and Construction Sugar Cane Refinery"),
              (names{"Sugar cane", "Agro-industrial"}));
    EXPECT_EQ(classes("Officianarum (Surgar Cane) and Tapioca (Cassava)"), (names{"Sugar cane", "Cassava"}));
    EXPECT_EQ(classes("Tapioca (cassava or manioc)"), names{"Cassava"});
    EXPECT_EQ(classes("Rubber and Cassava plantation"), (names{"Rubber", "Cassava"}));
    EXPECT_EQ(classes("Oil Palms"), names{"Oil palm"});
    EXPECT_EQ(classes("Cashew-apple and oil palms"), (names{"Oil palm", "Other crops"}));
    EXPECT_EQ(classes("Acacia, Trincomali wood, and other plantation crops"), names{"Trees and wood"});
    EXPECT_EQ(classes("Tectona replantation and construct processing factory"), names{"Trees and wood"});
    EXPECT_EQ(classes("Merkusii plantation and construct processing factory"), names{"Trees and wood"});
    EXPECT_EQ(classes("Rubber, acacia, jatropha plantation and construct processing factory."),
              (names{"Rubber", "Trees and wood", "Other crops"}));
    EXPECT_EQ(classes("Corn Plantations"), names{"Other crops"});
    EXPECT_EQ(classes("Eco-Tourism"), names{"Tourism"});
    EXPECT_EQ(classes("Ecoturiusm"), names{"Tourism"});
    EXPECT_EQ(classes("Rubber Plantation, Agro-industrial, Natural tourism"),
              (names{"Rubber", "Agro-industrial", "Tourism"}));
    EXPECT_EQ(classes("International Port"), names{"Infrastructure"});
    EXPECT_EQ(classes("International Airport Development"), names{"Infrastructure"});
    EXPECT_EQ(classes("Hydrodam"), names{"Infrastructure"});
    EXPECT_EQ(classes("Shrimp farm"), names{"Aquaculture"});
    // A word only at its start: "support" is no port, "street" no tree.
    EXPECT_EQ(classes("Plantation"), names{"Other"});
    EXPECT_EQ(classes("Development support"), names{"Other"});
    EXPECT_EQ(classes("Street trees"), names{"Trees and wood"});
    EXPECT_EQ(classes("Street"), names{"Other"});
}

TEST(purpose_class, no_text_is_no_class) {
    EXPECT_EQ(geo::classify_purpose(""), 0);
    EXPECT_EQ(geo::classify_purpose("  "), 0);
    EXPECT_EQ(geo::purpose_class_text(0), "");
}

TEST(purpose_class, names_are_found_in_any_case_and_listed_in_order) {
    auto const rubber = geo::purpose_class_bit("rubber");
    ASSERT_TRUE(rubber);
    EXPECT_EQ(geo::purpose_class_bit("RUBBER"), rubber);
    EXPECT_EQ(geo::purpose_class_bit("Sugar cane"), geo::purpose_class_bit("sugar CANE"));
    EXPECT_FALSE(geo::purpose_class_bit("Rubbr"));
    EXPECT_EQ(geo::purpose_class_text(geo::classify_purpose("Cassava and rubber")), "Rubber; Cassava");
    std::string const list = geo::purpose_class_list();
    EXPECT_EQ(list.substr(0, 20), "Rubber, Sugar cane, ");
    for (auto const& c : geo::purpose_classes()) {
        EXPECT_NE(list.find(c.name), std::string::npos);
        EXPECT_FALSE(c.name_km.empty()) << c.name;
    }
}
