// KernelBinary's source map lookups.
#include <gtest/gtest.h>

#include "common/bytecode_test_util.h"

namespace tilesim::bc {
namespace {

using testing::I;
using testing::MakeKernel;

// Instructions 0-1 have no location, 2-4 come from reader.cpp:10:3, 5 onward from util.h:7:1.
KernelBinary MappedKernel() {
  KernelBinary kernel = MakeKernel(std::vector<Instr>(8, I(Opcode::NOP)));
  kernel.name = "reader_gemm";
  kernel.files = {"reader.cpp", "util.h"};
  kernel.source_map = {{2, {0, 10, 3}}, {5, {1, 7, 1}}};
  return kernel;
}

TEST(KernelBinaryLocation, BeforeTheFirstEntryIsUnknown) {
  const KernelBinary kernel = MappedKernel();
  EXPECT_EQ(kernel.LocationOf(0).line, 0u);
  EXPECT_EQ(kernel.LocationOf(1).line, 0u);
}

TEST(KernelBinaryLocation, AnEntryCoversUpToTheNextEntry) {
  const KernelBinary kernel = MappedKernel();
  for (uint32_t pc : {2u, 3u, 4u}) {
    const SourceLocation where = kernel.LocationOf(pc);
    EXPECT_EQ(where.file, 0u) << pc;
    EXPECT_EQ(where.line, 10u) << pc;
    EXPECT_EQ(where.column, 3u) << pc;
  }
  EXPECT_EQ(kernel.LocationOf(5).line, 7u);
  EXPECT_EQ(kernel.LocationOf(7).file, 1u);
  EXPECT_EQ(kernel.LocationOf(1000).line, 7u);  // the last entry runs to the end
}

TEST(KernelBinaryLocation, AnEmptyMapKnowsNothing) {
  const KernelBinary kernel = MakeKernel({I(Opcode::HALT)});
  EXPECT_EQ(kernel.LocationOf(0).line, 0u);
}

TEST(KernelBinaryLocation, DescribeLocationNamesFileLineAndColumn) {
  const KernelBinary kernel = MappedKernel();
  EXPECT_EQ(kernel.DescribeLocation(3), "reader.cpp:10:3");
  EXPECT_EQ(kernel.DescribeLocation(6), "util.h:7:1");
}

TEST(KernelBinaryLocation, DescribeLocationFallsBackToKernelNamePlusPc) {
  const KernelBinary kernel = MappedKernel();
  EXPECT_EQ(kernel.DescribeLocation(1), "reader_gemm+1");
}

TEST(KernelBinaryLocation, DescribeLocationSurvivesABadFileIndex) {
  KernelBinary kernel = MappedKernel();
  kernel.source_map[0].location.file = 9;  // unverified: no such file
  EXPECT_EQ(kernel.DescribeLocation(2), "<file 9>:10:3");
}

}  // namespace
}  // namespace tilesim::bc
