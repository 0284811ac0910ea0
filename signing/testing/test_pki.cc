#include "test_pki.h"

#include <array>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;  // NOLINT(readability-redundant-declaration)

namespace arkivvakt::signing::testing {

namespace fs = std::filesystem;

ToolRun RunTool(const std::vector<std::string>& argv, const std::string& input) {
  ToolRun run;
  int out_pipe[2];
  int in_pipe[2];
  if (::pipe(out_pipe) != 0) {
    return run;
  }
  if (::pipe(in_pipe) != 0) {
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    return run;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDERR_FILENO);
  posix_spawn_file_actions_addclose(&actions, out_pipe[0]);
  posix_spawn_file_actions_addclose(&actions, in_pipe[1]);
  std::vector<char*> args;
  for (const std::string& a : argv) {
    args.push_back(const_cast<char*>(a.c_str()));  // NOLINT(cppcoreguidelines-pro-type-const-cast)
  }
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out_pipe[1]);
  ::close(in_pipe[0]);
  if (rc != 0) {
    ::close(out_pipe[0]);
    ::close(in_pipe[1]);
    run.output = "spawn failed: " + argv[0];
    return run;
  }
  std::thread writer([fd = in_pipe[1], &input] {
    std::size_t done = 0;
    while (done < input.size()) {
      const ssize_t n = ::write(fd, input.data() + done, input.size() - done);
      if (n <= 0) {
        break;
      }
      done += static_cast<std::size_t>(n);
    }
    ::close(fd);
  });
  std::array<char, 65536> buf{};
  for (;;) {
    const ssize_t n = ::read(out_pipe[0], buf.data(), buf.size());
    if (n <= 0) {
      break;
    }
    run.output.append(buf.data(), static_cast<std::size_t>(n));
  }
  ::close(out_pipe[0]);
  writer.join();
  int status = 0;
  ::waitpid(pid, &status, 0);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return run;
}

