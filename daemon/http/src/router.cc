#include "http/router.h"

#include <algorithm>
#include <array>
#include <cstddef>

#include "common/hex.h"

namespace arkivvakt::http {

namespace {

constexpr std::array<std::string_view, 3> kRoleNames = {"archivist", "auditor", "metrics"};
constexpr std::array<std::string_view, 6> kVerbNames = {"GET", "HEAD",  "POST",
                                                        "PUT", "PATCH", "DELETE"};

// Percent-decodes `in`; '+' becomes a space when `plus_is_space`. nullopt on a bad escape or NUL.
std::optional<std::string> Decode(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) {
        return std::nullopt;
      }
      int hi = HexDigitValue(in[i + 1]);
      int lo = HexDigitValue(in[i + 2]);
      if (hi < 0 || lo < 0) {
        return std::nullopt;
      }
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      c = ' ';
    }
    if (c == '\0') {
      return std::nullopt;
    }
    out.push_back(c);
  }
  return out;
}

std::vector<std::string_view> SplitSegments(std::string_view path) {
  // `path` starts with '/'. "/" has no segments; "/a/b" has "a", "b"; "/a/" has "a", "".
  std::vector<std::string_view> segments;
  if (path.size() <= 1) {
    return segments;
  }
  std::size_t start = 1;
  while (true) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) {
      segments.push_back(path.substr(start));
      break;
    }
    segments.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return segments;
}

bool IsTemplateChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

}  // namespace

std::string_view RoleName(Role role) {
  return kRoleNames[static_cast<std::size_t>(role)];
}

std::optional<Role> ParseRole(std::string_view name) {
  for (std::size_t i = 0; i < kRoleNames.size(); ++i) {
    if (kRoleNames[i] == name) {
      return static_cast<Role>(i);
    }
  }
  return std::nullopt;
}

std::string_view VerbName(Verb verb) {
  return kVerbNames[static_cast<std::size_t>(verb)];
}

std::optional<Verb> ParseVerb(std::string_view name) {
  for (std::size_t i = 0; i < kVerbNames.size(); ++i) {
    if (kVerbNames[i] == name) {
      return static_cast<Verb>(i);
    }
  }
  return std::nullopt;
}

std::optional<std::string_view> Request::Query(std::string_view key) const {
  for (const auto& [k, v] : query) {
    if (k == key) {
      return std::string_view(v);
    }
  }
  return std::nullopt;
}

std::vector<std::string_view> Request::QueryAll(std::string_view key) const {
  std::vector<std::string_view> values;
  for (const auto& [k, v] : query) {
    if (k == key) {
      values.emplace_back(v);
    }
  }
  return values;
}

std::optional<std::string_view> Request::Header(std::string_view lower_case_name) const {
  auto it = headers.find(lower_case_name);
  if (it == headers.end()) {
    return std::nullopt;
  }
  return std::string_view(it->second);
}

Response JsonResponse(unsigned status, std::string json) {
  Response r;
  r.status = status;
  r.content_type = "application/json";
  r.body = std::move(json);
  return r;
}

Response TextResponse(unsigned status, std::string text) {
  Response r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(text);
  return r;
}

Response ErrorResponse(unsigned status, std::string_view message) {
  std::string json = "{\"error\":\"";
  for (char c : message) {
    auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        json += "\\\"";
        break;
      case '\\':
        json += "\\\\";
        break;
      case '\n':
        json += "\\n";
        break;
      case '\r':
        json += "\\r";
        break;
      case '\t':
        json += "\\t";
        break;
      default:
        if (u < 0x20) {
          static constexpr char kHex[] = "0123456789abcdef";
          json += "\\u00";
          json += kHex[u >> 4];
          json += kHex[u & 0xF];
        } else {
          json += c;
        }
    }
  }
  json += "\"}";
  return JsonResponse(status, std::move(json));
}

std::optional<ParsedTarget> ParseTarget(std::string_view target) {
  if (target.empty() || target.front() != '/') {
    return std::nullopt;
  }
  std::string_view raw_path = target;
  std::string_view raw_query;
  if (std::size_t q = target.find('?'); q != std::string_view::npos) {
    raw_path = target.substr(0, q);
    raw_query = target.substr(q + 1);
  }
  if (std::size_t hash = raw_query.find('#'); hash != std::string_view::npos) {
    raw_query = raw_query.substr(0, hash);
  }
  ParsedTarget parsed;
  auto decoded_path = Decode(raw_path, false);
  if (!decoded_path) {
    return std::nullopt;
  }
  parsed.path = std::move(*decoded_path);
  parsed.raw_path = std::string(raw_path);
  std::size_t start = 0;
  while (start <= raw_query.size() && !raw_query.empty()) {
    std::size_t amp = raw_query.find('&', start);
    std::string_view pair = raw_query.substr(
        start, amp == std::string_view::npos ? std::string_view::npos : amp - start);
    if (!pair.empty()) {
      std::size_t eq = pair.find('=');
      auto key = Decode(pair.substr(0, eq), true);
      auto value = eq == std::string_view::npos ? std::optional<std::string>(std::string())
                                                : Decode(pair.substr(eq + 1), true);
      if (!key || !value) {
        return std::nullopt;
      }
      parsed.query.emplace_back(std::move(*key), std::move(*value));
    }
    if (amp == std::string_view::npos) {
      break;
    }
    start = amp + 1;
  }
  return parsed;
}

