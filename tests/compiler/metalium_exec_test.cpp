// Kernels in the Metalium dialect, compiled and run on the emulator: integer semantics and control flow must
// be those of C++. Each kernel computes values from runtime arguments (so nothing folds away) and the test
// computes the same expressions with the host's C++ compiler as the reference.
#include <cstdint>
#include <string>

#include <gtest/gtest.h>

#include "compiler/metalium_test_util.h"

namespace tilesim::metalium_test {
namespace {

TEST(MetaliumExecTest, IntegerArithmeticFollowsCpp) {
  const uint32_t a = 1000000007u;
  const int32_t b = -37;
  const uint32_t c = 5;
  const ScalarRun run = RunScalarKernel(R"(
void kernel_main() {
  RESULTS_BEGIN
  uint32_t a = get_arg_val<uint32_t>(1);
  int32_t b = get_arg_val<int32_t>(2);
  uint32_t c = get_arg_val<uint32_t>(3);
  out[0] = a * c + 3;
  out[1] = b / 4;
  out[2] = b % 4;
  out[3] = a / c;
  out[4] = a % c;
  out[5] = b >> 2;
  out[6] = a >> 3;
  out[7] = a << 7;
  out[8] = (uint32_t)((uint64_t)a * a >> 32);
  out[9] = b < 0;
  out[10] = b < 0u;
  out[11] = a + b;
  out[12] = ~a ^ c | 0x100;
  out[13] = -b;
  out[14] = (a > c) + (a >= c) * 2 + (a == a) * 4 + (a != c) * 8 + (c <= a) * 16;
  out[15] = c - 6;
  RESULTS_END
}
)",
                                        {a, static_cast<uint32_t>(b), c});
  EXPECT_EQ(run.out[0], a * c + 3);
  EXPECT_EQ(run.out[1], static_cast<uint32_t>(b / 4));
  EXPECT_EQ(run.out[2], static_cast<uint32_t>(b % 4));
  EXPECT_EQ(run.out[3], a / c);
  EXPECT_EQ(run.out[4], a % c);
  EXPECT_EQ(run.out[5], static_cast<uint32_t>(b >> 2));
  EXPECT_EQ(run.out[6], a >> 3);
  EXPECT_EQ(run.out[7], a << 7);
  EXPECT_EQ(run.out[8], static_cast<uint32_t>((uint64_t{a} * a) >> 32));
  EXPECT_EQ(run.out[9], 1u);
  EXPECT_EQ(run.out[10], 0u);  // b converts to unsigned, as in C++
  EXPECT_EQ(run.out[11], a + static_cast<uint32_t>(b));
  EXPECT_EQ(run.out[12], (~a ^ c) | 0x100u);
  EXPECT_EQ(run.out[13], 37u);
  EXPECT_EQ(run.out[14], 1u + 2u + 4u + 8u + 16u);
  EXPECT_EQ(run.out[15], c - 6u);
}

TEST(MetaliumExecTest, NarrowTypesWrapAndPromote) {
  const uint32_t x = 300;
  const ScalarRun run = RunScalarKernel(R"(
void kernel_main() {
  RESULTS_BEGIN
  uint32_t x = get_arg_val<uint32_t>(1);
  uint8_t u8 = x;
  int8_t i8 = x;
  uint16_t u16 = x * 200;
  int16_t i16 = x * 200;
  bool flag = x;
  uint8_t counter = 250;
  for (int k = 0; k < 10; ++k) counter++;
  out[0] = u8;
  out[1] = i8;
  out[2] = u16;
  out[3] = i16;
  out[4] = flag;
  out[5] = counter;
  out[6] = u8 - 100;            // promoted to int: may go negative
  out[7] = static_cast<uint16_t>(i16) >> 4;
  out[8] = sizeof(u8) + sizeof(u16) * 10 + sizeof(x) * 100 + sizeof(uint64_t) * 1000;
  RESULTS_END
}
)",
                                        {x});
  const uint8_t u8 = static_cast<uint8_t>(x);
  const int8_t i8 = static_cast<int8_t>(x);
  const uint16_t u16 = static_cast<uint16_t>(x * 200);
  const int16_t i16 = static_cast<int16_t>(x * 200);
  uint8_t counter = 250;
  for (int k = 0; k < 10; ++k) counter++;
  EXPECT_EQ(run.out[0], u8);
  EXPECT_EQ(run.out[1], static_cast<uint32_t>(static_cast<int32_t>(i8)));
  EXPECT_EQ(run.out[2], u16);
  EXPECT_EQ(run.out[3], static_cast<uint32_t>(static_cast<int32_t>(i16)));
  EXPECT_EQ(run.out[4], 1u);
  EXPECT_EQ(run.out[5], counter);
  EXPECT_EQ(run.out[6], static_cast<uint32_t>(u8 - 100));
  EXPECT_EQ(run.out[7], static_cast<uint32_t>(static_cast<uint16_t>(i16) >> 4));
  EXPECT_EQ(run.out[8], 1u + 20u + 400u + 8000u);
}

