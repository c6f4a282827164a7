#include "options.h"

#include <CLI/CLI.hpp>
#include <llvm/Config/llvm-config.h>

#include <algorithm>
#include <cctype>
#include <iostream>

#include "backend-arm32/arm_target.h"

#ifndef BPF2ARM_VERSION
#define BPF2ARM_VERSION "unknown"
#endif

namespace bpf2arm {
namespace {

// A file name as make reads it in a rule: spaces, '#' and '$' escaped.
std::string quoteForMake(const std::string &name) {
  std::string out;
  for (char c : name) {
    if (c == ' ' || c == '\t' || c == '#') out += '\\';
    if (c == '$') out += '$';
    out += c;
  }
  return out;
}

// CLI11 knows one-letter short options only: it reads "-Werror" as -W with the value
// "error", "-mcpu=X" as -m with "cpu=X", "-O2" as -O with "2", "-MD" as -M with "D".
// gcc's options whose value is the next argument (-MF FILE, -MT T, -MQ T) are joined to
// it here so that CLI11 sees one argument, and a bare -O (gcc's -O1) gets its level.
// CLI11 takes the arguments last first. Each of these options takes its one joined value
// (allow_extra_args(false)): otherwise "-Werror IN.o" would give IN.o to -W as well.
std::vector<std::string> joinGccValues(int argc, char **argv) {
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if ((arg == "-MF" || arg == "-MT" || arg == "-MQ") && i + 1 < argc) arg += argv[++i];
    if (arg == "-O") arg = "-O1";
    if (arg == "-g") arg = "-g2";
    args.push_back(arg);
  }
  std::reverse(args.begin(), args.end());
  return args;
}

// The gcc/clang spellings, each letter's values in command-line order; applyGccOptions
// reads them once CLI11 has parsed the line, so that the messages are ours.
struct GccOptions {
  std::vector<std::string> m, f, M, O, W, g;
};

void addGccOptions(CLI::App &app, GccOptions &gcc) {
  app.add_option("-m", gcc.m, "-mcpu=CPU: the same as --mcpu; -mthumb: Thumb-2 (T32) code, for a CPU that has it; "
                             "-marm: ARM state (the default; an error for Cortex-M, which has only Thumb-2 and implies -mthumb); "
                             "the last of -mthumb/-marm counts")
      ->type_name("cpu=CPU|thumb|arm")
      ->allow_extra_args(false);
  app.add_flag("-c", "accepted as compilers take it: the output is an object unless -S");
  app.add_option("-O", gcc.O, "-O0/-Og: no machine-IR passes, each BPF instruction's code stays where it is; "
                             "-O1/-O2/-O3/-Os/-Oz (and -O): all passes (the default); the last one counts")
      ->type_name("LEVEL")
      ->allow_extra_args(false)
      ->check(CLI::IsMember({"0", "1", "2", "3", "s", "z", "g"}));
  app.add_option("-g", gcc.g, "-g (-g1, -g2, -g3, -ggdb, -gdwarf, -gdwarf-4): DWARF 4 debug information, a line "
                             "table from the BTF line info, compile unit, subprograms, call frame information (gdb "
                             "breaks on lines of the BPF C source); -gdwarf-5: DWARF 5; -g0: none; the last one counts")
      ->type_name("LEVEL")
      ->allow_extra_args(false);
  app.add_option("-f", gcc.f, "-fPIC/-fpic: position-independent code for shared objects (PC-relative addresses, "
                              "the GOT for global and extern symbols); -fPIE/-fpie: for position-independent "
                              "executables (the GOT for extern symbols only); -fno-pic/-fno-PIC/-fno-pie/-fno-PIE: "
                              "position-dependent code (the default); the last one counts")
      ->type_name("PIC")
      ->allow_extra_args(false);
  app.add_option("-M", gcc.M, "-MD/-MMD: also write a make rule, OUTPUT: INPUT, to -MF FILE (default: OUTPUT with "
                              "its extension replaced by .d); -MT TARGET/-MQ TARGET: the rule's target instead (-MQ "
                              "quotes it for make); -MP: accepted (the input is the only dependency: no phony rules)")
      ->type_name("D")
      ->allow_extra_args(false);
}

// Empty, or the usage error.
std::string applyGccOptions(const GccOptions &gcc, Options &options, const std::vector<std::string> &cpuNames) {
  for (const std::string &value : gcc.W) {  // in command-line order: the last of -Wx/-Wno-x counts
    if (value == "error" || value == "no-error") {
      options.warningsAreErrors = value == "error";
      continue;
    }
    const bool disable = value.rfind("no-", 0) == 0;
    const std::string name = disable ? value.substr(3) : value;
    auto &off = options.disabledWarnings;
    off.erase(std::remove(off.begin(), off.end(), name), off.end());
    if (disable) off.push_back(name);
  }
  if (!gcc.O.empty()) options.optimize = gcc.O.back() != "0" && gcc.O.back() != "g";
  // As in gcc, the level (-g0 to -g3) and the version (-gdwarf-N, which also turns
  // debug information on) are set apart: -gdwarf-5 -g3 writes DWARF 5, -gdwarf-5 -g0
  // nothing. bpf2arm describes what BTF gives at any level above 0.
  bool debug = false;
  unsigned version = 4;
  const std::vector<std::string> levels{"1", "2", "3", "gdb", "gdb1", "gdb2", "gdb3", "dwarf"};
  for (const std::string &value : gcc.g) {
    if (value == "0" || value == "gdb0") {
      debug = false;
    } else if (std::find(levels.begin(), levels.end(), value) != levels.end()) {
      debug = true;
    } else if (value == "dwarf-4" || value == "dwarf-5") {
      debug = true;
      version = value == "dwarf-5" ? 5 : 4;
    } else if (value == "dwarf-2" || value == "dwarf-3") {
      return "-g" + value + ": bpf2arm writes DWARF 4 or 5 (-gdwarf-4, -gdwarf-5)";
    } else {
      return "unknown option -g" + value + " (-g, -g0 to -g3, -ggdb, -gdwarf-4 and -gdwarf-5 are known)";
    }
  }
  options.dwarfVersion = debug ? version : 0;
  bool armAsked = false;  // -marm is the last of -mthumb/-marm
  for (const std::string &value : gcc.m) {
    if (value == "thumb" || value == "arm") {
      options.thumb = value == "thumb";
      armAsked = value == "arm";
      continue;
    }
    if (value.rfind("cpu=", 0) != 0) return "unknown option -m" + value;
    options.cpu = value.substr(4);
    if (std::find(cpuNames.begin(), cpuNames.end(), options.cpu) == cpuNames.end())
      return "unknown CPU " + options.cpu + " in -mcpu (--list-cpus names them)";
  }
  // As gcc reads them: the last of -fPIC/-fpic/-fPIE/-fpie counts (on ARM the small and
  // big models are one); -fno-pic turns off either, -fno-pie only -fpie.
  using PI = PositionIndependence;
  for (const std::string &value : gcc.f) {
    if (value == "PIC" || value == "pic") options.positionIndependence = PI::Library;
    else if (value == "PIE" || value == "pie") options.positionIndependence = PI::Executable;
    else if (value == "no-pic" || value == "no-PIC") options.positionIndependence = PI::None;
    else if (value == "no-pie" || value == "no-PIE") {
      if (options.positionIndependence == PI::Executable) options.positionIndependence = PI::None;
    } else {
      return "unknown option -f" + value;
    }
  }
  for (const std::string &value : gcc.M) {
    if (value == "F" || value == "T" || value == "Q") return "-M" + value + " needs a value after it";
    if (value == "D" || value == "MD") {
      options.writeDependencies = true;
    } else if (value.size() > 1 && value[0] == 'F') {
      options.dependencyFile = value.substr(1);
    } else if (value.size() > 1 && value[0] == 'T') {
      options.dependencyTargets.push_back(value.substr(1));
    } else if (value.size() > 1 && value[0] == 'Q') {
      options.dependencyTargets.push_back(quoteForMake(value.substr(1)));
    } else if (value != "P") {
      return "-M" + value + " is not supported (-MD, -MMD, -MF FILE, -MT TARGET, -MQ TARGET, -MP are)";
    }
  }
  if (!arm::findCpu(options.cpu)->has(arm::kArmState)) {  // M profile: T32 is all there is
    if (armAsked) return "-marm: " + options.cpu + " has no ARM state, only Thumb-2 (drop -marm; -mthumb is implied)";
    options.thumb = true;
  }
  if (options.thumb && !arm::findCpu(options.cpu)->has(arm::kThumb2))
    return "-mthumb: " + options.cpu + " has no Thumb-2 instructions (use -marm)";
  if (options.writeDependencies && options.dependencyFile.empty()) {
    if (options.output == "-") return "-MD with the output on standard output needs -MF FILE";
    const size_t slash = options.output.find_last_of('/'), dot = options.output.find_last_of('.');
    const bool hasExtension = dot != std::string::npos && (slash == std::string::npos || dot > slash);
    options.dependencyFile = (hasExtension ? options.output.substr(0, dot) : options.output) + ".d";
  }
  return "";
}

// Empty, or why --name cannot prefix C identifiers.
std::string checkName(const Options &options) {
  if (options.namePrograms && options.name.empty()) return "--name-programs needs --name NAME";
  if (options.name.empty()) return "";
  const std::string &n = options.name;
  bool identifier = !std::isdigit(static_cast<unsigned char>(n[0]));
  for (char c : n) identifier &= std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  if (!identifier) return "--name " + n + ": not a C identifier (letters, digits and _, not starting with a digit)";
  return "";
}

}  // namespace

