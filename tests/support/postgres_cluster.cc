#include "support/postgres_cluster.h"

#include <cstdlib>
#include <string>
#include <vector>

#include "test_paths.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace arkivvakt::testing {

namespace {

std::unique_ptr<PostgresCluster>& Instance() {
  static std::unique_ptr<PostgresCluster> instance;  // NOLINT: test-only process singleton
  return instance;
}

// Runs argv with stdout and stderr in a temp file and no other descriptor inherited: pg_ctl
// leaves a server running that would otherwise keep our pipes open.
CommandResult RunDetached(const std::vector<std::string>& argv) {
  CommandResult result;
  std::string out_path =
      (std::filesystem::temp_directory_path() / "arkivvakt-pg-out-XXXXXX").string();
  const int out_fd = ::mkstemp(out_path.data());
  if (out_fd < 0) {
    result.err = "mkstemp failed";
    return result;
  }
  std::vector<char*> args;
  for (const std::string& a : argv) {
    args.push_back(const_cast<char*>(a.c_str()));  // NOLINT(cppcoreguidelines-pro-type-const-cast)
  }
  args.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull < 0 || ::dup2(devnull, STDIN_FILENO) < 0 || ::dup2(out_fd, STDOUT_FILENO) < 0 ||
        ::dup2(out_fd, STDERR_FILENO) < 0 || ::close_range(3, ~0U, 0) != 0) {
      ::_exit(127);
    }
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  ::close(out_fd);
  int status = 0;
  if (pid > 0) {
    ::waitpid(pid, &status, 0);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  result.out = ReadFile(out_path);
  std::filesystem::remove(out_path);
  return result;
}

// Runs a server command, as the postgres user when we are root (initdb refuses root).
CommandResult RunAsServerUser(std::vector<std::string> argv) {
  if (::geteuid() == 0) {
    argv.insert(argv.begin(), {"runuser", "-u", "postgres", "--"});
  }
  return RunDetached(argv);
}

}  // namespace

std::filesystem::path PostgresCluster::BinDir() {
  for (const char* dir :
       {"/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin"}) {
    if (std::filesystem::exists(std::filesystem::path(dir) / "initdb")) {
      return dir;
    }
  }
  return {};
}

PostgresCluster* PostgresCluster::Shared(std::string* why, bool* binaries_missing) {
  if (binaries_missing != nullptr) {
    *binaries_missing = false;
  }
  auto& instance = Instance();
  if (instance) {
    return instance.get();
  }
  if (BinDir().empty()) {
    if (binaries_missing != nullptr) {
      *binaries_missing = true;
    }
    *why = "PostgreSQL server binaries (initdb, pg_ctl) are not installed";
    return nullptr;
  }
  if (::geteuid() == 0 && ::getpwnam("postgres") == nullptr) {
    if (binaries_missing != nullptr) {
      *binaries_missing = true;
    }
    *why = "running as root and there is no postgres user to run the server";
    return nullptr;
  }
  std::unique_ptr<PostgresCluster> cluster(new PostgresCluster());
  if (!cluster->Init(why)) {
    return nullptr;
  }
  instance = std::move(cluster);
  std::atexit([] { Instance().reset(); });
  return instance.get();
}

bool PostgresCluster::Init(std::string* why) {
  std::string pattern = (std::filesystem::temp_directory_path() / "arkivvakt-pg-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    *why = "cannot create a temp dir for PostgreSQL";
    return false;
  }
  dir_ = pattern;
  std::filesystem::create_directories(dir_ / "sock");
  if (::geteuid() == 0) {
    const passwd* pw = ::getpwnam("postgres");
    for (const auto& p : {dir_, dir_ / "sock"}) {
      if (::chown(p.c_str(), pw->pw_uid, pw->pw_gid) != 0 || ::chmod(p.c_str(), 0755) != 0) {
        *why = "cannot hand " + p.string() + " to the postgres user";
        return false;
      }
    }
  }
  const auto bin = BinDir();
  auto r = RunAsServerUser({(bin / "initdb").string(), "-D", (dir_ / "data").string(), "-A",
                            "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C"});
  if (r.exit_code != 0) {
    *why = "initdb failed: " + r.out;
    return false;
  }
  if (!Start()) {
    *why = "pg_ctl start failed: " + ReadFile(dir_ / "pg.log");
    return false;
  }
  return true;
}

PostgresCluster::~PostgresCluster() {
  if (running_) {
    Stop(false);
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string PostgresCluster::Conninfo(const std::string& database) const {
  return "host=" + (dir_ / "sock").string() + " user=postgres dbname=" + database;
}

bool PostgresCluster::Psql(const std::string& database, const std::string& sql,
                           std::string* output) {
  auto r = RunDetached({(BinDir() / "psql").string(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At",
                        "-d", Conninfo(database), "-c", sql});
  if (output != nullptr) {
    *output = r.out;
  }
  return r.exit_code == 0;
}

std::string PostgresCluster::CreateDatabase(const std::string& name, std::string* why) {
  std::string out;
  if (!Psql("postgres", "DROP DATABASE IF EXISTS " + name, &out) ||
      !Psql("postgres", "CREATE DATABASE " + name, &out)) {
    *why = "cannot create database " + name + ": " + out;
    return {};
  }
  return Conninfo(name);
}

bool PostgresCluster::Stop(bool immediate) {
  auto r = RunAsServerUser({(BinDir() / "pg_ctl").string(), "-D", (dir_ / "data").string(), "-m",
                            immediate ? "immediate" : "fast", "-w", "stop"});
  running_ = r.exit_code != 0 && running_;
  return r.exit_code == 0;
}

bool PostgresCluster::Start() {
  const std::string options =
      "-c listen_addresses='' -k " + (dir_ / "sock").string() + " -c fsync=off";
  auto r = RunAsServerUser({(BinDir() / "pg_ctl").string(), "-D", (dir_ / "data").string(), "-o",
                            options, "-l", (dir_ / "pg.log").string(), "-w", "start"});
  running_ = r.exit_code == 0;
  return running_;
}

}  // namespace arkivvakt::testing
