#include "document_files.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <system_error>

#include "common/text.h"

namespace arkivvakt::noark5::detail {

namespace {

bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

std::uint64_t Mix(std::uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

// Finds `relative` under `root` matching each component case-insensitively.
std::optional<std::string> FindCaseInsensitive(const std::filesystem::path& root,
                                               const std::string& relative) {
  std::filesystem::path current = root;
  std::string actual;
  std::string_view rest = relative;
  while (!rest.empty()) {
    const auto slash = rest.find('/');
    const std::string_view component = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    const std::string wanted = AsciiLower(component);
    std::error_code ec;
    std::optional<std::string> match;
    for (std::filesystem::directory_iterator it(current, ec), end; !ec && it != end;
         it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (AsciiLower(name) == wanted) {
        match = name;
        break;
      }
    }
    if (!match) {
      return std::nullopt;
    }
    current /= *match;
    actual += actual.empty() ? *match : "/" + *match;
  }
  return actual;
}

}  // namespace

std::string_view FamilyName(ContentFamily family) {
  switch (family) {
    case ContentFamily::kUnknown:
      return "unknown";
    case ContentFamily::kPdf:
      return "pdf";
    case ContentFamily::kTiff:
      return "tiff";
    case ContentFamily::kPng:
      return "png";
    case ContentFamily::kJpeg:
      return "jpeg";
    case ContentFamily::kZip:
      return "zip";
    case ContentFamily::kXml:
      return "xml";
    case ContentFamily::kOle:
      return "ole2";
    case ContentFamily::kRtf:
      return "rtf";
  }
  return "unknown";
}

ContentFamily SniffContent(std::string_view head) {
  auto starts = [&](std::string_view magic) { return head.substr(0, magic.size()) == magic; };
  if (starts("%PDF-")) {
    return ContentFamily::kPdf;
  }
  if (starts(std::string_view("II*\0", 4)) || starts(std::string_view("MM\0*", 4))) {
    return ContentFamily::kTiff;
  }
  if (starts("\x89PNG")) {
    return ContentFamily::kPng;
  }
  if (starts("\xFF\xD8\xFF")) {
    return ContentFamily::kJpeg;
  }
  if (starts("PK\x03\x04")) {
    return ContentFamily::kZip;
  }
  if (starts("<?xml") || starts("\xEF\xBB\xBF<?xml")) {
    return ContentFamily::kXml;
  }
  if (starts("\xD0\xCF\x11\xE0")) {
    return ContentFamily::kOle;
  }
  if (starts("{\\rtf")) {
    return ContentFamily::kRtf;
  }
  return ContentFamily::kUnknown;
}

ContentFamily DeclaredFamily(std::string_view format) {
  const std::string f = AsciiLower(format);
  // PRONOM ids of the formats Arkivverket accepts for deposit, and the legacy texts producers
  // write.
  static constexpr std::string_view kPdfIds[] = {
      "fmt/14",  "fmt/15",  "fmt/16",  "fmt/17",  "fmt/18",  "fmt/19",  "fmt/20",  "fmt/95",
      "fmt/354", "fmt/276", "fmt/476", "fmt/477", "fmt/478", "fmt/479", "fmt/480", "fmt/481"};
  for (std::string_view id : kPdfIds) {
    if (f == id) {
      return ContentFamily::kPdf;
    }
  }
  if (Contains(f, "pdf")) {
    return ContentFamily::kPdf;
  }
  if (f == "fmt/353" || f == "fmt/7" || f == "fmt/8" || f == "fmt/9" || f == "fmt/10" ||
      Contains(f, "tif")) {
    return ContentFamily::kTiff;
  }
  if (f == "fmt/11" || f == "fmt/12" || f == "fmt/13" || Contains(f, "png")) {
    return ContentFamily::kPng;
  }
  if (f == "fmt/41" || f == "fmt/42" || f == "fmt/43" || f == "fmt/44" || Contains(f, "jpg") ||
      Contains(f, "jpeg")) {
    return ContentFamily::kJpeg;
  }
  if (f == "fmt/101" || f == "xml") {
    return ContentFamily::kXml;
  }
  if (f == "fmt/412" || f == "fmt/214" || f == "fmt/290" || f == "fmt/291" || f == "docx" ||
      f == "xlsx" || f == "odt" || f == "ods") {
    return ContentFamily::kZip;
  }
  if (f == "fmt/40" || f == "fmt/61" || f == "doc" || f == "xls") {
    return ContentFamily::kOle;
  }
  if (f == "fmt/355" || f == "fmt/969" || f == "rtf") {
    return ContentFamily::kRtf;
  }
  return ContentFamily::kUnknown;
}

std::optional<std::string> NormaliseReference(std::string_view reference) {
  std::string out(reference);
  std::replace(out.begin(), out.end(), '\\', '/');
  while (out.rfind("./", 0) == 0) {
    out.erase(0, 2);
  }
  if (out.empty() || out.front() == '/' || (out.size() > 1 && out[1] == ':')) {
    return std::nullopt;
  }
  std::string_view rest = out;
  while (!rest.empty()) {
    const auto slash = rest.find('/');
    if (rest.substr(0, slash) == "..") {
      return std::nullopt;
    }
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  }
  return out;
}

std::uint64_t PathKey(std::string_view relative_path) {
  std::uint64_t h = 1469598103934665603ULL;  // FNV-1a, then a 64-bit finaliser
  for (char c : relative_path) {
    h ^= static_cast<unsigned char>(AsciiLower(c == '\\' ? '/' : c));
    h *= 1099511628211ULL;
  }
  return Mix(h);
}

std::uint64_t IdKey(std::string_view id) {
  std::uint64_t h = 1469598103934665603ULL;
  for (char c : id) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return Mix(h ^ id.size());
}

DocumentFile OpenAndHash(const ContainedDir& root, const std::string& relative) {
  DocumentFile out;
  std::string actual = relative;
  ContainedDir::Opened opened = root.OpenFile(actual);
  if (opened.outcome == ContainedDir::Outcome::kNotFound) {
    auto found = FindCaseInsensitive(root.path(), relative);
    if (!found) {
      out.state = DocumentFile::State::kMissing;
      return out;
    }
    actual = *found;
    opened = root.OpenFile(actual);
  }
  out.actual_path = actual;
  switch (opened.outcome) {
    case ContainedDir::Outcome::kOpened:
      break;
    case ContainedDir::Outcome::kNotFound:  // a name that matched case-insensitively, then vanished
    case ContainedDir::Outcome::kOutside:
      out.state = DocumentFile::State::kOutside;
      return out;
    case ContainedDir::Outcome::kNotRegular:
      out.state = DocumentFile::State::kUnreadable;
      out.error = "not a regular file";
      return out;
    case ContainedDir::Outcome::kError:
      out.state = DocumentFile::State::kUnreadable;
      out.error = std::string(
          ErrorCodeName(opened.error == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo));
      return out;
  }
  auto digest = FileHasher::ForThisThread().HashOpen(opened.fd.get(), actual);
  if (!digest.ok()) {
    out.state = DocumentFile::State::kUnreadable;
    out.error = std::string(ErrorCodeName(digest.error().code));
    return out;
  }
  out.state = DocumentFile::State::kFound;
  out.digest = std::move(digest).value();
  return out;
}

}  // namespace arkivvakt::noark5::detail
