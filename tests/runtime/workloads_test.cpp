// Element-wise and loopback workloads, and the workload result's reports.
#include <gtest/gtest.h>

#include "tilesim/workloads.h"

namespace tilesim {
namespace {

TEST(EltwiseTest, AddSubMulPassWithinTolerance) {
  for (EltwiseOp op : {EltwiseOp::Add, EltwiseOp::Sub, EltwiseOp::Mul}) {
    EltwiseOptions o;
    o.op = op;
    o.rows = 256;
    o.cols = 320;
    const WorkloadResult r = RunEltwise(o);
    EXPECT_TRUE(r.ok) << r.Summary();
    // Inputs in [-1, 1): results below 2 in magnitude, so one bf16 rounding is at most 2^-8.
    EXPECT_LE(r.comparison.max_abs_err, 1.0 / 256) << ToString(op);
    EXPECT_EQ(r.cores, 64u);  // 80 tiles over 64 cores
  }
}

TEST(EltwiseTest, RaggedShapeIsPaddedAndCropped) {
  EltwiseOptions o;
  o.rows = 33;
  o.cols = 70;
  o.keep_output = true;
  const WorkloadResult r = RunEltwise(o);
  EXPECT_TRUE(r.ok) << r.Summary();
  EXPECT_EQ(r.output.size(), 33u * 70u);
  EXPECT_EQ(r.cores, 6u);  // 2 x 3 tiles
}

TEST(LoopbackTest, CopiesBitExactOnOneCore) {
  LoopbackOptions o;
  o.size_bytes = 64 * 2048;
  const WorkloadResult r = RunLoopback(o);
  EXPECT_TRUE(r.ok) << r.Summary();
  EXPECT_TRUE(r.comparison.exact_match);
  EXPECT_EQ(r.cores, 1u);
}

TEST(LoopbackTest, SmallPagesOverSeveralCores) {
  LoopbackOptions o;
  o.size_bytes = 1000 * 96;
  o.page_size = 96;
  o.grid_x = 4;
  o.grid_y = 2;
  const WorkloadResult r = RunLoopback(o);
  EXPECT_TRUE(r.comparison.exact_match) << r.Summary();
  EXPECT_EQ(r.cores, 8u);
}

TEST(LoopbackTest, BadSizesAreApiErrors) {
  LoopbackOptions o;
  o.size_bytes = 1000;
  EXPECT_THROW(RunLoopback(o), ApiError);  // not a multiple of 2048
  o.size_bytes = 4096;
  o.page_size = 100;
  EXPECT_THROW(RunLoopback(o), ApiError);  // not a multiple of 32
}

TEST(WorkloadResultTest, JsonCarriesTheRequiredFields) {
  LoopbackOptions o;
  o.size_bytes = 8 * 2048;
  const nlohmann::json j = RunLoopback(o).ToJson();
  for (const char* key : {"workload", "ok", "pcc", "max_abs_err", "mean_abs_err", "emulator_ms", "reference_ms",
                          "threads", "cores", "size_bytes", "comparison", "stats"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j["workload"], "loopback");
  EXPECT_EQ(j["ok"], true);
}

TEST(WorkloadResultTest, ListNamesEveryWorkload) {
  std::vector<std::string> names;
  for (const WorkloadInfo& w : ListWorkloads()) names.push_back(w.name);
  EXPECT_EQ(names, (std::vector<std::string>{"gemm", "eltwise_add", "eltwise_sub", "eltwise_mul", "loopback"}));
}

}  // namespace
}  // namespace tilesim
