#include "object_reader.h"

#include "identify_input.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <gelf.h>
#include <libelf.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace bpf2arm {

void BtfDeleter::operator()(struct btf *btf) const { btf__free(btf); }

SourcePosition BpfObject::positionAt(const std::string &section, uint64_t offset) const {
  auto sec = lines.find(section);
  if (sec == lines.end()) return {};
  auto it = sec->second.upper_bound(offset);
  if (it == sec->second.begin()) return {};
  return std::prev(it)->second;
}

namespace {

struct ElfCloser {
  void operator()(Elf *elf) const { elf_end(elf); }
};

// Sections that hold BPF global data or map definitions, as libbpf recognizes them, and
// the legacy `maps` section of struct bpf_map_def, which libbpf 1.x no longer opens: we
// read every section through libelf, so it needs nothing more than its name here.
bool isDataSectionName(const std::string &name) {
  auto is = [&](const char *prefix) {
    size_t n = std::strlen(prefix);
    return name == prefix || (name.compare(0, n, prefix) == 0 && name.size() > n && name[n] == '.');
  };
  return is(".data") || is(".rodata") || is(".bss") || name == ".maps" || name == "maps";
}

// libbpf reports details through a print callback; we keep the last warning for our one
// error message instead of letting it reach stderr on its own.
std::string &libbpfMessage() {
  static std::string last;
  return last;
}

int captureLibbpfPrint(enum libbpf_print_level level, const char *format, va_list args) {
  if (level == LIBBPF_DEBUG) return 0;
  char buf[256];
  int n = vsnprintf(buf, sizeof buf, format, args);
  std::string text = buf;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  if (text.rfind("libbpf: ", 0) == 0) text.erase(0, 8);
  libbpfMessage() = text;
  return n;
}

std::string elfError() { return elf_errmsg(-1) ? elf_errmsg(-1) : "unknown libelf error"; }

// .BTF.ext: a header {magic, version, flags, hdr_len, func_info_off, func_info_len,
// line_info_off, line_info_len}; each info block is a record size, then per section
// {name_off, count, records}. func_info records are {insn_off, type_id}; line_info
// records are {insn_off, file_name_off, line_off, line_col} with the line in line_col >> 10
// and the column in its low 10 bits.
template <typename OnRecord>
void readExtBlock(const uint8_t *data, size_t size, const struct btf *btf, size_t offsetField, uint32_t minRecord,
                  OnRecord onRecord) {
  auto u32 = [&](size_t at) {
    uint32_t v;
    std::memcpy(&v, data + at, 4);
    return v;
  };
  if (size < 24 || (data[0] | data[1] << 8) != 0xeB9F) return;
  uint32_t hdrLen = u32(4), blockOff = u32(offsetField), blockLen = u32(offsetField + 4);
  size_t pos = size_t(hdrLen) + blockOff, end = pos + blockLen;
  if (end > size || blockLen < 4) return;
  uint32_t recSize = u32(pos);
  pos += 4;
  if (recSize < minRecord) return;
  while (pos + 8 <= end) {
    const char *secName = btf__name_by_offset(btf, u32(pos));
    uint32_t count = u32(pos + 4);
    pos += 8;
    if (!secName || pos + size_t(count) * recSize > end) return;
    for (uint32_t i = 0; i < count; ++i, pos += recSize) onRecord(secName, pos, u32);
  }
}

void readLineInfo(const uint8_t *data, size_t size, const struct btf *btf, LineTable &out) {
  readExtBlock(data, size, btf, 16, 16, [&](const char *section, size_t at, auto u32) {
    const char *file = btf__name_by_offset(btf, u32(at + 4));
    uint32_t lineColumn = u32(at + 12), line = lineColumn >> 10;
    if (file && *file && line)
      out[section][u32(at)] = SourcePosition{std::string(file) + ":" + std::to_string(line), lineColumn & 0x3ff};
  });
}

void readFuncInfo(const uint8_t *data, size_t size, const struct btf *btf,
                  std::map<std::string, std::map<uint64_t, int>> &out) {
  readExtBlock(data, size, btf, 8, 8, [&](const char *section, size_t at, auto u32) {
    out[section][u32(at)] = int(u32(at + 4));
  });
}

// core_relo records (.BTF.ext header field 24, present when hdr_len >= 32) are {insn_off,
// type_id, access_str_off, kind}.
void readCoreRelocations(const uint8_t *data, size_t size, const struct btf *btf,
                         std::map<std::string, std::vector<CoreRelocation>> &out) {
  uint32_t hdrLen = 0;
  if (size >= 8) std::memcpy(&hdrLen, data + 4, 4);
  if (size < 32 || hdrLen < 32) return;
  readExtBlock(data, size, btf, 24, 16, [&](const char *section, size_t at, auto u32) {
    const char *access = btf__name_by_offset(btf, u32(at + 8));
    out[section].push_back(CoreRelocation{u32(at), u32(at + 4), access ? access : "", u32(at + 12)});
  });
}

constexpr uint64_t kMaxDataAlignment = 4096;  // see readObjectBytes
// A data section's size, as for a map's storage (emit_data.cpp): half the 32-bit address space.
constexpr uint64_t kMaxDataSize = uint64_t(1) << 31;

// `file` is a copy of its own: elf_memory takes a mutable buffer.
Expected<BpfObject> readObjectBytes(const std::string &path, std::vector<char> file) {
  if (std::string what = identifyNonBpfInput(file.data(), file.size()); !what.empty()) return error(what);
  if (file.size() < EI_NIDENT) return error("truncated ELF header");
  if (elf_version(EV_CURRENT) == EV_NONE) return error("libelf: " + elfError());
  std::unique_ptr<Elf, ElfCloser> elf(elf_memory(file.data(), file.size()));
  GElf_Ehdr ehdr;
  if (!elf || !gelf_getehdr(elf.get(), &ehdr)) return error("truncated or corrupt ELF header");
  if (ehdr.e_shoff + uint64_t(ehdr.e_shnum) * ehdr.e_shentsize > file.size())
    return error("truncated file: the section header table extends past its end");
  if (ehdr.e_type != ET_REL)
    return error("not a relocatable object (ELF type " + std::to_string(ehdr.e_type) +
                 "): bpf2arm compiles the .o that clang -c writes, not a linked file");

  size_t numSections = 0, strIndex = 0;
  if (elf_getshdrnum(elf.get(), &numSections) || elf_getshdrstrndx(elf.get(), &strIndex))
    return error("truncated or corrupt section table: " + elfError());

  BpfObject obj;
  obj.path = path;
  obj.sectionNames.resize(numSections);
  std::vector<Elf_Scn *> relSections;
  Elf_Scn *symtab = nullptr, *btfScn = nullptr, *btfExtScn = nullptr;
  for (size_t i = 1; i < numSections; ++i) {
    Elf_Scn *scn = elf_getscn(elf.get(), i);
    GElf_Shdr shdr;
    if (!scn || !gelf_getshdr(scn, &shdr)) return error("corrupt section header " + std::to_string(i));
    const char *name = elf_strptr(elf.get(), strIndex, shdr.sh_name);
    if (!name) return error("corrupt section name table");
    obj.sectionNames[i] = name;
    if (shdr.sh_type != SHT_NOBITS && shdr.sh_offset + shdr.sh_size > file.size())
      return error("truncated file: section " + obj.sectionNames[i] + " extends past its end");
    if (shdr.sh_type == SHT_SYMTAB) symtab = scn;
    else if (shdr.sh_type == SHT_REL) relSections.push_back(scn);
    else if (shdr.sh_type == SHT_RELA) return error("unsupported RELA relocation section " + obj.sectionNames[i]);
    else if (obj.sectionNames[i] == ".BTF") btfScn = scn;
    else if (obj.sectionNames[i] == ".BTF.ext") btfExtScn = scn;
    if (shdr.sh_type == SHT_PROGBITS && (shdr.sh_flags & SHF_EXECINSTR) && shdr.sh_size > 0) {
      Elf_Data *data = elf_getdata(scn, nullptr);
      if (!data || data->d_size != shdr.sh_size) return error("cannot read section " + obj.sectionNames[i]);
      if (shdr.sh_size % 8) return error("section " + obj.sectionNames[i] + ": size is not a multiple of 8 bytes");
      CodeSection code;
      code.index = i;
      code.name = obj.sectionNames[i];
      auto *bytes = static_cast<const uint8_t *>(data->d_buf);
      code.bytes.assign(bytes, bytes + data->d_size);
      obj.code.push_back(std::move(code));
    } else if ((shdr.sh_flags & SHF_ALLOC) && !(shdr.sh_flags & SHF_EXECINSTR) &&
               (shdr.sh_type == SHT_PROGBITS || shdr.sh_type == SHT_NOBITS) && isDataSectionName(obj.sectionNames[i])) {
      DataSectionIn sec;
      sec.index = unsigned(i);
      sec.name = obj.sectionNames[i];
      sec.writable = (shdr.sh_flags & SHF_WRITE) != 0;
      sec.zeroFill = shdr.sh_type == SHT_NOBITS;
      sec.size = shdr.sh_size;
      sec.align = shdr.sh_addralign ? shdr.sh_addralign : 1;
      if (sec.align & (sec.align - 1))
        return error("section " + sec.name + " has alignment " + std::to_string(sec.align) + ", not a power of two");
      // A loader aligns a global data section to a page at most (libbpf maps it as an array
      // map's value), and the ARM object's file is padded to every section's alignment: a
      // larger one is meaningless and would make the output that large.
      if (sec.align > kMaxDataAlignment)
        return error("section " + sec.name + " has alignment " + std::to_string(sec.align) + "; global data can have " +
                     std::to_string(kMaxDataAlignment) + " (a page) at most");
      if (sec.size > kMaxDataSize)
        return error("section " + sec.name + " has " + std::to_string(sec.size) + " bytes, more than the " +
                     std::to_string(kMaxDataSize) + " bpf2arm places in one section of a 32-bit device");
      if (!sec.zeroFill && shdr.sh_size) {
        Elf_Data *data = elf_getdata(scn, nullptr);
        if (!data || data->d_size != shdr.sh_size) return error("cannot read section " + sec.name);
        auto *bytes = static_cast<const uint8_t *>(data->d_buf);
        sec.bytes.assign(bytes, bytes + data->d_size);
      }
      // The ARM object's .bss sections are zero-filled (SHT_NOBITS) whatever the input says.
      const bool bssName = sec.name == ".bss" || sec.name.rfind(".bss.", 0) == 0;
      if (bssName && !sec.zeroFill) {
        if (std::any_of(sec.bytes.begin(), sec.bytes.end(), [](uint8_t b) { return b != 0; }))
          return error("section " + sec.name + " holds data that is not zero, but a .bss section is zero-filled "
                       "(SHT_NOBITS)");
        sec.zeroFill = true;
        sec.bytes.clear();
      }
      obj.data.push_back(std::move(sec));
    }
  }

  if (symtab) {
    GElf_Shdr shdr;
    gelf_getshdr(symtab, &shdr);
    Elf_Data *data = elf_getdata(symtab, nullptr);
    if (!data || shdr.sh_entsize == 0) return error("cannot read the symbol table");
    size_t count = shdr.sh_size / shdr.sh_entsize;
    for (size_t i = 0; i < count; ++i) {
      GElf_Sym sym;
      if (!gelf_getsym(data, int(i), &sym)) return error("corrupt symbol " + std::to_string(i));
      const char *name = elf_strptr(elf.get(), shdr.sh_link, sym.st_name);
      ElfSymbol s;
      s.name = name ? name : "";
      s.section = sym.st_shndx;
      s.value = sym.st_value;
      s.size = sym.st_size;
      s.type = GELF_ST_TYPE(sym.st_info);
      s.bind = GELF_ST_BIND(sym.st_info);
      if (s.type == STT_SECTION && s.section < numSections) s.name = obj.sectionNames[s.section];
      obj.symbols.push_back(std::move(s));
    }
  }

  for (Elf_Scn *scn : relSections) {
    GElf_Shdr shdr;
    gelf_getshdr(scn, &shdr);
    std::vector<CodeRelocation> *relocations = nullptr;
    std::string targetName;
    size_t targetSize = 0;
    for (CodeSection &c : obj.code)
      if (c.index == shdr.sh_info) relocations = &c.relocations, targetName = c.name, targetSize = c.bytes.size();
    for (DataSectionIn &d : obj.data)
      if (d.index == shdr.sh_info) relocations = &d.relocations, targetName = d.name, targetSize = d.size;
    if (!relocations) continue;  // relocations of BTF or debug info
    Elf_Data *data = elf_getdata(scn, nullptr);
    if (!data || shdr.sh_entsize == 0) return error("cannot read relocations of " + targetName);
    size_t count = shdr.sh_size / shdr.sh_entsize;
    for (size_t i = 0; i < count; ++i) {
      GElf_Rel rel;
      if (!gelf_getrel(data, int(i), &rel)) return error("corrupt relocation in " + targetName);
      CodeRelocation r{rel.r_offset, uint32_t(GELF_R_TYPE(rel.r_info)), uint32_t(GELF_R_SYM(rel.r_info))};
      if (r.symbol >= obj.symbols.size())
        return error("relocation in " + targetName + " names symbol " + std::to_string(r.symbol) + " that does not exist");
      if (r.offset % 8 || r.offset + 8 > targetSize)
        return error("relocation in " + targetName + " at offset " + std::to_string(r.offset) + " is outside the section");
      relocations->push_back(r);
    }
    std::sort(relocations->begin(), relocations->end(),
              [](const CodeRelocation &a, const CodeRelocation &b) { return a.offset < b.offset; });
  }

  if (btfScn) {
    Elf_Data *data = elf_getdata(btfScn, nullptr);
    if (!data) return error("cannot read .BTF");
    libbpf_set_print(captureLibbpfPrint);
    libbpfMessage().clear();
    struct btf *btf = btf__new(data->d_buf, uint32_t(data->d_size));
    if (!btf) return error("corrupt .BTF section" + (libbpfMessage().empty() ? "" : ": " + libbpfMessage()));
    obj.btf.reset(btf);
    if (btfExtScn) {
      Elf_Data *ext = elf_getdata(btfExtScn, nullptr);
      if (ext) {
        readLineInfo(static_cast<const uint8_t *>(ext->d_buf), ext->d_size, btf, obj.lines);
        readFuncInfo(static_cast<const uint8_t *>(ext->d_buf), ext->d_size, btf, obj.funcTypes);
        readCoreRelocations(static_cast<const uint8_t *>(ext->d_buf), ext->d_size, btf, obj.coreRelocations);
      }
    }
  }
  return obj;
}

}  // namespace

