// The --report HTML page: one self-contained file (inline CSS and SVG, no scripts) with a summary table,
// the core grid as a utilisation heat map, NoC link load drawn on the grid, and stacked stall bars.
#include <algorithm>
#include <fstream>
#include <map>

#include <fmt/format.h>

#include "tilesim/perf.h"

namespace tilesim::perf {
namespace {

constexpr const char* kActivityColours[kNumActivities] = {"#2e7d32", "#f9a825", "#ef6c00", "#1565c0", "#8e24aa"};

// White (0) to dark red (1).
std::string Heat(double v) {
  v = std::clamp(v, 0.0, 1.0);
  const int g = static_cast<int>(255 - 200 * v), b = static_cast<int>(255 - 230 * v);
  return fmt::format("rgb({},{},{})", 255 - static_cast<int>(60 * v), g, b);
}

std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) out += c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '&' ? "&amp;" : std::string(1, c);
  return out;
}

// Busy share of the compute kernel (or the busiest kernel) of each core.
std::map<std::pair<uint32_t, uint32_t>, double> CoreUtilisation(const PerfResult& r) {
  std::map<std::pair<uint32_t, uint32_t>, double> util;
  for (const KernelTiming& k : r.kernels) {
    const double u = r.cycles ? (k.role == 2 ? k.fpu_cycles : k.cycles[0]) / static_cast<double>(r.cycles) : 0;
    auto& slot = util[{k.core_x, k.core_y}];
    slot = std::max(slot, u);
  }
  return util;
}

std::string GridSvg(const PerfResult& r) {
  constexpr int kCell = 64, kPad = 30;
  const int w = std::max(static_cast<int>(r.grid_x) * kCell + 2 * kPad, 380), h = static_cast<int>(r.grid_y) * kCell + 2 * kPad + 30;
  std::string svg = fmt::format("<svg xmlns='http://www.w3.org/2000/svg' width='{}' height='{}'>", w, h);
  const auto util = CoreUtilisation(r);
  for (uint32_t y = 0; y < r.grid_y; ++y) {
    for (uint32_t x = 0; x < r.grid_x; ++x) {
      const auto it = util.find({x, y});
      const double u = it == util.end() ? 0 : it->second;
      svg += fmt::format("<rect x='{}' y='{}' width='{}' height='{}' fill='{}' stroke='#555'><title>core ({},{}): {:.1f}%</title></rect>",
                         kPad + x * kCell, kPad + y * kCell, kCell - 4, kCell - 4, Heat(u), x, y, u * 100);
      svg += fmt::format("<text x='{}' y='{}' font-size='12' text-anchor='middle'>{:.0f}%</text>", kPad + x * kCell + kCell / 2 - 2,
                         kPad + y * kCell + kCell / 2 + 2, u * 100);
    }
  }
  for (uint32_t x = 0; x < r.grid_x; ++x)
    svg += fmt::format("<text x='{}' y='18' font-size='11' text-anchor='middle'>x{}</text>", kPad + x * kCell + kCell / 2 - 2, x);
  for (uint32_t y = 0; y < r.grid_y; ++y)
    svg += fmt::format("<text x='4' y='{}' font-size='11'>y{}</text>", kPad + y * kCell + kCell / 2 + 2, y);
  // Colour scale.
  const int ly = kPad + static_cast<int>(r.grid_y) * kCell + 8;
  for (int i = 0; i <= 4; ++i) {
    svg += fmt::format("<rect x='{}' y='{}' width='30' height='14' fill='{}' stroke='#555'/><text x='{}' y='{}' font-size='11'>{}%</text>",
                       kPad + i * 70, ly, Heat(i * 0.25), kPad + i * 70 + 34, ly + 11, i * 25);
  }
  return svg + "</svg>";
}

