#include "store/checkpoint.h"

#include <charconv>
#include <string>

#include "common/xml.h"
#include "signing/report.h"
#include "signing/verifier.h"

namespace arkivvakt::store {

alerts::CheckpointSigner MakeCheckpointSigner(const signing::SigningIdentity& identity) {
  return [&identity](const std::string& xml) -> Result<std::string> {
    return signing::SignXmlEnveloped(xml, identity);
  };
}

Result<alerts::SignedCheckpoint> ParseCheckpointXml(std::string_view xml) {
  XmlDoc doc(xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "checkpoint.xml", nullptr,
                           kHardenedXmlOptions));
  if (doc == nullptr) {
    return MakeError(ErrorCode::kParse, "checkpoint: not well-formed XML");
  }
  if (doc->intSubset != nullptr) {
    return MakeError(ErrorCode::kSecurity, "checkpoint: a DOCTYPE is not allowed");
  }
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  auto in_ns = [](const xmlNode* n) {
    return n->ns != nullptr && n->ns->href != nullptr &&
           std::string_view(reinterpret_cast<const char*>(n->ns->href)) ==
               alerts::kCheckpointNamespace;
  };
  if (root == nullptr || !in_ns(root) ||
      std::string_view(reinterpret_cast<const char*>(root->name)) != "Checkpoint") {
    return MakeError(ErrorCode::kParse, "checkpoint: the root element is not a Checkpoint");
  }
  alerts::SignedCheckpoint out;
  int seen = 0;
  for (const xmlNode* n = root->children; n != nullptr; n = n->next) {
    if (n->type != XML_ELEMENT_NODE || !in_ns(n)) {
      continue;
    }
    XmlString content(xmlNodeGetContent(n));
    const std::string text = content ? reinterpret_cast<const char*>(content.get()) : "";
    const std::string_view name(reinterpret_cast<const char*>(n->name));
    if (name == "Origin") {
      out.origin = text;
      seen |= 1;
    } else if (name == "TreeSize") {
      auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out.tree_size);
      if (ec != std::errc() || ptr != text.data() + text.size()) {
        return MakeError(ErrorCode::kParse, "checkpoint: TreeSize is not a number");
      }
      seen |= 2;
    } else if (name == "RootHash") {
      out.root_hash = text;
      seen |= 4;
    }
  }
  if (seen != 7) {
    return MakeError(ErrorCode::kParse, "checkpoint: Origin, TreeSize or RootHash is missing");
  }
  return out;
}

alerts::CheckpointSignatureCheck MakeCheckpointCheck(
    std::shared_ptr<const signing::TrustStore> trust) {
  auto verifier = std::make_shared<signing::Verifier>(std::move(trust));
  return [verifier](const alerts::Checkpoint& cp) -> Result<alerts::SignedCheckpoint> {
    if (cp.signed_xml.empty()) {
      return MakeError(ErrorCode::kSecurity, "the checkpoint is not signed");
    }
    auto report = verifier->VerifyXml(cp.signed_xml, cp.created_at);
    if (!report.ok()) {
      return report.error();
    }
    if (report->signatures.size() != 1 || report->Overall() != signing::Indication::kTotalPassed) {
      std::string why(signing::IndicationName(report->Overall()));
      if (!report->signatures.empty() &&
          report->signatures[0].sub_indication != signing::SubIndication::kNone) {
        why += "/";
        why += signing::SubIndicationName(report->signatures[0].sub_indication);
      }
      return MakeError(ErrorCode::kSecurity, why);
    }
    return ParseCheckpointXml(cp.signed_xml);
  };
}

}  // namespace arkivvakt::store
