#include "drivers/ssh/session_pool.h"

#include "base/status_macros.h"

namespace reconcile::drivers::ssh {

SessionPool::Lease::~Lease() {
  if (slot_ != nullptr && lock_.owns_lock() && slot_->session &&
      slot_->session->health() != SessionHealth::kOk) {
    slot_->session.reset();
  }
}

absl::Status SessionPool::Lease::Redial(SessionPool& pool, absl::Time deadline) {
  slot_->session.reset();
  reused_ = false;
  return pool.Dial(*slot_, slot_->target, deadline);
}

absl::Status SessionPool::Dial(Slot& slot, const SshTarget& target, absl::Time deadline) {
  slot.session.reset();
  slot.target = target;
  dials_.fetch_add(1);
  ASSIGN_OR_RETURN(slot.session, SshSession::Connect(target, deadline));
  return absl::OkStatus();
}

absl::StatusOr<SessionPool::Lease> SessionPool::Acquire(const SshTarget& target,
                                                        absl::Time deadline) {
  Slot* slot;
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::unique_ptr<Slot>& entry = slots_[target.node];
    if (!entry) entry = std::make_unique<Slot>();
    slot = entry.get();
  }
  std::unique_lock<std::mutex> lock(slot->mu);
  bool reusable = slot->session && slot->target == target && slot->session->IsConnected();
  if (!reusable) RETURN_IF_ERROR(Dial(*slot, target, deadline));
  return Lease(slot, std::move(lock), reusable);
}

void SessionPool::CloseAll() {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [node, slot] : slots_) {
    std::lock_guard<std::mutex> slot_lock(slot->mu);
    slot->session.reset();
  }
}

size_t SessionPool::open_sessions() {
  std::lock_guard<std::mutex> lock(mu_);
  size_t n = 0;
  for (auto& [node, slot] : slots_) {
    std::lock_guard<std::mutex> slot_lock(slot->mu);
    n += slot->session != nullptr;
  }
  return n;
}

}  // namespace reconcile::drivers::ssh
