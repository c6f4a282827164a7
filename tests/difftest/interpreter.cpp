#include "interpreter.h"

#include <cstring>
#include <vector>

namespace difftest {

// The helpers' C definitions, compiled here for the host exactly as the harness compiles
// them for ARM.
extern "C" {
#include "helpers.inc"
}

namespace {

// A register's value with what it is: a scalar, a pointer into a region (then `v` is the
// offset inside it), or never written.
constexpr int kUndefined = -2, kScalar = -1, kBufferRegion = 0;  // stack frame k is region k + 1

struct Value {
  uint64_t v = 0;
  int kind = kUndefined;
  bool isPointer() const { return kind >= 0; }
};

Value scalar(uint64_t v) { return {v, kScalar}; }

struct Frame {
  size_t returnSlot;
  Value saved[4];  // R6..R9
  Value r10;
};

uint64_t swapBytes(uint64_t v, unsigned bits) {
  uint64_t out = 0;
  for (unsigned i = 0; i < bits / 8; ++i) out |= ((v >> (8 * i)) & 0xff) << (bits - 8 - 8 * i);
  return out;
}

uint64_t lowBits(uint64_t v, unsigned bits) { return bits == 64 ? v : v & ((uint64_t(1) << bits) - 1); }

int64_t signExtend(uint64_t v, unsigned bits) {
  unsigned shift = 64 - bits;
  return int64_t(v << shift) >> shift;
}

class Machine {
 public:
  Machine(const Program &p, const Limits &l) : prog_(p), limits_(l) {}

  Outcome run() {
    Outcome out;
    out.buffer = prog_.buffer;
    buffer_ = out.buffer.data();
    reg_[1] = {0, kBufferRegion};
    for (int i = 0; i < 4; ++i) reg_[2 + i] = scalar(prog_.args[size_t(i)]);
    pushFrame();
    std::string why = execute(out);
    if (!why.empty()) {
      out.valid = false;
      out.why = "slot " + std::to_string(pc_) + ": " + why;
    } else {
      out.valid = true;
    }
    out.steps = steps_;
    return out;
  }

 private:
  const Program &prog_;
  Limits limits_;
  Value reg_[11];
  std::vector<Frame> frames_;
  std::vector<std::array<uint8_t, kStackSize>> stack_;
  std::vector<std::array<bool, kStackSize>> written_;
  uint8_t *buffer_ = nullptr;
  size_t pc_ = 0;
  uint64_t steps_ = 0;

  void pushFrame() {
    stack_.emplace_back();
    written_.emplace_back();
    written_.back().fill(false);
    reg_[10] = {kStackSize, int(stack_.size())};
  }

  // Reads a scalar operand; "" or the reason it is not one.
  std::string readScalar(int r, uint64_t &v) {
    const Value &x = reg_[r];
    if (x.kind == kUndefined) return "r" + std::to_string(r) + " is read before it is written";
    if (x.isPointer()) return "pointer r" + std::to_string(r) + " used as a scalar";
    v = x.v;
    return "";
  }

  // The bytes at pointer `base` + off, checked for bounds and natural alignment.
  std::string locate(int baseReg, int16_t off, unsigned size, uint8_t *&bytes, bool *&written) {
    const Value &base = reg_[baseReg];
    if (!base.isPointer()) return "memory access through non-pointer r" + std::to_string(baseReg);
    int64_t at = int64_t(base.v) + off;
    unsigned limit = base.kind == kBufferRegion ? kBufferSize : kStackSize;
    if (at < 0 || at + size > limit) return "memory access outside its region (offset " + std::to_string(at) + ")";
    if (at % size) return "misaligned " + std::to_string(size) + "-byte access";
    if (base.kind == kBufferRegion) {
      bytes = buffer_ + at;
      written = nullptr;
    } else {
      size_t frame = size_t(base.kind - 1);
      if (frame >= stack_.size()) return "pointer into a frame that has returned";
      bytes = stack_[frame].data() + at;
      written = written_[frame].data() + at;
    }
    return "";
  }

