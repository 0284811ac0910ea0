#include "noark5/schemas.h"

#include <array>
#include <fstream>
#include <vector>

#include "common/sha256.h"

namespace arkivvakt::noark5 {

namespace {

struct KnownSchema {
  std::string_view sha256;  // of the LF-normalised file
  OfficialSchema schema;
};

// Digests of the schemas published by Arkivverket (arkivverket/schemas N5/v3.1, v4.0, v5.0 and
// ADDML/v8.3), plus the ADDML 8.2 schema that Arkade 5 and real Noark 5 cores ship.
constexpr std::array<KnownSchema, 17> kKnownSchemas{{
    {"f099781ffeb81b5a16bc9fcb89e3b2b28047f4cd75ebd2583fa120be09b75b20",
     {"Noark 5 v3.1", "arkivstruktur.xsd"}},
    {"960e697887953832d5b52ac18a5c57c0cefa5a3d6e0ed6591f61b2bdadcd22e6",
     {"Noark 5 v3.1", "endringslogg.xsd"}},
    {"8056192d9734b267db1f00ec1ec033e41f4cefda2197dfcbc49f3b78944d93a6",
     {"Noark 5 v3.1", "loependeJournal.xsd"}},
    {"29cab7473ed02bb0dc2b1b7ec7573cd60c1c1c2141439af3b4af883f454c86b4",
     {"Noark 5 v3.1", "metadatakatalog.xsd"}},
    {"be30b1da252807447cb78873529fb0ea266fbcaa8878db8a3e7b456f5adeddab",
     {"Noark 5 v3.1", "offentligJournal.xsd"}},
    {"6b3092d44904836c7cc94ded7fce104fad43a4889b3544acbcd24a057d2e44eb",
     {"Noark 5 v4.0", "arkivstruktur.xsd"}},
    {"6ffed4b158578dcad3a571f9090cf8b728309f28d8210a02e9c5705e435ad5c6",
     {"Noark 5 v4.0", "endringslogg.xsd"}},
    {"8a05867384eca031cbe2cd3af5d4d3154a27afc7ae18682b9dde7d1f1a0f76d5",
     {"Noark 5 v4.0", "loependeJournal.xsd"}},
    {"43896558d3882ba44618a57df9fd8e3d0ba714fb26cd5c0aa84d03e7dbdd1431",
     {"Noark 5 v4.0", "metadatakatalog.xsd"}},
    {"55890f63184f4aee1e59ab0cfd782e5df47dc8854805ab2cc5e07dac16a76d9d",
     {"Noark 5 v4.0", "offentligJournal.xsd"}},
    {"24e056c8ffb86c182ef799c16843209787a1b7cbf2b83c81b2ac74ec9d633619",
     {"Noark 5 v5.0", "arkivstruktur.xsd"}},
    {"3b3de5182efe95b968b1c4fcc0344946105b3e3dcf5e20209a3bb2a0b312b602",
     {"Noark 5 v5.0", "endringslogg.xsd"}},
    {"3773b504e37db97e359d113fdf770baa00bff46c202a2e6911939208840c98dd",
     {"Noark 5 v5.0", "loependeJournal.xsd"}},
    {"d4f05aefa852b121ed2c84c4b0bb933442096fd86789f8bb5ee65d5c61e848c3",
     {"Noark 5 v5.0", "metadatakatalog.xsd"}},
    {"4b60e2c232b8d11686c9754697dea4e86b914503aed307784809dbb9c9bc24e3",
     {"Noark 5 v5.0", "offentligJournal.xsd"}},
    {"900d238446096154af2d6f066c51ec35bcbb82c4e843079d870b94235b12f24f",
     {"ADDML 8.3", "addml.xsd"}},
    {"09154ebc83b45a7b61aa0b99e8c593ea60c3ef834b2efff1ce6d254232b29b67",
     {"ADDML 8.2", "addml.xsd"}},
}};

}  // namespace

Result<std::string> LineEndingNormalisedSha256(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return MakeError(ErrorCode::kNotFound, path.filename().string() + ": cannot open");
  }
  Sha256 hasher;
  std::vector<char> buffer(1 << 16);
  std::string out;
  bool pending_cr = false;
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto n = static_cast<std::size_t>(in.gcount());
    out.clear();
    for (std::size_t i = 0; i < n; ++i) {
      const char c = buffer[i];
      if (pending_cr) {
        out.push_back('\n');
        pending_cr = false;
        if (c == '\n') {
          continue;
        }
      }
      if (c == '\r') {
        pending_cr = true;
      } else {
        out.push_back(c);
      }
    }
    hasher.Update(out);
  }
  if (pending_cr) {
    hasher.Update("\n");
  }
  return hasher.FinishHex();
}

std::optional<OfficialSchema> FindOfficialSchema(std::string_view normalised_sha256) {
  for (const KnownSchema& k : kKnownSchemas) {
    if (k.sha256 == normalised_sha256) {
      return k.schema;
    }
  }
  return std::nullopt;
}

bool IsStandardSchemaName(std::string_view file_name) {
  for (const KnownSchema& k : kKnownSchemas) {
    if (k.schema.file == file_name) {
      return true;
    }
  }
  return false;
}

}  // namespace arkivvakt::noark5
