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

// The bytes of section `name` in an ELF object held in memory (empty when absent).
inline std::vector<uint8_t> sectionBytes(std::string &object, const char *name) {
  elf_version(EV_CURRENT);
  Elf *elf = elf_memory(object.data(), object.size());
  REQUIRE(elf);
  size_t names = 0;
  elf_getshdrstrndx(elf, &names);
  std::vector<uint8_t> bytes;
  for (Elf_Scn *scn = nullptr; (scn = elf_nextscn(elf, scn));) {
    GElf_Shdr header;
    gelf_getshdr(scn, &header);
    if (std::strcmp(elf_strptr(elf, names, header.sh_name), name) != 0) continue;
    Elf_Data *data = elf_getdata(scn, nullptr);
    if (data && data->d_buf) bytes.assign(static_cast<uint8_t *>(data->d_buf), static_cast<uint8_t *>(data->d_buf) + data->d_size);
  }
  elf_end(elf);
  return bytes;
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
    llvm::SourceMgr sources;
    llvm::MCContext asmCtx(target->triple(), &target->asmInfo(), &target->registerInfo(), &target->subtarget(),
                           &sources);
    std::unique_ptr<llvm::MCObjectFileInfo> fileInfo(target->target().createMCObjectFileInfo(asmCtx, false));
    asmCtx.setObjectFileInfo(fileInfo.get());
    llvm::SmallString<0> object;
    llvm::raw_svector_ostream os(object);
    llvm::MCTargetOptions options;
    std::unique_ptr<llvm::MCAsmBackend> backend(
        target->target().createMCAsmBackend(target->subtarget(), target->registerInfo(), options));
    std::unique_ptr<llvm::MCCodeEmitter> encoder(target->target().createMCCodeEmitter(target->instrInfo(), asmCtx));
    auto writer = backend->createObjectWriter(os);
    std::unique_ptr<llvm::MCStreamer> streamer(target->target().createMCObjectStreamer(
        target->triple(), asmCtx, std::move(backend), std::move(writer), std::move(encoder), target->subtarget()));
    streamer->initSections(false, target->subtarget());
    sources.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy(text + "\n", "golden.s"), llvm::SMLoc());
    std::unique_ptr<llvm::MCAsmParser> parser(llvm::createMCAsmParser(sources, asmCtx, *streamer, target->asmInfo()));
    std::unique_ptr<llvm::MCTargetAsmParser> targetParser(
        target->target().createMCAsmParser(target->subtarget(), *parser, target->instrInfo(), options));
    REQUIRE(targetParser);
    parser->setTargetParser(*targetParser);
    if (parser->Run(/*NoInitialTextSection=*/false)) return {};
    streamer.reset();
    std::string bytes(object.begin(), object.end());
    return sectionBytes(bytes, ".text");
  }
};

}  // namespace encoding_test