// Links on the NoC grid (NoC coordinates): a line per loaded link, thicker and redder when busier; worker
// tiles labelled with their logical core coordinates, DRAM bank endpoints marked "DRAM".
std::string LinkSvg(const PerfResult& r) {
  uint32_t size_x = std::max(r.noc_x, 1u), size_y = std::max(r.noc_y, 1u);
  for (const LinkLoad& l : r.links) {
    size_x = std::max(size_x, l.x + 1);
    size_y = std::max(size_y, l.y + 1);
  }
  constexpr int kCell = 56, kPad = 52, kLegend = 60;
  const int w = static_cast<int>(size_x) * kCell + 2 * kPad, h = static_cast<int>(size_y) * kCell + 2 * kPad + kLegend;
  std::string svg = fmt::format("<svg xmlns='http://www.w3.org/2000/svg' width='{}' height='{}'>", w, h);
  for (uint32_t x = 0; x < size_x; ++x)
    svg += fmt::format("<text x='{}' y='12' font-size='11' text-anchor='middle'>x={}</text>", kPad + x * kCell, x);
  for (uint32_t y = 0; y < size_y; ++y)
    svg += fmt::format("<text x='2' y='{}' font-size='11'>y={}</text>", kPad + y * kCell + 4, y);
  std::map<std::pair<uint32_t, uint32_t>, const NocTile*> tiles;
  for (const NocTile& t : r.noc_tiles) tiles[{t.x, t.y}] = &t;
  for (uint32_t y = 0; y < size_y; ++y) {
    for (uint32_t x = 0; x < size_x; ++x) {
      const int cx = kPad + static_cast<int>(x) * kCell, cy = kPad + static_cast<int>(y) * kCell;
      const auto it = tiles.find({x, y});
      if (it == tiles.end()) {
        svg += fmt::format("<circle cx='{}' cy='{}' r='4' fill='#bbb'><title>NoC ({},{})</title></circle>", cx, cy, x, y);
      } else if (it->second->dram) {
        svg += fmt::format("<rect x='{}' y='{}' width='36' height='18' fill='#8d6e63'><title>DRAM bank at NoC ({},{})</title></rect>"
                           "<text x='{}' y='{}' font-size='9' fill='white' text-anchor='middle'>DRAM</text>",
                           cx - 18, cy - 9, x, y, cx, cy + 3);
      } else {
        svg += fmt::format("<rect x='{}' y='{}' width='36' height='18' fill='#cfd8dc' stroke='#78909c'><title>core ({},{}) at NoC ({},{})</title></rect>"
                           "<text x='{}' y='{}' font-size='9' text-anchor='middle'>{},{}</text>",
                           cx - 18, cy - 9, it->second->core_x, it->second->core_y, x, y, cx, cy + 3, it->second->core_x,
                           it->second->core_y);
      }
    }
  }
  for (const LinkLoad& l : r.links) {
    const int dx = l.direction == "E" ? 1 : l.direction == "W" ? -1 : 0;
    const int dy = l.direction == "S" ? 1 : l.direction == "N" ? -1 : 0;
    const int off = l.noc == 0 ? -4 : 4;  // NoC 0 and NoC 1 side by side
    const int x0 = kPad + static_cast<int>(l.x) * kCell + (dy != 0 ? off : 0) + dx * 18;
    const int y0 = kPad + static_cast<int>(l.y) * kCell + (dx != 0 ? off : 0) + dy * 9;
    const int x1 = x0 + dx * (kCell - 36), y1 = y0 + dy * (kCell - 18);
    svg += fmt::format("<line x1='{}' y1='{}' x2='{}' y2='{}' stroke='{}' stroke-width='{:.1f}'><title>NoC{} ({},{}) {}: {:.1f}%</title></line>",
                       x0, y0, x1, y1, Heat(l.utilisation * 1.5 + 0.2), 1 + 6 * std::min(1.0, l.utilisation), l.noc, l.x, l.y,
                       l.direction, l.utilisation * 100);
  }
  // Legend: what the line width and colour mean.
  const int ly = kPad + static_cast<int>(size_y) * kCell;
  svg += fmt::format("<text x='{}' y='{}' font-size='11'>link utilisation (bytes / link bandwidth x run time):</text>", kPad, ly);
  for (int i = 0; i <= 4; ++i) {
    const double u = i * 0.25;
    const int lx = kPad + i * 90;
    svg += fmt::format("<line x1='{}' y1='{}' x2='{}' y2='{}' stroke='{}' stroke-width='{:.1f}'/><text x='{}' y='{}' font-size='11'>{:.0f}%</text>",
                       lx, ly + 16, lx + 40, ly + 16, Heat(u * 1.5 + 0.2), 1 + 6 * u, lx + 45, ly + 20, u * 100);
  }
  svg += fmt::format("<text x='{}' y='{}' font-size='11'>NoC 0 lines sit above / left of the tile row / column, NoC 1 below / right. "
                     "Grey dots: tiles with no worker or DRAM bank.</text>", kPad, ly + 40);
  return svg + "</svg>";
}

