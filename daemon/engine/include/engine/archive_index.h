// The archive index: the records read from one arkivstruktur.xml (engine/archive_records.h),
// persisted in the state directory so that a cycle in a new process — `arkivvakt check`, or the
// daemon after a restart — over an unchanged extraction does not parse the XML again. A 1.78 GB
// arkivstruktur.xml takes tens of seconds to parse; its index loads in about a second.
//
// Validity: an index belongs to one file identity (ArchiveCache::IdentityOf: device, inode,
// size, mtime and ctime of arkivstruktur.xml — the identity the daemon's in-memory cache uses).
// Any change to the file changes its ctime, which a user cannot set back, so a stale index is
// never used. The index's own bytes are covered by a trailing SHA-256: a truncated, corrupted
// or foreign file is ignored (and the XML parsed), never read as records.
//
// Format (little-endian): "ARKIVVAKT-ARCHIVE-INDEX\n", u32 format version, string identity,
// u64 record count, the records (strings as u32 length + bytes; optionals as a presence byte;
// checksums as a tag byte, then 32 bytes when it is 1 or 2 — lower/upper-case hex — else a string),
// then the SHA-256 of all the bytes before it. Written to a temporary file, fsynced and renamed
// into place, so a crash leaves the old index or the new one.
//
// Memory: streamed both ways through a 1 MiB buffer. Thread-safety: free functions; one writer
// per path at a time (the daemon and `check` serialise cycles per state directory).
// Errors: SaveArchiveIndex returns kIo naming the path; LoadArchiveIndex reports why an index was
// not used in `why_not` (for the log) and returns nullopt.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checks/reconcile.h"
#include "common/result.h"

namespace arkivvakt::engine {

Status SaveArchiveIndex(const std::filesystem::path& path, std::string_view identity,
                        const std::vector<checks::ArchiveRecord>& records);

std::optional<std::vector<checks::ArchiveRecord>> LoadArchiveIndex(
    const std::filesystem::path& path, std::string_view identity, std::string* why_not = nullptr);

}  // namespace arkivvakt::engine