TEST(MetaliumExecTest, WideIntegersKeep64Bits) {
  const uint32_t hi = 0x12345678, lo = 0x9abcdef0;
  const ScalarRun run = RunScalarKernel(R"(
void kernel_main() {
  RESULTS_BEGIN
  uint64_t v = (static_cast<uint64_t>(get_arg_val<uint32_t>(1)) << 32) | get_arg_val<uint32_t>(2);
  uint64_t w = v * 3 + 0xFFFFFFFFull;
  out[0] = w >> 32;
  out[1] = (uint32_t)w;
  out[2] = v / 1000;
  out[3] = v % 1000;
  out[4] = v > 0xFFFFFFFFull;
  RESULTS_END
}
)",
                                        {hi, lo});
  const uint64_t v = (uint64_t{hi} << 32) | lo;
  const uint64_t w = v * 3 + 0xFFFFFFFFull;
  EXPECT_EQ(run.out[0], static_cast<uint32_t>(w >> 32));
  EXPECT_EQ(run.out[1], static_cast<uint32_t>(w));
  EXPECT_EQ(run.out[2], static_cast<uint32_t>(v / 1000));
  EXPECT_EQ(run.out[3], static_cast<uint32_t>(v % 1000));
  EXPECT_EQ(run.out[4], 1u);
}

TEST(MetaliumExecTest, LoopsOfEveryShape) {
  const uint32_t n = 17;
  const ScalarRun run = RunScalarKernel(R"(
void kernel_main() {
  RESULTS_BEGIN
  uint32_t n = get_arg_val<uint32_t>(1);
  uint32_t a = 0;
  for (uint32_t i = 0; i < n; i++) { if (i % 4 == 1) continue; a += i; }
  uint32_t b = 0;
  for (uint32_t i = 1; i <= n; i *= 2) { if (i == 4) continue; b += i; }   // continue runs the step
  int c = 0;
  for (int i = n; i > 0; --i) c += i;
  uint32_t d = 0, steps = 0;
  while (d < n) { d += 5; ++steps; }
  uint32_t e = 0;
  do { e++; } while (e > 100);                                           // runs once
  uint32_t f = 0;
  do { f++; if (f < 3) continue; f += 10; } while (f < 30);
  uint32_t g = 0;
  for (uint32_t i = 0; i < n; i += 3) g += i;
  uint32_t h = 0;
  for (uint32_t i = 0, j = n; i < j; ++i, --j) h += j - i;
  out[0] = a; out[1] = b; out[2] = c; out[3] = d * 100 + steps; out[4] = e; out[5] = f; out[6] = g; out[7] = h;
  RESULTS_END
}
)",
                                        {n});
  uint32_t a = 0;
  for (uint32_t i = 0; i < n; i++) {
    if (i % 4 == 1) continue;
    a += i;
  }
  uint32_t b = 0;
  for (uint32_t i = 1; i <= n; i *= 2) {
    if (i == 4) continue;
    b += i;
  }
  int c = 0;
  for (int i = static_cast<int>(n); i > 0; --i) c += i;
  uint32_t d = 0, steps = 0;
  while (d < n) {
    d += 5;
    ++steps;
  }
  uint32_t f = 0;
  do {
    f++;
    if (f < 3) continue;
    f += 10;
  } while (f < 30);
  uint32_t g = 0;
  for (uint32_t i = 0; i < n; i += 3) g += i;
  uint32_t h = 0;
  for (uint32_t i = 0, j = n; i < j; ++i, --j) h += j - i;
  EXPECT_EQ(run.out[0], a);
  EXPECT_EQ(run.out[1], b);
  EXPECT_EQ(run.out[2], static_cast<uint32_t>(c));
  EXPECT_EQ(run.out[3], d * 100 + steps);
  EXPECT_EQ(run.out[4], 1u);
  EXPECT_EQ(run.out[5], f);
  EXPECT_EQ(run.out[6], g);
  EXPECT_EQ(run.out[7], h);
}

