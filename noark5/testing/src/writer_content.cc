#include "writer_content.h"

#include <charconv>
#include <cstring>

namespace arkivvakt::noark5::writer_internal {
namespace {

constexpr char kHex[] = "0123456789abcdef";

std::uint64_t SplitMix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

void Put2(char* p, unsigned v) {
  p[0] = static_cast<char>('0' + v / 10);
  p[1] = static_cast<char>('0' + v % 10);
}

void Put4(char* p, int v) {
  const auto u = static_cast<unsigned>(v);
  p[0] = static_cast<char>('0' + u / 1000 % 10);
  p[1] = static_cast<char>('0' + u / 100 % 10);
  p[2] = static_cast<char>('0' + u / 10 % 10);
  p[3] = static_cast<char>('0' + u % 10);
}

void AppendUint(std::string& out, std::uint64_t v, int width = 0) {
  char digits[24];
  const auto r = std::to_chars(digits, digits + sizeof digits, v);
  const auto n = static_cast<int>(r.ptr - digits);
  for (int i = n; i < width; ++i) {
    out.push_back('0');
  }
  out.append(digits, static_cast<std::size_t>(n));
}

}  // namespace

std::uint64_t Derive(std::uint64_t seed, Kind kind, std::uint64_t index) {
  const std::uint64_t k = SplitMix(seed ^ (static_cast<std::uint64_t>(kind) << 56));
  return SplitMix(k ^ SplitMix(index));
}

Uuid MakeUuid(std::uint64_t seed, Kind kind, std::uint64_t index) {
  std::uint64_t hi = Derive(seed, kind, index);
  std::uint64_t lo = SplitMix(hi ^ 0x5851f42d4c957f2dULL);
  hi = (hi & ~0xf000ULL) | 0x4000ULL;                         // version 4
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // RFC 4122 variant
  std::array<unsigned char, 16> b{};
  for (int i = 0; i < 8; ++i) {
    b[static_cast<std::size_t>(i)] = static_cast<unsigned char>(hi >> (56 - 8 * i));
    b[static_cast<std::size_t>(8 + i)] = static_cast<unsigned char>(lo >> (56 - 8 * i));
  }
  Uuid u{};
  std::size_t pos = 0;
  for (std::size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) {
      u.text[pos++] = '-';
    }
    u.text[pos++] = kHex[b[i] >> 4];
    u.text[pos++] = kHex[b[i] & 0xf];
  }
  return u;
}

// Howard Hinnant's days_from_civil / civil_from_days.
std::int64_t DaysFromCivil(int year, unsigned month, unsigned day) {
  const int y = year - (month <= 2 ? 1 : 0);
  const int era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<std::int64_t>(era) * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

CivilDate CivilFromDays(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return CivilDate{static_cast<int>(y + (m <= 2 ? 1 : 0)), m, d};
}

bool ParseIsoDate(std::string_view text, CivilDate* out) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
    return false;
  }
  int y = 0;
  unsigned m = 0;
  unsigned d = 0;
  const char* b = text.data();
  if (std::from_chars(b, b + 4, y).ptr != b + 4 || std::from_chars(b + 5, b + 7, m).ptr != b + 7 ||
      std::from_chars(b + 8, b + 10, d).ptr != b + 10) {
    return false;
  }
  if (y < 1000 || m < 1 || m > 12 || d < 1 || d > 31) {
    return false;
  }
  const CivilDate back = CivilFromDays(DaysFromCivil(y, m, d));
  if (back.year != y || back.month != m || back.day != d) {
    return false;
  }
  *out = back;
  return true;
}

std::array<char, 10> FormatDate(std::int64_t days) {
  const CivilDate c = CivilFromDays(days);
  std::array<char, 10> s{};
  Put4(s.data(), c.year);
  s[4] = '-';
  Put2(s.data() + 5, c.month);
  s[7] = '-';
  Put2(s.data() + 8, c.day);
  return s;
}

std::array<char, 19> FormatDateTime(std::int64_t days, unsigned hour, unsigned minute) {
  std::array<char, 19> s{};
  const std::array<char, 10> d = FormatDate(days);
  std::memcpy(s.data(), d.data(), d.size());
  s[10] = 'T';
  Put2(s.data() + 11, hour % 24);
  s[13] = ':';
  Put2(s.data() + 14, minute % 60);
  s[16] = ':';
  s[17] = '0';
  s[18] = '0';
  return s;
}

std::string MakePaddingPool(std::uint64_t seed, std::size_t size) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string pool;
  pool.reserve(size);
  std::uint64_t state = Derive(seed, Kind::kPadding, 0);
  while (pool.size() < size) {
    state = SplitMix(state);
    std::uint64_t v = state;
    for (int i = 0; i < 10 && pool.size() < size; ++i) {
      pool.push_back(kAlphabet[v & 63]);
      v >>= 6;
    }
  }
  return pool;
}

