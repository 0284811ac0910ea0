// A minimal PDF writer that reserves a signature (/ByteRange placeholder and a zeroed
// /Contents), plus incremental updates for tampering tests. The PDF layout is fixed:
//   1 catalog (AcroForm with field 4), 2 page tree, 3 font, 4 signature field + widget on the
//   first page, 5 signature dictionary, then per page k: 6+2k page, 7+2k content stream.
//
// Used by the demo municipality (signed documents) and by the tests (tampering). It writes only
// this fixed layout; it is not a general PDF library.
//
// Thread-safety: free functions without shared state.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "common/result.h"

namespace arkivvakt::signing {

struct PreparedPdf {
  std::string bytes;       // with /ByteRange filled in and /Contents zeroed
  std::int64_t gap_begin;  // offset of '<' of /Contents
  std::int64_t gap_end;    // offset just after '>'

  // The bytes a signature must cover: everything but the gap.
  std::string ToBeSigned() const;
};

// `sub_filter` e.g. "ETSI.CAdES.detached"; `reserve` bytes of CMS room.
PreparedPdf PreparePdf(int pages, std::string_view sub_filter = "ETSI.CAdES.detached",
                       std::size_t reserve = 8192);

// Writes the DER signature into the gap (hex, zero padded).
Result<std::string> EmbedSignature(const PreparedPdf& prepared, std::string_view der);

// Prepares and signs with `sign` (DER CMS over the given bytes).
Result<std::string> BuildSignedPdf(
    int pages, const std::function<Result<std::string>(std::string_view)>& sign);

// Appends an incremental update redefining the given objects (number -> body without
// "n 0 obj"/"endobj"). Objects numbered above the current size extend it.
std::string AppendUpdate(std::string_view pdf, const std::map<int, std::string>& objects);

// Object bodies of the fixed layout, for updates.
std::string PageObject(int page_index, int page_count, std::string_view extra_annots = {});
std::string ContentStream(std::string_view text);
std::string PagesObject(int page_count, std::string_view extra_kids = {});

}  // namespace arkivvakt::signing
