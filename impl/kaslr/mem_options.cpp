// The decompressor's view of the command line: handle_mem_options and its
// helpers (arch/x86/boot/compressed/kaslr.c, lib/cmdline.c,
// arch/x86/boot/string.c, arch/x86/lib/cmdline.c).
#include <cctype>
#include <cstring>

#include "impl/kaslr/kaslr.h"

namespace mbv {

namespace {

// isspace from lib/ctype.c (includes 0xa0).
bool k_isspace(char c) {
  const unsigned char u = static_cast<unsigned char>(c);
  return u == ' ' || (u >= '\t' && u <= '\r') || u == 0xa0;
}
bool k_isxdigit(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }
char k_tolower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

// simple_strtoull (arch/x86/boot/string.c): wraps silently on overflow.
std::uint64_t simple_strtoull(const char* cp, const char** endp, unsigned base) {
  if (!base) base = (cp[0] == '0') ? ((k_tolower(cp[1]) == 'x' && k_isxdigit(cp[2])) ? 16 : 8) : 10;
  if (base == 16 && cp[0] == '0' && k_tolower(cp[1]) == 'x') cp += 2;
  std::uint64_t result = 0;
  while (k_isxdigit(*cp)) {
    const unsigned v = std::isdigit(static_cast<unsigned char>(*cp)) ? *cp - '0' : k_tolower(*cp) - 'a' + 10;
    if (v >= base) break;
    result = result * base + v;
    ++cp;
  }
  if (endp) *endp = cp;
  return result;
}

// memparse (lib/cmdline.c)
std::uint64_t memparse(const char* ptr, const char** retptr) {
  const char* end;
  std::uint64_t ret = simple_strtoull(ptr, &end, 0);
  switch (*end) {
    case 'E': case 'e': ret <<= 10; [[fallthrough]];
    case 'P': case 'p': ret <<= 10; [[fallthrough]];
    case 'T': case 't': ret <<= 10; [[fallthrough]];
    case 'G': case 'g': ret <<= 10; [[fallthrough]];
    case 'M': case 'm': ret <<= 10; [[fallthrough]];
    case 'K': case 'k': ret <<= 10; ++end; break;
    default: break;
  }
  if (retptr) *retptr = end;
  return ret;
}

// kstrtoull (arch/x86/boot/string.c): the whole string (plus one optional
// trailing newline) must be the number; overflow fails.
bool kstrtoull(const char* s, std::uint64_t* res) {
  if (s[0] == '+') ++s;
  unsigned base = (s[0] == '0') ? ((k_tolower(s[1]) == 'x' && k_isxdigit(s[2])) ? 16 : 8) : 10;
  if (base == 16 && s[0] == '0' && k_tolower(s[1]) == 'x') s += 2;
  std::uint64_t r = 0;
  unsigned n = 0;
  for (; k_isxdigit(*s); ++s, ++n) {
    const unsigned v = std::isdigit(static_cast<unsigned char>(*s)) ? *s - '0' : k_tolower(*s) - 'a' + 10;
    if (v >= base) break;
    if (r > (~std::uint64_t{0} - v) / base) return false;  // -ERANGE
    r = r * base + v;
  }
  if (n == 0) return false;
  if (*s == '\n') ++s;
  if (*s) return false;
  *res = r;
  return true;
}

enum class ParseMode { Memmap, Efi };

// parse_memmap (kaslr.c): 0 or -EINVAL; start == 0 means "a limit, not a region".
int parse_memmap(char* p, std::uint64_t* start, std::uint64_t* size, ParseMode mode) {
  if (!p) return -KERN_EINVAL;
  if (!std::strncmp(p, "exactmap", 8)) return -KERN_EINVAL;
  const char* oldp = p;
  const char* q;
  *size = memparse(p, &q);
  if (q == oldp) return -KERN_EINVAL;
  switch (*q) {
    case '#':
    case '$':
    case '!':
      *start = memparse(q + 1, &q);
      return 0;
    case '@':
      if (mode == ParseMode::Memmap) {
        *size = 0;  // a usable region: nothing to avoid
      } else {
        *start = memparse(q + 1, &q);
        if (*q == ':') {
          std::uint64_t flags = 0;
          if (!kstrtoull(q + 1, &flags))
            *size = 0;
          else if (flags & EFI_MEMORY_SP)
            return 0;
        }
        *size = 0;
      }
      [[fallthrough]];
    default:
      *start = 0;  // N alone, N@S, N%..: a memory limit
      return 0;
  }
}

// mem_avoid_memmap (kaslr.c); `stored` is its static counter.
void mem_avoid_memmap(ParseMode mode, char* str, KaslrMemOptions& o) {
  if (o.memmap.size() >= MAX_MEMMAP_REGIONS) {
    o.notes.push_back(std::string(mode == ParseMode::Memmap ? "memmap=" : "efi_fake_mem=") +
                      (str ? str : "") + " skipped: 4 regions already stored");
    return;
  }
  while (str && o.memmap.size() < MAX_MEMMAP_REGIONS) {
    char* k = std::strchr(str, ',');
    if (k) *k++ = 0;
    std::uint64_t start = 0, size = 0;
    if (parse_memmap(str, &start, &size, mode) < 0) {
      o.notes.push_back(std::string("memmap item '") + str + "' ends this parameter");
      break;
    }
    str = k;
    if (start == 0) {
      if (size > 0 && size < o.mem_limit) o.mem_limit = size;
      continue;
    }
    o.memmap.push_back(MemVector{start, size});
  }
  if (o.memmap.size() >= MAX_MEMMAP_REGIONS && str) o.memmap_too_large = true;
}

// next_arg (lib/cmdline.c): splits "param=val" honouring double quotes.
char* next_arg(char* args, char** param, char** val) {
  unsigned i, equals = 0;
  bool in_quote = false, quoted = false;
  if (*args == '"') {
    ++args;
    in_quote = quoted = true;
  }
  for (i = 0; args[i]; ++i) {
    if (k_isspace(args[i]) && !in_quote) break;
    if (equals == 0 && args[i] == '=') equals = i;
    if (args[i] == '"') in_quote = !in_quote;
  }
  *param = args;
  if (!equals) {
    *val = nullptr;
  } else {
    args[equals] = 0;
    *val = args + equals + 1;
    if (**val == '"') {
      ++*val;
      if (args[i - 1] == '"') args[i - 1] = 0;
    }
  }
  if (quoted && i > 0 && args[i - 1] == '"') args[i - 1] = 0;
  if (args[i]) {
    args[i] = 0;
    args += i + 1;
  } else {
    args += i;
  }
  while (k_isspace(*args)) ++args;
  return args;
}

std::string truncated_cmdline(const KaslrInput& in) {
  std::string s = in.cmdline.substr(0, std::min(in.cmdline.size(), COMMAND_LINE_SIZE - 1));
  if (auto z = s.find('\0'); z != std::string::npos) s.resize(z);
  return s;
}

}  // namespace

Result<KaslrMemOptions> handle_mem_options(const KaslrInput& in) {
  KaslrMemOptions o;
  o.mem_limit = std::uint64_t{1} << (in.five_level ? 52 : 46);  // MAXMEM
  if (!in.has_cmdline) return o;  // get_cmd_line_ptr() == 0
  std::string buf = truncated_cmdline(in);
  std::vector<char> tmp(buf.begin(), buf.end());
  tmp.push_back(0);
  char* args = tmp.data();
  while (k_isspace(*args)) ++args;
  bool gbpage_sz = false;  // parse_gb_huge_pages' static
  while (*args) {
    char *param, *val;
    args = next_arg(args, &param, &val);
    if (!val && !std::strcmp(param, "--")) break;
    if (!std::strcmp(param, "memmap")) {
      mem_avoid_memmap(ParseMode::Memmap, val, o);
    } else if (std::strstr(param, "hugepages")) {
      if (!std::strcmp(param, "hugepagesz")) {
        if (!val) return make_error(ErrorCode::Unsupported, "hugepagesz without a value: the decompressor dereferences NULL");
        const char* p = val;
        gbpage_sz = memparse(p, &p) == SZ_1G;
      } else if (!std::strcmp(param, "hugepages") && gbpage_sz) {
        if (!val) return make_error(ErrorCode::Unsupported, "hugepages without a value: the decompressor dereferences NULL");
        o.max_gb_huge_pages = simple_strtoull(val, nullptr, 0);
      }
    } else if (!std::strcmp(param, "mem")) {
      if (!val) return make_error(ErrorCode::Unsupported, "mem without a value: the decompressor dereferences NULL");
      if (!std::strcmp(val, "nopentium")) continue;
      const char* p = val;
      const std::uint64_t mem_size = memparse(p, &p);
      if (mem_size == 0) {
        o.notes.push_back("mem=0 stops command-line parsing");
        break;
      }
      if (mem_size < o.mem_limit) o.mem_limit = mem_size;
    } else if (!std::strcmp(param, "efi_fake_mem")) {
      mem_avoid_memmap(ParseMode::Efi, val, o);
    }
  }
  return o;
}

bool cmdline_has_nokaslr(const KaslrInput& in) {
  if (!in.has_cmdline) return true;  // -1, "No command line", is truthy
  // The scan runs while the segment offset stays below 0x10000; the end of
  // our string stands for the terminating NUL.
  const std::string& s = in.cmdline;
  const std::size_t lim = 0x10000 - (in.cmdline_addr & 0xf);
  std::size_t i = 0;
  while (i < lim && i < s.size()) {
    if (s[i] == 0) return false;
    if (static_cast<unsigned char>(s[i]) <= ' ') {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < lim && j < s.size() && s[j] != 0 && static_cast<unsigned char>(s[j]) > ' ') ++j;
    if (s.compare(i, j - i, "nokaslr") == 0 && j < lim) return true;
    i = j;
  }
  return false;
}

}  // namespace mbv
