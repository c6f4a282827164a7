// Helpers of the golden encoding tests (test_encoding.cpp for A32, test_encoding_thumb.cpp
// for T32): the bytes LLVM's code emitter gives for the MCInsts an assembler operation
// builds, and the bytes LLVM's assembly parser gives for a text, in-process (the parser
// is an independent path through LLVM: it picks opcodes and orders operands itself).
#pragma once

#include <doctest/doctest.h>
#include <gelf.h>
#include <libelf.h>

#include <llvm/MC/MCAsmBackend.h>
#include <llvm/MC/MCCodeEmitter.h>
#include <llvm/MC/MCFixup.h>
#include <llvm/MC/MCObjectFileInfo.h>
#include <llvm/MC/MCObjectWriter.h>
#include <llvm/MC/MCParser/MCAsmParser.h>
#include <llvm/MC/MCParser/MCTargetAsmParser.h>
#include <llvm/MC/MCTargetOptions.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/SourceMgr.h>
#include <llvm/Support/raw_ostream.h>

#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "backend-arm32/assembler.h"

namespace encoding_test {

using bpf2arm::arm::ArmTarget;
using bpf2arm::arm::Assembler;

inline std::string hex(const std::vector<uint8_t> &bytes) {
  std::string s;
  char buf[4];
  for (uint8_t b : bytes) {
    snprintf(buf, sizeof buf, "%02x ", b);
    s += buf;
  }
  return s;
}

// Calls visit(elf, section, header, name) for each section of an ELF object in memory.
template <typename Visit>
void forEachSection(std::string &object, Visit visit) {
  elf_version(EV_CURRENT);
  Elf *elf = elf_memory(object.data(), object.size());
  REQUIRE(elf);
  size_t names = 0;
  elf_getshdrstrndx(elf, &names);
  for (Elf_Scn *scn = nullptr; (scn = elf_nextscn(elf, scn));) {
    GElf_Shdr header;
    gelf_getshdr(scn, &header);
    visit(elf, scn, header, std::string(elf_strptr(elf, names, header.sh_name)));
  }
  elf_end(elf);
}

// The bytes of section `name` (empty when absent).
inline std::vector<uint8_t> sectionBytes(std::string &object, const char *name) {
  std::vector<uint8_t> bytes;
  forEachSection(object, [&](Elf *, Elf_Scn *scn, const GElf_Shdr &, const std::string &section) {
    Elf_Data *data = elf_getdata(scn, nullptr);
    if (section == name && data && data->d_buf)
      bytes.assign(static_cast<uint8_t *>(data->d_buf), static_cast<uint8_t *>(data->d_buf) + data->d_size);
  });
  return bytes;
}

// The relocation types of section `.rel<name>`, in order.
inline std::vector<unsigned> relocationTypes(std::string &object, const char *name) {
  std::vector<unsigned> types;
  forEachSection(object, [&](Elf *, Elf_Scn *scn, const GElf_Shdr &header, const std::string &section) {
    if (header.sh_type != SHT_REL || section != std::string(".rel") + name) return;
    Elf_Data *data = elf_getdata(scn, nullptr);
    for (size_t i = 0; data && i < header.sh_size / header.sh_entsize; ++i) {
      GElf_Rel rel;
      gelf_getrel(data, int(i), &rel);
      types.push_back(unsigned(GELF_R_TYPE(rel.r_info)));
    }
  });
  return types;
}

// The value of each symbol, by name (a name that repeats keeps its last value).
inline std::map<std::string, uint64_t> symbolValues(std::string &object) {
  std::map<std::string, uint64_t> values;
  forEachSection(object, [&](Elf *elf, Elf_Scn *scn, const GElf_Shdr &header, const std::string &) {
    if (header.sh_type != SHT_SYMTAB) return;
    Elf_Data *data = elf_getdata(scn, nullptr);
    for (size_t i = 0; data && i < header.sh_size / header.sh_entsize; ++i) {
      GElf_Sym sym;
      gelf_getsym(data, int(i), &sym);
      values[elf_strptr(elf, header.sh_link, sym.st_name)] = sym.st_value;
    }
  });
  return values;
}

struct Encoder {
  std::unique_ptr<ArmTarget> target;
  std::unique_ptr<llvm::MCContext> ctx;
  std::unique_ptr<llvm::MCCodeEmitter> emitter;

