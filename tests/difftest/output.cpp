#include "output.h"

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>

namespace difftest {

namespace {

template <class T>
void put(std::string &out, T v) {
  out.append(reinterpret_cast<const char *>(&v), sizeof v);  // little-endian hosts only, like the objects
}

struct SectionHeader {
  uint32_t name, type;
  uint64_t flags, addr, offset, size;
  uint32_t link, info;
  uint64_t align, entsize;
};

}  // namespace

bool writeBpfObject(const std::string &path, const std::vector<std::pair<std::string, const Code *>> &functions) {
  constexpr uint32_t SHT_PROGBITS = 1, SHT_SYMTAB = 2, SHT_STRTAB = 3;
  constexpr uint64_t SHF_ALLOC = 2, SHF_EXECINSTR = 4;
  std::string text, strtab(1, '\0'), symtab, shstrtab(1, '\0');
  auto shname = [&](const char *n) {
    uint32_t at = uint32_t(shstrtab.size());
    shstrtab.append(n).push_back('\0');
    return at;
  };
  auto symbol = [&](uint32_t name, uint8_t info, uint16_t shndx, uint64_t value, uint64_t size) {
    put<uint32_t>(symtab, name);
    put<uint8_t>(symtab, info);
    put<uint8_t>(symtab, 0);
    put<uint16_t>(symtab, shndx);
    put<uint64_t>(symtab, value);
    put<uint64_t>(symtab, size);
  };
  symbol(0, 0, 0, 0, 0);
  symbol(0, 3 /* STB_LOCAL, STT_SECTION */, 1, 0, 0);
  for (const auto &[name, code] : functions) {
    uint32_t at = uint32_t(strtab.size());
    strtab.append(name).push_back('\0');
    symbol(at, 0x12 /* STB_GLOBAL, STT_FUNC */, 1, text.size(), code->size() * 8);
    for (const Insn &in : *code) {
      put<uint8_t>(text, in.opcode);
      put<uint8_t>(text, uint8_t(in.dst | in.src << 4));
      put<int16_t>(text, in.off);
      put<int32_t>(text, in.imm);
    }
  }
  std::vector<SectionHeader> sh(1, SectionHeader{});
  std::string file(64, '\0');
  auto add = [&](const char *name, uint32_t type, uint64_t flags, const std::string &data, uint32_t link,
                 uint32_t info, uint64_t align, uint64_t entsize) {
    while (file.size() % align) file.push_back('\0');
    sh.push_back({shname(name), type, flags, 0, file.size(), data.size(), link, info, align, entsize});
    file += data;
  };
  add(".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, text, 0, 0, 8, 0);
  add(".symtab", SHT_SYMTAB, 0, symtab, 3, 2, 8, 24);
  add(".strtab", SHT_STRTAB, 0, strtab, 0, 0, 1, 0);
  uint32_t shstrName = shname(".shstrtab");
  sh.push_back({shstrName, SHT_STRTAB, 0, 0, file.size(), shstrtab.size(), 0, 0, 1, 0});
  file += shstrtab;
  while (file.size() % 8) file.push_back('\0');
  uint64_t shoff = file.size();
  for (const SectionHeader &h : sh) {
    put(file, h.name); put(file, h.type); put(file, h.flags); put(file, h.addr); put(file, h.offset);
    put(file, h.size); put(file, h.link); put(file, h.info); put(file, h.align); put(file, h.entsize);
  }
  std::string header;
  header.append("\x7f" "ELF", 4);
  header.push_back(2);  // ELFCLASS64
  header.push_back(1);  // little endian
  header.push_back(1);  // EV_CURRENT
  header.append(9, '\0');
  put<uint16_t>(header, 1);    // ET_REL
  put<uint16_t>(header, 247);  // EM_BPF
  put<uint32_t>(header, 1);
  put<uint64_t>(header, 0);  // entry
  put<uint64_t>(header, 0);  // phoff
  put<uint64_t>(header, shoff);
  put<uint32_t>(header, 0);  // flags
  put<uint16_t>(header, 64);
  put<uint16_t>(header, 0);
  put<uint16_t>(header, 0);
  put<uint16_t>(header, 64);
  put<uint16_t>(header, uint16_t(sh.size()));
  put<uint16_t>(header, uint16_t(sh.size() - 1));
  file.replace(0, 64, header);
  std::ofstream f(path, std::ios::binary);
  f.write(file.data(), std::streamsize(file.size()));
  return bool(f);
}

namespace {

const char *aluName(uint8_t op, int16_t off) {
  switch (op) {
    case OP_ADD: return "add";
    case OP_SUB: return "sub";
    case OP_MUL: return "mul";
    case OP_DIV: return off == 1 ? "sdiv" : "div";
    case OP_OR: return "or";
    case OP_AND: return "and";
    case OP_LSH: return "lsh";
    case OP_RSH: return "rsh";
    case OP_MOD: return off == 1 ? "smod" : "mod";
    case OP_XOR: return "xor";
    case OP_MOV: return "mov";
    case OP_ARSH: return "arsh";
  }
  return "?";
}

const char *jumpName(uint8_t op) {
  switch (op) {
    case OP_JEQ: return "jeq";
    case OP_JGT: return "jgt";
    case OP_JGE: return "jge";
    case OP_JSET: return "jset";
    case OP_JNE: return "jne";
    case OP_JSGT: return "jsgt";
    case OP_JSGE: return "jsge";
    case OP_JLT: return "jlt";
    case OP_JLE: return "jle";
    case OP_JSLT: return "jslt";
    case OP_JSLE: return "jsle";
  }
  return "?";
}

const char *sizeSuffix(uint8_t size) {
  switch (size) {
    case SIZE_B: return "b";
    case SIZE_H: return "h";
    case SIZE_W: return "w";
    default: return "dw";
  }
}

std::string mem(int reg, int off) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "[%%r%d%c%d]", reg, off < 0 ? '-' : '+', off < 0 ? -off : off);
  return buf;
}

std::string r(int reg) { return "%r" + std::to_string(reg); }

}  // namespace