std::string StallSvg(const PerfResult& r) {
  std::vector<const KernelTiming*> ks;
  for (const KernelTiming& k : r.kernels) ks.push_back(&k);
  std::stable_sort(ks.begin(), ks.end(), [](auto a, auto b) {
    return std::tie(a->core_y, a->core_x, a->role) < std::tie(b->core_y, b->core_x, b->role);
  });
  constexpr int kBar = 10, kWidth = 600, kLabel = 170;
  const int h = static_cast<int>(ks.size()) * (kBar + 2) + 30;
  std::string svg = fmt::format("<svg xmlns='http://www.w3.org/2000/svg' width='{}' height='{}'>", kLabel + kWidth + 10, h);
  for (uint32_t a = 0; a < kNumActivities; ++a) {
    svg += fmt::format("<rect x='{}' y='2' width='10' height='10' fill='{}'/><text x='{}' y='11' font-size='11'>{}</text>",
                       kLabel + a * 110, kActivityColours[a], kLabel + a * 110 + 14, ToString(static_cast<Activity>(a)));
  }
  int y = 20;
  for (const KernelTiming* k : ks) {
    svg += fmt::format("<text x='0' y='{}' font-size='9'>({},{}) {}</text>", y + kBar - 1, k->core_x, k->core_y,
                       Escape(k->kernel).substr(0, 26));
    double x = kLabel;
    for (uint32_t a = 0; a < kNumActivities; ++a) {
      const double wpx = r.cycles ? k->cycles[a] / static_cast<double>(r.cycles) * kWidth : 0;
      if (wpx > 0) svg += fmt::format("<rect x='{:.1f}' y='{}' width='{:.1f}' height='{}' fill='{}'/>", x, y, wpx, kBar, kActivityColours[a]);
      x += wpx;
    }
    y += kBar + 2;
  }
  return svg + "</svg>";
}

}  // namespace

void WriteHtmlReport(const PerfResult& r, const std::filesystem::path& file) {
  std::string html = "<!DOCTYPE html><html><head><meta charset='utf-8'><title>tilesim performance report</title><style>"
                     "body{font-family:sans-serif;margin:20px;color:#222}table{border-collapse:collapse}"
                     "td,th{border:1px solid #bbb;padding:3px 8px;text-align:right}th{background:#eee}"
                     "h2{margin-top:28px}.row{display:flex;gap:40px;flex-wrap:wrap}</style></head><body>";
  html += fmt::format("<h1>tilesim performance report</h1><p>Device profile <b>{}</b>, {}x{} cores, {:.2f} GHz.</p>",
                      Escape(r.device), r.grid_x, r.grid_y, r.clock_ghz);
  html += "<table><tr><th>cycles</th><th>time (us)</th><th>FPU utilisation</th><th>DRAM GB/s</th><th>NoC GB/s</th><th>compute cores</th></tr>";
  html += fmt::format("<tr><td>{}</td><td>{:.2f}</td><td>{:.1f}%</td><td>{:.1f}</td><td>{:.1f}</td><td>{}</td></tr></table>",
                      r.cycles, r.microseconds, r.fpu_util * 100, r.dram_gbps, r.noc_gbps, r.compute_cores);
  html += "<div class='row'><div><h2>Core utilisation</h2><p>Logical core (x, y). Share of the run's cycles the core's FPU worked<br>(cores without compute: the busiest RISC)</p>" +
          GridSvg(r) + "</div><div><h2>NoC link load</h2><p>NoC coordinates; worker tiles show their logical core (x,y)</p>" +
          LinkSvg(r) + "</div></div>";
  html += "<h2>Where each kernel's time went</h2><p>Per kernel, share of the run's cycles: busy, or waiting "
          "(cb_front: for a page to consume, cb_back: for free space, noc_barrier: for transfers to land, semaphore). "
          "Bar width = whole run.</p>" + StallSvg(r);
  html += "<h2>Most loaded links</h2><table><tr><th>NoC</th><th>from</th><th>direction</th><th>bytes</th><th>utilisation</th></tr>";
  for (size_t i = 0; i < std::min<size_t>(r.links.size(), 10); ++i) {
    const LinkLoad& l = r.links[i];
    html += fmt::format("<tr><td>{}</td><td>({},{})</td><td>{}</td><td>{:.0f}</td><td>{:.1f}%</td></tr>", l.noc, l.x, l.y,
                        l.direction, l.bytes, l.utilisation * 100);
  }
  html += "</table></body></html>\n";
  std::ofstream out(file);
  if (!out) throw std::runtime_error(fmt::format("{}: cannot open for writing", file.string()));
  out << html;
  if (!out) throw std::runtime_error(fmt::format("{}: write failed", file.string()));
}

}  // namespace tilesim::perf
