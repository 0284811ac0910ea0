// Run owners (checks/store.h): the process instance ids that let a node tell whether the process
// that began a run still runs. Linux: a pid is reused only by a process with another start time
// (/proc/<pid>/stat), and the boot id (/proc/sys/kernel/random/boot_id, where readable) changes
// at every boot. Under the unit (ProtectProc=invisible, ProcSubset=pid) the boot id is not
// readable and other users' processes are hidden: such a process is taken to be running.
#include <cerrno>
#include <charconv>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "store/store.h"

#include <signal.h>
#include <unistd.h>

namespace arkivvakt::store {

namespace {

std::string ReadFirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) {
    return {};
  }
  return line;
}

std::string BootId() {
  return ReadFirstLine("/proc/sys/kernel/random/boot_id");
}

// Field 22 of /proc/<pid>/stat (starttime, clock ticks since boot); empty when unreadable. The
// command name (field 2) is in parentheses and may hold spaces and ')': count from the last ')'.
std::string StartTime(int pid) {
  const std::string stat = ReadFirstLine("/proc/" + std::to_string(pid) + "/stat");
  const std::size_t close = stat.rfind(')');
  if (close == std::string::npos) {
    return {};
  }
  std::istringstream fields(stat.substr(close + 1));
  std::string field;
  for (int n = 3; n <= 22; ++n) {  // field 3 (state) is the first after ')'
    if (!(fields >> field)) {
      return {};
    }
  }
  return field;
}

bool IsDigits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

}  // namespace

std::string ProcessInstance(int pid) {
  const std::string start = StartTime(pid);
  if (start.empty()) {
    return {};
  }
  const std::string boot = BootId();
  return (boot.empty() ? std::string("-") : boot) + "/" + std::to_string(pid) + "/" + start;
}

std::string CurrentProcessInstance() {
  const int pid = static_cast<int>(::getpid());
  std::string instance = ProcessInstance(pid);
  return instance.empty() ? "pid/" + std::to_string(pid) : instance;
}

bool ProcessMayBeRunning(std::string_view instance) {
  const std::size_t first = instance.find('/');
  const std::size_t second =
      first == std::string_view::npos ? first : instance.find('/', first + 1);
  if (second == std::string_view::npos) {
    return true;  // not of our form: not ours to judge
  }
  const std::string_view boot = instance.substr(0, first);
  const std::string_view pid_text = instance.substr(first + 1, second - first - 1);
  const std::string_view start = instance.substr(second + 1);
  int pid = 0;
  const auto [end, ec] = std::from_chars(pid_text.data(), pid_text.data() + pid_text.size(), pid);
  if (boot.empty() || ec != std::errc() || end != pid_text.data() + pid_text.size() || pid <= 0 ||
      !IsDigits(start)) {
    return true;
  }
  // A boot id is recorded where /proc/sys is readable (not under the unit's ProcSubset=pid).
  const std::string current_boot = BootId();
  if (boot != "-" && !current_boot.empty() && boot != current_boot) {
    return false;  // the host rebooted since
  }
  // kill(pid, 0) sees every process of the pid namespace, also those /proc hides from us
  // (ProtectProc=invisible): ESRCH means no process has that pid.
  if (::kill(pid, 0) != 0 && errno == ESRCH) {
    return false;
  }
  const std::string now = StartTime(pid);
  if (now.empty()) {
    return true;  // a process we may not look at: it may be that one
  }
  return now == start;  // otherwise the pid now names another process
}

}  // namespace arkivvakt::store
