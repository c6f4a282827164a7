#include "minimise.h"

#include <cinttypes>
#include <cstdio>
#include <set>

#include "interpreter.h"
#include "output.h"

namespace difftest {

namespace {

std::vector<bool> secondSlots(const Code &code) {
  std::vector<bool> second(code.size() + 1, false);
  for (size_t i = 0; i < code.size(); ++i)
    if (code[i].isLdImm64()) second[++i] = true;
  return second;
}

}  // namespace

Program conformanceForm(const Program &p, bool foldBuffer) {
  Program q;
  q.buffer = p.buffer;
  q.args = {kBufferSize, 0, 0, 0};
  if (foldBuffer) q.code.push_back(makeInsn(ALU64 | SRC_X | OP_MOV, 6, 1, 0, 0));
  for (int k = 0; k < 4; ++k) appendLdImm64(q.code, 2 + k, p.args[size_t(k)]);
  if (foldBuffer) {
    Code fold;
    for (unsigned w = 0; w < kBufferSize / 8; ++w) {
      fold.push_back(makeInsn(LDX | MODE_MEM | SIZE_DW, 7, 6, int(8 * w), 0));
      fold.push_back(makeInsn(ALU64 | SRC_K | OP_MUL, 0, 0, 0, 0x01000193));
      fold.push_back(makeInsn(ALU64 | SRC_X | OP_ADD, 0, 7, 0, 0));
    }
    fold.push_back(makeInsn(JMP | OP_EXIT, 0, 0, 0, 0));
    q.code.push_back(makeInsn(JMP | OP_CALL, 0, CALL_LOCAL, 0, int32_t(fold.size())));
    q.code.insert(q.code.end(), fold.begin(), fold.end());
  }
  q.code.insert(q.code.end(), p.code.begin(), p.code.end());
  return q;
}

std::string checkStructure(const Code &code) {
  const size_t n = code.size();
  if (n == 0) return "no code";
  std::vector<bool> second = secondSlots(code);
  if (second[n]) return "truncated ld_imm64";
  std::set<size_t> starts{0};
  for (size_t i = 0; i < n; ++i)
    if (code[i].isLocalCall()) {
      int64_t t = int64_t(i) + 1 + code[i].imm;
      if (t < 0 || t >= int64_t(n) || second[size_t(t)]) return "bad call target";
      starts.insert(size_t(t));
    }
  for (auto it = starts.begin(); it != starts.end(); ++it) {
    size_t begin = *it, end = std::next(it) == starts.end() ? n : *std::next(it);
    size_t last = second[end - 1] ? end - 2 : end - 1;
    if (!code[last].isExit() && !(code[last].isJump() && code[last].op() == OP_JA)) return "falls off a function";
    for (size_t i = begin; i < end; ++i)
      if (code[i].isJump() && !second[i]) {
        int64_t t = int64_t(i) + 1 + code[i].jumpDelta();
        if (t < int64_t(begin) || t >= int64_t(end) || second[size_t(t)]) return "jump leaves its function";
      }
  }
  return "";
}

Code deleteSlots(const Code &code, size_t begin, size_t end) {
  const size_t n = code.size();
  std::vector<int64_t> newIndex(n + 1);
  int64_t kept = 0;
  for (size_t i = 0; i <= n; ++i) {
    newIndex[i] = kept;  // a deleted slot maps to the first kept one after it
    if (i < n && (i < begin || i >= end)) ++kept;
  }
  Code out;
  std::vector<bool> second = secondSlots(code);
  for (size_t i = 0; i < n; ++i) {
    if (i >= begin && i < end) continue;
    Insn in = code[i];
    if (!second[i] && (in.isJump() || in.isLocalCall())) {
      int64_t target = int64_t(i) + 1 + (in.isLocalCall() ? in.imm : in.jumpDelta());
      int64_t delta = (target >= 0 && target <= int64_t(n) ? newIndex[size_t(target)] : target) - newIndex[i] - 1;
      if (in.isLocalCall()) in.imm = int32_t(delta);
      else if (delta >= INT16_MIN && delta <= INT16_MAX) in.setJumpDelta(int32_t(delta));
    }
    out.push_back(in);
  }
  return out;
}

namespace {

bool disagrees(const ArmResult &got, uint64_t expected) {
  return got.kind == ArmResult::Crashed || (got.kind == ArmResult::Ok && got.r0 != expected);
}

struct Candidate {
  Program program;
  uint64_t expected;
};

// Valid deletions of `p`, biggest first: halves, quarters, ... down to single instructions.
std::vector<Candidate> deletions(const Program &p) {
  std::vector<Candidate> out;
  const size_t n = p.code.size();
  std::vector<bool> second = secondSlots(p.code);
  std::set<std::pair<size_t, size_t>> seen;
  for (size_t chunk = n / 2; chunk >= 1; chunk /= 2) {
    for (size_t b = 0; b < n; b += chunk) {
      size_t begin = b, end = std::min(n, b + chunk);
      if (second[begin]) --begin;
      if (end < n && second[end]) ++end;
      if (!seen.insert({begin, end}).second) continue;
      Program q = p;
      q.code = deleteSlots(p.code, begin, end);
      if (!checkStructure(q.code).empty()) continue;
      Limits limits;
      limits.maxSteps = 1000000;
      Outcome o = interpret(q, limits);
      if (o.valid) out.push_back({std::move(q), o.r0});
    }
    if (chunk == 1) break;
  }
  return out;
}

// Indices of the candidates that still disagree on ARM (at most one batch of them).
std::vector<size_t> stillFailing(const Toolchain &tools, const std::string &workdir, const std::vector<Candidate> &cands,
                                 size_t from, size_t count, std::string &error) {
  std::vector<const Program *> progs;
  for (size_t i = from; i < from + count; ++i) progs.push_back(&cands[i].program);
  std::vector<ArmResult> results;
  error = runOnArm(tools, workdir, progs, results);
  std::vector<size_t> failing;
  for (size_t i = 0; i < results.size(); ++i)
    if (disagrees(results[i], cands[from + i].expected)) failing.push_back(from + i);
  return failing;
}

}  // namespace

Minimised minimise(const Toolchain &tools, const std::string &workdir, const Program &program, bool bufferDiffers,
                   std::vector<std::string> comments, const std::string &path) {
  Minimised m;
  m.slotsBefore = program.code.size();
  // The conformance form: R0 alone must show the disagreement.
  std::vector<Candidate> forms;
  for (bool fold : {false, true}) {
    if (!fold && bufferDiffers) continue;
    Candidate c{conformanceForm(program, fold), 0};
    Outcome o = interpret(c.program);
    if (!o.valid) return {false, "the conformance form is not valid: " + o.why, m.slotsBefore, 0};
    c.expected = o.r0;
    forms.push_back(std::move(c));
  }
  std::string error;
  std::vector<size_t> failing = stillFailing(tools, workdir, forms, 0, forms.size(), error);
  if (!error.empty()) return {false, error, m.slotsBefore, 0};
  if (failing.empty()) return {false, "does not disagree in the conformance form", m.slotsBefore, 0};
  Candidate current = forms[failing[0]];
  constexpr size_t kBatch = 160;
  for (bool progress = true; progress;) {
    progress = false;
    std::vector<Candidate> cands = deletions(current.program);
    for (size_t from = 0; from < cands.size() && !progress; from += kBatch) {
      size_t count = std::min(kBatch, cands.size() - from);
      failing = stillFailing(tools, workdir, cands, from, count, error);
      if (!error.empty()) return {false, error, m.slotsBefore, current.program.code.size()};
      if (!failing.empty()) {
        current = cands[failing[0]];
        progress = true;
      }
    }
  }
  std::vector<ArmResult> results;
  std::vector<const Program *> one = {&current.program};
  error = runOnArm(tools, workdir, one, results);
  char line[160];
  if (results[0].kind == ArmResult::Crashed)
    std::snprintf(line, sizeof line, "bpf2arm's code: %s; the interpreter: 0x%016" PRIx64, results[0].detail.c_str(),
                  current.expected);
  else
    std::snprintf(line, sizeof line, "bpf2arm's code returns 0x%016" PRIx64 ", the interpreter 0x%016" PRIx64 " (below)",
                  results[0].r0, current.expected);
  comments.push_back(line);
  for (const Insn &in : current.program.code)
    if (in.isCall() && in.src == CALL_HELPER) {
      comments.push_back("Calls the tester's helpers (tests/difftest/helpers.inc): the conformance runner skips it.");
      break;
    }
  m.slotsAfter = current.program.code.size();
  m.written = writeDataFile(path, comments, current.program, current.expected);
  m.message = m.written ? "wrote " + path : "cannot write " + path;
  return m;
}

}  // namespace difftest
