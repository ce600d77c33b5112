// The DST register's section handshake (emulator/dst_register.h).
#include "emulator/dst_register.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "emulator/vm/trap.h"

namespace tilesim::emu {
namespace {

std::string TrapOf(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const KernelTrap& e) {
    return e.what();
  }
  return "";
}

TEST(DstRegister, FreshlyAcquiredSectionReadsAsZero) {
  DstRegister dst(false);
  dst.Acquire();
  const tile::Tile& t = dst.MathTile(7, "test");
  for (float v : t.v) ASSERT_EQ(v, 0.0f);
}

TEST(DstRegister, PackSeesWhatMathWroteAndReleaseClearsIt) {
  DstRegister dst(false);
  for (int round = 0; round < 3; ++round) {  // both sections, and the first one again after its release
    dst.Acquire();
    tile::Tile& t = dst.MathTile(2, "test");
    EXPECT_EQ(t.v[5], 0.0f) << "round " << round;
    t.v[5] = 3.5f;
    dst.Commit();
    dst.Wait();
    EXPECT_EQ(dst.PackTile(2, "test").v[5], 3.5f);
    dst.Release();
  }
}

TEST(DstRegister, MathMayFillTheSecondSectionBeforePackTakesTheFirst) {
  DstRegister dst(false);
  dst.Acquire();
  dst.MathTile(0, "test").v[0] = 1.0f;
  dst.Commit();
  dst.Acquire();  // double buffering: the other section
  dst.MathTile(0, "test").v[0] = 2.0f;
  dst.Commit();
  dst.Wait();
  EXPECT_EQ(dst.PackTile(0, "test").v[0], 1.0f);
  dst.Release();
  dst.Wait();
  EXPECT_EQ(dst.PackTile(0, "test").v[0], 2.0f);
  dst.Release();
}

TEST(DstRegister, Bf16SectionHoldsEightTiles) {
  DstRegister dst(false);
  dst.Acquire();
  EXPECT_NO_THROW(dst.MathTile(7, "copy_tile"));
  const std::string error = TrapOf([&] { dst.MathTile(8, "copy_tile"); });
  EXPECT_NE(error.find("copy_tile: DST index 8 is out of range: a DST section holds 8 tiles"), std::string::npos) << error;
}

TEST(DstRegister, Fp32SectionHoldsFourTiles) {
  DstRegister dst(true);
  dst.Acquire();
  EXPECT_NO_THROW(dst.MathTile(3, "add_tiles"));
  const std::string error = TrapOf([&] { dst.MathTile(4, "add_tiles"); });
  EXPECT_NE(error.find("holds 4 tiles (fp32 DST"), std::string::npos) << error;
}

TEST(DstRegister, PackBeforeWaitIsAProtocolError) {
  DstRegister dst(false);
  dst.Acquire();
  dst.Commit();
  const std::string error = TrapOf([&] { dst.PackTile(0, "pack_tile"); });
  EXPECT_NE(error.find("DST protocol error: pack_tile while pack holds no DST section"), std::string::npos) << error;
}

TEST(DstRegister, MathAfterCommitIsAProtocolError) {
  DstRegister dst(false);
  dst.Acquire();
  dst.Commit();
  const std::string error = TrapOf([&] { dst.MathTile(0, "matmul_tiles"); });
  EXPECT_NE(error.find("matmul_tiles while math holds no DST section"), std::string::npos) << error;
}

TEST(DstRegister, WaitWithoutCommitIsAProtocolError) {
  DstRegister dst(false);
  dst.Acquire();
  const std::string error = TrapOf([&] { dst.Wait(); });
  EXPECT_NE(error.find("tile_regs_wait with no committed DST section"), std::string::npos) << error;
}

TEST(DstRegister, ThirdAcquireWithoutReleaseIsAProtocolError) {
  DstRegister dst(false);
  dst.Acquire();
  dst.Commit();
  dst.Acquire();
  dst.Commit();
  const std::string error = TrapOf([&] { dst.Acquire(); });
  EXPECT_NE(error.find("both DST sections are in use"), std::string::npos) << error;
}

TEST(DstRegister, AcquireDstSharesOneSectionBetweenMathAndPack) {
  DstRegister dst(false);
  dst.AcquireDst();
  dst.MathTile(1, "test").v[10] = 4.0f;
  EXPECT_EQ(dst.PackTile(1, "test").v[10], 4.0f);
  dst.ReleaseDst();
  dst.AcquireDst();
  EXPECT_EQ(dst.PackTile(1, "test").v[10], 0.0f);
  const std::string error = TrapOf([&] { dst.Release(); });
  EXPECT_NE(error.find("use release_dst"), std::string::npos) << error;
}

}  // namespace
}  // namespace tilesim::emu
