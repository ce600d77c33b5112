// Tile layout: face-order indexes (hand-computed) and tilize / untilize with padding and cropping.
#include <gtest/gtest.h>

#include <cstdint>
#include <algorithm>
#include <numeric>
#include <span>
#include <vector>

#include "tilesim/tile.h"

namespace tilesim {
namespace {

TEST(TileLayout, FaceLayoutIndexOfHandPickedElements) {
  EXPECT_EQ(FaceLayoutIndex(0, 0), 0u);
  EXPECT_EQ(FaceLayoutIndex(0, 15), 15u);
  EXPECT_EQ(FaceLayoutIndex(1, 0), 16u);
  EXPECT_EQ(FaceLayoutIndex(15, 0), 240u);
  EXPECT_EQ(FaceLayoutIndex(0, 16), 256u);             // face 1 starts after 256 elements of face 0
  EXPECT_EQ(FaceLayoutIndex(16, 0), 512u);             // face 2
  EXPECT_EQ(FaceLayoutIndex(17, 18), 768u + 16u + 2u);  // face 3, row 1, col 2
  EXPECT_EQ(FaceLayoutIndex(31, 31), 1023u);
}

TEST(TileLayout, FaceLayoutIndexIsAPermutation) {
  std::vector<int> seen(kTileElements, 0);
  for (uint32_t r = 0; r < kTileRows; ++r) {
    for (uint32_t c = 0; c < kTileCols; ++c) ++seen[FaceLayoutIndex(r, c)];
  }
  for (uint32_t i = 0; i < kTileElements; ++i) EXPECT_EQ(seen[i], 1) << i;
}

TEST(TileLayout, PaddingHelpers) {
  EXPECT_EQ(TilesAlong(1), 1u);
  EXPECT_EQ(TilesAlong(32), 1u);
  EXPECT_EQ(TilesAlong(33), 2u);
  EXPECT_EQ(PadToTile(40), 64u);
  EXPECT_EQ(PadToTile(0), 0u);
}

// A 40 x 50 matrix whose element (r, c) is r * 1000 + c + 1 (so padding zeros stand out).
std::vector<uint32_t> Matrix40x50() {
  std::vector<uint32_t> m(40 * 50);
  for (uint32_t r = 0; r < 40; ++r) {
    for (uint32_t c = 0; c < 50; ++c) m[r * 50 + c] = r * 1000 + c + 1;
  }
  return m;
}

TEST(Tilize, PlacesElementsInTileThenFaceOrder) {
  const std::vector<uint32_t> m = Matrix40x50();
  const std::vector<uint32_t> tiled = tilize<uint32_t>(std::span<const uint32_t>(m), 40, 50);
  ASSERT_EQ(tiled.size(), 64u * 64u);
  EXPECT_EQ(tiled[0], 1u);                              // (0, 0)
  EXPECT_EQ(tiled[256], 17u);                           // (0, 16): face 1 of tile 0
  EXPECT_EQ(tiled[1024], 33u);                          // (0, 32): tile 1 is the next tile along the row
  EXPECT_EQ(tiled[3 * 1024 + 256 + 16 + 1], 33050u);    // (33, 49): tile (1, 1), face 1, row 1, col 1
}

TEST(Tilize, PadsWithZeros) {
  const std::vector<uint32_t> m = Matrix40x50();
  const std::vector<uint32_t> tiled = tilize<uint32_t>(std::span<const uint32_t>(m), 40, 50);
  EXPECT_EQ(tiled[1024 + 256 + 2], 0u);                 // (0, 50): tile 1, face 1, col 2: column padding
  EXPECT_EQ(tiled[2 * 1024 + FaceLayoutIndex(8, 0)], 0u);  // (40, 0): row padding in tile 2
  const auto nonzero = std::count_if(tiled.begin(), tiled.end(), [](uint32_t v) { return v != 0; });
  EXPECT_EQ(nonzero, 40 * 50);
}

TEST(Tilize, UntilizeCropsBackToTheOriginal) {
  const std::vector<uint32_t> m = Matrix40x50();
  const std::vector<uint32_t> tiled = tilize<uint32_t>(std::span<const uint32_t>(m), 40, 50);
  EXPECT_EQ(untilize<uint32_t>(std::span<const uint32_t>(tiled), 40, 50), m);
}

TEST(Tilize, MetaliumSpellingsAgree) {
  std::vector<float> m(32 * 64);
  std::iota(m.begin(), m.end(), 0.0f);
  const std::vector<float> tiled = tilize_nfaces(m, 32, 64);
  EXPECT_EQ(tiled, tilize<float>(std::span<const float>(m), 32, 64));
  EXPECT_EQ(untilize_nfaces(tiled, 32, 64), m);
}

}  // namespace
}  // namespace tilesim
