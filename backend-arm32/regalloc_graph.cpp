#include "regalloc_graph.h"

namespace bpf2arm::arm {

namespace {
constexpr uint32_t kMatrixLimit = 4096;
}

EdgeSet::EdgeSet(uint32_t n) : matrix_(n <= kMatrixLimit) {
  if (matrix_) words_.assign((size_t(n) * n / 2 + 63) / 64 + 1, 0);
  else words_.assign(1u << 16, 0);
}

size_t EdgeSet::slot(uint64_t k) const {
  // Fibonacci hashing; linear probing.
  size_t mask = words_.size() - 1;
  size_t s = size_t((k * 0x9E3779B97F4A7C15ull) >> 20) & mask;
  while (words_[s] != 0 && words_[s] != k + 1) s = (s + 1) & mask;
  return s;
}

bool EdgeSet::insertHashed(uint64_t k) {
  size_t s = slot(k);
  if (words_[s] != 0) return false;
  words_[s] = k + 1;
  if (++count_ * 2 > words_.size()) grow();
  return true;
}

void EdgeSet::grow() {
  std::vector<uint64_t> old;
  old.swap(words_);
  words_.assign(old.size() * 2, 0);
  for (uint64_t entry : old)
    if (entry != 0) words_[slot(entry - 1)] = entry;
}

}  // namespace bpf2arm::arm