struct Router::Compiled {
  // Per segment: the literal text, or the parameter name when is_param.
  struct Segment {
    std::string text;
    bool is_param = false;
  };

  std::vector<Segment> segments;
};

Router::Router() = default;
Router::~Router() = default;
Router::Router(Router&&) noexcept = default;
Router& Router::operator=(Router&&) noexcept = default;

Status Router::Add(Verb verb, std::string_view path_template, std::set<Role> allowed,
                   Handler handler, Execution execution) {
  auto bad = [&](std::string_view why) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "route template " + std::string(path_template) + ": " + std::string(why));
  };
  if (path_template.empty() || path_template.front() != '/') {
    return bad("must start with '/'");
  }
  if (!handler) {
    return bad("no handler");
  }
  Compiled compiled;
  std::set<std::string, std::less<>> names;
  for (std::string_view seg : SplitSegments(path_template)) {
    Compiled::Segment s;
    if (seg.empty()) {
      return bad("empty segment");
    }
    if (seg.front() == '{') {
      if (seg.size() < 3 || seg.back() != '}') {
        return bad("a parameter is written {name}");
      }
      s.text = std::string(seg.substr(1, seg.size() - 2));
      s.is_param = true;
      if (!std::all_of(s.text.begin(), s.text.end(), IsTemplateChar)) {
        return bad("parameter names use letters, digits, '-', '_', '.'");
      }
      if (!names.insert(s.text).second) {
        return bad("parameter named twice");
      }
    } else {
      if (!std::all_of(seg.begin(), seg.end(), IsTemplateChar)) {
        return bad("literal segments use letters, digits, '-', '_', '.', '~'");
      }
      s.text = std::string(seg);
    }
    compiled.segments.push_back(std::move(s));
  }
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    if (routes_[i].verb != verb || compiled_[i].segments.size() != compiled.segments.size()) {
      continue;
    }
    bool same = true;
    for (std::size_t k = 0; k < compiled.segments.size() && same; ++k) {
      const auto& a = compiled_[i].segments[k];
      const auto& b = compiled.segments[k];
      same = a.is_param == b.is_param && (a.is_param || a.text == b.text);
    }
    if (same) {
      return bad(std::string("duplicate of ") + routes_[i].path_template + " for " +
                 std::string(VerbName(verb)));
    }
  }
  routes_.push_back(
      Route{verb, std::string(path_template), std::move(allowed), std::move(handler), execution});
  compiled_.push_back(std::move(compiled));
  return {};
}

Router::Lookup Router::Find(Verb verb, std::string_view path) const {
  Lookup lookup;
  if (path.empty() || path.front() != '/') {
    return lookup;
  }
  std::vector<std::string_view> raw = SplitSegments(path);
  std::vector<std::optional<std::string>> decoded(raw.size());
  auto segment = [&](std::size_t k) -> const std::optional<std::string>& {
    if (!decoded[k]) {
      decoded[k] = Decode(raw[k], false).value_or(std::string());
    }
    return decoded[k];
  };
  // Best match: at the first segment where two candidates differ, a literal beats a parameter.
  std::size_t best = routes_.size();
  std::vector<bool> best_shape;
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    const auto& segs = compiled_[i].segments;
    if (segs.size() != raw.size()) {
      continue;
    }
    bool match = true;
    for (std::size_t k = 0; k < segs.size() && match; ++k) {
      const std::string& value = *segment(k);
      match = segs[k].is_param ? !value.empty() : segs[k].text == value;
    }
    if (!match) {
      continue;
    }
    if (routes_[i].verb != verb) {
      if (std::find(lookup.allowed_verbs.begin(), lookup.allowed_verbs.end(), routes_[i].verb) ==
          lookup.allowed_verbs.end()) {
        lookup.allowed_verbs.push_back(routes_[i].verb);
      }
      continue;
    }
    std::vector<bool> shape;
    shape.reserve(segs.size());
    for (const auto& s : segs) {
      shape.push_back(!s.is_param);
    }
    if (best == routes_.size() || shape > best_shape) {
      best = i;
      best_shape = std::move(shape);
    }
  }
  if (best == routes_.size()) {
    std::sort(lookup.allowed_verbs.begin(), lookup.allowed_verbs.end());
    return lookup;
  }
  lookup.allowed_verbs.clear();
  lookup.route = &routes_[best];
  const auto& segs = compiled_[best].segments;
  for (std::size_t k = 0; k < segs.size(); ++k) {
    if (segs[k].is_param) {
      lookup.params.emplace(segs[k].text, *segment(k));
    }
  }
  return lookup;
}

}  // namespace arkivvakt::http
