// The command line (SPEC section 2): bpf2arm's own options and the gcc/clang spellings
// firmware builds pass through (-mcpu=, -c, -O*, -g, -fPIC, -MD/-MF/-MT/-MQ, -Werror).
#pragma once

#include <string>
#include <vector>

namespace bpf2arm {

// -fPIC/-fpic (Library: code for shared objects), -fPIE/-fpie (Executable), neither or
// -fno-pic (None: position-dependent code). The backend's RelocationModel.
enum class PositionIndependence { None, Executable, Library };

struct Options {
  std::string input, output, header, cpu, dump;
  bool assembly = false;          // -S
  bool thumb = false;             // -mthumb (T32 code); -marm, the default, is false
  unsigned numCpus = 1;           // --cpus
  unsigned threads = 0;           // --threads
  std::vector<std::string> customHelpers;  // --helper, checked by the driver
  bool warningsAreErrors = false;          // -Werror
  std::vector<std::string> disabledWarnings;  // -Wno-NAME of kWarningOptions, e.g. "missing-prototypes"
  std::string name;                        // --name: the prefix NAME__ of exported symbols
  bool namePrograms = false;               // --name-programs: functions carry it too
  // -O: false at -O0/-Og (no machine-IR passes between selection and register
  // allocation), true at every other level (all of them).
  bool optimize = true;
  // -g: the DWARF version to write (backend-arm32/debug_info.h): 4, or 5 with
  // -gdwarf-5; 0 without -g or after -g0.
  unsigned dwarfVersion = 0;
  PositionIndependence positionIndependence = PositionIndependence::None;  // -f[no-]pic/PIC/pie/PIE
  // -MD/-MMD: also write a make rule "TARGETS: IN.o" to dependencyFile (-MF; default OUT
  // with its extension replaced by .d). Targets from -MT/-MQ, else the output file.
  bool writeDependencies = false;
  std::string dependencyFile;
  std::vector<std::string> dependencyTargets;  // already quoted for make
};

// The warnings that -Wno-NAME silences (each Diagnostic::option is one of these).
inline const std::vector<std::string> kWarningOptions{"missing-prototypes", "core-relocation"};

// What parsing decided: run with `options`, or stop with `exitStatus` (0 after --help,
// --version, --list-cpus; 2 after a usage error, already printed as "bpf2arm: error: ...").
struct CommandLine {
  Options options;
  bool run = false;
  int exitStatus = 0;
};

CommandLine parseCommandLine(int argc, char **argv);

// The default output: IN with ".o" replaced by ".arm.o" (".arm.s" with -S).
std::string defaultOutput(const std::string &input, bool assembly);

// The text of the dependency file: one make rule, the targets depending on the input.
std::string dependencyRule(const Options &options);

}  // namespace bpf2arm
