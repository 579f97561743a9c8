// Fingerprints: 64-bit hashes of canonical state encodings, and an insert-only set of them.
//
// The explorer deduplicates states by the fingerprint of their canonical encoding rather than
// by the encoding itself: 8 bytes per state instead of ~100-300, so millions of states fit in
// tens of MiB. The price is a possible collision: two distinct states with equal
// fingerprints, the second of which (and whatever only it leads to) is then never explored.
// With a well-mixed 64-bit hash the chance of any collision among n states is about
// n^2 / 2^65: 3e-8 at one million states, 3e-6 at ten million. That is far below the chance
// of a bug in the model itself, and is the trade TLC makes too (its fingerprint set).
//
// FingerprintSet: single-threaded; not safe for concurrent use. Invariant: no slot holds 0
// (0 marks an empty slot; a fingerprint of 0 is stored as 1, which only merges it with 1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace lockstep::model::explore {

// MurmurHash64A of `bytes` (Austin Appleby, public domain): fast and well mixed.
std::uint64_t Fingerprint(std::string_view bytes, std::uint64_t seed = 0x6c6f636b73746570ULL);

// Mixes three values into one fingerprint (e.g. a transition: from, to, command kind).
std::uint64_t Combine(std::uint64_t a, std::uint64_t b, std::uint64_t c);

// Open addressing with linear probing; grows at 70% load.
class FingerprintSet {
 public:
  FingerprintSet();

  // Inserts `fp`. Returns true if it was not present.
  bool Insert(std::uint64_t fp);
  bool Contains(std::uint64_t fp) const;

  std::size_t size() const { return size_; }
  // Bytes held by the table (its slots).
  std::size_t bytes() const { return slots_.capacity() * sizeof(std::uint64_t); }

 private:
  void Grow();
  std::vector<std::uint64_t> slots_;
  std::size_t size_ = 0;
  std::size_t mask_ = 0;
};

}  // namespace lockstep::model::explore
