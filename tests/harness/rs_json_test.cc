// ParseStatus (harness/resync/rs_json.h): a txsys status with every field the harness reads is
// parsed; one that leaves a list or an object out, or gives it another type, is an error that
// names the field, not read as empty.
#include "harness/resync/rs_json.h"

#include <gtest/gtest.h>

#include <string>

namespace lockstep::harness::rs {
namespace {

using nlohmann::json;

json FullStatus() {
  return {{"journal_stamp", "S1"},
          {"startup_time", "U1"},
          {"partners", {{"SYSTEM74", {{"saved_stamp", "S2"}, {"saved_startup", "U2"}, {"open_rm", true}}}}},
          {"branches", json::array({{{"dtrid", "D1"}, {"role", "participant"}, {"state", "InDoubt"}}})},
          {"rows", {{"k", "v"}}},
          {"prompts", json::array()},
          {"fenced", json::array({"SYSTEM74"})}};
}

TEST(RsStatus, AFullStatusIsParsed) {
  auto parsed = ParseStatus(FullStatus(), 2);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->branches.size(), 1u);
  EXPECT_EQ(parsed->rows.at("k"), "v");
  EXPECT_EQ(parsed->fenced, std::vector<int>{1});
  EXPECT_EQ(parsed->partners.count(1), 1u);
}

TEST(RsStatus, AMissingOrMistypedFieldIsAnErrorNamingIt) {
  for (const char* field : {"partners", "branches", "rows", "prompts", "fenced"}) {
    json missing = FullStatus();
    missing.erase(field);
    auto parsed = ParseStatus(missing, 2);
    ASSERT_FALSE(parsed) << field << " left out was accepted";
    EXPECT_NE(parsed.error().message.find(std::string("missing field '") + field + "'"),
              std::string::npos)
        << parsed.error().message;
    json mistyped = FullStatus();
    mistyped[field] = 5;
    parsed = ParseStatus(mistyped, 2);
    ASSERT_FALSE(parsed) << field << " as a number was accepted";
    EXPECT_NE(parsed.error().message.find(std::string("field '") + field + "' is not"),
              std::string::npos)
        << parsed.error().message;
  }
}

}  // namespace
}  // namespace lockstep::harness::rs
