#include "chain.h"

#include <array>
#include <chrono>
#include <cstdint>
#include <ctime>

#include <openssl/x509v3.h>

#include "openssl_util.h"
#include "trust_store_impl.h"

namespace arkivvakt::signing::internal {

namespace {

// Errors seen by the verify callback. Fixed size: the callback runs inside OpenSSL and must not
// allocate or throw.
struct CallbackLog {
  struct Entry {
    int error;
    int depth;
  };

  std::array<Entry, 16> entries{};
  std::size_t size = 0;
};

int VerifyCallback(int ok, X509_STORE_CTX* ctx) noexcept {
  if (ok == 1) {
    return 1;
  }
  const int error = X509_STORE_CTX_get_error(ctx);
  auto* log = static_cast<CallbackLog*>(X509_STORE_CTX_get_app_data(ctx));
  if (log != nullptr && log->size < log->entries.size()) {
    log->entries[log->size++] = {error, X509_STORE_CTX_get_error_depth(ctx)};
  }
  // Validity-period problems are evaluated by us against the whole picture (revocation, proof
  // of existence); everything else stops path validation.
  if (error == X509_V_ERR_CERT_HAS_EXPIRED || error == X509_V_ERR_CERT_NOT_YET_VALID) {
    return 1;
  }
  return 0;
}

SubIndication MapPathError(int error) {
  switch (error) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_CERT_UNTRUSTED:
    case X509_V_ERR_CERT_REJECTED:
      return SubIndication::kNoCertificateChainFound;
    case X509_V_ERR_INVALID_CA:
    case X509_V_ERR_PATH_LENGTH_EXCEEDED:
    case X509_V_ERR_INVALID_PURPOSE:
    case X509_V_ERR_KEYUSAGE_NO_CERTSIGN:
    case X509_V_ERR_INVALID_EXTENSION:
    case X509_V_ERR_INVALID_POLICY_EXTENSION:
    case X509_V_ERR_NO_EXPLICIT_POLICY:
    case X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION:
    case X509_V_ERR_PERMITTED_VIOLATION:
    case X509_V_ERR_EXCLUDED_VIOLATION:
      return SubIndication::kChainConstraintsFailure;
    case X509_V_ERR_EE_KEY_TOO_SMALL:
    case X509_V_ERR_CA_KEY_TOO_SMALL:
    case X509_V_ERR_CA_MD_TOO_WEAK:
      return SubIndication::kCryptoConstraintsFailure;
    default:
      return SubIndication::kCertificateChainGeneralFailure;
  }
}

struct Revocation {
  RevocationStatus status = RevocationStatus::kNotChecked;
  std::optional<TimePoint> time;
};

int Rank(RevocationStatus s) {
  switch (s) {
    case RevocationStatus::kRevoked:
      return 5;
    case RevocationStatus::kRevokedLater:
      return 4;
    case RevocationStatus::kGood:
      return 3;
    case RevocationStatus::kUnknownStaleCrl:
      return 2;
    default:
      return 1;
  }
}

// Looks `cert` up in every CRL that `issuer` signed.
Revocation CheckRevocation(X509* cert, X509* issuer, const std::vector<X509_CRL*>& crls,
                           TimePoint at) {
  Revocation best;
  EVP_PKEY* issuer_key = X509_get0_pubkey(issuer);
  for (X509_CRL* crl : crls) {
    if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(issuer)) != 0) {
      continue;
    }
    if (issuer_key == nullptr || X509_CRL_verify(crl, issuer_key) != 1) {
      ClearOpenSslErrors();
      continue;  // not signed by this issuer: not evidence
    }
    Revocation r;
    X509_REVOKED* entry = nullptr;
    if (X509_CRL_get0_by_cert(crl, &entry, cert) == 1 && entry != nullptr) {
      r.time = FromAsn1Time(X509_REVOKED_get0_revocationDate(entry));
      r.status =
          (r.time && *r.time > at) ? RevocationStatus::kRevokedLater : RevocationStatus::kRevoked;
    } else {
      const auto this_update = FromAsn1Time(X509_CRL_get0_lastUpdate(crl));
      const auto next_update = FromAsn1Time(X509_CRL_get0_nextUpdate(crl));
      // Fresh for `at`: issued after it, or issued before it and not yet superseded.
      const bool fresh = (this_update && *this_update >= at) || (next_update && *next_update >= at);
      r.status = fresh ? RevocationStatus::kGood : RevocationStatus::kUnknownStaleCrl;
    }
    if (Rank(r.status) > Rank(best.status)) {
      best = r;
    }
  }
  return best;
}

bool InValidity(const CertificateSummary& c, TimePoint at) {
  return c.not_before <= at && at <= c.not_after;
}

}  // namespace

