// Each protocol's own settings replay exactly: every member of its settings struct has a
// field, every field survives the reproduce string, and a reproduce string must hold them all.
#include <gtest/gtest.h>

#include "harness/property/plugin_of.h"
#include "harness/property/reproduce.h"
#include "harness/protocols.h"
#include "harness/resync/rs_protocol.h"
#include "harness/state_transfer/st_protocol.h"

namespace lockstep::harness {
namespace {

// Encodes `own` into a reproduce string and decodes it back through the protocol's fields.
template <class P>
typename P::Own RoundTrip(const typename P::Own& own) {
  const std::string text = EncodeReproduce(P::kName, RunSettings{},
                                           EncodeFields(P::SettingFields(), own), {"step"});
  auto r = DecodeReproduce(text);
  EXPECT_TRUE(r) << r.error().message;
  EXPECT_TRUE(FindProtocol(P::kName)->CheckOptions(r->settings.protocol_options, true))
      << text;
  auto decoded = DecodeFields(P::SettingFields(), r->settings.protocol_options, true);
  EXPECT_TRUE(decoded) << decoded.error().message;
  return *decoded;
}

TEST(ProtocolSettings, StateTransferHasAFieldForEveryMember) {
  EXPECT_EQ(AggregateArity<StOwnSettings>(), StateTransferProtocol::SettingFields().size());
}

TEST(ProtocolSettings, StateTransferRoundTripsEveryField) {
  StOwnSettings own;
  own.transfer_timeout = std::chrono::milliseconds(777);
  own.log_capacity = 9;
  ASSERT_NE(own, StOwnSettings{});
  EXPECT_EQ(RoundTrip<StateTransferProtocol>(own), own);
}

TEST(ProtocolSettings, ResyncHasAFieldForEveryMember) {
  EXPECT_EQ(AggregateArity<RsOwnSettings>(), ResyncProtocol::SettingFields().size());
}

TEST(ProtocolSettings, ResyncRoundTripsEveryField) {
  RsOwnSettings own;
  own.lock_wait = std::chrono::milliseconds(444);
  own.systems = 2;
  ASSERT_NE(own, RsOwnSettings{});
  EXPECT_EQ(RoundTrip<ResyncProtocol>(own), own);
}

TEST(ProtocolSettings, AReproduceStringMustHoldEverySettingAndNoForeignOne) {
  const ProtocolPlugin* st = FindProtocol("state-transfer");
  ASSERT_NE(st, nullptr);
  auto missing = st->CheckOptions({{"log-capacity", "4"}}, /*exact=*/true);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("transfer-timeout-ms"), std::string::npos);
  auto foreign = st->CheckOptions(
      {{"log-capacity", "4"}, {"transfer-timeout-ms", "250"}, {"lock-wait-ms", "5"}}, true);
  ASSERT_FALSE(foreign);
  EXPECT_NE(foreign.error().message.find("lock-wait-ms"), std::string::npos);
  // A run's options may hold another protocol's settings (--protocol all).
  EXPECT_TRUE(st->CheckOptions({{"lock-wait-ms", "5"}}, /*exact=*/false));
}

TEST(ProtocolSettings, ValuesOutsideTheirRangeAreRefusedNamingTheSetting) {
  auto zero = FindProtocol("state-transfer")->CheckOptions({{"transfer-timeout-ms", "0"}}, false);
  ASSERT_FALSE(zero);
  EXPECT_NE(zero.error().message.find("transfer-timeout-ms"), std::string::npos);
  auto four = FindProtocol("resync")->CheckOptions({{"systems", "4"}}, false);
  ASSERT_FALSE(four);
  EXPECT_NE(four.error().message.find("'systems' must be a whole number from 2 to 3"),
            std::string::npos);
}

TEST(ProtocolRegistry, NamesAreUniqueAndEachBugBelongsToItsProtocol) {
  std::set<std::string> names;
  for (const ProtocolPlugin* p : Protocols()) {
    EXPECT_TRUE(names.insert(p->name()).second) << p->name();
    EXPECT_EQ(FindProtocol(p->name()), p);
    EXPECT_FALSE(p->binaries().empty()) << p->name();
    EXPECT_FALSE(p->properties().empty()) << p->name();
    for (const auto& bug : p->bugs()) EXPECT_EQ(bug.protocol, p->name()) << bug.name;
  }
  EXPECT_EQ(FindProtocol("no-such-protocol"), nullptr);
}

}  // namespace
}  // namespace lockstep::harness
