// RsEventModel: the resync protocol's event model (harness/trace/event_model.h): replays the
// merged traces of one case's `txsys` processes (process names SYSTEMnn) and the harness's
// lines, and names the RS property (model/resync/properties.h) of the first line that no
// behaviour of the correct protocol explains. docs/trace.md, "Validation of resync traces",
// lists the same rules for readers of a report.
//
// State it reconstructs, per system:
//   * durable (JournalWorlds, rs_journal_worlds.h): both journal sets — stamp, branches
//     (coordinator/participant, InDoubt/Committed/Aborted/ManualPending, END), partner table,
//     damage — and the set the life runs on, from `record_forced`, `stamp_*` and the harness's
//     `journal_formatted` / `journal_corrupted`; at the start of a case both sets are freshly
//     formatted and empty;
//   * the current life's memory: its stamp and startup, the prompts and deferrals (fences)
//     per partner with the prompt's NEW stamp, startup and DTRIDs, the last resync exchange
//     per partner, the partner requests received and not yet answered;
//   * over the case: messages sent and not yet received, DTRIDs committed or aborted where.
//
// "Maybe happened": a life that ends without `exiting` was killed (seen when the role's next
// life starts). Its last line names what it was about to make durable; each such record is
// kept as a world in which it happened beside the world in which it did not:
//   prepare_accepted -> PREPARED, commit_decided -> COMMIT, outcome_learned -> outcome,
//   end_decided -> END, stamp_assigned -> stamp, reply_taken ignore -> ignore,
//   completed_by_hand -> manual; and while a resync with P is between `resync_exchange` and
//   `resync_finished`, P's partner record (forced with no line before it). So is a COMMIT
//   whose write failed without being cut off (`txn_answered` `unknown`). The next life's
//   `stamp_read`/`stamp_assigned`/`recovered` decides. The journal set a life runs on is not
//   traced: each start is both, and the stamp read decides.
//
// Rules, checked at each line (a rule holds if it holds in some world; worlds where it fails
// are dropped):
//   RS-8 forced writes first: `vote` yes only for a DTRID with a PREPARED record in the
//        current set; `request_sent` commit and `txn_answered` committed only with a COMMIT
//        record; `request_sent` ack only for a branch whose commit outcome was forced; an
//        `answer_sent` ack to commit/abort only when the branch is not InDoubt (its outcome
//        forced, or unknown here: presumed abort); `record_forced` outcome only for an InDoubt
//        participant branch, END only for a COMMIT record.
//   RS-1 atomic outcome: no DTRID has a COMMIT record or commit outcome on one system and an
//        abort outcome (or a client answer `aborted`) elsewhere; no `request_sent` abort
//        for a DTRID committed anywhere. Completions by hand (`manual`) do not count.
//   RS-2 no silent completion: `outcome_learned` via resync only when the partner's stamp in
//        the resync exchange equals the stamp saved for it; `prompt_shown` names as OLD the
//        saved stamp ("(none)"), as NEW the exchange's stamp, differs, and lists every branch
//        InDoubt for that partner's transactions (its list only names known branches).
//   RS-3 fencing: a partner request (prepare, commit, abort, ack, remote_read; resync unless
//        a `vary_rm` after DEFER) received while the partner is fenced (`prompt_shown` ..
//        `prompt_withdrawn` or a forced `ignore`; DEFER keeps it) is answered `fenced`;
//        while fenced, no prepare, commit, abort or remote_read is sent to the partner.
//        A wait (`wait_started` .. `wait_refused`) is refused no earlier than its `wait_ms`
//        after its line (1 ms allowed for the clocks): the spec's "waits until its wait time".
//   RS-4 ignore: `reply_taken` only for a pending prompt, with its DTRIDs; the `ignore`
//        record saves the prompt's NEW stamp; `manual` only for a ManualPending branch.
//   RS-5 recycle detection: a partner request served (answered other than fenced,
//        resync_needed or a bare error) carries the stamp and startup time saved for the
//        partner in the current set; a prepare, commit, abort or remote_read is sent to a
//        partner only while the stamp and startup saved for it are those of its current
//        process (from its `recovered`; a new process is resynchronized with first).
//   RS-6 durability: `recovered` shows as many branches and InDoubt branches as the records
//        forced on the set hold; a set the harness corrupted is never opened.
//   RS-7 stamp lifecycle: `stamp_assigned` only on a set without a stamp, with a stamp never
//        seen before in the case; `stamp_read` only the stamp last forced on the set;
//        `record_forced` stamp and `recovered` carry the life's stamp.
//   TRACE-1 causality (not an RS property): every `request_received` / `answer_received`
//        matches an earlier `request_sent` / `answer_sent` of the named system, with the same
//        request or answer, and every `answer_received` an outstanding call.
//
// Left out (they would need what the trace does not carry, or false alarms would follow):
// acknowledgements before END (they are not journaled: a killed life's are unknown); the
// coordinator's COMMITs awaiting acknowledgement in a prompt's list; RS-5's "resynchronized
// since this process started" (process memory of both sides); database contents (rows are not
// traced); a failed forced write of any record but COMMIT whose cut-back failed (the journal
// then refuses every later write, and the harness's faults never cause it).
// Weaker than they look: as long as the trace leaves open which set a life runs on, a start
// that assigns a stamp is explained by the other, fresh set, so a reassigned stamp or a
// damaged set read as empty shows only once no fresh set is left (the seeded bugs
// stamp-reassigned-at-start and recovery-accepts-damaged-record show at the third start, or
// when the damage keeps the stamp).
//
// Not thread-safe; one per case.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/resync/rs_journal_worlds.h"
#include "harness/trace/event_model.h"

