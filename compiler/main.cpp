// bpf2arm: the driver. It reads the object (object_reader) and runs the pass list of
// compiler/pipeline.cpp on it, which the fuzz target (tests/fuzz) runs too.
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

#include "object_reader.h"
#include "options.h"
#include "pipeline.h"

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
  auto compiled = compileObject(*object, options, helpers, header.empty() ? "" : headerGuard(header), std::cout);
  if (!compiled) return reportError(input, compiled.diag());
  // Warnings only once the output is complete: an error above is the one message.
  for (const Diagnostic &warning : compiled->warnings) std::cerr << warning.render(input, options.warningsAreErrors) << "\n";
  if (options.warningsAreErrors && !compiled->warnings.empty()) return 1;
  std::string headerText = std::move(compiled->header);
  std::vector<std::pair<std::string, std::string>> files{{output, std::move(compiled->object)}};
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
