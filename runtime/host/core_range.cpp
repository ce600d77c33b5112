// CoreCoord, CoreRange, CoreRangeSet and the work-splitting helpers.
#include <algorithm>

#include <fmt/format.h>

#include "runtime/host/host_internal.h"
#include "tilesim/host.h"

namespace tilesim {

std::string CoreCoord::str() const { return fmt::format("(x={}, y={})", x, y); }

namespace host {
std::string Describe(const CoreCoord& core) { return core.str(); }
CoreCoord L1BankCore(const DeviceOptions& options, uint32_t bank) {
  return CoreCoord{bank % options.grid_x, bank / options.grid_x};
}
}  // namespace host

CoreRange::CoreRange(CoreCoord start, CoreCoord end) : start_coord(start), end_coord(end) {
  if (end.x < start.x || end.y < start.y) {
    throw ApiError(fmt::format("CoreRange: end {} is left of or above start {}", end.str(), start.str()));
  }
}

bool CoreRange::contains(const CoreCoord& core) const {
  return core.x >= start_coord.x && core.x <= end_coord.x && core.y >= start_coord.y && core.y <= end_coord.y;
}

bool CoreRange::intersects(const CoreRange& other) const {
  return start_coord.x <= other.end_coord.x && other.start_coord.x <= end_coord.x &&
         start_coord.y <= other.end_coord.y && other.start_coord.y <= end_coord.y;
}

std::string CoreRange::str() const { return fmt::format("[{} - {}]", start_coord.str(), end_coord.str()); }

CoreRangeSet::CoreRangeSet(std::vector<CoreRange> ranges) : ranges_(std::move(ranges)) {
  for (size_t i = 0; i < ranges_.size(); ++i) {
    for (size_t j = i + 1; j < ranges_.size(); ++j) {
      if (ranges_[i].intersects(ranges_[j])) {
        throw ApiError(fmt::format("CoreRangeSet: ranges {} and {} overlap", ranges_[i].str(), ranges_[j].str()));
      }
    }
  }
}

size_t CoreRangeSet::num_cores() const {
  size_t n = 0;
  for (const CoreRange& r : ranges_) n += r.size();
  return n;
}

bool CoreRangeSet::contains(const CoreCoord& core) const {
  return std::any_of(ranges_.begin(), ranges_.end(), [&](const CoreRange& r) { return r.contains(core); });
}

CoreRange CoreRangeSet::bounding_box() const {
  if (ranges_.empty()) throw ApiError("CoreRangeSet::bounding_box: the set is empty");
  CoreCoord lo = ranges_[0].start_coord;
  CoreCoord hi = ranges_[0].end_coord;
  for (const CoreRange& r : ranges_) {
    lo = {std::min(lo.x, r.start_coord.x), std::min(lo.y, r.start_coord.y)};
    hi = {std::max(hi.x, r.end_coord.x), std::max(hi.y, r.end_coord.y)};
  }
  return CoreRange(lo, hi);
}

CoreRangeSet CoreRangeSet::merge(const CoreRangeSet& other) const {
  std::vector<CoreRange> all = ranges_;
  all.insert(all.end(), other.ranges_.begin(), other.ranges_.end());
  return CoreRangeSet(std::move(all));
}

std::string CoreRangeSet::str() const {
  std::string out = "{";
  for (size_t i = 0; i < ranges_.size(); ++i) out += (i ? ", " : "") + ranges_[i].str();
  return out + "}";
}

std::vector<CoreCoord> corerange_to_cores(const CoreRangeSet& set, std::optional<size_t> max_cores, bool row_wise) {
  std::vector<CoreCoord> cores;
  for (const CoreRange& r : set.ranges()) {
    for (size_t a = 0; a < (row_wise ? r.grid_size().y : r.grid_size().x); ++a) {
      for (size_t b = 0; b < (row_wise ? r.grid_size().x : r.grid_size().y); ++b) {
        const size_t x = r.start_coord.x + (row_wise ? b : a);
        const size_t y = r.start_coord.y + (row_wise ? a : b);
        cores.push_back(CoreCoord{x, y});
      }
    }
  }
  if (max_cores && cores.size() > *max_cores) cores.resize(*max_cores);
  return cores;
}

namespace {
// The first `count` cores of a grid starting at linear position `first`, as a set of rectangles: a partial
// first row/column, whole rows/columns, a partial last one.
CoreRangeSet LinearCores(CoreCoord grid, uint32_t first, uint32_t count, bool row_wise) {
  std::vector<CoreRange> ranges;
  const size_t line = row_wise ? grid.x : grid.y;  // cores per row (row_wise) or per column
  auto coord = [&](size_t along, size_t across) {
    return row_wise ? CoreCoord{along, across} : CoreCoord{across, along};
  };
  size_t pos = first;
  const size_t end = static_cast<size_t>(first) + count;
  while (pos < end) {
    const size_t across = pos / line;
    const size_t along = pos % line;
    if (along == 0 && end - pos >= line) {
      const size_t lines = (end - pos) / line;
      ranges.emplace_back(coord(0, across), coord(line - 1, across + lines - 1));
      pos += lines * line;
    } else {
      const size_t take = std::min(line - along, end - pos);
      ranges.emplace_back(coord(along, across), coord(along + take - 1, across));
      pos += take;
    }
  }
  return CoreRangeSet(std::move(ranges));
}
}  // namespace

WorkSplit split_work_to_cores(CoreCoord grid_size, uint32_t units, bool row_wise) {
  WorkSplit split;
  const size_t grid_cores = grid_size.x * grid_size.y;
  if (units == 0 || grid_cores == 0) return split;
  split.num_cores = static_cast<uint32_t>(std::min<size_t>(units, grid_cores));
  split.units_per_core_group_1 = (units + split.num_cores - 1) / split.num_cores;
  const uint32_t group_1 = units % split.num_cores == 0 ? split.num_cores : units % split.num_cores;
  split.units_per_core_group_2 = split.units_per_core_group_1 - 1;
  split.all_cores = LinearCores(grid_size, 0, split.num_cores, row_wise);
  split.core_group_1 = LinearCores(grid_size, 0, group_1, row_wise);
  if (group_1 < split.num_cores) {
    split.core_group_2 = LinearCores(grid_size, group_1, split.num_cores - group_1, row_wise);
  } else {
    split.units_per_core_group_2 = 0;
  }
  return split;
}

}  // namespace tilesim
