#include "model/explore/fingerprint.h"

#include <cstring>

namespace lockstep::model::explore {
namespace {

constexpr std::uint64_t kM = 0xc6a4a7935bd1e995ULL;
constexpr int kR = 47;

std::uint64_t Finalize(std::uint64_t h) {
  h ^= h >> kR;
  h *= kM;
  h ^= h >> kR;
  return h;
}

std::size_t Slot(std::uint64_t fp, std::size_t mask) {
  return static_cast<std::size_t>(Finalize(fp)) & mask;
}

}  // namespace

std::uint64_t Fingerprint(std::string_view bytes, std::uint64_t seed) {
  const std::size_t len = bytes.size();
  std::uint64_t h = seed ^ (len * kM);
  const char* p = bytes.data();
  const char* end = p + (len / 8) * 8;
  for (; p != end; p += 8) {
    std::uint64_t k;
    std::memcpy(&k, p, 8);
    k *= kM;
    k ^= k >> kR;
    k *= kM;
    h ^= k;
    h *= kM;
  }
  const std::size_t rest = len & 7;
  if (rest != 0) {
    std::uint64_t tail = 0;
    std::memcpy(&tail, p, rest);
    h ^= tail;
    h *= kM;
  }
  return Finalize(h);
}

std::uint64_t Combine(std::uint64_t a, std::uint64_t b, std::uint64_t c) {
  std::uint64_t h = Finalize(a * kM + 0x9e3779b97f4a7c15ULL);
  h = Finalize((h ^ b) * kM);
  return Finalize((h ^ c) * kM);
}

FingerprintSet::FingerprintSet() : slots_(1024, 0), mask_(1023) {}

bool FingerprintSet::Insert(std::uint64_t fp) {
  if (fp == 0) fp = 1;
  if ((size_ + 1) * 10 > slots_.size() * 7) Grow();
  for (std::size_t i = Slot(fp, mask_);; i = (i + 1) & mask_) {
    if (slots_[i] == fp) return false;
    if (slots_[i] == 0) {
      slots_[i] = fp;
      ++size_;
      return true;
    }
  }
}

bool FingerprintSet::Contains(std::uint64_t fp) const {
  if (fp == 0) fp = 1;
  for (std::size_t i = Slot(fp, mask_);; i = (i + 1) & mask_) {
    if (slots_[i] == fp) return true;
    if (slots_[i] == 0) return false;
  }
}

void FingerprintSet::Grow() {
  std::vector<std::uint64_t> old;
  old.swap(slots_);
  slots_.assign(old.size() * 2, 0);
  mask_ = slots_.size() - 1;
  for (std::uint64_t fp : old) {
    if (fp == 0) continue;
    std::size_t i = Slot(fp, mask_);
    while (slots_[i] != 0) i = (i + 1) & mask_;
    slots_[i] = fp;
  }
}

}  // namespace lockstep::model::explore