TimePoint TestValidationTime() {
  using namespace std::chrono;
  return TimePoint(floor<seconds>(sys_days(year{2026} / June / 1)));
}

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteText(const fs::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

namespace {

std::string CaConfig(const fs::path& ca_dir) {
  return "[ ca ]\ndefault_ca = CA_default\n"
         "[ CA_default ]\n"
         "dir = " +
         ca_dir.string() +
         "\n"
         "database = $dir/index.txt\nnew_certs_dir = $dir/newcerts\nserial = $dir/serial\n"
         "crlnumber = $dir/crlnumber\ndefault_md = sha256\npolicy = policy_any\n"
         "unique_subject = no\ncopy_extensions = none\ndefault_crl_days = 30\n"
         "[ policy_any ]\ncommonName = supplied\norganizationName = optional\n"
         "countryName = optional\n"
         "[ v3_root ]\nbasicConstraints = critical,CA:true\n"
         "keyUsage = critical,keyCertSign,cRLSign\nsubjectKeyIdentifier = hash\n"
         "[ v3_inter ]\nbasicConstraints = critical,CA:true,pathlen:0\n"
         "keyUsage = critical,keyCertSign,cRLSign\nsubjectKeyIdentifier = hash\n"
         "authorityKeyIdentifier = keyid\n"
         "[ v3_signer ]\nbasicConstraints = CA:false\n"
         "keyUsage = critical,digitalSignature,nonRepudiation\nsubjectKeyIdentifier = hash\n"
         "authorityKeyIdentifier = keyid\n"
         "[ v3_wrong_ku ]\nbasicConstraints = CA:false\nkeyUsage = critical,keyEncipherment\n"
         "subjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n"
         "[ crl_ext ]\nauthorityKeyIdentifier = keyid\n";
}

Status Tool(const std::vector<std::string>& argv) {
  ToolRun run = RunTool(argv);
  if (run.exit_code != 0) {
    return MakeError(ErrorCode::kInternal,
                     argv[0] + " " + (argv.size() > 1 ? argv[1] : "") + " failed: " + run.output);
  }
  return {};
}

Status MakeCaDir(const fs::path& ca_dir) {
  std::error_code ec;
  fs::create_directories(ca_dir / "newcerts", ec);
  if (ec) {
    return MakeError(ErrorCode::kIo, "cannot create " + ca_dir.string());
  }
  WriteText(ca_dir / "index.txt", "");
  WriteText(ca_dir / "serial", "1000\n");
  WriteText(ca_dir / "crlnumber", "1000\n");
  WriteText(ca_dir / "ca.cnf", CaConfig(ca_dir));
  return {};
}

Status NewKey(const fs::path& key, bool ec) {
  if (ec) {
    return Tool({"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                 "-out", key.string()});
  }
  return Tool({"openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
               "-out", key.string()});
}

Status Csr(const fs::path& key, const std::string& cn, const fs::path& csr) {
  return Tool({"openssl", "req", "-new", "-key", key.string(), "-subj",
               "/CN=" + cn + "/O=arkivvakt test PKI", "-out", csr.string()});
}

Status Issue(const fs::path& ca_dir, const fs::path& ca_cert, const fs::path& ca_key,
             const fs::path& csr, const fs::path& out, const std::string& extensions,
             const std::string& start, const std::string& end) {
  return Tool({"openssl",     "ca",
               "-batch",      "-notext",
               "-config",     (ca_dir / "ca.cnf").string(),
               "-cert",       ca_cert.string(),
               "-keyfile",    ca_key.string(),
               "-in",         csr.string(),
               "-out",        out.string(),
               "-extensions", extensions,
               "-startdate",  start,
               "-enddate",    end});
}

}  // namespace

namespace {

TestPki PathsIn(const fs::path& dir) {
  TestPki pki;
  pki.dir = dir;
  pki.root_cert = dir / "root.pem";
  pki.inter_cert = dir / "inter.pem";
  pki.crl = dir / "crl.pem";
  const std::pair<TestSigner*, const char*> signers[] = {{&pki.good, "good"},
                                                         {&pki.ecdsa, "ecdsa"},
                                                         {&pki.expired, "expired"},
                                                         {&pki.revoked, "revoked"},
                                                         {&pki.wrong_ku, "wrong-ku"}};
  for (const auto& [signer, name] : signers) {
    const std::string base = (dir / name).string();
    signer->key = base + ".key";
    signer->cert = base + ".pem";
    signer->chain = base + ".chain.pem";
    signer->issuer = pki.inter_cert;
  }
  return pki;
}

}  // namespace

Result<TestPki> TestPki::CreateOrReuse(const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir / "complete", ec)) {
    return PathsIn(dir);
  }
  const fs::path tmp = dir.string() + ".tmp." + std::to_string(::getpid());
  fs::remove_all(tmp, ec);
  auto made = Create(tmp);
  if (!made.ok()) {
    fs::remove_all(tmp, ec);
    return made.error();
  }
  WriteText(tmp / "complete", "");
  fs::create_directories(dir.parent_path(), ec);
  fs::rename(tmp, dir, ec);
  if (ec) {
    fs::remove_all(tmp, ec);  // another process won the race; use its PKI
    if (!fs::exists(dir / "complete", ec)) {
      return MakeError(ErrorCode::kIo, "cannot install the test PKI in " + dir.string());
    }
  }
  return PathsIn(dir);
}

Result<TestPki> TestPki::Create(const fs::path& dir) {
  TestPki pki;
  pki.dir = dir;
  const fs::path root_ca = dir / "root-ca";
  const fs::path inter_ca = dir / "inter-ca";
  ARKIVVAKT_RETURN_IF_ERROR(MakeCaDir(root_ca));
  ARKIVVAKT_RETURN_IF_ERROR(MakeCaDir(inter_ca));

  const fs::path root_key = dir / "root.key";
  pki.root_cert = dir / "root.pem";
  ARKIVVAKT_RETURN_IF_ERROR(NewKey(root_key, false));
  ARKIVVAKT_RETURN_IF_ERROR(Csr(root_key, "arkivvakt Test Root CA", dir / "root.csr"));
  ARKIVVAKT_RETURN_IF_ERROR(
      Tool({"openssl", "ca", "-batch", "-notext", "-selfsign", "-config",
            (root_ca / "ca.cnf").string(), "-keyfile", root_key.string(), "-in",
            (dir / "root.csr").string(), "-out", pki.root_cert.string(), "-extensions", "v3_root",
            "-startdate", "20240101000000Z", "-enddate", "20400101000000Z"}));

  const fs::path inter_key = dir / "inter.key";
  pki.inter_cert = dir / "inter.pem";
  ARKIVVAKT_RETURN_IF_ERROR(NewKey(inter_key, false));
  ARKIVVAKT_RETURN_IF_ERROR(Csr(inter_key, "arkivvakt Test Issuing CA", dir / "inter.csr"));
  ARKIVVAKT_RETURN_IF_ERROR(Issue(root_ca, pki.root_cert, root_key, dir / "inter.csr",
                                  pki.inter_cert, "v3_inter", "20240101000000Z",
                                  "20400101000000Z"));

  struct Spec {
    TestSigner* signer;
    const char* name;
    bool ec;
    const char* extensions;
    const char* start;
    const char* end;
  };

  const Spec specs[] = {
      {&pki.good, "good", false, "v3_signer", "20250101000000Z", "20350101000000Z"},
      {&pki.ecdsa, "ecdsa", true, "v3_signer", "20250101000000Z", "20350101000000Z"},
      {&pki.expired, "expired", false, "v3_signer", "20200101000000Z", "20210101000000Z"},
      {&pki.revoked, "revoked", false, "v3_signer", "20250101000000Z", "20350101000000Z"},
      {&pki.wrong_ku, "wrong-ku", false, "v3_wrong_ku", "20250101000000Z", "20350101000000Z"},
  };
  const std::string inter_pem = ReadText(pki.inter_cert);
  for (const Spec& s : specs) {
    const fs::path base = dir / s.name;
    s.signer->key = base.string() + ".key";
    s.signer->cert = base.string() + ".pem";
    s.signer->chain = base.string() + ".chain.pem";
    s.signer->issuer = pki.inter_cert;
    ARKIVVAKT_RETURN_IF_ERROR(NewKey(s.signer->key, s.ec));
    ARKIVVAKT_RETURN_IF_ERROR(
        Csr(s.signer->key, std::string("arkivvakt test signer ") + s.name, base.string() + ".csr"));
    ARKIVVAKT_RETURN_IF_ERROR(Issue(inter_ca, pki.inter_cert, inter_key, base.string() + ".csr",
                                    s.signer->cert, s.extensions, s.start, s.end));
    WriteText(s.signer->chain, ReadText(s.signer->cert) + inter_pem);
  }

  // Revoke, then pin the revocation date in the CA database so that the CRL is reproducible.
  ARKIVVAKT_RETURN_IF_ERROR(Tool({"openssl", "ca", "-config", (inter_ca / "ca.cnf").string(),
                                  "-cert", pki.inter_cert.string(), "-keyfile", inter_key.string(),
                                  "-revoke", pki.revoked.cert.string()}));
  std::istringstream index(ReadText(inter_ca / "index.txt"));
  std::string line;
  std::string rewritten;
  while (std::getline(index, line)) {
    if (!line.empty() && line[0] == 'R') {
      const std::size_t t1 = line.find('\t');
      const std::size_t t2 = line.find('\t', t1 + 1);
      const std::size_t t3 = line.find('\t', t2 + 1);
      line = line.substr(0, t2 + 1) + "260101000000Z" + line.substr(t3);
    }
    rewritten += line + "\n";
  }
  WriteText(inter_ca / "index.txt", rewritten);
  pki.crl = dir / "crl.pem";
  ARKIVVAKT_RETURN_IF_ERROR(
      Tool({"openssl", "ca", "-gencrl", "-config", (inter_ca / "ca.cnf").string(), "-cert",
            pki.inter_cert.string(), "-keyfile", inter_key.string(), "-crlexts", "crl_ext",
            "-crl_lastupdate", "20260201000000Z", "-crl_nextupdate", "20360101000000Z", "-out",
            pki.crl.string()}));
  return pki;
}

}  // namespace arkivvakt::signing::testing