  std::string load(int baseReg, int16_t off, unsigned size, uint64_t &v) {
    v = 0;
    uint8_t *bytes;
    bool *written;
    if (std::string why = locate(baseReg, off, size, bytes, written); !why.empty()) return why;
    if (written)
      for (unsigned i = 0; i < size; ++i)
        if (!written[i]) return "stack byte read before it is written";
    v = 0;
    for (unsigned i = 0; i < size; ++i) v |= uint64_t(bytes[i]) << (8 * i);
    return "";
  }

  std::string store(int baseReg, int16_t off, unsigned size, uint64_t v) {
    uint8_t *bytes;
    bool *written;
    if (std::string why = locate(baseReg, off, size, bytes, written); !why.empty()) return why;
    for (unsigned i = 0; i < size; ++i) {
      bytes[i] = uint8_t(v >> (8 * i));
      if (written) written[i] = true;
    }
    return "";
  }

  std::string alu(const Insn &in);
  std::string jump(const Insn &in, bool &taken);
  std::string memory(const Insn &in);
  std::string atomic(const Insn &in);
  std::string callHelper(int id);
  std::string execute(Outcome &out);
};

std::string Machine::alu(const Insn &in) {
  const bool wide = in.cls() == ALU64;
  const unsigned bits = wide ? 64 : 32;
  const uint8_t op = in.op();
  if (in.dst == R10) return "write to r10";
  Value &dst = reg_[in.dst];
  if (op == OP_END) {
    uint64_t a;
    if (std::string why = readScalar(in.dst, a); !why.empty()) return why;
    if (in.imm != 16 && in.imm != 32 && in.imm != 64) return "bad byte swap width";
    unsigned w = unsigned(in.imm);
    bool swap = wide || (in.opcode & SRC_X);  // ALU64: bswap; ALU: be on a little-endian machine
    if (wide && (in.opcode & SRC_X)) return "bswap with the source bit set";
    dst = scalar(swap ? swapBytes(lowBits(a, w), w) : lowBits(a, w));
    return "";
  }
  // Pointer arithmetic allowed: copies (64-bit mov) and adding a constant.
  if (op == OP_MOV && wide && in.off == 0 && (in.opcode & SRC_X)) {
    if (reg_[in.src].kind == kUndefined) return "r" + std::to_string(in.src) + " is read before it is written";
    dst = reg_[in.src];
    return "";
  }
  if (op == OP_ADD && wide && !(in.opcode & SRC_X) && dst.isPointer()) {
    dst.v += uint64_t(int64_t(in.imm));
    return "";
  }
  uint64_t a = 0, b;
  if (op != OP_MOV)
    if (std::string why = readScalar(in.dst, a); !why.empty()) return why;
  if (in.opcode & SRC_X) {
    if (std::string why = readScalar(in.src, b); !why.empty()) return why;
  } else {
    b = wide ? uint64_t(int64_t(in.imm)) : uint64_t(uint32_t(in.imm));
  }
  a = lowBits(a, bits);
  b = lowBits(b, bits);
  const bool isSigned = in.off == 1;
  uint64_t r;
  switch (op) {
    case OP_ADD: r = a + b; break;
    case OP_SUB: r = a - b; break;
    case OP_MUL: r = a * b; break;
    case OP_OR: r = a | b; break;
    case OP_AND: r = a & b; break;
    case OP_XOR: r = a ^ b; break;
    case OP_LSH: r = a << (b & (bits - 1)); break;
    case OP_RSH: r = a >> (b & (bits - 1)); break;
    case OP_ARSH: r = uint64_t(signExtend(a, bits) >> (b & (bits - 1))); break;
    case OP_NEG: r = 0 - a; break;
    case OP_DIV:
    case OP_MOD: {
      // RFC 9669 4.1: x / 0 = 0, x % 0 = x; signed overflow (MIN / -1) wraps to MIN, MIN % -1 = 0.
      const bool div = op == OP_DIV;
      if (b == 0) {
        r = div ? 0 : a;
      } else if (!isSigned) {
        r = div ? a / b : a % b;
      } else {
        int64_t sa = signExtend(a, bits), sb = signExtend(b, bits);
        int64_t minimum = bits == 64 ? INT64_MIN : INT32_MIN;
        if (sa == minimum && sb == -1)
          r = div ? uint64_t(minimum) : 0;
        else
          r = uint64_t(div ? sa / sb : sa % sb);
      }
      break;
    }
    case OP_MOV:
      if (in.off == 0) r = b;
      else r = uint64_t(signExtend(b, unsigned(in.off)));  // movsx 8/16/32
      break;
    default:
      return "unknown arithmetic operation";
  }
  dst = scalar(lowBits(r, bits));
  return "";
}

std::string Machine::jump(const Insn &in, bool &taken) {
  const bool wide = in.cls() == JMP;
  const unsigned bits = wide ? 64 : 32;
  uint64_t a, b;
  if (std::string why = readScalar(in.dst, a); !why.empty()) return "compare: " + why;
  if (in.opcode & SRC_X) {
    if (std::string why = readScalar(in.src, b); !why.empty()) return "compare: " + why;
  } else {
    b = uint64_t(int64_t(in.imm));
  }
  a = lowBits(a, bits);
  b = lowBits(b, bits);
  int64_t sa = signExtend(a, bits), sb = signExtend(b, bits);
  switch (in.op()) {
    case OP_JEQ: taken = a == b; break;
    case OP_JNE: taken = a != b; break;
    case OP_JGT: taken = a > b; break;
    case OP_JGE: taken = a >= b; break;
    case OP_JLT: taken = a < b; break;
    case OP_JLE: taken = a <= b; break;
    case OP_JSET: taken = (a & b) != 0; break;
    case OP_JSGT: taken = sa > sb; break;
    case OP_JSGE: taken = sa >= sb; break;
    case OP_JSLT: taken = sa < sb; break;
    case OP_JSLE: taken = sa <= sb; break;
    default: return "unknown jump";
  }
  return "";
}

std::string Machine::atomic(const Insn &in) {
  const unsigned size = sizeBytes(in.opcode & 0x18);
  if (size != 4 && size != 8) return "atomic of size " + std::to_string(size);
  uint64_t src = 0, old = 0;
  if (std::string why = readScalar(in.src, src); !why.empty()) return why;
  if (std::string why = load(in.dst, in.off, size, old); !why.empty()) return why;
  const unsigned bits = size * 8;
  uint64_t result;
  switch (in.imm) {
    case AT_CMPXCHG: {
      uint64_t expected;
      if (std::string why = readScalar(R0, expected); !why.empty()) return why;
      result = old == lowBits(expected, bits) ? src : old;
      reg_[R0] = scalar(old);
      return store(in.dst, in.off, size, result);
    }
    case AT_XCHG:
      reg_[in.src] = scalar(old);
      return store(in.dst, in.off, size, src);
    default:
      break;
  }
  switch (in.imm & ~AT_FETCH) {
    case AT_ADD: result = old + src; break;
    case AT_OR: result = old | src; break;
    case AT_AND: result = old & src; break;
    case AT_XOR: result = old ^ src; break;
    default: return "unknown atomic operation";
  }
  if (in.imm & AT_FETCH) reg_[in.src] = scalar(old);
  return store(in.dst, in.off, size, result);
}

std::string Machine::memory(const Insn &in) {
  const unsigned size = sizeBytes(in.opcode & 0x18);
  const uint8_t mode = in.opcode & 0xe0;
  switch (in.cls()) {
    case LDX: {
      if (in.dst == R10) return "write to r10";
      uint64_t v;
      if (std::string why = load(in.src, in.off, size, v); !why.empty()) return why;
      if (mode == MODE_MEMSX) v = uint64_t(signExtend(v, size * 8));
      else if (mode != MODE_MEM) return "unknown load mode";
      reg_[in.dst] = scalar(v);
      return "";
    }
    case ST:
      if (mode != MODE_MEM) return "unknown store mode";
      return store(in.dst, in.off, size, uint64_t(int64_t(in.imm)));
    case STX: {
      if (mode == MODE_ATOMIC) return atomic(in);
      if (mode != MODE_MEM) return "unknown store mode";
      uint64_t v;
      if (std::string why = readScalar(in.src, v); !why.empty()) return "store: " + why;
      return store(in.dst, in.off, size, v);
    }
  }
  return "unknown memory instruction";
}

std::string Machine::callHelper(int id) {
  const HelperSpec *spec = nullptr;
  for (const HelperSpec &h : kHelpers)
    if (h.id == id) spec = &h;
  if (!spec) return "unknown helper " + std::to_string(id);
  uint64_t a[5] = {};
  for (unsigned i = 0; i < spec->params; ++i)
    if (std::string why = readScalar(int(1 + i), a[i]); !why.empty()) return "helper argument: " + why;
  // Arguments converted to the parameter types and the result to 64 bits, as C does.
  uint64_t r0;
  switch (id) {
    case 200: r0 = dt_mix64(a[0], uint32_t(a[1]), a[2], int16_t(a[3]), uint8_t(a[4])); break;
    case 201: r0 = uint64_t(int64_t(dt_mix32(int8_t(a[0]), uint16_t(a[1]), int32_t(a[2]), uint32_t(a[3]), int64_t(a[4])))); break;
    case 202: r0 = dt_narrow(a[0], int32_t(a[1])); break;
    case 203: r0 = uint64_t(dt_signed(int64_t(a[0]), a[1])); break;
    case 204: r0 = uint64_t(int64_t(dt_s16(uint32_t(a[0]), a[1], uint16_t(a[2])))); break;
    case 205: r0 = dt_u32(uint32_t(a[0]), uint32_t(a[1]), uint32_t(a[2]), uint32_t(a[3])); break;
    default: return "helper without a model";
  }
  reg_[R0] = scalar(r0);
  for (int r = 1; r <= 5; ++r) reg_[r] = Value{};
  return "";
}

std::string Machine::execute(Outcome &out) {
  const Code &code = prog_.code;
  for (;;) {
    if (++steps_ > limits_.maxSteps) return "step budget exhausted";
    if (pc_ >= code.size()) return "execution left the code";
    const Insn &in = code[pc_];
    if (limits_.slotCounts) {
      limits_.slotCounts->resize(code.size());
      ++(*limits_.slotCounts)[pc_];
    }
    if (in.dst > R10 || in.src > R10) return "register number out of range";
    switch (in.cls()) {
      case ALU:
      case ALU64:
        if (std::string why = alu(in); !why.empty()) return why;
        ++pc_;
        continue;
      case LD:
        if (!in.isLdImm64() || in.src != 0 || pc_ + 1 >= code.size()) return "unsupported LD instruction";
        if (in.dst == R10) return "write to r10";
        reg_[in.dst] = scalar(uint64_t(uint32_t(in.imm)) | uint64_t(uint32_t(code[pc_ + 1].imm)) << 32);
        pc_ += 2;
        continue;
      case LDX:
      case ST:
      case STX:
        if (std::string why = memory(in); !why.empty()) return why;
        ++pc_;
        continue;
      default:
        break;
    }
    // JMP and JMP32.
    if (in.isExit()) {
      uint64_t r0;
      if (std::string why = readScalar(R0, r0); !why.empty()) return "exit: " + why;
      if (frames_.empty()) {
        out.r0 = r0;
        return "";
      }
      const Frame &f = frames_.back();
      pc_ = f.returnSlot;
      for (int i = 0; i < 4; ++i) reg_[6 + i] = f.saved[i];
      reg_[10] = f.r10;
      for (int r = 1; r <= 5; ++r) reg_[r] = Value{};
      frames_.pop_back();
      stack_.pop_back();
      written_.pop_back();
      continue;
    }
    if (in.isCall()) {
      if (in.src == CALL_HELPER) {
        if (std::string why = callHelper(in.imm); !why.empty()) return why;
        ++pc_;
        continue;
      }
      if (in.src != CALL_LOCAL) return "unsupported call";
      if (frames_.size() + 1 >= limits_.maxDepth) return "calls nested too deep";
      Frame f;
      f.returnSlot = pc_ + 1;
      for (int i = 0; i < 4; ++i) f.saved[i] = reg_[6 + i];
      f.r10 = reg_[10];
      frames_.push_back(f);
      pushFrame();
      pc_ = size_t(int64_t(pc_) + 1 + in.imm);
      continue;
    }
    if (!in.isJump()) return "unknown jump instruction";
    bool taken = true;
    if (in.op() != OP_JA)
      if (std::string why = jump(in, taken); !why.empty()) return why;
    pc_ = size_t(int64_t(pc_) + 1 + (taken ? in.jumpDelta() : 0));
  }
}

}  // namespace

Outcome interpret(const Program &program, const Limits &limits) {
  Machine m(program, limits);
  return m.run();
}

}  // namespace difftest
