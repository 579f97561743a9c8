#include "reports/campaign_tally.h"

#include <numeric>
#include <utility>

namespace lockstep::reports {

using nlohmann::json;

std::vector<std::string> CommandNames(const std::vector<std::string>& commands) {
  std::vector<std::string> names;
  for (const std::string& c : commands) names.push_back(c.substr(0, c.find('(')));
  return names;
}

void CampaignTally::AddSeed(std::uint64_t seed, const json& report) {
  seeds_.push_back(seed);
  const json& extra = report["results"]["extra"];
  for (const auto& [protocol, totals] : extra["protocols"].items()) {
    cases_ += totals.value("cases", std::uint64_t{0});
    steps_ += totals.value("steps", std::uint64_t{0});
  }
  for (const auto& [kind, n] : extra["faults_by_kind"].items()) {
    faults_by_kind_[kind] += n.get<std::uint64_t>();
  }
  bool failed = false;
  for (const json& test : report["results"]["tests"]) {
    const json& t = test["extra"];
    if (t.value("verdict", "") != "failed") continue;
    failed = true;
    std::vector<std::string> shrunk;
    if (t["counterexample"].is_object()) {
      shrunk = t["counterexample"]["shrunk"].get<std::vector<std::string>>();
    }
    FailureSignature signature{t.value("protocol", ""), t.value("property", ""), CommandNames(shrunk)};
    auto [row, inserted] = rows_.try_emplace(signature);
    if (inserted) {
      row->second.shrunk = std::move(shrunk);
      row->second.reproduce = t.value("reproduce", "");
      row->second.message = t.value("reason", "");
      row_order_.push_back(signature);
    }
    row->second.seeds.push_back(seed);
    pending_.push_back({signature, seed, t.value("reproduce", "")});
  }
  if (failed) ++seeds_failed_;
}

std::vector<PendingReplay> CampaignTally::TakeReplays() { return std::exchange(pending_, {}); }

void CampaignTally::AddReplay(const PendingReplay& replay, bool reproduced) {
  Row& row = rows_.at(replay.signature);
  (reproduced ? row.reproduced : row.not_reproduced).push_back(replay.seed);
  ++replayed_;
  if (reproduced) ++reproduced_;
}

std::uint64_t CampaignTally::faults() const {
  std::uint64_t n = 0;
  for (const auto& [kind, count] : faults_by_kind_) n += count;
  return n;
}

std::uint64_t CampaignTally::failures() const {
  std::uint64_t n = 0;
  for (const auto& [signature, row] : rows_) n += row.seeds.size();
  return n;
}

json CampaignTally::ToJson() const {
  json rows = json::array();
  for (const FailureSignature& signature : row_order_) {
    const Row& row = rows_.at(signature);
    const std::size_t replayed = row.reproduced.size() + row.not_reproduced.size();
    rows.push_back({{"protocol", signature.protocol},
                    {"property", signature.property},
                    {"steps", signature.steps},
                    {"shrunk", row.shrunk},
                    {"seeds", row.seeds},
                    {"reproduce", row.reproduce},
                    {"message", row.message},
                    {"reproduced_seeds", row.reproduced},
                    {"not_reproduced_seeds", row.not_reproduced},
                    // Every seed replayed, and each failed again.
                    {"reproduced", replayed == row.seeds.size() && row.not_reproduced.empty()}});
  }
  return {{"seeds_run", seeds_run()},
          {"seeds_failed", seeds_failed_},
          {"worker_errors", worker_errors()},
          {"seeds", seeds_},
          {"worker_error_seeds", worker_error_seeds_},
          {"abandoned_seeds", abandoned_seeds_},
          {"cases", cases_},
          {"steps", steps_},
          {"faults_by_kind", faults_by_kind_},
          {"failures", rows},
          {"reproduction",
           {{"replayed", replayed_},
            {"reproduced", reproduced_},
            {"rate", replayed_ == 0 ? json(nullptr)
                                    : json(static_cast<double>(reproduced_) / replayed_)}}}};
}

}  // namespace lockstep::reports
