// The memory map as an SVG picture (see memory_map.h). Bands from the top
// address down, heights growing with log2 of the size so a 4 KiB page table
// and a 64 GiB node are both visible; colour = node kind, a red frame marks
// the violating range.
#include <bit>
#include <cstdio>

#include "impl/numa/kprint.h"
#include "model/story/memory_map.h"

namespace mbv {

namespace {

std::string esc(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

int band_height(const PhysRange& r) {
  const int bits = 64 - std::countl_zero(r.size() | 1);
  return 22 + 3 * std::max(0, bits - 12);
}

const char* fill_of(const MapSegment& s) {
  if (s.e820 != "usable") return "#d9d9d9";
  if (s.nid == NUMA_NO_NODE) return "#eeeeee";
  return s.hotplug ? "#f6bd60" : "#84c5e6";
}

}  // namespace

std::string svg_map(const std::vector<MapSegment>& map, std::string_view title) {
  const int x0 = 170, bar_w = 260, width = 900;
  int height = 60;
  for (const MapSegment& s : map) height += band_height(s.range);
  height += 70;
  std::string body;
  char buf[2048];  // the legend is one long line
  int y = 50;
  for (std::size_t i = map.size(); i-- > 0;) {
    const MapSegment& s = map[i];
    const int h = band_height(s.range);
    std::snprintf(buf, sizeof buf,
                  "  <rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\" stroke=\"#555\" "
                  "stroke-width=\"1\"/>\n",
                  x0, y, bar_w, h, fill_of(s));
    body += buf;
    // Owners as a strip on the bar's right part.
    if (!s.owners.empty()) {
      std::snprintf(buf, sizeof buf,
                    "  <rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#6a994e\" "
                    "fill-opacity=\"0.55\"/>\n",
                    x0 + bar_w - 90, y + 1, 89, h - 2);
      body += buf;
    }
    if (s.violating) {
      std::snprintf(buf, sizeof buf,
                    "  <rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#d00000\" "
                    "stroke-width=\"4\"/>\n",
                    x0 - 2, y, bar_w + 4, h);
      body += buf;
    }
    std::snprintf(buf, sizeof buf,
                  "  <text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%s</text>\n", x0 - 6, y + 10,
                  khex(s.range.end, 16).c_str());
    body += buf;
    std::string label = s.nid == NUMA_NO_NODE ? "no node" : "node " + std::to_string(s.nid);
    if (s.hotplug) label += " hotplug";
    label += ", " + s.e820;
    std::string owners;
    for (const std::string& o : s.owners) owners += (owners.empty() ? "" : ", ") + o;
    body += "  <text x=\"" + std::to_string(x0 + 8) + "\" y=\"" + std::to_string(y + h / 2 + 4) +
            "\" font-size=\"12\">" + esc(label) + "</text>\n";
    std::string right = owners;
    if (s.violating) right += right.empty() ? "VIOLATION" : "  (VIOLATION)";
    if (!right.empty()) {
      // Built without a fixed buffer: the owner list can be long.
      body += "  <text x=\"" + std::to_string(x0 + bar_w + 10) + "\" y=\"" + std::to_string(y + h / 2 + 4) +
              "\" font-size=\"12\"" + (s.violating ? " fill=\"#d00000\" font-weight=\"bold\"" : "") + ">" +
              esc(right) + "</text>\n";
    }
    y += h;
    const bool gap_below = i > 0 && map[i - 1].range.end != s.range.start;
    if (i == 0 || gap_below) {
      std::snprintf(buf, sizeof buf,
                    "  <text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%s</text>\n", x0 - 6, y,
                    khex(s.range.start, 16).c_str());
      body += buf;
    }
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  std::snprintf(buf, sizeof buf,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                "font-family=\"monospace\">\n",
                width, height, width, height);
  out += buf;
  out += "  <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  out += "  <text x=\"10\" y=\"24\" font-size=\"15\" font-weight=\"bold\">" + esc(title) + "</text>\n";
  out += body;
  const int ly = height - 40;
  std::snprintf(buf, sizeof buf,
                "  <rect x=\"10\" y=\"%d\" width=\"14\" height=\"14\" fill=\"#84c5e6\"/>"
                "<text x=\"30\" y=\"%d\" font-size=\"12\">immovable node</text>\n"
                "  <rect x=\"160\" y=\"%d\" width=\"14\" height=\"14\" fill=\"#f6bd60\"/>"
                "<text x=\"180\" y=\"%d\" font-size=\"12\">hot-pluggable node (SRAT)</text>\n"
                "  <rect x=\"390\" y=\"%d\" width=\"14\" height=\"14\" fill=\"#6a994e\" fill-opacity=\"0.55\"/>"
                "<text x=\"410\" y=\"%d\" font-size=\"12\">boot allocations</text>\n"
                "  <rect x=\"560\" y=\"%d\" width=\"14\" height=\"14\" fill=\"none\" stroke=\"#d00000\" "
                "stroke-width=\"3\"/><text x=\"580\" y=\"%d\" font-size=\"12\">violating range</text>\n",
                ly, ly + 12, ly, ly + 12, ly, ly + 12, ly, ly + 12);
  out += buf;
  out += "</svg>\n";
  return out;
}

}  // namespace mbv
