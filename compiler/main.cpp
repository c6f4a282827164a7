// bpf2arm: the driver. The whole pipeline reads here, one stage after another:
//
//   read object -> build program model -> analyze frame -> live arguments -> track upper words -> backend
//   (object_reader)  (build_program,       (analyze_frame)  (live_arguments)   (track_upper_live,  (backend-arm32/
//                     collect_data)                                              track_upper_zero)   emit_object)
//
// The backend, per function: select (BPF -> machine IR on virtual registers) -> optimize
// -> allocate registers -> emit MCInsts (backend-arm32/emit_object.cpp, emitWithMir).
//
// The command line is read by compiler/options.cpp. `--dump=STAGE` prints the program
// after a stage. Errors about the input come back as values; the driver prints one message
// and exits 1, leaving no output file (nor header, nor dependency rule).
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
#include "options.h"
#include "program.h"
#include "track_upper_live.h"
#include "track_upper_zero.h"

namespace {

using namespace bpf2arm;

int reportError(const std::string &input, const Diagnostic &diag) {
  std::cerr << diag.render(input) << "\n";
  return 1;
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
  CommandLine commandLine = parseCommandLine(argc, argv);
  if (!commandLine.run) return commandLine.exitStatus;
  const Options &options = commandLine.options;
  const std::string &input = options.input, &output = options.output, &header = options.header, &dump = options.dump;

  abi::HelperTable helpers = abi::HelperTable::standard();
  for (const std::string &option : options.customHelpers)
    if (Status st = helpers.addCustomOption(option)) {
      std::cerr << "bpf2arm: error: " << st->message << "\n";
      return 2;
    }

  std::error_code same;
  const std::string &dependencies = options.dependencyFile;
  for (const std::string &written : {output, header, dependencies})
    if (!written.empty() && written != "-" && std::filesystem::equivalent(input, written, same))
      return reportError(input, error("the output " + written + " is the input file"));
  for (const auto &[name, written] : {std::pair{"header", header}, std::pair{"dependency file", dependencies}})
    if (!written.empty() && (written == output || std::filesystem::equivalent(output, written, same)))
      return reportError(input, error("the " + std::string(name) + " " + written + " would overwrite the object " + output));

  auto object = readBpfObject(input);
  if (!object) return reportError(input, object.diag());
  if (dump == "object") std::cout << dumpObject(*object);
  auto program = buildProgram(*object, helpers);
  if (!program) return reportError(input, program.diag());
  if (Status st = nameExports(*program, {options.name.empty() ? "" : options.name + "__", options.namePrograms}))
    return reportError(input, *st);
  if (dump == "model") std::cout << dumpProgram(*program);
  if (Status st = analyzeFrame(*program)) return reportError(input, *st);
  if (dump == "frame") std::cout << dumpProgram(*program);
  trackLiveArguments(*program);
  // Per-function passes and the backend share out the functions among threads.
  const unsigned workers = threadsFor(program->instructionCount(), program->functions.size(), options.threads);
  trackUpperLive(*program, workers);
  trackUpperZero(*program, workers);
  if (dump == "upper") std::cout << dumpProgram(*program);

  auto target = arm::ArmTarget::create(options.cpu, options.thumb);
  if (!target) return reportError(input, target.diag());
  using PI = PositionIndependence;
  (*target)->setRelocationModel(options.positionIndependence == PI::Library      ? arm::RelocationModel::Pic
                                : options.positionIndependence == PI::Executable ? arm::RelocationModel::Pie
                                                                                 : arm::RelocationModel::Static);
  arm::EmitOptions emitOptions;
  emitOptions.kind = options.assembly ? arm::OutputKind::Assembly : arm::OutputKind::Object;
  emitOptions.numCpus = options.numCpus;
  emitOptions.optimize = options.optimize;
  emitOptions.threads = workers;
  emitOptions.dwarfVersion = options.dwarfVersion;
  emitOptions.input = input;
  emitOptions.producer = "bpf2arm " BPF2ARM_VERSION;
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
  for (const Diagnostic &warning : program->warnings) std::cerr << warning.render(input, options.warningsAreErrors) << "\n";
  if (options.warningsAreErrors && !program->warnings.empty()) return 1;
  std::vector<std::pair<std::string, std::string>> files{{output, std::move(*bytes)}};
  if (!header.empty()) files.push_back({header, std::move(headerText)});
  if (options.writeDependencies) files.push_back({dependencies, dependencyRule(options)});
  for (size_t k = 0; k < files.size(); ++k)
    if (Status st = writeAtomically(files[k].first, files[k].second)) {
      for (size_t written = 0; written < k; ++written)  // all or nothing
        if (files[written].first != "-") unlink(files[written].first.c_str());
      return reportError(input, *st);
    }
  return 0;
}
