// The replay story and its pictures.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "model/story/story.h"
#include "tests/shrink/shrink_support.h"

namespace mbv {
namespace {

// The spill story marks the page-table run that crosses into node 1, draws
// node 1 as hot-pluggable, and names the broken invariant and the policy.
TEST(Story, spill_story_marks_the_offending_allocation) {
  const Scenario s = test::corpus_machine("spill-2node.scenario");
  auto st = tell_story(s);
  ASSERT_TRUE(st.ok()) << st.error().to_string();
  const std::string& t = st->text;
  EXPECT_TRUE(st->signature_as_declared);
  EXPECT_TRUE(st->verdict_as_declared);
  EXPECT_NE(t.find("observed: hotplug-safety/linux-6.1/direct-map-pgtable/immovable->hotplug  (same bug)"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find(">> direct-map-pgtable"), std::string::npos) << t;
  EXPECT_NE(t.find("<== VIOLATION"), std::string::npos) << t;
  EXPECT_NE(t.find("node 1 HOTPLUG"), std::string::npos) << t;
  EXPECT_NE(t.find("FINDING: hotplug-safety is not guaranteed by linux-6.1"), std::string::npos) << t;
  EXPECT_NE(t.find("spill past the end of its node"), std::string::npos) << t;
  // The violating segments are exactly those inside hot-pluggable node 1.
  bool any = false;
  for (const MapSegment& seg : st->map) {
    if (!seg.violating) continue;
    any = true;
    EXPECT_TRUE(seg.hotplug || seg.nid == 0) << seg.range.start;
  }
  EXPECT_TRUE(any);
}

// A declaration that does not hold is reported, not hidden.
TEST(Story, wrong_declaration_is_flagged) {
  Scenario s = test::corpus_machine("spill-2node.scenario");
  s.finding->owner = "node-data";
  s.expect = ExpectedVerdict::Ok;
  auto st = tell_story(s);
  ASSERT_TRUE(st.ok());
  EXPECT_FALSE(st->signature_as_declared);
  EXPECT_FALSE(st->verdict_as_declared);
  EXPECT_NE(st->text.find("(DIFFERENT from declared)"), std::string::npos);
  EXPECT_NE(st->text.find("(NOT as declared)"), std::string::npos);
}

TEST(Story, healthy_machine_has_no_violation) {
  const Scenario s = test::corpus_machine("server-4node-hotplug.scenario");
  auto st = tell_story(s, {"hotplug-safety", {}});
  ASSERT_TRUE(st.ok());
  EXPECT_FALSE(st->signature);
  EXPECT_EQ(st->text.find("<== VIOLATION"), std::string::npos);
  for (const MapSegment& seg : st->map) EXPECT_FALSE(seg.violating);
}

// Segments are ordered, disjoint, and cover every SRAT range that holds RAM.
TEST(Story, map_segments_are_ordered_and_disjoint) {
  const Scenario s = test::corpus_machine("spill-2node.scenario");
  auto st = tell_story(s);
  ASSERT_TRUE(st.ok());
  ASSERT_FALSE(st->map.empty());
  for (std::size_t i = 1; i < st->map.size(); ++i) EXPECT_LE(st->map[i - 1].range.end, st->map[i].range.start);
  EXPECT_EQ(st->map.front().range.start, 0u);
  EXPECT_EQ(st->map.back().range.end, 0x1080000000ull);
}

TEST(Story, allocation_runs_merge_adjacent_pages) {
  std::vector<AllocEvent> ev = {
      {Owner::DirectMapPageTable, Phase::BeforeSrat, {0x2000, 0x3000}, 0, ""},
      {Owner::DirectMapPageTable, Phase::BeforeSrat, {0x1000, 0x2000}, 0, ""},
      {Owner::NodeData, Phase::AfterSrat, {0x3000, 0x4000}, 0, ""},
      {Owner::DirectMapPageTable, Phase::BeforeSrat, {0x5000, 0x6000}, 0, ""},
  };
  const auto runs = allocation_runs(ev);
  ASSERT_EQ(runs.size(), 3u);
  EXPECT_EQ(runs[0].range, (PhysRange{0x1000, 0x3000}));
  EXPECT_EQ(runs[0].events, 2u);
  EXPECT_EQ(runs[1].owner, Owner::NodeData);
  EXPECT_EQ(runs[2].range, (PhysRange{0x5000, 0x6000}));
}

// The SVG is well-formed XML (python3's parser), with one red frame per
// violating segment.
TEST(Story, svg_is_well_formed_xml) {
  const Scenario s = test::corpus_machine("spill-2node.scenario");
  auto st = tell_story(s);
  ASSERT_TRUE(st.ok());
  const std::string svg = svg_map(st->map, "spill <2 nodes> & \"quotes\"");
  std::size_t frames = 0;
  for (std::size_t p = 0; (p = svg.find("stroke=\"#d00000\"", p)) != std::string::npos; ++p) ++frames;
  std::size_t violating = 0;
  for (const MapSegment& seg : st->map) violating += seg.violating;
  EXPECT_EQ(frames, violating + 1);  // + the legend's sample frame
  if (std::system("python3 -c 'import xml.etree.ElementTree' >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "python3 with xml.etree not available";
  const auto path = std::filesystem::temp_directory_path() / "mbv-story-test.svg";
  std::ofstream(path) << svg;
  const std::string cmd = "python3 -c \"import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); "
                          "sys.exit(0 if r.tag == '{http://www.w3.org/2000/svg}svg' else 1)\" " +
                          path.string();
  const int rc = std::system(cmd.c_str());
  EXPECT_EQ(rc, 0) << "see " << path;
  if (rc == 0) std::filesystem::remove(path);
}

}  // namespace
}  // namespace mbv
