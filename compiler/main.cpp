// bpf2arm: the driver. The whole pipeline reads here, one stage after another:
//
//   read object -> build program model -> analyze frame -> live arguments -> track upper words -> backend
//   (object_reader)  (build_program,       (analyze_frame)  (live_arguments)   (track_upper_live,  (backend-arm32/
//                     collect_data)                                              track_upper_zero)   emit_object)
//
// The backend, per function: select (BPF -> machine IR on virtual registers) -> optimize
// -> allocate registers -> emit MCInsts (backend-arm32/emit_object.cpp, emitWithMir).
//
// `--dump=STAGE` prints the program after a stage. Errors about the input come back as
// values; the driver prints one message and exits 1, leaving no output file.
#include <CLI/CLI.hpp>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

#include "analyze_frame.h"
#include "backend-arm32/arm_target.h"
#include "backend-arm32/emit_object.h"
#include "build_program.h"
#include "generate_header.h"
#include "in_order_parallel.h"
#include "live_arguments.h"
#include "object_reader.h"
#include "program.h"
#include "track_upper_live.h"
#include "track_upper_zero.h"

#ifndef BPF2ARM_VERSION
#define BPF2ARM_VERSION "unknown"
#endif

namespace {

using namespace bpf2arm;

int reportError(const std::string &input, const Diagnostic &diag) {
  std::cerr << diag.render(input) << "\n";
  return 1;
}

std::string defaultOutput(const std::string &input, bool assembly) {
  std::string stem = input;
  if (stem.size() > 2 && stem.compare(stem.size() - 2, 2, ".o") == 0) stem.resize(stem.size() - 2);
  return stem + (assembly ? ".arm.s" : ".arm.o");
}

std::string headerGuard(const std::string &path) {
  std::string base = path.substr(path.find_last_of('/') + 1), guard;
  for (char c : base) guard += std::isalnum(static_cast<unsigned char>(c)) ? char(std::toupper(static_cast<unsigned char>(c))) : '_';
  return "BPF2ARM_" + guard;
}

// Writes next to the destination and renames, so a failure never leaves a partial file.
Status writeAtomically(const std::string &path, const std::string &bytes) {
  if (path == "-") {  // standard output, as compilers take it
    std::cout.write(bytes.data(), std::streamsize(bytes.size()));
    std::cout.flush();
    return std::cout ? std::nullopt : Status(error("cannot write to standard output"));
  }
  struct stat existing;
  if (stat(path.c_str(), &existing) == 0 && !S_ISREG(existing.st_mode)) {
    if (S_ISDIR(existing.st_mode)) return error("cannot write " + path + ": it is a directory");
    // A device or a pipe (-o /dev/null): written in place, as renaming would replace it.
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), std::streamsize(bytes.size()));
    return out.flush() ? std::nullopt : Status(error("cannot write " + path));
  }
  std::string temp = path + ".tmpXXXXXX";
  int fd = mkstemp(temp.data());
  if (fd < 0) return error("cannot create output file next to " + path + ": " + std::strerror(errno));
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int saved = errno;
      close(fd);
      unlink(temp.c_str());
      return error("cannot write " + path + ": " + std::strerror(saved));
    }
    done += size_t(n);
  }
  fchmod(fd, 0644);
  if (close(fd) != 0 || rename(temp.c_str(), path.c_str()) != 0) {
    int saved = errno;
    unlink(temp.c_str());
    return error("cannot write " + path + ": " + std::strerror(saved));
  }
  return std::nullopt;
}

}  // namespace