Expected<BpfObject> readBpfObject(const std::string &path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return error("cannot read file: it is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) return error("cannot open file: " + std::string(std::strerror(errno)));
  std::vector<char> file;
  try {  // libstdc++ reports a failing read(2) by throwing, whatever the stream's mask
    // In blocks through the stream buffer: an istreambuf_iterator costs a call per byte
    // (a tenth of a second on a large object), and a pipe has no size to ask for first.
    constexpr size_t kBlock = 1 << 16;
    for (std::streamsize got = 1; got > 0;) {
      const size_t had = file.size();
      file.resize(had + kBlock);
      got = in.rdbuf()->sgetn(file.data() + had, std::streamsize(kBlock));
      file.resize(had + size_t(std::max<std::streamsize>(got, 0)));
    }
  } catch (const std::ios_base::failure &) {
    return error("cannot read file");
  }

  return readObjectBytes(path, std::move(file));
}

Expected<BpfObject> readBpfObjectFromBytes(const std::string &path, const char *bytes, size_t size) {
  return readObjectBytes(path, std::vector<char>(bytes, bytes + size));
}

std::string dumpObject(const BpfObject &obj) {
  std::string out = "object " + obj.path + (obj.btf ? " (BTF)" : " (no BTF)") + "\n";
  for (const CodeSection &c : obj.code) {
    out += "  code " + c.name + ": " + std::to_string(c.bytes.size() / 8) + " insns, " +
           std::to_string(c.relocations.size()) + " relocations\n";
    for (const CodeRelocation &r : c.relocations)
      out += "    insn " + std::to_string(r.offset / 8) + ": type " + std::to_string(r.type) + " -> " +
             obj.symbols[r.symbol].name + "\n";
  }
  for (const DataSectionIn &d : obj.data)
    out += "  data " + d.name + ": " + std::to_string(d.size) + " bytes" + (d.writable ? "" : ", read-only") +
           (d.zeroFill ? ", zero-filled" : "") + "\n";
  for (const ElfSymbol &s : obj.symbols)
    if (s.type == STT_FUNC || s.type == STT_OBJECT)
      out += std::string("  symbol ") + (s.type == STT_FUNC ? "function " : "object ") + s.name + " in " +
             obj.sectionName(s.section) + "+" + std::to_string(s.value) + "\n";
  return out;
}

}  // namespace bpf2arm