ChainVerdict ValidateSigner(const TrustStore& trust, const ChainRequest& request,
                            const VerifyOptions& options) {
  ChainVerdict verdict;
  const TrustStore::Impl& ts = trust.impl();

  X509StackPtr untrusted(sk_X509_new_null());
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!untrusted || !ctx) {
    verdict.sub_indication = SubIndication::kCertificateChainGeneralFailure;
    verdict.notes.emplace_back("internal-error");
    return verdict;
  }
  for (X509* c : request.offered) {
    if (c != nullptr && X509_up_ref(c) == 1 && sk_X509_push(untrusted.get(), c) <= 0) {
      X509_free(c);
    }
  }
  for (const X509Ptr& c : ts.untrusted) {
    if (X509_up_ref(c.get()) == 1 && sk_X509_push(untrusted.get(), c.get()) <= 0) {
      X509_free(c.get());
    }
  }
  if (X509_STORE_CTX_init(ctx.get(), ts.store.get(), request.signer, untrusted.get()) != 1) {
    ClearOpenSslErrors();
    verdict.sub_indication = SubIndication::kCertificateChainGeneralFailure;
    verdict.notes.emplace_back("internal-error");
    return verdict;
  }
  const std::time_t at = std::chrono::system_clock::to_time_t(request.validation_time);
  X509_STORE_CTX_set_time(ctx.get(), 0, at);
  CallbackLog log;
  X509_STORE_CTX_set_app_data(ctx.get(), &log);
  X509_STORE_CTX_set_verify_cb(ctx.get(), VerifyCallback);

  const int ok = X509_verify_cert(ctx.get());
  ClearOpenSslErrors();
  STACK_OF(X509)* built = X509_STORE_CTX_get0_chain(ctx.get());  // owned by ctx
  std::vector<X509*> path;
  for (int i = 0; built != nullptr && i < sk_X509_num(built); ++i) {
    path.push_back(sk_X509_value(built, i));
  }
  if (path.empty()) {
    path.push_back(request.signer);
  }
  for (X509* c : path) {
    verdict.chain.push_back(Summarise(c));
  }
  if (ok != 1) {
    const int error = X509_STORE_CTX_get_error(ctx.get());
    verdict.indication = Indication::kIndeterminate;
    verdict.sub_indication = MapPathError(error);
    verdict.notes.push_back("x509-error-" + std::to_string(error));
    return verdict;
  }

  // Revocation: every element but the trust anchor (the last of the built path).
  std::vector<X509_CRL*> crls;
  for (const X509CrlPtr& c : ts.crls) {
    crls.push_back(c.get());
  }
  crls.insert(crls.end(), request.offered_crls.begin(), request.offered_crls.end());
  bool signer_revoked = false;
  bool ca_revoked = false;
  bool unchecked = false;
  for (std::size_t i = 0; i < path.size(); ++i) {
    CertificateSummary& s = verdict.chain[i];
    if (i + 1 == path.size()) {
      s.revocation = RevocationStatus::kTrustAnchor;
      break;
    }
    const Revocation r = CheckRevocation(path[i], path[i + 1], crls, request.validation_time);
    s.revocation = r.status;
    s.revocation_time = r.time;
    if (r.status == RevocationStatus::kRevoked) {
      (i == 0 ? signer_revoked : ca_revoked) = true;
    } else if (r.status == RevocationStatus::kNotChecked ||
               r.status == RevocationStatus::kUnknownStaleCrl) {
      unchecked = true;
    } else if (r.status == RevocationStatus::kRevokedLater) {
      verdict.notes.emplace_back("revoked-after-validation-time");
    }
  }

  const TimePoint t = request.validation_time;
  const bool signer_in_validity = InValidity(verdict.chain[0], t);
  bool ca_in_validity = true;
  for (std::size_t i = 1; i < verdict.chain.size(); ++i) {
    ca_in_validity = ca_in_validity && InValidity(verdict.chain[i], t);
  }
  const std::uint32_t ku = X509_get_key_usage(request.signer);
  const bool ku_ok = ku == UINT32_MAX || (ku & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)) != 0;
  const int bits = RsaOrDsaBits(request.signer);

  verdict.indication = Indication::kIndeterminate;
  if (signer_revoked) {
    // Without a proof of existence before the revocation date the signature cannot be placed
    // before it: EN 319 102-1 gives INDETERMINATE, not TOTAL-FAILED.
    verdict.sub_indication = SubIndication::kRevokedNoPoe;
    verdict.notes.emplace_back("signer-certificate-revoked");
  } else if (ca_revoked) {
    verdict.sub_indication = SubIndication::kRevokedCaNoPoe;
    verdict.notes.emplace_back("ca-certificate-revoked");
  } else if (!ku_ok) {
    verdict.sub_indication = SubIndication::kChainConstraintsFailure;
    verdict.notes.emplace_back("signer-key-usage-not-for-signing");
  } else if (bits != 0 && bits < options.min_rsa_bits) {
    verdict.sub_indication = SubIndication::kCryptoConstraintsFailure;
    verdict.notes.emplace_back("signer-key-too-small");
  } else if (!signer_in_validity || !ca_in_validity) {
    const bool signer_good = verdict.chain[0].revocation == RevocationStatus::kGood;
    verdict.sub_indication = (!signer_in_validity && signer_good)
                                 ? SubIndication::kOutOfBoundsNotRevoked
                                 : SubIndication::kOutOfBoundsNoPoe;
    verdict.notes.emplace_back(signer_in_validity ? "ca-certificate-outside-validity"
                                                  : "signer-certificate-outside-validity");
  } else if (unchecked && options.require_revocation_data) {
    verdict.sub_indication = SubIndication::kTryLater;
    verdict.notes.emplace_back("revocation-data-missing");
  } else {
    verdict.indication = Indication::kTotalPassed;
    if (unchecked) {
      verdict.notes.emplace_back("revocation-not-checked");
    }
  }
  return verdict;
}

}  // namespace arkivvakt::signing::internal
