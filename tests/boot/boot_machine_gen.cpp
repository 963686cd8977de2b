// gen_machine and check_cases (see boot_machine_gen.h).
#include "tests/boot/boot_machine_gen.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "impl/boot/fuzz_machine.h"
#include "impl/boot/policy.h"

namespace mbv::testgen {

namespace {

constexpr std::uint64_t kUnit = 256ull << 20;  // node sizes are multiples of 256 MiB
constexpr std::uint64_t k64M = 64ull << 20;

// One hole inside [a, b) (64 MiB granules), or none.
struct Hole {
  std::uint64_t start = 0, end = 0;
  E820Type type = E820Type::RESERVED;  // RAM = nothing listed there
};

}  // namespace

rc::Gen<GenMachine> gen_machine(std::string policy, bool spill_prone) {
  return rc::gen::exec([policy, spill_prone] {
    GenMachine m;
    Scenario& s = m.scenario;
    s.name = "generated";
    if (policy.empty()) {
      s.policy = *rc::gen::element<std::string>("linux-6.1", "bottom-up-2013", "srat-first");
    } else {
      s.policy = policy;
    }

    // ---- nodes: contiguous SRAT ranges from 0, node 0 immovable ----
    const int nnodes = *rc::gen::inRange(1, 9);
    std::uint64_t at = 0;
    for (int n = 0; n < nnodes; ++n) {
      const std::uint64_t units = n == 0 ? *rc::gen::inRange<std::uint64_t>(2, 17)
                                         : *rc::gen::inRange<std::uint64_t>(1, 33);
      GenNode g;
      g.span = PhysRange{at, at + units * kUnit};
      g.hotpluggable = n > 0 && *rc::gen::inRange(0, 3) < 2;
      m.nodes.push_back(g);
      at = g.span.end;
    }

    // ---- e820: the PC's low memory, then each node's RAM with holes ----
    s.e820.push_back({0, 0x9fc00, E820Type::RAM});
    s.e820.push_back({0x9fc00, 0x400, E820Type::RESERVED});
    s.e820.push_back({0xf0000, 0x10000, E820Type::RESERVED});
    // Node 0's first RAM chunk [1M, low_end) holds the kernel and the initrd.
    std::uint64_t low_end = 0;
    for (std::size_t n = 0; n < m.nodes.size(); ++n) {
      const PhysRange span = m.nodes[n].span;
      const std::uint64_t ram_start = n == 0 ? SZ_1M : span.start;
      // At most one hole, never in node 0's first 512 MiB, never the whole node.
      Hole hole;
      const std::uint64_t granules = span.size() / k64M;
      const std::uint64_t first_ok = n == 0 ? (SZ_512M / k64M) : 1;
      if (granules > first_ok + 1 && *rc::gen::inRange(0, 3) == 0) {
        const std::uint64_t g0 = *rc::gen::inRange<std::uint64_t>(first_ok, granules - 1);
        const std::uint64_t len = *rc::gen::inRange<std::uint64_t>(1, std::min<std::uint64_t>(granules - g0, 8));
        hole.start = span.start + g0 * k64M;
        hole.end = hole.start + len * k64M;
        hole.type = *rc::gen::element(E820Type::RAM, E820Type::RESERVED, E820Type::ACPI,
                                      E820Type::NVS, E820Type::UNUSABLE);
      }
      // An unaligned RAM end now and then (firmware trims the last pages).
      auto trimmed = [&](std::uint64_t end) {
        switch (*rc::gen::inRange(0, 8)) {
          case 0: return end - *rc::gen::inRange<std::uint64_t>(1, 512) * PAGE_SIZE;
          case 1: return end - 0x400;
          default: return end;
        }
      };
      auto add_ram = [&](std::uint64_t a, std::uint64_t b) {
        if (b > a) s.e820.push_back({a, b - a, E820Type::RAM});
      };
      if (hole.end > hole.start) {
        const std::uint64_t e1 = trimmed(hole.start);
        add_ram(ram_start, e1);
        if (n == 0) low_end = e1;
        if (hole.type != E820Type::RAM) s.e820.push_back({hole.start, hole.end - hole.start, hole.type});
        add_ram(hole.end, n + 1 == m.nodes.size() ? trimmed(span.end) : span.end);
      } else {
        const std::uint64_t e = n + 1 == m.nodes.size() ? trimmed(span.end) : span.end;
        add_ram(ram_start, e);
        if (n == 0) low_end = e;
      }
    }
    // The firmware table is not sorted by every BIOS.
    if (*rc::gen::inRange(0, 6) == 0) {
      const std::size_t i = *rc::gen::inRange<std::size_t>(0, s.e820.size());
      const std::size_t j = *rc::gen::inRange<std::size_t>(0, s.e820.size());
      std::swap(s.e820[i], s.e820[j]);
    }

    // ---- SRAT: one CPU and one memory entry per node ----
    for (std::size_t n = 0; n < m.nodes.size(); ++n) {
      const auto pxm = static_cast<std::uint32_t>(n);
      s.srat.cpus.push_back({pxm, pxm, false, true});
      s.srat.mem.push_back({pxm, m.nodes[n].span.start, m.nodes[n].span.size(),
                            m.nodes[n].hotpluggable ? 3u : 1u, std::nullopt});
    }
    if (nnodes > 1 && *rc::gen::inRange(0, 4) == 0) s.slit_localities = nnodes;

    // ---- the kernel, the initrd, the loader's addresses ----
    s.kernel.size = *rc::gen::inRange<std::uint64_t>(12, 41) * SZ_2M +
                    *rc::gen::inRange<std::uint64_t>(0, 512) * PAGE_SIZE;
    const std::uint64_t image = round_up(s.kernel.size, SZ_2M);
    // The initrd at the top of node 0's first chunk (where loaders put it).
    std::uint64_t below = low_end;
    if (*rc::gen::inRange(0, 3) == 0) {
      const std::uint64_t sz = *rc::gen::inRange<std::uint64_t>(1, 64) * SZ_1M;
      const PhysRange r{round_down(low_end - sz, PAGE_SIZE), round_down(low_end, PAGE_SIZE)};
      s.reserves.push_back({Owner::Initrd, r});
      below = r.start;
    }
    const std::uint64_t slots = (round_down(below, SZ_2M) - SZ_16M - image) / SZ_2M;
    switch (spill_prone && *rc::gen::arbitrary<bool>() ? 2 : *rc::gen::inRange(0, 4)) {
      case 0:
        break;  // LOAD_PHYSICAL_ADDR
      case 1:
        s.kernel.at = SZ_16M + *rc::gen::inRange<std::uint64_t>(0, slots + 1) * SZ_2M;
        break;
      case 2:
        // One of the top slots: little room above the kernel before the next
        // node, where bottom-up page tables go first (11.2.3's spill).
        s.kernel.at = SZ_16M + (slots - *rc::gen::inRange<std::uint64_t>(0, std::min<std::uint64_t>(slots, 4) + 1)) * SZ_2M;
        break;
      default:
        s.kernel.kaslr_random = *rc::gen::arbitrary<std::uint64_t>();
        if (*rc::gen::arbitrary<bool>()) s.kernel.kaslr_random_virt = *rc::gen::arbitrary<std::uint64_t>();
        break;
    }
    // Memory KASLR's random value (the direct map's virtual base); half of
    // them put a 256 TiB boundary at 1-16 GiB, which la57 machines cross
    // (impl/pgtable's 5-level wrap).
    if (*rc::gen::inRange(0, 3) == 0)
      s.kernel.kaslr_random_mem = *rc::gen::arbitrary<bool>()
                                      ? *rc::gen::arbitrary<std::uint64_t>()
                                      : kPgdBoundaryAt[*rc::gen::inRange(0, 16)];
    // GRUB puts boot_params and the command line in low memory; some loaders
    // put them high, where they become KASLR avoid regions that matter.
    if (*rc::gen::arbitrary<bool>()) {
      auto addr = [&] {
        return *rc::gen::arbitrary<bool>()
                   ? *rc::gen::inRange<std::uint64_t>(0x10, 0x9f) * PAGE_SIZE
                   : SZ_16M + *rc::gen::inRange<std::uint64_t>(0, (below - SZ_16M) / PAGE_SIZE) * PAGE_SIZE;
      };
      s.kernel.cmdline_addr = addr();
      s.kernel.boot_params_addr = addr();
    }

    // ---- the command line ----
    std::string cmd = "root=/dev/sda1 ro";
    const bool any_hotplug =
        std::any_of(m.nodes.begin(), m.nodes.end(), [](const GenNode& g) { return g.hotpluggable; });
    m.movable_node = *rc::gen::inRange(0, 4) < (any_hotplug ? 3 : 1);
    if (m.movable_node) cmd += " movable_node";
    const std::uint64_t total = m.nodes.back().span.end;
    if (*rc::gen::inRange(0, 4) == 0) {
      cmd += *rc::gen::arbitrary<bool>()
                 ? " kernelcore=" + std::to_string(*rc::gen::inRange<std::uint64_t>(256, total >> 20)) + "M"
                 : " kernelcore=" + std::to_string(*rc::gen::inRange(1, 100)) + "%";
    }
    if (*rc::gen::inRange(0, 4) == 0) {
      cmd += *rc::gen::arbitrary<bool>()
                 ? " movablecore=" + std::to_string(*rc::gen::inRange<std::uint64_t>(64, total >> 20)) + "M"
                 : " movablecore=" + std::to_string(*rc::gen::inRange(1, 100)) + "%";
    }
    if (*rc::gen::inRange(0, 5) == 0) {
      // Never below node 0's end: node 0 holds the kernel wherever it lands.
      const std::uint64_t lo = m.nodes.front().span.end >> 20;
      cmd += " mem=" + std::to_string(*rc::gen::inRange<std::uint64_t>(lo, (total >> 20) + 1)) + "M";
    }
    if (*rc::gen::inRange(0, 4) < (spill_prone ? 2 : 1)) cmd += " debug_pagealloc=on";
    if (*rc::gen::inRange(0, 6) == 0) cmd += " nogbpages";
    s.cmdline = cmd;
    s.cpu.pse = *rc::gen::inRange(0, 8) != 0;
    s.cpu.gbpages = *rc::gen::inRange(0, 4) != 0;
    s.cpu.la57 = *rc::gen::inRange(0, 8) == 0;
    return m;
  });
}

void showValue(const GenMachine& m, std::ostream& os) { os << "\n" << write_scenario(m.scenario); }

std::string check_cases(const std::string& id, int cases, const std::function<void()>& property) {
  rc::detail::TestParams params = rc::detail::configuration().testParams;
  params.maxSuccess = cases;
  rc::detail::TestMetadata meta;
  meta.id = id;
  meta.description = id;
  const auto result = rc::detail::checkTestable(property, meta, params);
  std::ostringstream msg;
  rc::detail::printResultMessage(result, msg);
  std::printf("%s\n", msg.str().c_str());  // on success: the count and the tag distribution
  if (result.template is<rc::detail::SuccessResult>()) return {};
  return msg.str().empty() ? std::string("failed") : msg.str();
}

}  // namespace mbv::testgen