TEST(MetaliumExecTest, SwitchFallsThroughAndContinuesTheLoop) {
  const ScalarRun run = RunScalarKernel(R"(
void kernel_main() {
  RESULTS_BEGIN
  uint32_t total = 0, visits = 0;
  for (uint32_t k = 0; k < get_arg_val<uint32_t>(1); ++k) {
    switch (k % 5) {
      case 0: total += 1; break;
      case 1:
      case 2: total += 10;
      case 3: total += 100; break;
      default: total += 1000; continue;
    }
    visits++;
  }
  out[0] = total;
  out[1] = visits;
  RESULTS_END
}
)",
                                        {12});
  uint32_t total = 0, visits = 0;
  for (uint32_t k = 0; k < 12; ++k) {
    switch (k % 5) {
      case 0: total += 1; break;
      case 1:
      case 2: total += 10; [[fallthrough]];
      case 3: total += 100; break;
      default: total += 1000; continue;
    }
    visits++;
  }
  EXPECT_EQ(run.out[0], total);
  EXPECT_EQ(run.out[1], visits);
}

TEST(MetaliumExecTest, HelpersReturnFromInsideLoopsAndBindReferences) {
  const ScalarRun run = RunScalarKernel(R"(
uint32_t find(uint32_t target) {
  for (uint32_t row = 0; row < 10; ++row) {
    for (uint32_t col = 0; col < 10; ++col) {
      if (row * 10 + col == target) return row * 1000 + col;
    }
  }
  return 99999;
}
void bump(uint32_t& x, uint32_t by = 2) { x += by; if (x > 50) return; x *= 2; }
int sign(int v) { if (v < 0) return -1; else if (v == 0) return 0; return 1; }
void kernel_main() {
  RESULTS_BEGIN
  uint32_t t = get_arg_val<uint32_t>(1);
  out[0] = find(t);
  out[1] = find(t + 1000);
  uint32_t x = 5;
  bump(x);
  bump(x, 40);
  bump(x);
  out[2] = x;
  out[3] = sign(-5) + 10 * sign(0) + 100 * sign(t);
  RESULTS_END
}
)",
                                        {57});
  EXPECT_EQ(run.out[0], 5007u);
  EXPECT_EQ(run.out[1], 99999u);
  EXPECT_EQ(run.out[2], 56u);  // 5 -> 14 -> 54 (over 50: not doubled) -> 56
  EXPECT_EQ(run.out[3], 99u);  // -1 + 10 * 0 + 100 * 1
}

