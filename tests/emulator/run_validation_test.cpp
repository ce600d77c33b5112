// Run() refuses malformed programs with InvalidProgram and a message naming each problem.
#include <gtest/gtest.h>

#include <string>

#include "emulator_test_util.h"

namespace tilesim::emu::testing {
namespace {

std::shared_ptr<const bc::KernelBinary> Trivial(KernelRole role, const std::string& name = "k") {
  KernelBuilder k(name, role);
  k.return_();
  return Compile(k);
}

RunResult RunProgram(const ProgramSpec& p) {
  Device device(DeviceConfig{});
  return Run(device, p);
}

void ExpectInvalid(const ProgramSpec& p, const std::string& part) {
  const RunResult r = RunProgram(p);
  ASSERT_EQ(r.status, RunStatus::InvalidProgram) << r.message;
  EXPECT_NE(r.message.find(part), std::string::npos) << r.message;
}

TEST(RunValidation, OverlappingCircularBuffersAreRejected) {
  ProgramSpec p;
  p.cores.push_back(CoreResources{CoreCoord{1, 1}, {Cb(0, 0x10000, 2048, 2), Cb(1, 0x10800, 2048, 2)}, {}});
  ExpectInvalid(p, "core (1,1): circular buffer 0 [0x10000, 0x11000) overlaps circular buffer 1 [0x10800, 0x11800)");
}

TEST(RunValidation, SemaphoreInsideACircularBufferIsRejected) {
  ProgramSpec p;
  p.cores.push_back(CoreResources{CoreCoord{0, 0}, {Cb(2, 0x1000, 64, 4)}, {SemaphoreSpec{0, 0x1040, 0}}});
  ExpectInvalid(p, "circular buffer 2 [0x1000, 0x1100) overlaps semaphore 0 [0x1040, 0x1044)");
}

TEST(RunValidation, CircularBufferPastTheEndOfL1IsRejected) {
  ProgramSpec p;
  p.cores.push_back(CoreResources{CoreCoord{0, 0}, {Cb(0, 1499136 - 2048, 2048, 2)}, {}});
  ExpectInvalid(p, "circular buffer 0 [0x16d800, 0x16e800) does not fit in L1");
}

TEST(RunValidation, CircularBufferIndexOutOfRangeIsRejected) {
  ProgramSpec p;
  p.cores.push_back(CoreResources{CoreCoord{0, 0}, {Cb(32, 0x1000, 64, 1)}, {}});
  ExpectInvalid(p, "circular buffer 32: index out of range (0..31)");
}

TEST(RunValidation, TwoKernelsInTheSameRoleOnOneCoreAreRejected) {
  ProgramSpec p;
  p.kernels = {Place(Trivial(KernelRole::DataMovement0, "first"), {CoreCoord{2, 2}}),
               Place(Trivial(KernelRole::DataMovement0, "second"), {CoreCoord{2, 2}})};
  ExpectInvalid(p, "kernel 'second' (reader) and kernel 'first' both run as the reader of core (2,2)");
}

TEST(RunValidation, CoreOutsideTheGridIsRejected) {
  ProgramSpec p;
  p.kernels = {Place(Trivial(KernelRole::Compute), {CoreCoord{0, 8}})};
  ExpectInvalid(p, "core (0,8) is outside the 8x8 grid");
}

TEST(RunValidation, MissingRuntimeArgumentsAreRejected) {
  KernelBuilder k("needs_args", KernelRole::DataMovement1);
  k.store32(0x1000u, k.get_arg_val(0u));
  ProgramSpec p;
  p.kernels = {Place(Compile(k), {CoreCoord{0, 0}, CoreCoord{1, 0}}, {{5}})};
  ExpectInvalid(p, "kernel 'needs_args' (writer) reads runtime arguments (get_arg_val) but core (1,0) has none");
}

TEST(RunValidation, UnverifiedBinaryIsRejected) {
  auto broken = std::make_shared<bc::KernelBinary>();
  broken->name = "broken";
  broken->num_registers = 1;
  broken->code = {bc::Instr{bc::Opcode::JMP, 0, 0, 0, 99}};
  ProgramSpec p;
  p.kernels = {Place(broken, {CoreCoord{0, 0}})};
  ExpectInvalid(p, "kernel 'broken' (reader): pc 0");
}

TEST(RunValidation, RuntimeArgumentIndexBeyondTheListTrapsWithTheCount) {
  KernelBuilder k("reads_two", KernelRole::DataMovement0);
  k.store32(0x1000u, k.get_arg_val(2u));
  ProgramSpec p;
  p.kernels = {Place(Compile(k), {CoreCoord{0, 0}}, {{1, 2}})};
  const RunResult r = RunProgram(p);
  ASSERT_EQ(r.status, RunStatus::Trap) << r.message;
  EXPECT_NE(r.message.find("get_arg_val(2): the kernel has 2 such arguments on this core"), std::string::npos) << r.message;
}

TEST(RunValidation, EveryProblemIsListed) {
  ProgramSpec p;
  p.kernels = {Place(Trivial(KernelRole::Compute), {CoreCoord{9, 9}})};
  p.cores.push_back(CoreResources{CoreCoord{0, 0}, {Cb(0, 0x1000, 0, 1)}, {SemaphoreSpec{1, 0x3, 0}}});
  const RunResult r = RunProgram(p);
  ASSERT_EQ(r.status, RunStatus::InvalidProgram);
  EXPECT_NE(r.message.find("core (9,9) is outside"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("circular buffer 0 has 1 pages of 0 bytes"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("semaphore 1 at 0x3 is not 4-byte aligned"), std::string::npos) << r.message;
}

}  // namespace
}  // namespace tilesim::emu::testing
