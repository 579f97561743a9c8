// Mds: the message delivery service of the duplexed logger, run as its own process.
//
// Single-threaded around poll(2): the listening socket takes both logger links (kept; the
// first line is `register`) and control connections (one request each). Links and control
// connections share the socket: a connection is a control client when its first line has
// "op", a logger link when its first line has "type":"register".
//
// Responsibilities (spec "Processes", impl/README.md):
//  * assigns update keys (last_assigned + 1, stored durably before delivery), delivers each
//    input to every in-service side and queues it for a side receiving a transfer, answers the
//    client when every in-service side acked or left: "ok" if at least one acked (the
//    high-water key is then raised and stored durably before the answer), else
//    "unavailable-after-accept"; "unavailable" without a key when no side is in service;
//  * decides a registering side's fate: transfer from an in-service peer; simplex start when
//    its key is not below the high-water key (and then a transfer to a stale peer); stale;
//  * runs at most one transfer at a time; abandons it when its sender fails or either side
//    dies; records transfer attempts, the last transfer error and the last transfer per side;
//  * reports `busy` while anything it started is unfinished, so a status answer with
//    busy=false describes a quiet point and is final; and `pending_inputs`, the inputs it
//    accepted (a key assigned) and has not answered yet.
// With --trace it records the actions of docs/trace.md ("mds") before acting on them; every
// message on a link carries the trace's clock.
//
// Seeded bugs honoured here: no-high-water-check, receiver-enters-after-failed-transfer,
// queued-inputs-out-of-order.
// Thread safety: the object is driven by Run() on one thread.
#pragma once

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "impl/common/json_lines.h"
#include "impl/common/log.h"
#include "impl/common/trace.h"
#include "impl/common/unix_listener.h"
#include "impl/state_transfer/mds_keys.h"

namespace lockstep::impl {

struct MdsConfig {
  std::string socket;
  std::string data_dir;
  std::string log_path;
  std::string trace_path;  // empty: no trace
};

class Mds {
 public:
  explicit Mds(MdsConfig config) : config_(std::move(config)) {}

  // Serves until a shutdown request or a fatal error; returns the exit status.
  int Run();

 private:
  using Exit = std::optional<int>;  // std::nullopt: keep running
  enum class SideState { kDown, kRegistered, kReceiving, kInService, kStale };
  // "down", "registered", ... as status and the trace spell them.
  static const char* StateName(SideState state);

  struct Side {
    std::string name;
    SideState state = SideState::kDown;
    int link_fd = -1;
    std::uint64_t last_update_key = 0;  // registered key, then acks and in_service
    std::uint64_t last_delivered = 0;   // highest key sent to it (the transfer point source)
    std::set<std::uint64_t> unacked;    // inputs sent, ack not yet received
    std::set<std::uint64_t> unanswered_send_states;  // transfer ids it must answer
    bool awaiting_in_service = false;   // enter_service sent, in_service not yet received
    std::uint32_t transfer_attempts = 0;
    nlohmann::json last_transfer_error = nullptr;  // never cleared: the last failed attempt
    nlohmann::json last_transfer = nullptr;        // the last successful transfer
  };
  struct Transfer {
    std::uint64_t id = 0;
    int sender = 0;
    int receiver = 0;
    std::uint64_t upto = 0;
    bool state_forwarded = false;       // state (and queue) sent to the receiver
    nlohmann::json record = nullptr;    // becomes the receiver's last_transfer on in_service
    std::vector<nlohmann::json> queue;  // inputs after X, until the state is forwarded
  };
  struct PendingSubmit {
    int client_fd = -1;
    std::uint64_t key = 0;
    std::set<int> waiting;  // in-service sides that have neither acked nor left
    bool acked = false;
  };
  struct Connection {
    std::unique_ptr<LineConnection> conn;
    enum class Kind { kUnknown, kLink, kClient } kind = Kind::kUnknown;
    int side = -1;               // links: the registered side
    bool request_taken = false;  // clients: the one request has been read
    bool answered = false;       // clients: closed once the answer is flushed
  };

  // mds.cc: process, sockets, control requests, status.
  Exit Start();
  Exit Loop();
  void Accept();
  Exit OnReadable(int fd);
  Exit OnClientRequest(int fd, const nlohmann::json& request);
  void Answer(int client_fd, const nlohmann::json& answer);
  void Sweep();
  nlohmann::json StatusJson() const;
  bool SideBusy(int side) const;
  bool Busy() const;
  void Send(int side, const nlohmann::json& message);

  // mds_protocol.cc: sides, inputs, transfers.
  void OnLinkMessage(int fd, const nlohmann::json& message);
  void OnRegister(int fd, const nlohmann::json& message);
  void EnterAlone(int side);
  void StartTransfer(int sender, int receiver);
  void OnAck(int side, const nlohmann::json& message);
  void OnState(int side, const nlohmann::json& message);
  void OnTransferFailed(int side, const nlohmann::json& message);
  void OnInService(int side, const nlohmann::json& message);
  void ForwardQueueAndEnter(Transfer& transfer);
  void MarkDown(int side, const std::string& why);
  Exit Submit(int client_fd, const nlohmann::json& request);
  void CompleteSubmits();
  Exit StoreKeys();

  MdsConfig config_;
  LogFile log_;
  Trace trace_;
  UnixListener listener_;
  MdsKeys keys_;
  std::array<Side, 2> sides_{Side{.name = "A"}, Side{.name = "B"}};
  std::map<int, Connection> connections_;  // by fd
  std::vector<PendingSubmit> pending_;
  std::optional<Transfer> transfer_;
  std::uint64_t next_transfer_id_ = 1;
  std::optional<int> fatal_;  // set when durable state could not be stored
};

}  // namespace lockstep::impl
