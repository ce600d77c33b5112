// NoC address encoding (emulator/noc_address.h) against hand-computed bit patterns.
#include "emulator/noc_address.h"

#include <gtest/gtest.h>

namespace tilesim::emu::noc {
namespace {

TEST(NocAddress, UnicastPutsLocalXAndYInTheirBitFields) {
  // x = 3 at bit 36, y = 9 at bit 42, local 0x1234.
  const uint64_t expected = (uint64_t{9} << 42) | (uint64_t{3} << 36) | 0x1234;
  EXPECT_EQ(EncodeUnicast(3, 9, 0x1234), expected);
  const DecodedNocAddress d = Decode(expected);
  EXPECT_FALSE(d.multicast);
  EXPECT_TRUE(d.well_formed);
  EXPECT_EQ(d.x, 3u);
  EXPECT_EQ(d.y, 9u);
  EXPECT_EQ(d.local, 0x1234u);
}

TEST(NocAddress, LocalAddressesUseAll36Bits) {
  const uint64_t local = (uint64_t{1} << 36) - 4;
  const DecodedNocAddress d = Decode(EncodeUnicast(63, 63, local));
  EXPECT_EQ(d.local, local);
  EXPECT_EQ(d.x, 63u);
  EXPECT_EQ(d.y, 63u);
}

TEST(NocAddress, MulticastEncodesTheRectangleAndTheFlag) {
  const uint64_t address = EncodeMulticast(MakeRect(1, 2, 4, 5), 0x100);
  const uint64_t expected = (uint64_t{1} << 63) | (uint64_t{5} << 54) | (uint64_t{4} << 48) | (uint64_t{2} << 42) |
                            (uint64_t{1} << 36) | 0x100;
  EXPECT_EQ(address, expected);
  const DecodedNocAddress d = Decode(address);
  EXPECT_TRUE(d.multicast);
  EXPECT_TRUE(d.well_formed);
  EXPECT_EQ(d.rect.x_start, 1u);
  EXPECT_EQ(d.rect.y_start, 2u);
  EXPECT_EQ(d.rect.x_end, 4u);
  EXPECT_EQ(d.rect.y_end, 5u);
  EXPECT_EQ(d.local, 0x100u);
}

TEST(NocAddress, MulticastRectangleIsNormalisedWhateverTheCornerOrder) {
  // NoC 1 kernels pass the end corner first.
  EXPECT_EQ(EncodeMulticast(MakeRect(4, 5, 1, 2), 0), EncodeMulticast(MakeRect(1, 2, 4, 5), 0));
}

TEST(NocAddress, UnicastWithUpperBitsSetIsMalformed) {
  EXPECT_FALSE(Decode(EncodeUnicast(1, 1, 0) | (uint64_t{1} << 50)).well_formed);
}

TEST(NocAddress, MulticastWithStartAfterEndIsMalformed) {
  const uint64_t address = kMulticastFlag | (uint64_t{1} << kXEndShift) | (uint64_t{5} << kXShift);
  EXPECT_FALSE(Decode(address).well_formed);
}

TEST(NocAddress, FormatsAsSixteenHexDigits) { EXPECT_EQ(FormatAddress(0x41000001000ull), "0x0000041000001000"); }

}  // namespace
}  // namespace tilesim::emu::noc