void BuildPdf(std::string& out, std::initializer_list<std::string_view> lines,
              std::size_t target_bytes, std::string_view pool, std::uint64_t pool_offset) {
  // Content stream: the text, then padding comment lines.
  std::string& s = out;
  s.clear();
  std::array<std::size_t, 6> offsets{};
  s.append("%PDF-1.4\n%\xE2\xE3\xCF\xD3\n");
  offsets[1] = s.size();
  s.append("1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
  offsets[2] = s.size();
  s.append("2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n");
  offsets[3] = s.size();
  s.append(
      "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 "
      "5 0 R >> >> /Contents 4 0 R >>\nendobj\n");
  offsets[4] = s.size();

  std::string stream = "BT\n/F1 12 Tf\n72 770 Td\n16 TL\n";
  for (std::string_view line : lines) {
    stream.push_back('(');
    for (char c : line) {
      if (c == '(' || c == ')' || c == '\\') {
        stream.push_back('\\');
      }
      stream.push_back(c);
    }
    stream.append(") Tj T*\n");
  }
  stream.append("ET\n");
  // ~300 bytes follow the stream (object 5, xref, trailer).
  constexpr std::size_t kTail = 330;
  const std::size_t fixed = s.size() + stream.size() + 40 + kTail;
  if (target_bytes > fixed && !pool.empty()) {
    std::size_t need = target_bytes - fixed;
    std::size_t pos = static_cast<std::size_t>(pool_offset % pool.size());
    stream.reserve(stream.size() + need + 8);
    while (need > 4) {
      const std::size_t line = std::min<std::size_t>(need - 3, 76);
      stream.append("% ");
      for (std::size_t left = line; left > 0;) {  // the pool's bytes in order, wrapping
        const std::size_t take = std::min(left, pool.size() - pos);
        stream.append(pool.substr(pos, take));
        pos = pos + take == pool.size() ? 0 : pos + take;
        left -= take;
      }
      stream.push_back('\n');
      need -= line + 3;
    }
  }
  s.append("4 0 obj\n<< /Length ");
  AppendUint(s, stream.size());
  s.append(" >>\nstream\n");
  s.append(stream);
  s.append("endstream\nendobj\n");
  offsets[5] = s.size();
  s.append("5 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>\nendobj\n");
  const std::size_t xref = s.size();
  s.append("xref\n0 6\n0000000000 65535 f \n");
  for (std::size_t i = 1; i <= 5; ++i) {
    AppendUint(s, offsets[i], 10);
    s.append(" 00000 n \n");
  }
  s.append("trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n");
  AppendUint(s, xref);
  s.append("\n%%EOF\n");
}

// ---- MD5 (RFC 1321) -------------------------------------------------------------------------

namespace {

constexpr std::array<std::uint32_t, 64> kMd5K = {
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391};

constexpr std::array<std::uint32_t, 64> kMd5S = {
    7,  12, 17, 22, 7,  12, 17, 22, 7,  12, 17, 22, 7,  12, 17, 22, 5,  9,  14, 20, 5,  9,
    14, 20, 5,  9,  14, 20, 5,  9,  14, 20, 4,  11, 16, 23, 4,  11, 16, 23, 4,  11, 16, 23,
    4,  11, 16, 23, 6,  10, 15, 21, 6,  10, 15, 21, 6,  10, 15, 21, 6,  10, 15, 21};

std::uint32_t Rotl(std::uint32_t x, std::uint32_t c) {
  return (x << c) | (x >> (32 - c));
}

}  // namespace

std::string Md5Hex(std::string_view bytes) {
  std::uint32_t a0 = 0x67452301;
  std::uint32_t b0 = 0xefcdab89;
  std::uint32_t c0 = 0x98badcfe;
  std::uint32_t d0 = 0x10325476;
  std::string msg(bytes);
  const std::uint64_t bit_len = static_cast<std::uint64_t>(bytes.size()) * 8;
  msg.push_back(static_cast<char>(0x80));
  while (msg.size() % 64 != 56) {
    msg.push_back('\0');
  }
  for (int i = 0; i < 8; ++i) {
    msg.push_back(static_cast<char>((bit_len >> (8 * i)) & 0xff));
  }
  for (std::size_t chunk = 0; chunk < msg.size(); chunk += 64) {
    std::array<std::uint32_t, 16> m{};
    for (std::size_t i = 0; i < 16; ++i) {
      const auto* p = reinterpret_cast<const unsigned char*>(msg.data() + chunk + 4 * i);
      m[i] = static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
             (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
    }
    std::uint32_t a = a0;
    std::uint32_t b = b0;
    std::uint32_t c = c0;
    std::uint32_t d = d0;
    for (std::uint32_t i = 0; i < 64; ++i) {
      std::uint32_t f = 0;
      std::uint32_t g = 0;
      if (i < 16) {
        f = (b & c) | (~b & d);
        g = i;
      } else if (i < 32) {
        f = (d & b) | (~d & c);
        g = (5 * i + 1) % 16;
      } else if (i < 48) {
        f = b ^ c ^ d;
        g = (3 * i + 5) % 16;
      } else {
        f = c ^ (b | ~d);
        g = (7 * i) % 16;
      }
      f = f + a + kMd5K[i] + m[g];
      a = d;
      d = c;
      c = b;
      b = b + Rotl(f, kMd5S[i]);
    }
    a0 += a;
    b0 += b;
    c0 += c;
    d0 += d;
  }
  std::string hex;
  for (std::uint32_t v : {a0, b0, c0, d0}) {
    for (int i = 0; i < 4; ++i) {
      const auto byte = static_cast<unsigned char>(v >> (8 * i));
      hex.push_back(kHex[byte >> 4]);
      hex.push_back(kHex[byte & 0xf]);
    }
  }
  return hex;
}

}  // namespace arkivvakt::noark5::writer_internal
