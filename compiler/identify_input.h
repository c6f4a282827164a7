// What an input that is no little-endian BPF relocatable object is instead, in words a
// user recognizes: a big-endian (bpfeb) object, an object for another machine by name,
// a static archive and the BPF objects in it, an executable. The reader asks here before
// it hands the bytes to libelf, so these inputs never reach the generic messages.
#pragma once

#include <cstddef>
#include <string>

namespace bpf2arm {

// Empty when the bytes start like a little-endian 64-bit BPF ELF object (the reader then
// checks the rest); otherwise the whole message about the input.
std::string identifyNonBpfInput(const char *bytes, size_t size);

// The name of ELF machine `machine` ("ARM", "x86-64", ...), or "ELF machine N".
std::string elfMachineName(unsigned machine);

}  // namespace bpf2arm
