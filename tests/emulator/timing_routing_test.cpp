// NoC routing (emulator/timing/noc_routing.h) against link lists worked out by hand on the Wormhole
// 10x12 torus: NoC 0 goes right then down, NoC 1 up then left, both wrapping at the edges.
#include "emulator/timing/noc_routing.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace tilesim::emu::timing {
namespace {

constexpr NocGrid kWormhole{10, 12};
constexpr NocAxis X = NocAxis::X;
constexpr NocAxis Y = NocAxis::Y;

std::vector<std::string> Names(const std::vector<NocLink>& links) {
  std::vector<std::string> names;
  for (const NocLink& l : links) names.push_back(ToString(l, kWormhole));
  return names;
}

TEST(NocRouting, Noc0GoesRightThenDown) {
  const std::vector<NocLink> route = UnicastRoute(0, {1, 1}, {3, 2}, kWormhole);
  const std::vector<NocLink> expected = {{0, 1, 1, X}, {0, 2, 1, X}, {0, 3, 1, Y}};
  EXPECT_EQ(route, expected) << ::testing::PrintToString(Names(route));
  EXPECT_EQ(ToString(route.back(), kWormhole), "NoC0 (3,1)->(3,2)");
}

TEST(NocRouting, Noc1GoesUpThenLeft) {
  const std::vector<NocLink> route = UnicastRoute(1, {3, 2}, {1, 1}, kWormhole);
  const std::vector<NocLink> expected = {{1, 3, 2, Y}, {1, 3, 1, X}, {1, 2, 1, X}};
  EXPECT_EQ(route, expected) << ::testing::PrintToString(Names(route));
  EXPECT_EQ(ToString(route.front(), kWormhole), "NoC1 (3,2)->(3,1)");
}

TEST(NocRouting, Noc0WrapsAroundBothEdges) {
  // (8,10) -> (1,1): right 8, 9, wrap to 0, reach 1; then down 10, 11, wrap to 0, reach 1.
  const std::vector<NocLink> route = UnicastRoute(0, {8, 10}, {1, 1}, kWormhole);
  const std::vector<NocLink> expected = {{0, 8, 10, X}, {0, 9, 10, X}, {0, 0, 10, X},
                                         {0, 1, 10, Y}, {0, 1, 11, Y}, {0, 1, 0, Y}};
  EXPECT_EQ(route, expected) << ::testing::PrintToString(Names(route));
  EXPECT_EQ(ToString(route[1], kWormhole), "NoC0 (9,10)->(0,10)");
  EXPECT_EQ(ToString(route[4], kWormhole), "NoC0 (1,11)->(1,0)");
}

TEST(NocRouting, Noc1WrapsAroundBothEdges) {
  // (1,1) -> (8,10): up to 0, wrap to 11, reach 10; then left to 0, wrap to 9, reach 8.
  const std::vector<NocLink> route = UnicastRoute(1, {1, 1}, {8, 10}, kWormhole);
  const std::vector<NocLink> expected = {{1, 1, 1, Y},  {1, 1, 0, Y}, {1, 1, 11, Y},
                                         {1, 1, 10, X}, {1, 0, 10, X}, {1, 9, 10, X}};
  EXPECT_EQ(route, expected) << ::testing::PrintToString(Names(route));
  EXPECT_EQ(ToString(route[1], kWormhole), "NoC1 (1,0)->(1,11)");
}

TEST(NocRouting, AReadRoundTripOnOneNocCrossesTheWholeTorus) {
  // Request and response on the same NoC go opposite ways round both rings: 10 + 12 hops in all.
  const NocCoord a{1, 1}, b{6, 8};
  for (uint32_t noc : {0u, 1u}) {
    EXPECT_EQ(UnicastHops(noc, a, b, kWormhole) + UnicastHops(noc, b, a, kWormhole), 22u);
    EXPECT_EQ(UnicastHops(noc, a, b, kWormhole), UnicastRoute(noc, a, b, kWormhole).size());
  }
  EXPECT_TRUE(UnicastRoute(0, a, a, kWormhole).empty());
}

TEST(NocRouting, Noc0MulticastGoesAlongXThenDownTheEntryColumnThenAlongEachRow) {
  // From (1,1) to the rectangle (2,2)-(3,3): right to column 2, down to row 2 and on to row 3, then
  // right along rows 2 and 3.
  const MulticastTree tree = MulticastRoute(0, {1, 1}, {2, 2}, {3, 3}, kWormhole);
  const std::vector<NocLink> expected = {{0, 1, 1, X}, {0, 2, 1, Y}, {0, 2, 2, Y}, {0, 2, 2, X}, {0, 2, 3, X}};
  EXPECT_EQ(tree.links, expected) << ::testing::PrintToString(Names(tree.links));
  const std::vector<NocCoord> destinations = {{2, 2}, {3, 2}, {2, 3}, {3, 3}};
  EXPECT_EQ(tree.destinations, destinations);
  EXPECT_EQ(tree.depth, 4u);  // 2 hops to (2,2), then 1 down and 1 right to (3,3)
}

TEST(NocRouting, Noc1MulticastEntersAtTheBottomRightCorner) {
  // From (4,4) to the same rectangle on NoC 1: left to column 3, up to row 3 and on to row 2, then left
  // along rows 3 and 2. The corners may be given either way round.
  const MulticastTree tree = MulticastRoute(1, {4, 4}, {2, 2}, {3, 3}, kWormhole);
  const std::vector<NocLink> expected = {{1, 4, 4, X}, {1, 3, 4, Y}, {1, 3, 3, Y}, {1, 3, 3, X}, {1, 3, 2, X}};
  EXPECT_EQ(tree.links, expected) << ::testing::PrintToString(Names(tree.links));
  EXPECT_EQ(MulticastRoute(1, {4, 4}, {3, 3}, {2, 2}, kWormhole).links, expected);
  EXPECT_EQ(tree.depth, 4u);
}

TEST(NocRouting, LinkIndicesAreDenseAndRoundTrip) {
  std::set<uint32_t> seen;
  for (uint32_t i = 0; i < LinkCount(kWormhole); ++i) {
    const NocLink link = LinkAt(i, kWormhole);
    EXPECT_EQ(LinkIndex(link, kWormhole), i);
    seen.insert(i);
  }
  EXPECT_EQ(seen.size(), 2u * 10 * 12 * 2);
}

}  // namespace
}  // namespace tilesim::emu::timing
