// DPRINT: lines prefixed with core and role, values printed by type, unfinished lines flushed.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "emulator_test_util.h"

namespace tilesim::emu::testing {
namespace {

TEST(Dprint, LinesCarryTheCoreAndRolePrefix) {
  Device device(DeviceConfig{});
  KernelBuilder k("printer", KernelRole::DataMovement0);
  k.for_("i", 0u, 3u, [&](Expr i) { k.dprint({"tile ", i, " of ", 3}); });
  ProgramSpec p;
  p.kernels = {Place(Compile(k), {CoreCoord{1, 2}})};
  const Outcome out = RunCollecting(device, p);
  ASSERT_TRUE(out.result.ok()) << out.result.message;
  ASSERT_EQ(out.lines.size(), 3u);
  for (uint32_t i = 0; i < 3; ++i) EXPECT_EQ(out.lines[i], "[core (1,2) reader] tile " + std::to_string(i) + " of 3");
}

TEST(Dprint, SignedAndSixtyFourBitValuesPrintAsTheirType) {
  Device device(DeviceConfig{});
  KernelBuilder k("printer", KernelRole::Compute);
  k.dprint({KernelBuilder::i32(-17), " ", KernelBuilder::u64(0x123456789abcull)});
  ProgramSpec p;
  p.kernels = {Place(Compile(k), {CoreCoord{0, 7}})};
  const Outcome out = RunCollecting(device, p);
  ASSERT_TRUE(out.result.ok()) << out.result.message;
  ASSERT_EQ(out.lines.size(), 1u);
  EXPECT_EQ(out.lines[0], "[core (0,7) compute] -17 " + std::to_string(0x123456789abcull));
}

TEST(Dprint, EachKernelsLinesKeepTheirOrder) {
  Device device(DeviceConfig{});
  KernelBuilder k("printer", KernelRole::DataMovement1);
  k.for_("i", 0u, 20u, [&](Expr i) { k.dprint({"line ", i}); });
  ProgramSpec p;
  p.kernels = {Place(Compile(k), {CoreCoord{0, 0}, CoreCoord{1, 0}, CoreCoord{2, 0}})};
  const Outcome out = RunCollecting(device, p, 3);
  ASSERT_TRUE(out.result.ok()) << out.result.message;
  ASSERT_EQ(out.lines.size(), 60u);
  for (uint32_t x = 0; x < 3; ++x) {
    const std::string prefix = "[core (" + std::to_string(x) + ",0) writer] ";
    std::vector<std::string> mine;
    std::copy_if(out.lines.begin(), out.lines.end(), std::back_inserter(mine),
                 [&](const std::string& l) { return l.rfind(prefix, 0) == 0; });
    ASSERT_EQ(mine.size(), 20u);
    for (uint32_t i = 0; i < 20; ++i) EXPECT_EQ(mine[i], prefix + "line " + std::to_string(i));
  }
}

TEST(Dprint, ALineWithoutEndlIsPrintedWhenTheKernelEnds) {
  Device device(DeviceConfig{});
  KernelBuilder k("printer", KernelRole::DataMovement0);
  k.dprint({"start"});                         // interns "start" as string 0 and ends the line
  k.call(bc::Intrinsic::dprint_str, {0u});     // prints it again with no ENDL() after it
  ProgramSpec p;
  p.kernels = {Place(Compile(k), {CoreCoord{4, 4}})};
  const Outcome out = RunCollecting(device, p);
  ASSERT_TRUE(out.result.ok()) << out.result.message;
  ASSERT_EQ(out.lines.size(), 2u);
  EXPECT_EQ(out.lines[0], "[core (4,4) reader] start");
  EXPECT_EQ(out.lines[1], "[core (4,4) reader] start");
}

}  // namespace
}  // namespace tilesim::emu::testing
