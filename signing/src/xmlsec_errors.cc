#include "xmlsec_errors.h"

#include <libxml/globals.h>

namespace arkivvakt::signing::internal {

namespace {

thread_local XmlsecErrorSink* current_sink = nullptr;

extern "C" void QuietStructuredError(void* ctx, xmlErrorPtr /*error*/) {
  auto* sink = static_cast<XmlsecErrorSink*>(ctx);
  if (sink != nullptr) {
    sink->CountLibxmlError();
  }
}

}  // namespace

XmlsecErrorSink::XmlsecErrorSink()
    : previous_(current_sink),
      previous_structured_(xmlStructuredError),
      previous_structured_ctx_(xmlStructuredErrorContext) {
  current_sink = this;
  xmlSetStructuredErrorFunc(this, QuietStructuredError);
}

XmlsecErrorSink::~XmlsecErrorSink() {
  xmlSetStructuredErrorFunc(previous_structured_ctx_, previous_structured_);
  current_sink = previous_;
}

void XmlsecErrorSink::Add(int reason) noexcept {
  if (size_ < reasons_.size()) {
    reasons_[size_++] = reason;
  }
}

bool XmlsecErrorSink::Has(int reason) const noexcept {
  for (std::size_t i = 0; i < size_; ++i) {
    if (reasons_[i] == reason) {
      return true;
    }
  }
  return false;
}

extern "C" void CollectXmlsecError(const char* /*file*/, int /*line*/, const char* /*func*/,
                                   const char* /*error_object*/, const char* /*error_subject*/,
                                   int reason, const char* /*msg*/) {
  if (current_sink != nullptr) {
    current_sink->Add(reason);
  }
}

}  // namespace arkivvakt::signing::internal
