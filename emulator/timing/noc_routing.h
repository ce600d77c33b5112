// The links a NoC packet crosses, as the chip routes it (tt-isa-documentation NoC/RoutingPaths.md).
//
// Both NoCs are 2-D tori; every link is one-way. NoC 0 moves right (+x) then down (+y); NoC 1 moves up
// (-y) then left (-x); both wrap at the edges. A link is named by the router it leaves and its axis.
//
// Multicast (broadcast with X as the major axis, the default): the packet travels along X to the
// rectangle's entry column, along Y through the rectangle's rows, and along X through its columns in
// every row. The entry corner is the one a packet moving in the NoC's directions reaches first: the
// top-left (min x, min y) on NoC 0, the bottom-right (max x, max y) on NoC 1. Only the corners' order is
// taken from the caller, so a rectangle given either way round routes the same.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "emulator/emulator.h"

namespace tilesim::emu::timing {

struct NocGrid {
  uint32_t size_x = 10;
  uint32_t size_y = 12;
};

enum class NocAxis : uint8_t { X = 0, Y = 1 };

// The link leaving router (x, y) along `axis` on NoC `noc`: NoC 0 X = east, Y = south; NoC 1 X = west,
// Y = north.
struct NocLink {
  uint32_t noc = 0;
  uint32_t x = 0;
  uint32_t y = 0;
  NocAxis axis = NocAxis::X;
  friend bool operator==(const NocLink&, const NocLink&) = default;
};

// The router the link leads to.
NocCoord LinkEnd(const NocLink& link, NocGrid grid);
// "NoC0 (3,1)->(4,1)".
std::string ToString(const NocLink& link, NocGrid grid);
// Dense index in [0, LinkCount(grid)).
uint32_t LinkIndex(const NocLink& link, NocGrid grid);
uint32_t LinkCount(NocGrid grid);
NocLink LinkAt(uint32_t index, NocGrid grid);

// Links from `from` to `to`, in order; empty when from == to. Coordinates must be inside the grid.
std::vector<NocLink> UnicastRoute(uint32_t noc, NocCoord from, NocCoord to, NocGrid grid);
uint32_t UnicastHops(uint32_t noc, NocCoord from, NocCoord to, NocGrid grid);

struct MulticastTree {
  std::vector<NocLink> links;         // every link of the tree, each once
  std::vector<NocCoord> destinations; // the rectangle's tiles, row by row in the order the packet reaches them
  uint32_t depth = 0;                 // hops from the source to the farthest destination
};
MulticastTree MulticastRoute(uint32_t noc, NocCoord from, NocCoord corner_a, NocCoord corner_b, NocGrid grid);

}  // namespace tilesim::emu::timing