std::string assemblyText(const Code &code) {
  std::set<size_t> targets;
  for (size_t i = 0; i < code.size(); ++i) {
    const Insn &in = code[i];
    if (in.isJump()) targets.insert(size_t(int64_t(i) + 1 + in.jumpDelta()));
    if (in.isLocalCall()) targets.insert(size_t(int64_t(i) + 1 + in.imm));
    if (in.isLdImm64()) ++i;
  }
  auto label = [](size_t slot) { return "L" + std::to_string(slot); };
  std::string out;
  for (size_t i = 0; i < code.size(); ++i) {
    const Insn &in = code[i];
    if (targets.count(i)) out += label(i) + ":\n";
    std::string line;
    const uint8_t cls = in.cls(), op = in.op();
    const char *w32 = cls == ALU || cls == JMP32 ? "32" : "";
    if (cls == ALU || cls == ALU64) {
      if (op == OP_NEG) {
        line = std::string("neg") + w32 + " " + r(in.dst);
      } else if (op == OP_END) {
        const char *kind = cls == ALU64 ? "bswap" : (in.opcode & SRC_X) ? "be" : "le";
        line = kind + std::to_string(in.imm) + " " + r(in.dst);
      } else if (op == OP_MOV && in.off != 0) {
        line = "movsx" + std::to_string(in.off) + (cls == ALU ? "32 " : "64 ") + r(in.dst) + ", " + r(in.src);
      } else {
        line = std::string(aluName(op, in.off)) + w32 + " " + r(in.dst) + ", " +
               ((in.opcode & SRC_X) ? r(in.src) : std::to_string(in.imm));
      }
    } else if (cls == JMP || cls == JMP32) {
      if (in.isExit()) {
        line = "exit";
      } else if (in.isCall()) {
        line = in.src == CALL_LOCAL ? "call local " + label(size_t(int64_t(i) + 1 + in.imm))
                                    : "call " + std::to_string(in.imm);
      } else {
        std::string target = label(size_t(int64_t(i) + 1 + in.jumpDelta()));
        if (op == OP_JA) line = (cls == JMP32 ? "gotol " : "ja ") + target;
        else
          line = std::string(jumpName(op)) + w32 + " " + r(in.dst) + ", " +
                 ((in.opcode & SRC_X) ? r(in.src) : std::to_string(in.imm)) + ", " + target;
      }
    } else if (in.isLdImm64()) {
      char buf[64];
      uint64_t v = uint64_t(uint32_t(in.imm)) | uint64_t(uint32_t(code[i + 1].imm)) << 32;
      std::snprintf(buf, sizeof buf, "lddw %%r%d, 0x%016" PRIx64, in.dst, v);
      line = buf;
      ++i;
    } else {
      const uint8_t size = in.opcode & 0x18, mode = in.opcode & 0xe0;
      if (cls == LDX) {
        line = std::string("ldx") + (mode == MODE_MEMSX ? "s" : "") + sizeSuffix(size) + " " + r(in.dst) + ", " +
               mem(in.src, in.off);
      } else if (cls == ST) {
        line = std::string("st") + sizeSuffix(size) + " " + mem(in.dst, in.off) + ", " + std::to_string(in.imm);
      } else if (mode == MODE_ATOMIC) {
        const char *w = size == SIZE_W ? "32" : "";
        std::string name;
        if (in.imm == AT_XCHG) name = "xchg";
        else if (in.imm == AT_CMPXCHG) name = "cmpxchg";
        else name = std::string(in.imm & AT_FETCH ? "fetch " : "") + aluName(uint8_t(in.imm & ~AT_FETCH), 0);
        line = "lock " + name + w + " " + mem(in.dst, in.off) + ", " + r(in.src);
      } else {
        line = std::string("stx") + sizeSuffix(size) + " " + mem(in.dst, in.off) + ", " + r(in.src);
      }
    }
    out += line + "\n";
  }
  if (targets.count(code.size())) out += label(code.size()) + ":\n";
  return out;
}

bool writeDataFile(const std::string &path, const std::vector<std::string> &comments, const Program &program,
                   uint64_t result) {
  std::ofstream f(path);
  for (const std::string &c : comments) f << "# " << c << "\n";
  f << "-- asm\n" << assemblyText(program.code) << "-- mem\n";
  char buf[8];
  for (unsigned i = 0; i < kBufferSize; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", program.buffer[i]);
    f << buf << (i % 16 == 15 ? "\n" : " ");
  }
  char res[32];
  std::snprintf(res, sizeof res, "0x%016" PRIx64, result);
  f << "-- result\n" << res << "\n";
  return bool(f);
}

}  // namespace difftest
