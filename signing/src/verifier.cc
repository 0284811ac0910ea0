#include "signing/verifier.h"

#include <string>

#include "common/c_handle.h"
#include "common/file_contents.h"
#include "verify_internal.h"
#include "xmlsec_api.h"

namespace arkivvakt::signing {

namespace {

using KeysMngrPtr = CHandle<xmlSecKeysMngr, &xmlSecKeysMngrDestroy>;

enum class Sniffed { kXml, kPdf, kCms, kUnknown };

Sniffed Sniff(std::string_view data) {
  std::string_view d = data;
  if (d.substr(0, 3) == "\xEF\xBB\xBF") {
    d.remove_prefix(3);
  }
  const std::size_t pdf = data.substr(0, 1024).find("%PDF-");
  if (pdf != std::string_view::npos) {
    return Sniffed::kPdf;
  }
  while (!d.empty() &&
         (d.front() == ' ' || d.front() == '\n' || d.front() == '\r' || d.front() == '\t')) {
    d.remove_prefix(1);
  }
  if (d.substr(0, 11) == "-----BEGIN ") {
    return Sniffed::kCms;
  }
  if (!d.empty() && d.front() == '<') {
    return Sniffed::kXml;
  }
  if (!data.empty() && static_cast<unsigned char>(data.front()) == 0x30) {
    return Sniffed::kCms;
  }
  return Sniffed::kUnknown;
}

}  // namespace

struct Verifier::Impl {
  std::shared_ptr<const TrustStore> trust;
  VerifyOptions options;
  KeysMngrPtr keys_manager;
  internal::CertCache cert_cache;
  internal::XmlParser parser;

  internal::VerifyEnv Env() {
    cert_cache.Trim();
    return internal::VerifyEnv{*trust, options, keys_manager.get(), &cert_cache, &parser};
  }

  Status CheckSize(std::string_view data) const {
    if (data.size() > options.max_input_bytes) {
      return MakeError(ErrorCode::kSecurity, "input larger than the configured limit of " +
                                                 std::to_string(options.max_input_bytes) +
                                                 " bytes");
    }
    return {};
  }
};

Verifier::Verifier(std::shared_ptr<const TrustStore> trust, VerifyOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->trust = std::move(trust);
  impl_->options = options;
  // An empty keys manager: xmlsec needs one to read X509Data, but it never supplies a key.
  impl_->keys_manager.reset(xmlSecKeysMngrCreate());
  if (!impl_->keys_manager || xmlSecOpenSSLAppDefaultKeysMngrInit(impl_->keys_manager.get()) < 0) {
    impl_->keys_manager.reset();
  }
}

Verifier::~Verifier() = default;
Verifier::Verifier(Verifier&&) noexcept = default;
Verifier& Verifier::operator=(Verifier&&) noexcept = default;

Result<VerificationReport> Verifier::VerifyXml(std::string_view xml, TimePoint validation_time) {
  ARKIVVAKT_RETURN_IF_ERROR(impl_->CheckSize(xml));
  if (!impl_->keys_manager || !impl_->trust) {
    return MakeError(ErrorCode::kInternal, "xmlsec keys manager could not be created");
  }
  return internal::VerifyXmlDocument(xml, validation_time, impl_->Env());
}

Result<VerificationReport> Verifier::VerifyCms(std::string_view cms,
                                               std::optional<std::string_view> detached_content,
                                               TimePoint validation_time) {
  ARKIVVAKT_RETURN_IF_ERROR(impl_->CheckSize(cms));
  if (detached_content) {
    ARKIVVAKT_RETURN_IF_ERROR(impl_->CheckSize(*detached_content));
  }
  if (!impl_->trust) {
    return MakeError(ErrorCode::kInternal, "no trust store");
  }
  return internal::VerifyCmsDocument(cms, detached_content, validation_time, impl_->Env());
}

Result<VerificationReport> Verifier::VerifyPdf(std::string_view pdf, TimePoint validation_time) {
  ARKIVVAKT_RETURN_IF_ERROR(impl_->CheckSize(pdf));
  if (!impl_->trust) {
    return MakeError(ErrorCode::kInternal, "no trust store");
  }
  return internal::VerifyPdfDocument(pdf, validation_time, impl_->Env());
}

Result<VerificationReport> Verifier::Verify(std::string_view data,
                                            std::optional<std::string_view> detached_content,
                                            TimePoint validation_time) {
  switch (Sniff(data)) {
    case Sniffed::kXml:
      return VerifyXml(data, validation_time);
    case Sniffed::kPdf:
      return VerifyPdf(data, validation_time);
    case Sniffed::kCms:
      return VerifyCms(data, detached_content, validation_time);
    case Sniffed::kUnknown:
      break;
  }
  return MakeError(ErrorCode::kUnsupported, "not an XML, PDF or CMS signature file");
}

Result<VerificationReport> Verifier::VerifyFile(const std::filesystem::path& path,
                                                const std::optional<std::filesystem::path>& content,
                                                TimePoint validation_time) {
  auto data = ReadFileContents(path, impl_->options.max_input_bytes);
  if (!data.ok()) {
    return data.error();
  }
  std::optional<std::string> detached;
  if (content) {
    auto c = ReadFileContents(*content, impl_->options.max_input_bytes);
    if (!c.ok()) {
      return c.error();
    }
    detached = std::move(c).value();
  }
  std::optional<std::string_view> view;
  if (detached) {
    view = *detached;
  }
  return Verify(*data, view, validation_time);
}

}  // namespace arkivvakt::signing
