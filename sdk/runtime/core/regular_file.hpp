#pragma once
// A file that must be a regular file before a byte of it is read: plugin
// sources (plugin.json, a Lua plugin's main file, a native library).
//
// Implemented: opening without blocking (O_NONBLOCK, so a FIFO or a device
//   opens at once and is never read) and checking what it is on the opened
//   descriptor (fstat), so that nothing can swap the file between the check and
//   the read; refusing a symlink that leads outside a given folder (checked on
//   the descriptor's resolved path); a size limit on whole-file reads.
// Missing: Linux only (/proc/self/fd resolves the opened path).

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace tessera {

/// A regular file opened for reading. Throws Error naming the file and what it
/// is ("is a FIFO, not a regular file") before anything is read from it.
class RegularFile {
public:
    /// Opens `path`. A symlink is followed; when `inside` is not empty, the file
    /// it leads to must lie inside the folder `inside` (itself resolved).
    explicit RegularFile(std::filesystem::path path, const std::filesystem::path& inside = {});
    RegularFile(const RegularFile&) = delete;
    RegularFile& operator=(const RegularFile&) = delete;
    ~RegularFile();

    [[nodiscard]] const std::filesystem::path& path() const { return path_; }
    [[nodiscard]] std::uint64_t size() const { return size_; }
    /// The whole file; throws Error naming it when it is larger than
    /// `max_bytes` (`what` names the kind of file in that message, "plugin.json").
    [[nodiscard]] std::string read_all(std::uint64_t max_bytes, std::string_view what) const;

private:
    std::filesystem::path path_;
    int fd_ = -1;
    std::uint64_t size_ = 0;
};

/// What a file of mode `mode` (st_mode) is, for messages: "a FIFO", "a folder", ...
[[nodiscard]] std::string_view file_type_name(unsigned mode);

}  // namespace tessera