TEST(MetaliumExecTest, TemplatesAreInstantiatedPerCall) {
  const ScalarRun run = RunScalarKernel(R"(
template <typename T> T twice(T v) { return v + v; }
template <bool kNegate, uint32_t kBias = 3> int32_t adjust(int32_t v) {
  if constexpr (kNegate) { return -v + kBias; } else { return v + kBias; }
}
void kernel_main() {
  RESULTS_BEGIN
  uint32_t x = get_arg_val<uint32_t>(1);
  uint8_t small = 200;
  out[0] = twice(x);
  out[1] = twice(small);              // T = uint8_t: 400 wraps to 144
  out[2] = twice<int32_t>(-7);
  out[3] = adjust<true>(x);
  out[4] = adjust<false, 100>(x);
  RESULTS_END
}
)",
                                        {21});
  EXPECT_EQ(run.out[0], 42u);
  EXPECT_EQ(run.out[1], 144u);
  EXPECT_EQ(run.out[2], static_cast<uint32_t>(-14));
  EXPECT_EQ(run.out[3], static_cast<uint32_t>(-21 + 3));
  EXPECT_EQ(run.out[4], 121u);
}

TEST(MetaliumExecTest, PointersReadAndWriteEveryWidth) {
  const ScalarRun run = RunScalarKernel(R"(
void kernel_main() {
  RESULTS_BEGIN
  uint32_t base = get_write_ptr(0);
  uint8_t* bytes = reinterpret_cast<uint8_t*>(base + 64);
  uint16_t* halves = (uint16_t*)(base + 64);
  uint64_t* longs = reinterpret_cast<uint64_t*>(base + 96);
  for (uint32_t i = 0; i < 8; ++i) bytes[i] = i * 17 + 1;
  halves[3] = 0xBEEF;                   // overwrites bytes 6 and 7
  *(bytes + 1) = 0xAA;
  longs[0] = 0x1122334455667788ull;
  longs[1] = longs[0] + 1;
  uint32_t* words = (uint32_t*)base;
  out[0] = bytes[2] + (halves[0] << 8);
  out[1] = longs[1] >> 40;
  int8_t* signed_bytes = (int8_t*)bytes;
  out[2] = signed_bytes[4];              // 69, positive
  out[3] = signed_bytes[1];              // 0xAA: negative
  out[4] = (uint32_t)(halves + 2) - base;
  out[5] = words + 3 > words;
  RESULTS_END
}
)");
  const std::vector<uint32_t>& o = run.out;
  // The results page holds the raw bytes too: words 16.. are bytes 64...
  uint8_t bytes[8];
  for (uint32_t i = 0; i < 8; ++i) bytes[i] = static_cast<uint8_t>(i * 17 + 1);
  bytes[6] = 0xEF;
  bytes[7] = 0xBE;
  bytes[1] = 0xAA;
  const uint16_t half0 = static_cast<uint16_t>(bytes[0] | (bytes[1] << 8));
  EXPECT_EQ(o[16], uint32_t{bytes[0]} | uint32_t{bytes[1]} << 8 | uint32_t{bytes[2]} << 16 | uint32_t{bytes[3]} << 24);
  EXPECT_EQ(o[17], uint32_t{bytes[4]} | uint32_t{bytes[5]} << 8 | uint32_t{bytes[6]} << 16 | uint32_t{bytes[7]} << 24);
  EXPECT_EQ(o[24], 0x55667788u);
  EXPECT_EQ(o[25], 0x11223344u);
  EXPECT_EQ(o[0], bytes[2] + (uint32_t{half0} << 8));
  EXPECT_EQ(o[1], static_cast<uint32_t>((0x1122334455667788ull + 1) >> 40));
  EXPECT_EQ(o[2], 69u);
  EXPECT_EQ(o[3], static_cast<uint32_t>(static_cast<int8_t>(0xAA)));
  EXPECT_EQ(o[4], 64u + 4u);
  EXPECT_EQ(o[5], 1u);
}

