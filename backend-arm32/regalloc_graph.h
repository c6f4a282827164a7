// Internal to the register allocator (regalloc.cpp): the containers of the
// interference graph, sized for functions from ten to 10^5 virtual registers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace bpf2arm::arm {

// The set of interference edges between nodes 0 ... n-1 (virtual registers counted
// from 0), for "do a and b interfere" in constant time: a triangular bit matrix while
// it is small (n <= 4096: at most 1 MB), else an open-addressing hash set whose size
// follows the number of edges.
class EdgeSet {
 public:
  explicit EdgeSet(uint32_t n);
  bool contains(uint32_t a, uint32_t b) const {
    uint64_t k = key(a, b);
    if (matrix_) return (words_[bit(k) / 64] >> (bit(k) % 64)) & 1;
    return words_[slot(k)] != 0;
  }
  bool insert(uint32_t a, uint32_t b) {  // whether the edge is new
    uint64_t k = key(a, b);
    if (!matrix_) return insertHashed(k);
    uint64_t &word = words_[bit(k) / 64], mask = uint64_t(1) << (bit(k) % 64);
    if (word & mask) return false;
    word |= mask;
    return true;
  }

 private:
  static uint64_t key(uint32_t a, uint32_t b) {
    return a < b ? (uint64_t(b) << 32 | a) : (uint64_t(a) << 32 | b);
  }
  static size_t bit(uint64_t k) { return size_t(k >> 32) * size_t((k >> 32) - 1) / 2 + uint32_t(k); }
  size_t slot(uint64_t k) const;
  bool insertHashed(uint64_t k);
  void grow();

  bool matrix_;
  std::vector<uint64_t> words_;  // the matrix bits, or the hash table (key + 1; 0 = empty)
  size_t count_ = 0;
};

// A set of small integers below a fixed bound with constant-time insert, erase, clear
// and iteration in insertion order (Briggs and Torczon's sparse set).
class SparseSet {
 public:
  explicit SparseSet(uint32_t bound) : index_(bound) {}
  bool contains(uint32_t x) const { return index_[x] < dense_.size() && dense_[index_[x]] == x; }
  void insert(uint32_t x) {
    if (contains(x)) return;
    index_[x] = uint32_t(dense_.size());
    dense_.push_back(x);
  }
  void erase(uint32_t x) {
    if (!contains(x)) return;
    uint32_t last = dense_.back();
    dense_[index_[x]] = last;
    index_[last] = index_[x];
    dense_.pop_back();
  }
  void clear() { dense_.clear(); }
  const std::vector<uint32_t> &members() const { return dense_; }

 private:
  std::vector<uint32_t> index_, dense_;
};

}  // namespace bpf2arm::arm
