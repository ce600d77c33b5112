// NoC routing on the torus (noc_routing.h).
#include "emulator/timing/noc_routing.h"

#include <algorithm>

#include <fmt/format.h>

namespace tilesim::emu::timing {
namespace {

// One step along `axis` in the NoC's direction, wrapping.
NocCoord Step(uint32_t noc, NocCoord c, NocAxis axis, NocGrid grid) {
  if (axis == NocAxis::X) {
    c.x = noc == 0 ? (c.x + 1) % grid.size_x : (c.x + grid.size_x - 1) % grid.size_x;
  } else {
    c.y = noc == 0 ? (c.y + 1) % grid.size_y : (c.y + grid.size_y - 1) % grid.size_y;
  }
  return c;
}

// Walks from `c` along `axis` until the coordinate on that axis equals `target`, appending links.
NocCoord Walk(uint32_t noc, NocCoord c, NocAxis axis, uint32_t target, NocGrid grid, std::vector<NocLink>& links) {
  while ((axis == NocAxis::X ? c.x : c.y) != target) {
    links.push_back({noc, c.x, c.y, axis});
    c = Step(noc, c, axis, grid);
  }
  return c;
}

// Coordinates from `first` to `last` inclusive, in the NoC's direction along one axis.
std::vector<uint32_t> Sweep(uint32_t noc, uint32_t first, uint32_t last, uint32_t size) {
  std::vector<uint32_t> values{first};
  for (uint32_t v = first; v != last;) {
    v = noc == 0 ? (v + 1) % size : (v + size - 1) % size;
    values.push_back(v);
  }
  return values;
}

}  // namespace

NocCoord LinkEnd(const NocLink& link, NocGrid grid) { return Step(link.noc, {link.x, link.y}, link.axis, grid); }

std::string ToString(const NocLink& link, NocGrid grid) {
  const NocCoord end = LinkEnd(link, grid);
  return fmt::format("NoC{} ({},{})->({},{})", link.noc, link.x, link.y, end.x, end.y);
}

uint32_t LinkCount(NocGrid grid) { return 2 * grid.size_x * grid.size_y * 2; }

uint32_t LinkIndex(const NocLink& link, NocGrid grid) {
  return ((link.noc * grid.size_y + link.y) * grid.size_x + link.x) * 2 + static_cast<uint32_t>(link.axis);
}

NocLink LinkAt(uint32_t index, NocGrid grid) {
  NocLink link;
  link.axis = static_cast<NocAxis>(index % 2);
  index /= 2;
  link.x = index % grid.size_x;
  index /= grid.size_x;
  link.y = index % grid.size_y;
  link.noc = index / grid.size_y;
  return link;
}

std::vector<NocLink> UnicastRoute(uint32_t noc, NocCoord from, NocCoord to, NocGrid grid) {
  std::vector<NocLink> links;
  if (noc == 0) {
    from = Walk(noc, from, NocAxis::X, to.x, grid, links);
    Walk(noc, from, NocAxis::Y, to.y, grid, links);
  } else {
    from = Walk(noc, from, NocAxis::Y, to.y, grid, links);
    Walk(noc, from, NocAxis::X, to.x, grid, links);
  }
  return links;
}

uint32_t UnicastHops(uint32_t noc, NocCoord from, NocCoord to, NocGrid grid) {
  const uint32_t dx = noc == 0 ? (to.x + grid.size_x - from.x) % grid.size_x : (from.x + grid.size_x - to.x) % grid.size_x;
  const uint32_t dy = noc == 0 ? (to.y + grid.size_y - from.y) % grid.size_y : (from.y + grid.size_y - to.y) % grid.size_y;
  return dx + dy;
}

MulticastTree MulticastRoute(uint32_t noc, NocCoord from, NocCoord corner_a, NocCoord corner_b, NocGrid grid) {
  const uint32_t x_min = std::min(corner_a.x, corner_b.x), x_max = std::max(corner_a.x, corner_b.x);
  const uint32_t y_min = std::min(corner_a.y, corner_b.y), y_max = std::max(corner_a.y, corner_b.y);
  const NocCoord entry = noc == 0 ? NocCoord{x_min, y_min} : NocCoord{x_max, y_max};
  const NocCoord exit = noc == 0 ? NocCoord{x_max, y_max} : NocCoord{x_min, y_min};

  MulticastTree tree;
  // Major axis to the entry column, then the minor axis to the entry row and on through the last row.
  NocCoord at = Walk(noc, from, NocAxis::X, entry.x, grid, tree.links);
  at = Walk(noc, at, NocAxis::Y, entry.y, grid, tree.links);
  const uint32_t to_entry = static_cast<uint32_t>(tree.links.size());
  const std::vector<uint32_t> rows = Sweep(noc, entry.y, exit.y, grid.size_y);
  const std::vector<uint32_t> columns = Sweep(noc, entry.x, exit.x, grid.size_x);
  Walk(noc, at, NocAxis::Y, exit.y, grid, tree.links);
  // Then the major axis again along every row of the rectangle.
  for (uint32_t y : rows) {
    Walk(noc, {entry.x, y}, NocAxis::X, exit.x, grid, tree.links);
    for (uint32_t x : columns) tree.destinations.push_back({x, y});
  }
  tree.depth = to_entry + static_cast<uint32_t>(rows.size() - 1) + static_cast<uint32_t>(columns.size() - 1);
  return tree;
}

}  // namespace tilesim::emu::timing