TEST(MetaliumExecTest, ArraysIndexedAtRunTime) {
  const ScalarRun run = RunScalarKernel(R"(
void kernel_main() {
  RESULTS_BEGIN
  uint32_t pick = get_arg_val<uint32_t>(1);
  uint32_t squares[6];
  for (uint32_t i = 0; i < 6; ++i) squares[i] = i * i;
  squares[pick] += 100;
  uint32_t sum = 0;
  for (uint32_t i = 0; i < 6; ++i) sum += squares[i];
  constexpr uint32_t fixed[] = {7, 8, 9};
  out[0] = squares[pick];
  out[1] = sum;
  out[2] = fixed[pick % 3] + sizeof(fixed);
  RESULTS_END
}
)",
                                        {4});
  EXPECT_EQ(run.out[0], 116u);
  EXPECT_EQ(run.out[1], 0u + 1 + 4 + 9 + 116 + 25);
  EXPECT_EQ(run.out[2], 8u + 12u);
}

TEST(MetaliumExecTest, StructsAreCopiedByValue) {
  const ScalarRun run = RunScalarKernel(R"(
struct Span { uint32_t first; uint32_t count = 1; };
Span grow(Span s, uint32_t by) { s.count += by; return s; }
void kernel_main() {
  RESULTS_BEGIN
  Span a{get_arg_val<uint32_t>(1)};
  Span b = grow(a, 9);
  Span c = {.first = 3, .count = 4};
  c = b;
  b.first = 0;
  out[0] = a.first * 1000 + a.count;
  out[1] = b.first * 1000 + b.count;
  out[2] = c.first * 1000 + c.count;
  RESULTS_END
}
)",
                                        {6});
  EXPECT_EQ(run.out[0], 6001u);
  EXPECT_EQ(run.out[1], 10u);
  EXPECT_EQ(run.out[2], 6010u);
}

TEST(MetaliumExecTest, UntakenBranchesAreNotEvaluated) {
  // Division by zero traps on the device: ?:, && and || must not evaluate it when C++ would not.
  const ScalarRun run = RunScalarKernel(R"(
uint32_t calls = 0;
bool count_call() { calls++; return true; }
void kernel_main() {
  RESULTS_BEGIN
  uint32_t a = get_arg_val<uint32_t>(1), zero = get_arg_val<uint32_t>(2);
  out[0] = zero != 0 ? a / zero : 99;
  out[1] = zero != 0 && a / zero > 1;
  out[2] = zero == 0 || a / zero > 1;
  out[3] = zero && count_call();
  out[4] = calls;
  RESULTS_END
}
)",
                                        {10, 0});
  EXPECT_EQ(run.out[0], 99u);
  EXPECT_EQ(run.out[1], 0u);
  EXPECT_EQ(run.out[2], 1u);
  EXPECT_EQ(run.out[3], 0u);
  EXPECT_EQ(run.out[4], 0u);
}

TEST(MetaliumExecTest, StaticLocalsAndGlobalsKeepTheirValues) {
  const ScalarRun run = RunScalarKernel(R"(
uint32_t total = 10;
constexpr uint32_t kStep = 3;
uint32_t next_id() { static uint32_t id = 100; return id++; }
void kernel_main() {
  RESULTS_BEGIN
  next_id();
  next_id();
  total += kStep;
  out[0] = next_id();
  out[1] = total;
  RESULTS_END
}
)");
  EXPECT_EQ(run.out[0], 102u);
  EXPECT_EQ(run.out[1], 13u);
}

TEST(MetaliumExecTest, CompileTimeArgsGiveTheSameResultFoldedOrBound) {
  const std::string kernel = R"(
void kernel_main() {
  RESULTS_BEGIN
  constexpr uint32_t n = get_compile_time_arg_val(0);
  constexpr uint32_t m = get_compile_time_arg_val(1) * 2;
  uint32_t s = 0;
  for (uint32_t i = 0; i < n; ++i) s += m;
  if constexpr (n > 3) { out[1] = 1; } else { out[1] = 2; }
  out[0] = s;
  RESULTS_END
}
)";
  const ScalarRun folded = RunScalarKernel(kernel, {}, {5, 7});
  EXPECT_EQ(folded.out[0], 70u);
  EXPECT_EQ(folded.out[1], 1u);
  // Compiled without the args, the IR keeps get_compile_time_arg_val and LowerToBytecode binds it.
  const kir::Kernel unbound = metalium::ParseKernel({"k.cpp", kResultsPrelude + kernel}, {});
  EXPECT_NE(kir::Print(unbound).find("get_compile_time_arg_val(1)"), std::string::npos);
  const std::vector<uint32_t> args = {5, 7};
  EXPECT_NO_THROW(compiler::LowerToBytecode(unbound, args));
}

