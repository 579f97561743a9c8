// CampaignTally: what a campaign has run so far, folded from its seeds' reports one at a time
// (never holding the reports themselves), and its failures grouped by signature.
//
// A failure's signature is (protocol, property, the command names of its shrunk sequence):
// the same bug found by 30 seeds shrinks to the same few steps and is one row listing those
// 30 seeds. Names, not whole commands: shrinking does not bring arguments to one canonical
// minimum (one bug, two seeds: `Start(B); Submit(del k2); Start(A)` and `Start(B);
// Submit(set k1=v7); Start(A, crash=logger.input.before_durable)`), so the row keeps its first
// seed's shrunk commands for reading and the names as its key. Every
// failing seed is to be re-run once from its reproduce string (`lockstep replay`); the tally
// hands out those replays (TakeReplays) and records their outcome (AddReplay), and the
// reproduction rate is reproduced / replayed.
//
// Figures (cases, steps, faults by kind) are each seed report's run-level ones
// (results.extra.protocols and results.extra.faults_by_kind), counted once per protocol, so
// the campaign's figures are the sums over its seeds.
//
// Thread safety: none; one owner (the campaign's main loop).
// Invariants: seeds_run() == seeds().size(); every replay handed out is for a seed of one row.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

namespace lockstep::reports {

struct FailureSignature {
  std::string protocol, property;
  std::vector<std::string> steps;  // command names of the shrunk sequence: "Start", "Submit"
  bool operator<(const FailureSignature& o) const {
    return std::tie(protocol, property, steps) < std::tie(o.protocol, o.property, o.steps);
  }
};

// The signature's steps: each command's name, the text before its '(' ("Start(A, crash=x)"
// -> "Start").
std::vector<std::string> CommandNames(const std::vector<std::string>& commands);

// One failing seed of a signature, to be replayed.
struct PendingReplay {
  FailureSignature signature;
  std::uint64_t seed = 0;
  std::string reproduce;
};

class CampaignTally {
 public:
  // Folds in the report of a seed whose worker finished (`report` is a lockstep run report
  // that passed ValidateReport). Each failed property becomes a failure of its signature and
  // a pending replay.
  void AddSeed(std::uint64_t seed, const nlohmann::json& report);
  // A seed whose worker ended without a usable report.
  void AddWorkerError(std::uint64_t seed) { worker_error_seeds_.push_back(seed); }
  // A seed whose worker was stopped by an interrupt before it finished.
  void AddAbandoned(std::uint64_t seed) { abandoned_seeds_.push_back(seed); }
  // The replays not yet handed out; they are then the caller's to run and AddReplay.
  std::vector<PendingReplay> TakeReplays();
  // The outcome of a replay handed out by TakeReplays: true when it failed again.
  void AddReplay(const PendingReplay& replay, bool reproduced);

  std::uint64_t seeds_run() const { return seeds_.size(); }
  std::uint64_t seeds_failed() const { return seeds_failed_; }
  std::uint64_t worker_errors() const { return worker_error_seeds_.size(); }
  std::uint64_t cases() const { return cases_; }
  std::uint64_t steps() const { return steps_; }
  std::uint64_t faults() const;  // over every kind
  std::uint64_t failures() const;  // failing (seed, property) pairs
  std::uint64_t signatures() const { return rows_.size(); }
  const std::vector<std::uint64_t>& seeds() const { return seeds_; }

  // The tally's part of results.extra.details.campaign (reports/README.md, "Campaign
  // reports"): seeds_run, seeds_failed, worker_errors, seeds, worker_error_seeds,
  // abandoned_seeds, cases, steps, faults_by_kind, failures (one row per signature) and
  // reproduction {replayed, reproduced, rate}.
  nlohmann::json ToJson() const;

 private:
  struct Row {
    std::vector<std::string> shrunk;  // the first seed's
    std::string reproduce, message;   // the first seed's
    std::vector<std::uint64_t> seeds, reproduced, not_reproduced;
  };
  std::vector<std::uint64_t> seeds_, worker_error_seeds_, abandoned_seeds_;
  std::uint64_t seeds_failed_ = 0, cases_ = 0, steps_ = 0, replayed_ = 0, reproduced_ = 0;
  std::map<std::string, std::uint64_t> faults_by_kind_;
  std::map<FailureSignature, Row> rows_;
  std::vector<FailureSignature> row_order_;  // first appearance
  std::vector<PendingReplay> pending_;
};

}  // namespace lockstep::reports