namespace lockstep::harness::rs {

class RsEventModel final : public trace::EventModel {
 public:
  std::optional<model::Violation> Apply(const trace::TraceLine& line) override;
  std::string Describe() const override;
  // lock_waits, lock_timeouts, lock_waits_granted (a wait on a locked key started, refused,
  // granted: the lock was released while it waited), fenced_waits (a wait on a fenced partner
  // started) and waits_released_by_reply (a fenced wait granted after an IGNORE was taken in
  // its life while it waited).
  std::map<std::string, std::uint64_t> Overlaps() const override { return overlaps_; }
  // "RS-3 wait refused before its wait time" -> the clocks' slack, once a wait was seen.
  std::map<std::string, std::uint64_t> TolerancesMs() const override;

 private:
  struct Fence {
    bool deferred = false;
    std::string new_stamp, new_startup;
    std::vector<std::string> dtrids;
  };
  struct Exchange {
    std::string stamp, startup;
  };
  struct Received {  // a partner request received, not yet answered
    nlohmann::json request;
    bool fenced = false;         // it must be answered fenced (RS-3)
    bool saved_matches = false;  // its stamp and startup are the saved ones (RS-5)
  };
  struct Wait {  // a wait_started not yet granted or refused
    std::string why;
    std::int64_t started_us = 0;  // its line's time
    std::int64_t wait_ms = 0;
    bool ignored = false;  // an IGNORE was taken for the partner it waits on
  };
  struct Life {
    long pid = 0;
    std::map<std::uint64_t, Wait> waits;  // by "wait" id
    bool exited = false;
    std::string stamp, assigned, startup;
    std::optional<trace::TraceLine> last;
    std::map<std::string, Fence> fences;  // by partner
    std::map<std::string, Exchange> exchanges;
    std::set<std::string> resyncing;  // exchange seen, not finished
    std::map<std::pair<std::string, std::string>, std::deque<Received>> received;  // (from, op)
    std::map<std::string, std::vector<std::string>> ignore_dtrids;  // reply_taken ignore
  };
  struct SystemTrace {
    JournalWorlds journal;
    std::optional<Life> life;
  };
  using Verdict = std::optional<model::Violation>;

  Verdict ApplyHarness(const trace::TraceLine& line);
  Verdict ApplySystem(SystemTrace& sys, const std::string& name, const trace::TraceLine& line);
  void BeginLife(SystemTrace& sys, const trace::TraceLine& line);
  void FillCrash(SystemTrace& sys);
  Verdict OnStamp(SystemTrace& sys, const trace::TraceLine& line);
  Verdict OnRecordForced(SystemTrace& sys, const std::string& name, const trace::TraceLine& line);
  Verdict CheckForced(SystemTrace& sys, const std::string& name, const ForcedRecord& r);
  Verdict OnRecovered(SystemTrace& sys, const trace::TraceLine& line);
  Verdict OnRequestSent(SystemTrace& sys, const std::string& name, const trace::TraceLine& line);
  Verdict CheckRecycled(SystemTrace& sys, const std::string& name, const std::string& to,
                        const std::string& op);
  Verdict OnRequestReceived(SystemTrace& sys, const std::string& name,
                            const trace::TraceLine& line);
  Verdict OnAnswerSent(SystemTrace& sys, const std::string& name, const trace::TraceLine& line);
  Verdict OnAnswerReceived(const std::string& name, const trace::TraceLine& line);
  Verdict OnTxnAnswered(SystemTrace& sys, const std::string& name, const trace::TraceLine& line);
  Verdict OnOutcomeLearned(SystemTrace& sys, const trace::TraceLine& line);
  Verdict OnPromptShown(SystemTrace& sys, const trace::TraceLine& line);
  Verdict OnReplyTaken(SystemTrace& sys, const trace::TraceLine& line);
  Verdict OnWait(SystemTrace& sys, const trace::TraceLine& line);
  Verdict Committed(const std::string& dtrid, const std::string& where);
  Verdict Aborted(const std::string& dtrid, const std::string& where);

  std::map<std::string, SystemTrace> systems_;
  std::set<std::string> stamps_seen_;
  std::map<std::string, std::set<std::string>> committed_, aborted_;  // DTRID -> where
  std::map<std::string, int> requests_in_flight_;  // "from|to|request"
  std::map<std::string, int> answers_in_flight_;   // "from|to|op|answer"
  std::map<std::string, int> calls_;               // "from|to|op"
  std::map<std::string, std::uint64_t> overlaps_;
  bool waits_seen_ = false;  // a wait_started was seen: the wait rule applied
};

}  // namespace lockstep::harness::rs
