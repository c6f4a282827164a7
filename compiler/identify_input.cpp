#include "identify_input.h"

#include <elf.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace bpf2arm {
namespace {

// e_machine, in the byte order EI_DATA gives (the caller checked EI_NIDENT + 4 bytes).
unsigned machineOf(const char *bytes) {
  auto b = [&](size_t i) { return unsigned(static_cast<unsigned char>(bytes[i])); };
  return bytes[EI_DATA] == ELFDATA2MSB ? b(18) << 8 | b(19) : b(18) | b(19) << 8;
}

bool isLittleEndianBpfElf(const char *bytes, size_t size) {
  return size >= 20 && std::memcmp(bytes, ELFMAG, SELFMAG) == 0 && bytes[EI_DATA] == ELFDATA2LSB &&
         machineOf(bytes) == EM_BPF;
}

// The members of a System V / GNU `ar` archive that are BPF objects, by name. Names are
// "name/" (GNU), "/N" (offset N in the "//" table of long names), or "#1/N" (BSD: the N
// name bytes start the member). Reading stops at the first header that does not parse.
std::vector<std::string> bpfMembersOfArchive(const char *bytes, size_t size) {
  std::vector<std::string> members;
  std::string longNames;
  for (size_t at = 8; at + 60 <= size;) {
    const char *header = bytes + at;
    if (header[58] != '`' || header[59] != '\n') break;
    std::string name(header, 16), sizeText(header + 48, 10);
    char *end = nullptr;
    unsigned long long memberSize = std::strtoull(sizeText.c_str(), &end, 10);
    if (end == sizeText.c_str() || memberSize > size - at - 60) break;
    const char *data = header + 60;
    size_t dataSize = size_t(memberSize);
    while (!name.empty() && name.back() == ' ') name.pop_back();
    if (name == "//") {
      longNames.assign(data, dataSize);
    } else if (name.size() > 1 && name[0] == '/' && name.find_first_not_of("0123456789", 1) == std::string::npos) {
      size_t offset = std::strtoull(name.c_str() + 1, nullptr, 10);
      name = offset < longNames.size() ? longNames.substr(offset, longNames.find('\n', offset) - offset) : "";
    } else if (name.rfind("#1/", 0) == 0) {
      size_t length = std::strtoull(name.c_str() + 3, nullptr, 10);
      if (length > dataSize) break;
      name.assign(data, length);
      name = name.c_str();  // BSD pads the name with NULs
      data += length, dataSize -= length;
    }
    if (!name.empty() && name.back() == '/' && name != "/") name.pop_back();
    if (name != "/" && name != "//" && name != "/SYM64" && isLittleEndianBpfElf(data, dataSize))
      members.push_back(name);
    at += 60 + size_t(memberSize) + (memberSize & 1);
  }
  return members;
}

std::string archiveMessage(const char *bytes, size_t size) {
  std::vector<std::string> members = bpfMembersOfArchive(bytes, size);
  std::string message = "a static archive (ar), not a BPF object: bpf2arm compiles one object at a time; extract the "
                        "members (ar x ARCHIVE) and compile each";
  if (members.empty()) return message + " (none of its members is a BPF object)";
  message += " (BPF objects in it: ";
  for (size_t i = 0; i < members.size() && i < 4; ++i) message += (i ? ", " : "") + members[i];
  if (members.size() > 4) message += " and " + std::to_string(members.size() - 4) + " more";
  return message + ")";
}

}  // namespace

std::string elfMachineName(unsigned machine) {
  switch (machine) {
    case EM_386: return "i386";
    case EM_X86_64: return "x86-64";
    case EM_ARM: return "ARM";
    case EM_AARCH64: return "AArch64";
    case EM_RISCV: return "RISC-V";
    case EM_MIPS: return "MIPS";
    case EM_PPC: return "PowerPC";
    case EM_PPC64: return "PowerPC64";
    case EM_S390: return "s390";
    case EM_SPARC: return "SPARC";
    case EM_SPARCV9: return "SPARC V9";
    case EM_AVR: return "AVR";
    case EM_MSP430: return "MSP430";
    case EM_XTENSA: return "Xtensa";
    case 258: return "LoongArch";  // EM_LOONGARCH, newer than some <elf.h>
    case EM_BPF: return "BPF";
  }
  return "ELF machine " + std::to_string(machine);
}

std::string identifyNonBpfInput(const char *bytes, size_t size) {
  if (size >= 8 && std::memcmp(bytes, "!<arch>\n", 8) == 0) return archiveMessage(bytes, size);
  if (size >= 8 && std::memcmp(bytes, "!<thin>\n", 8) == 0)
    return "a thin static archive (ar), not a BPF object: compile its member objects one by one";
  if (size < SELFMAG || std::memcmp(bytes, ELFMAG, SELFMAG) != 0) return "not an ELF file";
  if (size < 20) return "truncated ELF header";
  const unsigned machine = machineOf(bytes);
  const bool bigEndian = bytes[EI_DATA] == ELFDATA2MSB;
  // A bpfeb object, or a little-endian one whose EI_DATA alone says big-endian.
  const unsigned swapped = (machine >> 8 | machine << 8) & 0xffff;
  if (bigEndian && (machine == EM_BPF || swapped == EM_BPF))
    return "a big-endian BPF object (clang -target bpfeb): bpf2arm reads little-endian BPF; compile with "
           "-target bpfel (or -target bpf on a little-endian machine)";
  if (machine == EM_BPF && bytes[EI_CLASS] != ELFCLASS64) return "a BPF object that is not a 64-bit ELF file";
  if (machine == EM_BPF && bytes[EI_DATA] != ELFDATA2LSB) return "a BPF object with an unknown byte order";
  if (machine != EM_BPF) {
    const std::string what = machine == EM_NONE ? "an ELF file for no machine" : "an ELF file for " + elfMachineName(machine);
    if (machine == EM_ARM)
      return what + ", not a BPF object: bpf2arm compiles BPF objects (clang -target bpf) into ARM ones; this one is ARM "
                    "already";
    return what + ", not a BPF object (compile the BPF program with clang -target bpf)";
  }
  return "";
}

}  // namespace bpf2arm
