// In-process signature verification rates (signing/verifier.h) for the three formats the
// archive meets: a 2-page PAdES PDF, a 50 KB XAdES document and a detached CMS over 50 KB.
// bench/signing_compare.sh runs the same inputs through `xmlsec1 --verify` and
// `openssl cms -verify` once per file, and `openssl speed rsa2048` as the crypto ceiling.
//
//   arkivvakt-bench-signing [--inputs DIR] [--write-inputs-only] [benchmark flags]
//
// The inputs (test PKI from the openssl CLI, documents signed by signing/signer.h) are written to
// DIR (default: a fresh directory under /tmp) so the comparison script can reuse them.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>

#include <benchmark/benchmark.h>

#include "common/xml.h"
#include "signing/crypto_library.h"
#include "signing/signer.h"
#include "signing/trust_store.h"
#include "signing/verifier.h"
#include "test_pdf.h"
#include "test_pki.h"

#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using arkivvakt::signing::Indication;
using arkivvakt::signing::SignCmsDetached;
using arkivvakt::signing::SigningIdentity;
using arkivvakt::signing::SignXmlEnveloped;
using arkivvakt::signing::TrustStore;
using arkivvakt::signing::Verifier;
using arkivvakt::signing::XmlSignOptions;
namespace t = arkivvakt::signing::testing;

struct Inputs {
  fs::path dir;
  std::string pdf;
  std::string xades;
  std::string xmldsig;
  std::string cms;
  std::string cms_content;
  std::shared_ptr<const TrustStore> trust;
};

Inputs& TheInputs() {
  static Inputs inputs;
  return inputs;
}

std::string FiftyKilobyteReport() {
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<revisjonsrapport "
      "xmlns=\"urn:arkivvakt:report\" periode=\"2026-05\">\n";
  for (int i = 0; xml.size() < 50 * 1024; ++i) {
    xml += "  <funn nr=\"" + std::to_string(i) +
           "\" kontroll=\"FIX-CHECKSUM\" alvor=\"critical\">dokumenter/" +
           std::to_string(5000000 + i) + ".pdf sjekksum avviker</funn>\n";
  }
  return xml + "</revisjonsrapport>\n";
}

bool Prepare(const fs::path& dir) {
  fs::create_directories(dir);
  auto pki = t::TestPki::Create(dir / "pki");
  if (!pki.ok()) {
    std::fprintf(stderr, "test PKI: %s\n", pki.error().message.c_str());
    return false;
  }
  auto id = SigningIdentity::Load(pki->good.key, pki->good.chain);
  if (!id.ok()) {
    std::fprintf(stderr, "identity: %s\n", id.error().message.c_str());
    return false;
  }
  using namespace std::chrono;
  const arkivvakt::TimePoint when(floor<seconds>(sys_days(year{2026} / May / 31)));
  XmlSignOptions xo;
  xo.xades = true;
  xo.signing_time = when;
  auto xades = SignXmlEnveloped(FiftyKilobyteReport(), *id, xo);
  auto xmldsig = SignXmlEnveloped(FiftyKilobyteReport(), *id);
  const std::string content = FiftyKilobyteReport();
  auto cms = SignCmsDetached(content, *id, when);
  const t::PreparedPdf prepared = t::PreparePdf(2);
  const std::string pdf_tbs = prepared.ToBeSigned();
  auto pdf_cms = SignCmsDetached(pdf_tbs, *id, when);
  auto pdf = pdf_cms.ok() ? t::EmbedSignature(prepared, *pdf_cms) : pdf_cms;
  if (!xades.ok() || !xmldsig.ok() || !cms.ok() || !pdf.ok() || !pdf_cms.ok()) {
    std::fprintf(stderr, "signing the inputs failed\n");
    return false;
  }
  t::WriteText(dir / "root.pem", t::ReadText(pki->root_cert));
  t::WriteText(dir / "xades-50k.xml", *xades);
  t::WriteText(dir / "xmldsig-50k.xml", *xmldsig);
  t::WriteText(dir / "content-50k.xml", content);
  t::WriteText(dir / "detached.p7s", *cms);
  t::WriteText(dir / "pades-2-pages.pdf", *pdf);
  // The PDF's CMS and the bytes its /ByteRange covers, for `openssl cms -verify` as a peer.
  t::WriteText(dir / "pades-2-pages.p7s", *pdf_cms);
  t::WriteText(dir / "pades-2-pages.signed-bytes", pdf_tbs);
  Inputs& in = TheInputs();
  in.dir = dir;
  in.xades = *xades;
  in.xmldsig = *xmldsig;
  in.cms = *cms;
  in.cms_content = content;
  in.pdf = *pdf;
  auto trust = TrustStore::FromPem(t::ReadText(pki->root_cert));
  if (!trust.ok()) {
    return false;
  }
  in.trust = std::make_shared<const TrustStore>(std::move(*trust));
  return true;
}