  explicit Encoder(const char *cpu, bool thumb = false) {
    auto t = ArmTarget::create(cpu, thumb);
    REQUIRE(bool(t));
    target = std::move(*t);
    ctx = std::make_unique<llvm::MCContext>(target->triple(), &target->asmInfo(), &target->registerInfo(),
                                            &target->subtarget());
    emitter.reset(target->target().createMCCodeEmitter(target->instrInfo(), *ctx));
  }

  // What the operations `build` calls encode to, through the assembler of the target's
  // instruction set.
  std::vector<uint8_t> encode(const std::function<void(Assembler &)> &build) {
    std::vector<llvm::MCInst> insts;
    std::unique_ptr<Assembler> as = bpf2arm::arm::makeAssembler(*target, *ctx, nullptr);
    as->recordInto(&insts);
    build(*as);
    std::vector<uint8_t> out;
    for (const llvm::MCInst &inst : insts) {
      llvm::SmallVector<char, 8> code;
      llvm::SmallVector<llvm::MCFixup, 2> fixups;
      emitter->encodeInstruction(inst, code, fixups, target->subtarget());
      out.insert(out.end(), code.begin(), code.end());
    }
    return out;
  }

  // What LLVM's assembler makes of `text` (instructions separated by ';' or newlines)
  // for the same target: the .text of an object assembled in-process. Empty when the
  // text does not assemble.
  std::vector<uint8_t> assemble(const std::string &text) {
    ObjectOut out(*target);
    out.sources.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy(text + "\n", "golden.s"), llvm::SMLoc());
    std::unique_ptr<llvm::MCAsmParser> parser(
        llvm::createMCAsmParser(out.sources, out.ctx, *out.streamer, target->asmInfo()));
    llvm::MCTargetOptions options;
    std::unique_ptr<llvm::MCTargetAsmParser> targetParser(
        target->target().createMCAsmParser(target->subtarget(), *parser, target->instrInfo(), options));
    REQUIRE(targetParser);
    parser->setTargetParser(*targetParser);
    if (parser->Run(/*NoInitialTextSection=*/false, /*NoFinalize=*/true)) return {};
    std::string object = out.finish();
    return sectionBytes(object, ".text");
  }

  // The ELF object that `build` writes into .text through the assembler of the target's
  // instruction set (symbols from the context, labels through the streamer).
  std::string object(const std::function<void(Assembler &, llvm::MCContext &, llvm::MCStreamer &)> &build) {
    ObjectOut out(*target);
    out.streamer->switchSection(out.fileInfo->getTextSection());
    std::unique_ptr<Assembler> as = bpf2arm::arm::makeAssembler(*target, out.ctx, out.streamer.get());
    build(*as, out.ctx, *out.streamer);
    return out.finish();
  }

 private:
  // An ELF object for the target, written in memory through LLVM's object streamer.
  struct ObjectOut {
    llvm::SourceMgr sources;
    llvm::MCContext ctx;
    std::unique_ptr<llvm::MCObjectFileInfo> fileInfo;
    llvm::SmallString<0> bytes;
    llvm::raw_svector_ostream os{bytes};
    std::unique_ptr<llvm::MCStreamer> streamer;

    explicit ObjectOut(const ArmTarget &target)
        : ctx(target.triple(), &target.asmInfo(), &target.registerInfo(), &target.subtarget(), &sources) {
      fileInfo.reset(target.target().createMCObjectFileInfo(ctx, false));
      ctx.setObjectFileInfo(fileInfo.get());
      llvm::MCTargetOptions options;
      std::unique_ptr<llvm::MCAsmBackend> backend(
          target.target().createMCAsmBackend(target.subtarget(), target.registerInfo(), options));
      std::unique_ptr<llvm::MCCodeEmitter> encoder(target.target().createMCCodeEmitter(target.instrInfo(), ctx));
      auto writer = backend->createObjectWriter(os);
      streamer.reset(target.target().createMCObjectStreamer(target.triple(), ctx, std::move(backend),
                                                            std::move(writer), std::move(encoder), target.subtarget()));
      streamer->initSections(false, target.subtarget());
    }

    std::string finish() {
      streamer->finish();
      streamer.reset();
      return std::string(bytes.begin(), bytes.end());
    }
  };
};

}  // namespace encoding_test
