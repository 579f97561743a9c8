// Mds: the protocol half — registration, inputs and acknowledgements, state transfers, and a
// side going down. See mds.h for the contract.
#include <algorithm>
#include <cerrno>
#include <cstring>

#include "impl/common/seeded_bug.h"
#include "impl/state_transfer/exit_status.h"
#include "impl/state_transfer/mds.h"

namespace lockstep::impl {

using nlohmann::json;

void Mds::OnLinkMessage(int fd, const json& message) {
  Connection& c = connections_.at(fd);
  const std::string type = StringField(message, "type");
  if (type == "register") return OnRegister(fd, message);
  if (c.side < 0) {
    log_.Line("Closing a link whose first message is not register: " + message.dump());
    connections_.erase(fd);
    return;
  }
  if (type == "ack") return OnAck(c.side, message);
  if (type == "state") return OnState(c.side, message);
  if (type == "transfer_failed") return OnTransferFailed(c.side, message);
  if (type == "in_service") return OnInService(c.side, message);
  log_.Line("Ignoring an unknown message from side " + sides_[c.side].name + ": " +
            message.dump());
}

void Mds::OnRegister(int fd, const json& message) {
  const std::string name = StringField(message, "side");
  const auto key = UintField(message, "last_update_key");
  Connection& c = connections_.at(fd);
  if ((name != "A" && name != "B") || !key || c.side >= 0) {
    log_.Line("Closing a link with a bad register message: " + message.dump());
    connections_.erase(fd);
    return;
  }
  const int s = name == "A" ? 0 : 1;
  const int peer = 1 - s;
  // A new process of a side replaces the old one even if its EOF is not seen yet.
  if (sides_[s].link_fd >= 0) {
    const int old_fd = sides_[s].link_fd;
    MarkDown(s, "replaced by a new registration");
    connections_.erase(old_fd);
  }
  trace_.Record("register_received", json{{"side", name},
                                          {"last_update_key", *key},
                                          {"high_water_key", keys_.high_water_key}});
  c.side = s;
  Side& side = sides_[s];
  side.state = SideState::kRegistered;
  side.link_fd = fd;
  side.last_update_key = side.last_delivered = *key;
  log_.Line("Side " + name + " registered with last update key " + std::to_string(*key) +
            " (high-water key " + std::to_string(keys_.high_water_key) + ")");
  const auto decide = [&](const char* decision) {
    trace_.Record("decision", json{{"side", name},
                                   {"decision", decision},
                                   {"last_update_key", *key},
                                   {"high_water_key", keys_.high_water_key},
                                   {"peer_state", StateName(sides_[peer].state)}});
  };
  if (sides_[peer].state == SideState::kInService) {
    decide("transfer");
    return StartTransfer(peer, s);
  }
  if (*key >= keys_.high_water_key || BugEnabled("no-high-water-check")) {
    decide("simplex");
    EnterAlone(s);
    if (sides_[peer].state == SideState::kStale) StartTransfer(s, peer);
    return;
  }
  decide("stale");
  side.state = SideState::kStale;
  log_.Line("Side " + name + " is stale: behind the high-water key, peer not in service");
  Send(s, json{{"type", "stale"}});
}

void Mds::EnterAlone(int s) {
  Side& side = sides_[s];
  side.state = SideState::kInService;
  side.awaiting_in_service = true;
  trace_.Record("enter_service_sent", json{{"side", side.name}, {"simplex", true}});
  log_.Line("Side " + side.name + " enters service alone (simplex)");
  Send(s, json{{"type", "enter_service"}});
}

void Mds::StartTransfer(int sender, int receiver) {
  if (transfer_) {
    trace_.Record("transfer_abandoned",
                  json{{"transfer", transfer_->id}, {"why", "replaced by a new transfer"}});
    log_.Line("Abandoning transfer " + std::to_string(transfer_->id) + " for a new one");
    transfer_.reset();
  }
  Side& r = sides_[receiver];
  r.state = SideState::kReceiving;
  ++r.transfer_attempts;
  Transfer transfer;
  transfer.id = next_transfer_id_++;
  transfer.sender = sender;
  transfer.receiver = receiver;
  transfer.upto = sides_[sender].last_delivered;
  transfer_ = transfer;
  trace_.Record("transfer_started", json{{"transfer", transfer.id},
                                         {"sender", sides_[sender].name},
                                         {"receiver", r.name},
                                         {"receiver_key", r.last_update_key},
                                         {"upto", transfer.upto},
                                         {"attempt", r.transfer_attempts}});
  log_.Line("Transfer " + std::to_string(transfer.id) + ": " + sides_[sender].name + " -> " +
            r.name + ", receiver key " + std::to_string(r.last_update_key) + ", up to " +
            std::to_string(transfer.upto) + ", attempt " + std::to_string(r.transfer_attempts));
  Send(receiver, json{{"type", "receive"}, {"upto", transfer.upto}});
  Send(sender, json{{"type", "send_state"},
                    {"receiver", r.name},
                    {"receiver_key", r.last_update_key},
                    {"upto", transfer.upto},
                    {"transfer", transfer.id}});
  sides_[sender].unanswered_send_states.insert(transfer.id);
}

void Mds::OnAck(int s, const json& message) {
  const auto key = UintField(message, "update_key");
  Side& side = sides_[s];
  if (!key || !side.unacked.erase(*key)) {
    log_.Line("Ignoring an unexpected ack from side " + side.name + ": " + message.dump());
    return;
  }
  trace_.Record("ack_received", json{{"side", side.name}, {"update_key", *key}});
  side.last_update_key = std::max(side.last_update_key, *key);
  for (PendingSubmit& p : pending_) {
    if (p.key == *key && p.waiting.erase(s)) p.acked = true;
  }
  CompleteSubmits();
}

void Mds::ForwardQueueAndEnter(Transfer& transfer) {
  Side& r = sides_[transfer.receiver];
  // Seeded bug queued-inputs-out-of-order (impl/README.md): the queue goes out newest first.
  if (BugEnabled("queued-inputs-out-of-order")) std::reverse(transfer.queue.begin(), transfer.queue.end());
  for (const json& input : transfer.queue) {
    const std::uint64_t key = input["update_key"].get<std::uint64_t>();
    trace_.Record("input_sent", json{{"side", r.name}, {"update_key", key}, {"queued", true}});
    Send(transfer.receiver, input);
    r.unacked.insert(key);
    r.last_delivered = key;
  }
  transfer.queue.clear();
  transfer.state_forwarded = true;
  r.awaiting_in_service = true;
  trace_.Record("enter_service_sent", json{{"side", r.name}, {"simplex", false}});
  Send(transfer.receiver, json{{"type", "enter_service"}});
}

void Mds::OnState(int s, const json& message) {
  const auto id = UintField(message, "transfer");
  sides_[s].unanswered_send_states.erase(id.value_or(0));
  if (!transfer_ || !id || transfer_->id != *id || transfer_->sender != s) {
    trace_.Record("state_discarded", json{{"side", sides_[s].name}, {"transfer", id.value_or(0)}});
    log_.Line("Discarding state from side " + sides_[s].name + " for an abandoned transfer");
    return;
  }
  const std::string mode = StringField(message, "mode");
  const auto entries = message.find("entries");
  const std::size_t sent = entries != message.end() && entries->is_array() ? entries->size() : 0;
  transfer_->record = json{{"mode", mode}, {"entries_sent", sent}, {"upto", transfer_->upto}};
  trace_.Record("state_forwarded", json{{"transfer", *id},
                                        {"sender", sides_[s].name},
                                        {"receiver", sides_[transfer_->receiver].name},
                                        {"mode", mode},
                                        {"entries", sent},
                                        {"upto", transfer_->upto},
                                        {"queued", transfer_->queue.size()}});
  log_.Line("Transfer " + std::to_string(*id) + ": forwarding " + mode + " state (" +
            std::to_string(sent) + " entries) and " + std::to_string(transfer_->queue.size()) +
            " queued inputs to side " + sides_[transfer_->receiver].name);
  Send(transfer_->receiver, message);
  sides_[transfer_->receiver].last_delivered = transfer_->upto;
  ForwardQueueAndEnter(*transfer_);
}

void Mds::OnTransferFailed(int s, const json& message) {
  const auto id = UintField(message, "transfer");
  sides_[s].unanswered_send_states.erase(id.value_or(0));
  const int errnum = static_cast<int>(UintField(message, "errno").value_or(0));
  const std::string cause = StringField(message, "cause");
  trace_.Record("transfer_failed_received", json{{"side", sides_[s].name},
                                                 {"transfer", id.value_or(0)},
                                                 {"errno", errnum},
                                                 {"cause", cause}});
  if (!transfer_ || !id || transfer_->id != *id || transfer_->sender != s) {
    log_.Line("Ignoring transfer_failed from side " + sides_[s].name + " (abandoned transfer)");
    return;
  }
  Side& r = sides_[transfer_->receiver];
  r.last_transfer_error = json{{"errno", errnum}, {"cause", cause}};
  log_.Line("Transfer " + std::to_string(*id) + " to side " + r.name + " failed at the sender: " +
            cause + " [" + std::to_string(errnum) + "]; the receiver waits for its timeout");
  if (BugEnabled("receiver-enters-after-failed-transfer")) {
    ForwardQueueAndEnter(*transfer_);  // no state: the receiver keeps its old database
    return;
  }
  trace_.Record("transfer_abandoned",
                json{{"transfer", *id}, {"why", "the sender failed: " + cause}});
  transfer_.reset();
}

void Mds::OnInService(int s, const json& message) {
  Side& side = sides_[s];
  side.last_update_key = UintField(message, "last_update_key").value_or(side.last_update_key);
  trace_.Record("in_service_received",
                json{{"side", side.name}, {"last_update_key", side.last_update_key}});
  side.awaiting_in_service = false;
  if (side.state == SideState::kReceiving && transfer_ && transfer_->receiver == s &&
      transfer_->state_forwarded) {
    side.state = SideState::kInService;
    if (!transfer_->record.is_null()) side.last_transfer = transfer_->record;
    log_.Line("Side " + side.name + " is in service after transfer " +
              std::to_string(transfer_->id) + ", last update key " +
              std::to_string(side.last_update_key));
    transfer_.reset();
  } else if (side.state != SideState::kInService) {
    log_.Line("Ignoring in_service from side " + side.name + ": not expected");
  }
}

void Mds::MarkDown(int s, const std::string& why) {
  Side& side = sides_[s];
  trace_.Record("side_down", json{{"side", side.name}, {"why", why}});
  log_.Line("Side " + side.name + " is down: " + why);
  side.state = SideState::kDown;
  side.link_fd = -1;
  side.unacked.clear();
  side.unanswered_send_states.clear();
  side.awaiting_in_service = false;
  for (PendingSubmit& p : pending_) p.waiting.erase(s);
  if (transfer_ && (transfer_->sender == s || transfer_->receiver == s)) {
    trace_.Record("transfer_abandoned",
                  json{{"transfer", transfer_->id}, {"why", "side " + side.name + " is down"}});
    log_.Line("Transfer " + std::to_string(transfer_->id) + " abandoned");
    transfer_.reset();
  }
  CompleteSubmits();
}

Mds::Exit Mds::StoreKeys() {
  if (auto s = StoreMdsKeys(config_.data_dir, keys_); !s) {
    trace_.Error("store keys", s.error());
    log_.Line("Unable to store the high-water key: " + s.error().message);
    fatal_ = kExitDataError;
    return fatal_;
  }
  return std::nullopt;
}

Mds::Exit Mds::Submit(int client_fd, const json& request) {
  const std::string kind = StringField(request, "kind");
  const auto key = request.find("key");
  const auto value = request.find("value");
  if ((kind != "set" && kind != "del") || key == request.end() || !key->is_string() ||
      (kind == "set" && (value == request.end() || !value->is_string()))) {
    Answer(client_fd, json{{"error", "submit needs kind set|del, a string key, and a string "
                                     "value for set"}});
    return std::nullopt;
  }
  trace_.Record("submit_received", json{{"kind", kind}, {"key", *key},
                                        {"value", kind == "set" ? *value : json("")}});
  if (sides_[0].state != SideState::kInService && sides_[1].state != SideState::kInService) {
    trace_.Record("submit_answered", json{{"result", "unavailable"}});
    Answer(client_fd, json{{"result", "unavailable"}});
    return std::nullopt;
  }
  ++keys_.last_assigned_key;
  if (Exit e = StoreKeys()) return e;
  trace_.Record("assigned", json{{"update_key", keys_.last_assigned_key}});
  PendingSubmit pending{client_fd, keys_.last_assigned_key, {}, false};
  const json input{{"type", "input"}, {"update_key", pending.key}, {"kind", kind},
                   {"key", *key}, {"value", kind == "set" ? *value : json("")}};
  for (int s = 0; s < 2; ++s) {
    Side& side = sides_[s];
    const bool receiving = transfer_ && transfer_->receiver == s;
    if (receiving && !transfer_->state_forwarded) {
      trace_.Record("input_queued", json{{"side", side.name}, {"update_key", pending.key}});
      transfer_->queue.push_back(input);
      continue;
    }
    if (side.state != SideState::kInService && !receiving) continue;
    trace_.Record("input_sent",
                  json{{"side", side.name}, {"update_key", pending.key}, {"queued", false}});
    Send(s, input);
    side.unacked.insert(pending.key);
    side.last_delivered = pending.key;
    if (side.state == SideState::kInService) pending.waiting.insert(s);
  }
  pending_.push_back(std::move(pending));
  return std::nullopt;
}

void Mds::CompleteSubmits() {
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (!it->waiting.empty()) {
      ++it;
      continue;
    }
    if (it->acked) {
      keys_.high_water_key = std::max(keys_.high_water_key, it->key);
      if (StoreKeys()) return;
      trace_.Record("high_water_raised", json{{"high_water_key", keys_.high_water_key}});
      trace_.Record("submit_answered", json{{"result", "ok"}, {"update_key", it->key}});
      Answer(it->client_fd, json{{"result", "ok"}, {"update_key", it->key}});
    } else {
      trace_.Record("submit_answered",
                    json{{"result", "unavailable-after-accept"}, {"update_key", it->key}});
      Answer(it->client_fd, json{{"result", "unavailable-after-accept"}, {"update_key", it->key}});
    }
    it = pending_.erase(it);
  }
}

}  // namespace lockstep::impl
