// Command-line parsing never crashes and parse -> write -> parse gives the
// same options (the writer may refuse only an unprintable crashkernel= value).
#include <cstdint>
#include <string_view>

#include "impl/cmdline/cmdline.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mbv;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const KernelCmdline c = parse_cmdline(text);
  for (const CmdlineDiagnostic& d : c.diagnostics)
    MB_CHECK(d.offset <= text.size(), "diagnostic offset outside the line");
  auto w = write_cmdline(c);
  if (!w.ok()) {
    MB_CHECK(w.error().message.starts_with("crashkernel="), "writer refused something else");
    return 0;
  }
  const KernelCmdline again = parse_cmdline(*w);
  MB_CHECK(same_options(again, c), "parse(write(parse(x))) differs from parse(x)");
  auto w2 = write_cmdline(again);
  MB_CHECK(w2.ok() && *w2 == *w, "writer output is not a fixed point");
  return 0;
}
