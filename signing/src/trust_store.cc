#include "signing/trust_store.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

#include "trust_store_impl.h"

namespace arkivvakt::signing {

using internal::X509CrlPtr;
using internal::X509Ptr;

namespace {

Result<std::string> ReadWhole(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return MakeError(ErrorCode::kNotFound, "trust material not found: " + path.string());
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return MakeError(ErrorCode::kIo, "cannot read trust material: " + path.string());
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool IsTrustFileName(const std::filesystem::path& p) {
  const std::string ext = p.extension().string();
  return ext == ".pem" || ext == ".crt" || ext == ".cer" || ext == ".der" || ext == ".crl";
}

// Expands directories (non-recursive, sorted for determinism) into files.
Result<std::vector<std::filesystem::path>> ExpandPaths(
    const std::vector<std::filesystem::path>& paths) {
  std::vector<std::filesystem::path> files;
  for (const auto& p : paths) {
    std::error_code ec;
    if (std::filesystem::is_directory(p, ec)) {
      std::vector<std::filesystem::path> in_dir;
      for (const auto& entry : std::filesystem::directory_iterator(p, ec)) {
        if (entry.is_regular_file() && IsTrustFileName(entry.path())) {
          in_dir.push_back(entry.path());
        }
      }
      if (ec) {
        return MakeError(ErrorCode::kIo, "cannot list trust directory: " + p.string());
      }
      std::sort(in_dir.begin(), in_dir.end());
      files.insert(files.end(), in_dir.begin(), in_dir.end());
    } else {
      files.push_back(p);
    }
  }
  return files;
}

Status AddCerts(std::string_view bytes, const std::string& origin, std::vector<X509Ptr>& out) {
  std::vector<X509Ptr> certs = internal::ParseCertificates(bytes);
  if (certs.empty()) {
    return MakeError(ErrorCode::kParse, "no certificate in " + origin);
  }
  std::move(certs.begin(), certs.end(), std::back_inserter(out));
  return {};
}

Status AddCrls(std::string_view bytes, const std::string& origin, std::vector<X509CrlPtr>& out) {
  std::vector<X509CrlPtr> crls = internal::ParseCrls(bytes);
  if (crls.empty()) {
    return MakeError(ErrorCode::kParse, "no CRL in " + origin);
  }
  std::move(crls.begin(), crls.end(), std::back_inserter(out));
  return {};
}

Result<std::unique_ptr<TrustStore::Impl>> Finish(std::unique_ptr<TrustStore::Impl> impl) {
  impl->store.reset(X509_STORE_new());
  if (!impl->store) {
    return MakeError(ErrorCode::kInternal, "X509_STORE_new failed");
  }
  for (const X509Ptr& c : impl->anchors) {
    if (X509_STORE_add_cert(impl->store.get(), c.get()) != 1) {
      internal::ClearOpenSslErrors();  // a duplicate anchor is harmless
    }
  }
  // A configured anchor ends a path whether or not it is self-signed. Revocation is checked by
  // signing/ itself (chain.cc), so no CRL flags here.
  X509_STORE_set_flags(impl->store.get(), X509_V_FLAG_PARTIAL_CHAIN);
  return impl;
}

}  // namespace

TrustStore::TrustStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

TrustStore::TrustStore(TrustStore&&) noexcept = default;
TrustStore& TrustStore::operator=(TrustStore&&) noexcept = default;
TrustStore::~TrustStore() = default;

std::size_t TrustStore::anchor_count() const {
  return impl_->anchors.size();
}

std::size_t TrustStore::untrusted_count() const {
  return impl_->untrusted.size();
}

std::size_t TrustStore::crl_count() const {
  return impl_->crls.size();
}

Result<TrustStore> TrustStore::Load(const TrustStoreOptions& options) {
  auto impl = std::make_unique<Impl>();

  struct Role {
    const std::vector<std::filesystem::path>* paths;
    int kind;  // 0 anchors, 1 untrusted, 2 crls
  };

  for (const Role role :
       {Role{&options.anchors, 0}, Role{&options.untrusted, 1}, Role{&options.crls, 2}}) {
    auto files = ExpandPaths(*role.paths);
    if (!files.ok()) {
      return files.error();
    }
    for (const auto& file : *files) {
      auto bytes = ReadWhole(file);
      if (!bytes.ok()) {
        return bytes.error();
      }
      const std::string origin = file.string();
      switch (role.kind) {
        case 0:
          ARKIVVAKT_RETURN_IF_ERROR(AddCerts(*bytes, origin, impl->anchors));
          break;
        case 1:
          ARKIVVAKT_RETURN_IF_ERROR(AddCerts(*bytes, origin, impl->untrusted));
          break;
        default:
          ARKIVVAKT_RETURN_IF_ERROR(AddCrls(*bytes, origin, impl->crls));
          break;
      }
    }
  }
  auto done = Finish(std::move(impl));
  if (!done.ok()) {
    return done.error();
  }
  return TrustStore(std::move(done).value());
}

Result<TrustStore> TrustStore::FromPem(std::string_view anchors_pem, std::string_view untrusted_pem,
                                       std::string_view crls_pem) {
  auto impl = std::make_unique<Impl>();
  if (!anchors_pem.empty()) {
    ARKIVVAKT_RETURN_IF_ERROR(AddCerts(anchors_pem, "anchor PEM", impl->anchors));
  }
  if (!untrusted_pem.empty()) {
    ARKIVVAKT_RETURN_IF_ERROR(AddCerts(untrusted_pem, "untrusted PEM", impl->untrusted));
  }
  if (!crls_pem.empty()) {
    ARKIVVAKT_RETURN_IF_ERROR(AddCrls(crls_pem, "CRL PEM", impl->crls));
  }
  auto done = Finish(std::move(impl));
  if (!done.ok()) {
    return done.error();
  }
  return TrustStore(std::move(done).value());
}

}  // namespace arkivvakt::signing