arkivvakt::TimePoint At() {
  using namespace std::chrono;
  return arkivvakt::TimePoint(floor<seconds>(sys_days(year{2026} / June / 1)));
}

template <class Fn>
void Run(benchmark::State& state, Fn&& verify) {
  Verifier verifier(TheInputs().trust);
  for (auto _ : state) {
    auto r = verify(verifier);
    if (!r.ok() || r->Overall() != Indication::kTotalPassed) {
      state.SkipWithError("verification did not pass");
      return;
    }
    benchmark::DoNotOptimize(r->signatures.size());
  }
  state.counters["verifications_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_VerifyPades2Pages(benchmark::State& state) {
  Run(state, [](Verifier& v) { return v.VerifyPdf(TheInputs().pdf, At()); });
}

void BM_VerifyXades50k(benchmark::State& state) {
  Run(state, [](Verifier& v) { return v.VerifyXml(TheInputs().xades, At()); });
}

void BM_VerifyXmlDsig50k(benchmark::State& state) {
  Run(state, [](Verifier& v) { return v.VerifyXml(TheInputs().xmldsig, At()); });
}

void BM_VerifyCmsDetached50k(benchmark::State& state) {
  Run(state,
      [](Verifier& v) { return v.VerifyCms(TheInputs().cms, TheInputs().cms_content, At()); });
}

// One Verifier per thread (Verifier is single-threaded; the TrustStore is shared).
BENCHMARK(BM_VerifyPades2Pages)->Unit(benchmark::kMicrosecond)->UseRealTime()->ThreadRange(1, 2);
BENCHMARK(BM_VerifyXades50k)->Unit(benchmark::kMicrosecond)->UseRealTime()->ThreadRange(1, 2);
BENCHMARK(BM_VerifyXmlDsig50k)->Unit(benchmark::kMicrosecond)->UseRealTime()->ThreadRange(1, 2);
BENCHMARK(BM_VerifyCmsDetached50k)->Unit(benchmark::kMicrosecond)->UseRealTime()->ThreadRange(1, 2);

}  // namespace

int main(int argc, char** argv) {
  arkivvakt::XmlLibrary xml_library;
  arkivvakt::signing::CryptoLibrary crypto_library;
  fs::path dir;
  bool write_only = false;
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--inputs") == 0 && i + 1 < argc) {
      dir = argv[++i];
    } else if (std::strcmp(argv[i], "--write-inputs-only") == 0) {
      write_only = true;
    } else {
      argv[out++] = argv[i];
    }
  }
  argc = out;
  if (dir.empty()) {
    dir = fs::temp_directory_path() / ("arkivvakt-bench-signing-" + std::to_string(::getpid()));
  }
  if (!Prepare(dir)) {
    return 1;
  }
  std::printf("inputs: %s\n", dir.c_str());
  if (write_only) {
    return 0;
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
