// The 32x32 tile and its four 16x16 faces, and host-side tilize / untilize.
//
// In memory a tile is face 0 (rows 0-15, cols 0-15), face 1 (rows 0-15, cols 16-31), face 2
// (rows 16-31, cols 0-15), face 3 (rows 16-31, cols 16-31), each face row-major. A matrix in "tile
// layout" is its tiles in row-major tile order, each tile in that face order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace tilesim {

inline constexpr uint32_t kTileRows = 32;
inline constexpr uint32_t kTileCols = 32;
inline constexpr uint32_t kTileElements = kTileRows * kTileCols;
inline constexpr uint32_t kFaceRows = 16;
inline constexpr uint32_t kFaceCols = 16;
inline constexpr uint32_t kFaceElements = kFaceRows * kFaceCols;

// Index within a tile's element array (face layout) of logical element (row, col).
constexpr uint32_t FaceLayoutIndex(uint32_t row, uint32_t col) {
  const uint32_t face = (row / kFaceRows) * 2 + (col / kFaceCols);
  return face * kFaceElements + (row % kFaceRows) * kFaceCols + (col % kFaceCols);
}

constexpr uint32_t TilesAlong(uint32_t extent) { return (extent + kTileRows - 1) / kTileRows; }
constexpr uint32_t PadToTile(uint32_t extent) { return TilesAlong(extent) * kTileRows; }

// Row-major rows x cols matrix -> tile layout of the padded ceil(rows/32)*32 x ceil(cols/32)*32 matrix,
// zero padded. T is any trivially copyable element type (float, bfloat16, uint32_t...).
template <typename T>
std::vector<T> tilize(std::span<const T> row_major, uint32_t rows, uint32_t cols);
// Tile layout of the padded matrix -> row-major rows x cols, cropping the padding away.
template <typename T>
std::vector<T> untilize(std::span<const T> tiled, uint32_t rows, uint32_t cols);

// tt-metal's spellings of the same conversions (host programs ported from tt-metal call these).
template <typename T>
std::vector<T> tilize_nfaces(const std::vector<T>& row_major, uint32_t rows, uint32_t cols) {
  return tilize<T>(std::span<const T>(row_major), rows, cols);
}
template <typename T>
std::vector<T> untilize_nfaces(const std::vector<T>& tiled, uint32_t rows, uint32_t cols) {
  return untilize<T>(std::span<const T>(tiled), rows, cols);
}

template <typename T>
std::vector<T> tilize(std::span<const T> row_major, uint32_t rows, uint32_t cols) {
  const uint32_t tiles_c = TilesAlong(cols);
  std::vector<T> out(static_cast<size_t>(PadToTile(rows)) * PadToTile(cols), T{});
  for (uint32_t r = 0; r < rows; ++r) {
    for (uint32_t c = 0; c < cols; ++c) {
      const size_t tile = static_cast<size_t>(r / kTileRows) * tiles_c + c / kTileCols;
      out[tile * kTileElements + FaceLayoutIndex(r % kTileRows, c % kTileCols)] =
          row_major[static_cast<size_t>(r) * cols + c];
    }
  }
  return out;
}

template <typename T>
std::vector<T> untilize(std::span<const T> tiled, uint32_t rows, uint32_t cols) {
  const uint32_t tiles_c = TilesAlong(cols);
  std::vector<T> out(static_cast<size_t>(rows) * cols);
  for (uint32_t r = 0; r < rows; ++r) {
    for (uint32_t c = 0; c < cols; ++c) {
      const size_t tile = static_cast<size_t>(r / kTileRows) * tiles_c + c / kTileCols;
      out[static_cast<size_t>(r) * cols + c] = tiled[tile * kTileElements + FaceLayoutIndex(r % kTileRows, c % kTileCols)];
    }
  }
  return out;
}

}  // namespace tilesim
