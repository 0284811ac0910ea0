#include "common/file_identity.h"

#include <sys/stat.h>

namespace arkivvakt {

std::optional<std::string> FileIdentity(const std::filesystem::path& path) {
  struct stat st {};

  if (::stat(path.c_str(), &st) != 0) {
    return std::nullopt;
  }
  return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) + ":" +
         std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) + "." +
         std::to_string(st.st_mtim.tv_nsec) + ":" + std::to_string(st.st_ctim.tv_sec) + "." +
         std::to_string(st.st_ctim.tv_nsec);
}

}  // namespace arkivvakt