TEST(MetaliumExecTest, DprintPrintsStringsAndIntegersByType) {
  const ScalarRun run = RunScalarKernel(R"(
void kernel_main() {
  RESULTS_BEGIN
  int32_t neg = -static_cast<int32_t>(get_arg_val<uint32_t>(1));
  uint64_t big = static_cast<uint64_t>(get_arg_val<uint32_t>(1)) << 33;
  DPRINT << "neg=" << neg << " big=" << big << ' ' << true << ENDL();
  DPRINT << "split\nhere" << ENDL();
  DPRINT_DATA0(DPRINT << "reader only" << ENDL());
  DPRINT_DATA1(DPRINT << "writer only" << ENDL());
  DPRINT_MATH(DPRINT << "math only" << ENDL());
  RESULTS_END
}
)",
                                        {3});
  ASSERT_EQ(run.dprint.size(), 4u);
  EXPECT_NE(run.dprint[0].find("neg=-3 big=25769803776 1"), std::string::npos) << run.dprint[0];
  EXPECT_NE(run.dprint[1].find("split"), std::string::npos);
  EXPECT_NE(run.dprint[2].find("here"), std::string::npos);
  EXPECT_NE(run.dprint[3].find("reader only"), std::string::npos);
}

TEST(MetaliumExecTest, FormatPrintsFillTheirPlaceholders) {
  const ScalarRun run = RunScalarKernel(R"(
void kernel_main() {
  RESULTS_BEGIN
  uint32_t x = get_arg_val<uint32_t>(1);
  DPRINT("x={} {{literal}} y={:d}\n", x, -static_cast<int32_t>(x));
  DEVICE_PRINT("{}{}\n", "ab", 'c');
  DPRINT_DATA0("reader {}\n", x + 1);
  DPRINT_DATA1("writer {}\n", x + 2);
  RESULTS_END
}
)",
                                        {7});
  ASSERT_EQ(run.dprint.size(), 3u);
  EXPECT_NE(run.dprint[0].find("x=7 {literal} y=-7"), std::string::npos) << run.dprint[0];
  EXPECT_NE(run.dprint[1].find("abc"), std::string::npos) << run.dprint[1];
  EXPECT_NE(run.dprint[2].find("reader 8"), std::string::npos) << run.dprint[2];
}

TEST(MetaliumExecTest, StdMinMaxAndBuiltinExpect) {
  const ScalarRun run = RunScalarKernel(R"(
#include <algorithm>
void kernel_main() {
  RESULTS_BEGIN
  uint32_t a = get_arg_val<uint32_t>(1);
  int32_t b = get_arg_val<int32_t>(2);
  out[0] = std::min(a, 8u);
  out[1] = std::max<int32_t>(b, -9);
  out[2] = std::min<uint32_t>(a, b);      // b converts to uint32_t: huge
  out[3] = __builtin_expect(a > 3, 1) ? 1 : 2;
  RESULTS_END
}
)",
                                        {5, static_cast<uint32_t>(-20)});
  EXPECT_EQ(run.out[0], std::min(5u, 8u));
  EXPECT_EQ(run.out[1], static_cast<uint32_t>(std::max<int32_t>(-20, -9)));
  EXPECT_EQ(run.out[2], std::min<uint32_t>(5u, static_cast<uint32_t>(-20)));
  EXPECT_EQ(run.out[3], 1u);
}

}  // namespace
}  // namespace tilesim::metalium_test