std::string defaultOutput(const std::string &input, bool assembly) {
  std::string stem = input;
  if (stem.size() > 2 && stem.compare(stem.size() - 2, 2, ".o") == 0) stem.resize(stem.size() - 2);
  return stem + (assembly ? ".arm.s" : ".arm.o");
}

std::string dependencyRule(const Options &options) {
  std::string targets;
  for (const std::string &target : options.dependencyTargets) targets += (targets.empty() ? "" : " ") + target;
  if (targets.empty()) targets = quoteForMake(options.output);
  return targets + ": " + quoteForMake(options.input) + "\n";
}

CommandLine parseCommandLine(int argc, char **argv) {
  CommandLine line;
  Options &options = line.options;
  CLI::App app{"bpf2arm: compiles eBPF objects (clang -target bpf) to relocatable ARM32 ELF objects", "bpf2arm"};
  options.cpu = arm::supportedCpus().front().name;
  app.add_option("input", options.input, "BPF ELF object to compile")->required();
  app.add_option("-o", options.output, "output file, - for standard output (default: INPUT with .o replaced by .arm.o)");
  std::vector<std::string> cpuNames;
  for (const auto &c : arm::supportedCpus()) cpuNames.push_back(c.name);
  app.add_option("--mcpu", options.cpu,
                 "target CPU (default " + options.cpu + "); --list-cpus gives each one's architecture and features")
      ->check(CLI::IsMember(cpuNames));
  app.add_flag_callback("--list-cpus", [] {
    std::cout << arm::listCpus();
    throw CLI::Success();
  }, "print the CPU table and exit: one CPU per line, its name, then arch= profile= triple= qemu= features=");
  app.add_option("--header", options.header, "also write a C header for the firmware: programs, maps with typed accessors, globals");
  app.add_flag("-S", options.assembly, "write assembly text instead of an object");
  app.add_option("--dump", options.dump,
                 "print the program after a stage to stdout: object (as read), model (after building), "
                 "frame (after frame analysis), upper (after tracking live and zero hi words), "
                 "mir (machine IR after instruction selection), regalloc (machine IR after register allocation)")
      ->check(CLI::IsMember({"object", "model", "frame", "upper", "mir", "regalloc"}));
  app.add_option("--cpus", options.numCpus, "CPUs that per-CPU maps keep a value copy for (default 1)")
      ->check(CLI::Range(1u, 64u));
  app.add_option("--threads", options.threads,
                 "functions compiled at once on large programs (default 0: one per CPU of this machine); "
                 "the output is the same for any number")
      ->check(CLI::Range(0u, 256u));
  app.add_option("--helper", options.customHelpers,
                 "declare helper id ID as a C function: 'ID=RESULT NAME(PARAMS)', e.g. '200=long my_helper(const void *p, __u32 n)'");
  app.add_option("--name", options.name,
                 "prefix NAME__ to the object's and the header's names of the program's maps and global variables "
                 "(NAME__counts, NAME__counts__lookup), so that programs with the same names link into one firmware")
      ->type_name("NAME");
  app.add_flag("--name-programs", options.namePrograms, "with --name: the program's global functions carry the prefix too");
  GccOptions gcc;
  std::vector<std::string> warningValues{"error", "no-error"};
  for (const std::string &name : kWarningOptions) warningValues.insert(warningValues.end(), {name, "no-" + name});
  app.add_option("-W", gcc.W, "-Werror: treat warnings as errors (exit 1, no output); -Wno-error: do not; "
                              "-Wno-missing-prototypes: no warning for a global function without a BTF prototype "
                              "(its C ABI is then uint64_t f(uint64_t r1, ..., uint64_t r5)); -Wno-core-relocation: "
                              "no warning for CO-RE checks that only a kernel's BTF answers")
      ->check(CLI::IsMember(warningValues))
      ->allow_extra_args(false);
  app.add_flag("--Werror", options.warningsAreErrors, "the same as -Werror");
  addGccOptions(app, gcc);
  app.set_version_flag("--version", std::string("bpf2arm ") + BPF2ARM_VERSION + " (LLVM " LLVM_VERSION_STRING ")");
  auto usageError = [&line](const std::string &message) {
    std::cerr << "bpf2arm: error: " << message << "\n";
    line.exitStatus = 2;
    return line;
  };
  try {
    app.parse(joinGccValues(argc, argv));
  } catch (const CLI::Success &e) {  // --help, --version, --list-cpus
    app.exit(e);
    return line;
  } catch (const CLI::ParseError &e) {
    return usageError(e.what());
  }
  if (options.output.empty()) options.output = defaultOutput(options.input, options.assembly);
  if (std::string why = applyGccOptions(gcc, options, cpuNames); !why.empty()) return usageError(why);
  if (std::string why = checkName(options); !why.empty()) return usageError(why);
  line.run = true;
  return line;
}

}  // namespace bpf2arm
