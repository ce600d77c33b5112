// The language kernels of the good corpus (scalars, control flow, helpers, memory) run on the emulator;
// each test recomputes the kernel's results with the same steps in host C++.
#include <cstdint>
#include <string>

#include <gtest/gtest.h>

#include "compiler/metalium_test_util.h"

namespace tilesim::metalium_test {
namespace {

// Runs a corpus reader kernel on one core with a 256-byte results buffer as its last runtime argument and
// CB 0 (one 4 KiB page) as its scratch space; returns the results page.
std::vector<uint32_t> RunLanguageKernel(const std::string& name, std::vector<uint32_t> args,
                                        const std::vector<uint32_t>& extra_buffer = {}) {
  TestDevice device;
  auto results = DramBuffer(device, 256, 256);
  std::shared_ptr<Buffer> extra;
  if (!extra_buffer.empty()) {
    extra = DramBuffer(device, extra_buffer.size() * 4, extra_buffer.size() * 4);
    EnqueueWriteBuffer(device.cq(), extra, extra_buffer, true);
    args.push_back(extra->address());
  }
  args.push_back(results->address());
  Program program = CreateProgram();
  MakeCb(program, CoreCoord{0, 0}, 0, 1, 4096);
  const std::string path = GoodKernel(name);
  const CorpusHeader header = ReadHeader(ReadText(path));
  const KernelHandle k = CreateKernel(program, CompileCorpusFile(path), CoreCoord{0, 0},
                                      DataMovementConfig{.compile_args = header.compile_args});
  SetRuntimeArgs(program, k, CoreCoord{0, 0}, args);
  EnqueueProgram(device.cq(), program, true);
  std::vector<uint32_t> page;
  EnqueueReadBuffer(device.cq(), results, page, true);
  return page;
}

TEST(MetaliumLanguageTest, ScalarsKernel) {
  const uint32_t seed = 10;
  const int32_t delta = -300;
  const std::vector<uint32_t> out = RunLanguageKernel("language_scalars.cpp", {seed, static_cast<uint32_t>(delta)});
  const uint8_t small = static_cast<uint8_t>(seed + 250);
  const uint16_t half = static_cast<uint16_t>(seed * 1000u);
  const int16_t negative_half = static_cast<int16_t>(-delta);
  const uint64_t wide = (uint64_t{seed} << 33) | 0xFFu;
  unsigned u = 0x10;
  u <<= 2;
  EXPECT_EQ(out[0], small);
  EXPECT_EQ(out[1], static_cast<uint32_t>(half + negative_half));
  EXPECT_EQ(out[2], static_cast<uint32_t>(-3) ^ 0xFFFFFFFFu);
  EXPECT_EQ(out[3], static_cast<uint32_t>(wide >> 32));
  EXPECT_EQ(out[4], static_cast<uint32_t>(wide));
  EXPECT_EQ(out[5], 11u);
  EXPECT_EQ(out[6], static_cast<uint32_t>(-7 / 2 + -7 % 4));
  EXPECT_EQ(out[7], u | (u >> 1));
  EXPECT_EQ(out[8], 3u);  // ((0 + 5) * 3 - 1) / 2 % 5, then +1 +1 -1
  EXPECT_EQ(out[9], seed * 3 + 4 + 7 + 5);
  EXPECT_EQ(out[10], uint32_t{'A'} + 4 + 100);
  EXPECT_EQ(out[11], 0xFFFFFFFFu);
  EXPECT_EQ(out[12], 11u + 15u + 1000u);
  EXPECT_EQ(out[13], 13u);
}

TEST(MetaliumLanguageTest, ControlFlowKernel) {
  const uint32_t n = 10;
  const std::vector<uint32_t> out = RunLanguageKernel("language_control.cpp", {n});
  uint32_t sum = 0;
  for (uint32_t i = 0; i < n; i++) {
    if (i % 3 != 0) sum += i;
  }
  uint32_t down = 0;
  for (int32_t i = static_cast<int32_t>(n); i >= 0; i -= 2) down += static_cast<uint32_t>(i);
  EXPECT_EQ(out[0], sum);
  EXPECT_EQ(out[1], down);
  EXPECT_EQ(out[2], 64u);
  EXPECT_EQ(out[3], 12u);
  EXPECT_EQ(out[4], 1u + 5 + 110 + 5 + 110 + 5 + 100 + 5 + 1000 + 1000);
  EXPECT_EQ(out[5], 42u);  // compile-time arg 41, plus one
  EXPECT_EQ(out[6], 202u);
  EXPECT_EQ(out[7], 1u);
}

TEST(MetaliumLanguageTest, HelpersKernel) {
  const uint32_t x = 12;
  std::vector<uint32_t> src(16);
  for (uint32_t i = 0; i < src.size(); ++i) src[i] = 0x5000 + i * 3;
  const std::vector<uint32_t> out = RunLanguageKernel("language_helpers.cpp", {x}, src);
  uint32_t first_multiple = x;
  while (first_multiple % 5 != 0) first_multiple += 7;
  EXPECT_EQ(out[0], x + std::min(x + 90, 100u));
  EXPECT_EQ(out[1], first_multiple);
  EXPECT_EQ(out[2], std::max(x, 17u) - 3);
  EXPECT_EQ(out[3], (2 * x + 1) + (x + 10));
  EXPECT_EQ(out[4], x * (x + 1) / 2);
  for (uint32_t i = 0; i < 16; ++i) EXPECT_EQ(out[16 + i], src[i]) << "word " << i << " read by the helper";
}

TEST(MetaliumLanguageTest, MemoryKernel) {
  const uint32_t pick = 7;
  const std::vector<uint32_t> out = RunLanguageKernel("language_memory.cpp", {pick});
  const uint64_t long0 = 0x0123456789ABCDEFull;
  uint32_t table[5] = {10, 20, 30, 40, 50};
  table[pick % 5] += 1;
  EXPECT_EQ(out[0], 0u);
  EXPECT_EQ(out[1], 1u);
  EXPECT_EQ(out[2], 2u);
  EXPECT_EQ(out[3], 3u + 40u);
  EXPECT_EQ(out[4], 0x1111u * 3 + static_cast<uint8_t>(7 * 37));
  EXPECT_EQ(out[5], static_cast<uint32_t>(long0 >> 8));
  EXPECT_EQ(out[6], 4u);
  EXPECT_EQ(out[7], table[pick % 5] + table[0] + 6);
  EXPECT_EQ(out[8], pick + 8 + 7);
  for (uint32_t i = 0; i < 8; i += 2) {
    EXPECT_EQ(out[16 + i / 2], (0x1111u * i) | (0x1111u * (i + 1)) << 16) << "halves " << i;
  }
  for (uint32_t w = 0; w < 2; ++w) {
    uint32_t word = 0;
    for (uint32_t b = 0; b < 4; ++b) word |= uint32_t{static_cast<uint8_t>((w * 4 + b) * 37)} << (8 * b);
    EXPECT_EQ(out[32 + w], word) << "bytes " << w * 4;
  }
  EXPECT_EQ(out[48], static_cast<uint32_t>(long0));
  EXPECT_EQ(out[49], static_cast<uint32_t>(long0 >> 32));
}

}  // namespace
}  // namespace tilesim::metalium_test
