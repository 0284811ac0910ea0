// Internal: xmlsec1 reports errors through one process-wide callback. CryptoLibrary installs
// CollectXmlsecError, which records the reason codes (never the messages: they quote certificate
// subjects and node content) into the sink of the current thread, if any.
//
// Also silences libxml2's generic error output for the current thread while a sink is alive
// (libxml2 prints parse errors that quote document text).
#pragma once

#include <array>
#include <cstddef>

#include <libxml/xmlerror.h>

namespace arkivvakt::signing::internal {

class XmlsecErrorSink {
 public:
  XmlsecErrorSink();
  ~XmlsecErrorSink();
  XmlsecErrorSink(const XmlsecErrorSink&) = delete;
  XmlsecErrorSink& operator=(const XmlsecErrorSink&) = delete;

  void Add(int reason) noexcept;
  bool Has(int reason) const noexcept;

  std::size_t size() const noexcept { return size_; }

  int at(std::size_t i) const noexcept { return reasons_[i]; }

  int libxml_errors() const noexcept { return libxml_errors_; }

  void CountLibxmlError() noexcept { ++libxml_errors_; }

 private:
  std::array<int, 64> reasons_{};
  std::size_t size_ = 0;
  int libxml_errors_ = 0;
  XmlsecErrorSink* previous_;
  xmlStructuredErrorFunc previous_structured_;
  void* previous_structured_ctx_;
};

extern "C" void CollectXmlsecError(const char* file, int line, const char* func,
                                   const char* error_object, const char* error_subject, int reason,
                                   const char* msg);

}  // namespace arkivvakt::signing::internal
