// Broken-variant lookup (model/common/variants.h).
#include <gtest/gtest.h>

#include <array>
#include <cstdint>

#include "model/common/variants.h"

namespace lockstep::model {
namespace {

enum class Mode : std::uint8_t { kCorrect, kLoose, kLossy };

constexpr std::array<VariantInfoOf<Mode>, 2> kBroken{{
    {"loose", Mode::kLoose, "C-1"},
    {"lossy", Mode::kLossy, "C-2", "drops-writes"},
}};

TEST(FindVariantIn, FindsBrokenVariantsAndCorrect) {
  const auto loose = FindVariantIn<Mode>(kBroken, "loose");
  ASSERT_TRUE(loose.has_value());
  EXPECT_EQ(loose->variant, Mode::kLoose);
  EXPECT_STREQ(loose->property, "C-1");
  EXPECT_STREQ(loose->bug, "");
  EXPECT_STREQ(FindVariantIn<Mode>(kBroken, "lossy")->bug, "drops-writes");
  const auto correct = FindVariantIn<Mode>(kBroken, "correct");
  ASSERT_TRUE(correct.has_value());
  EXPECT_EQ(correct->variant, Mode::kCorrect);
  EXPECT_STREQ(correct->name, "correct");
  EXPECT_STREQ(correct->property, "");
  EXPECT_EQ(FindVariantIn<Mode>(kBroken, "tight"), std::nullopt);
  EXPECT_EQ(FindVariantIn<Mode>({}, "loose"), std::nullopt);
}

}  // namespace
}  // namespace lockstep::model