int main(int argc, char **argv) {
  CLI::App app{"bpf2arm: compiles eBPF objects (clang -target bpf) to relocatable ARM32 ELF objects"};
  std::string input, output, header, cpu = arm::supportedCpus().front().name, dump;
  bool assembly = false;
  app.add_option("input", input, "BPF ELF object to compile")->required();
  app.add_option("-o", output, "output file, - for standard output (default: INPUT with .o replaced by .arm.o)");
  std::vector<std::string> cpuNames;
  for (const auto &c : arm::supportedCpus()) cpuNames.push_back(c.name);
  app.add_option("--mcpu", cpu, "target CPU (default " + cpu + "); --list-cpus gives each one's architecture and features")->check(CLI::IsMember(cpuNames));
  app.add_flag_callback("--list-cpus", [] {
    std::cout << arm::listCpus();
    throw CLI::Success();
  }, "print the CPU table and exit: one CPU per line, its name, then arch= profile= triple= qemu= features=");
  app.add_option("--header", header, "also write a C header for the firmware: programs, maps with typed accessors, globals");
  app.add_flag("-S", assembly, "write assembly text instead of an object");
  app.add_option("--dump", dump,
                 "print the program after a stage to stdout: object (as read), model (after building), "
                 "frame (after frame analysis), upper (after tracking live and zero hi words), "
                 "mir (machine IR after instruction selection), regalloc (machine IR after register allocation)")
      ->check(CLI::IsMember({"object", "model", "frame", "upper", "mir", "regalloc"}));
  unsigned numCpus = 1;
  app.add_option("--cpus", numCpus, "CPUs that per-CPU maps keep a value copy for (default 1)")->check(CLI::Range(1u, 64u));
  unsigned threads = 0;
  app.add_option("--threads", threads,
                 "functions compiled at once on large programs (default 0: one per CPU of this machine); "
                 "the output is the same for any number")
      ->check(CLI::Range(0u, 256u));
  std::vector<std::string> customHelpers;
  app.add_option("--helper", customHelpers,
                 "declare helper id ID as a C function: 'ID=RESULT NAME(PARAMS)', e.g. '200=long my_helper(const void *p, __u32 n)'");
  // gcc's spelling: CLI11 reads "-Werror" as the short option -W with the value "error".
  std::vector<std::string> warningOptions;
  bool warningsAreErrors = false;
  app.add_option("-W", warningOptions, "-Werror: treat warnings as errors (exit 1, no output); -Wno-error: do not")
      ->check(CLI::IsMember({"error", "no-error"}))
      ->each([&](const std::string &value) { warningsAreErrors = value == "error"; });
  app.add_flag("--Werror", warningsAreErrors, "the same as -Werror");
  // gcc's -mthumb/-marm, read the way -W is (CLI11 reads "-mthumb" as -m with "thumb").
  bool thumb = false;
  std::vector<std::string> machineOptions;
  app.add_option("-m", machineOptions, "-mthumb: Thumb-2 (T32) code, for a CPU that has it; -marm: ARM state (the default)")
      ->allow_extra_args(false)  // one value each: "-mthumb IN.o" leaves IN.o alone
      ->check(CLI::IsMember({"thumb", "arm"}))
      ->each([&](const std::string &value) { thumb = value == "thumb"; });
  app.set_version_flag("--version", std::string("bpf2arm ") + BPF2ARM_VERSION);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError &e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  if (output.empty()) output = defaultOutput(input, assembly);
  if (thumb && !arm::findCpu(cpu)->has(arm::kThumb2)) {
    std::cerr << "bpf2arm: error: -mthumb: " << cpu << " has no Thumb-2 instructions (use -marm)\n";
    return 2;
  }

  abi::HelperTable helpers = abi::HelperTable::standard();
  for (const std::string &option : customHelpers)
    if (Status st = helpers.addCustomOption(option)) {
      std::cerr << "bpf2arm: error: " << st->message << "\n";
      return 2;
    }

  std::error_code same;
  for (const std::string &written : {output, header})
    if (!written.empty() && written != "-" && std::filesystem::equivalent(input, written, same))
      return reportError(input, error("the output " + written + " is the input file"));
  if (!header.empty() && (header == output || std::filesystem::equivalent(output, header, same)))
    return reportError(input, error("the header " + header + " would overwrite the object " + output));

  auto object = readBpfObject(input);
  if (!object) return reportError(input, object.diag());
  if (dump == "object") std::cout << dumpObject(*object);
  auto program = buildProgram(*object, helpers);
  if (!program) return reportError(input, program.diag());
  if (dump == "model") std::cout << dumpProgram(*program);
  if (Status st = analyzeFrame(*program)) return reportError(input, *st);
  if (dump == "frame") std::cout << dumpProgram(*program);
  trackLiveArguments(*program);
  // Per-function passes and the backend share out the functions among threads.
  const unsigned workers = threadsFor(program->instructionCount(), program->functions.size(), threads);
  trackUpperLive(*program, workers);
  trackUpperZero(*program, workers);
  if (dump == "upper") std::cout << dumpProgram(*program);

  auto target = arm::ArmTarget::create(cpu, thumb);
  if (!target) return reportError(input, target.diag());
  arm::EmitOptions emitOptions;
  emitOptions.kind = assembly ? arm::OutputKind::Assembly : arm::OutputKind::Object;
  emitOptions.numCpus = numCpus;
  emitOptions.threads = workers;
  std::string mirDump, regallocDump;
  if (dump == "mir") emitOptions.mirDump = &mirDump;
  if (dump == "regalloc") emitOptions.regallocDump = &regallocDump;
  auto bytes = arm::emitProgram(*program, **target, emitOptions);
  std::cout << mirDump << regallocDump;  // what the backend got to, also when it failed
  if (!bytes) return reportError(input, bytes.diag());
  std::string headerText;
  if (!header.empty()) {
    auto text = generateHeader(*object, *program, headerGuard(header));
    if (!text) return reportError(input, text.diag());
    headerText = *text;
  }
  // Warnings only once the output is complete: an error above is the one message.
  for (const Diagnostic &warning : program->warnings) std::cerr << warning.render(input, warningsAreErrors) << "\n";
  if (warningsAreErrors && !program->warnings.empty()) return 1;
  if (Status st = writeAtomically(output, *bytes)) return reportError(input, *st);
  if (!header.empty())
    if (Status st = writeAtomically(header, headerText)) {
      if (output != "-") unlink(output.c_str());  // all or nothing
      return reportError(input, *st);
    }
  return 0;
}
