// Internal: what a TrustStore holds. Immutable after construction.
#pragma once

#include <vector>

#include "openssl_util.h"
#include "signing/trust_store.h"

namespace arkivvakt::signing {

struct TrustStore::Impl {
  internal::X509StorePtr store;  // anchors only; PARTIAL_CHAIN set
  std::vector<internal::X509Ptr> anchors;
  std::vector<internal::X509Ptr> untrusted;
  std::vector<internal::X509CrlPtr> crls;
};

}  // namespace arkivvakt::signing
