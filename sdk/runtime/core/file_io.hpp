#pragma once
// Whole-file reads and crash-safe writes.

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace tessera {

/// Reads a whole file; throws Error naming the file when it cannot be read.
[[nodiscard]] std::string read_file(const std::filesystem::path& path);

/// A file mapped read-only into memory, followed by at least `padding` readable
/// zero bytes (parsers such as simdjson read a little past the end). Its pages
/// come from the page cache: nothing is copied, and they are mapped in one call
/// rather than faulted in one at a time, which makes a large input much cheaper
/// to load than a read into fresh memory. Another program truncating the file
/// while it is mapped makes reading the lost part raise SIGBUS; the importers
/// commit nothing before the whole file is read, so a project is left unchanged.
class MappedFile {
public:
    /// Maps `path`; throws Error naming it when it is not a regular file or
    /// cannot be opened or mapped.
    MappedFile(const std::filesystem::path& path, std::size_t padding);
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;
    ~MappedFile();

    [[nodiscard]] const char* data() const { return static_cast<const char*>(base_); }
    [[nodiscard]] std::size_t size() const { return size_; }

private:
    void* base_ = nullptr;
    std::size_t mapped_ = 0;  // the file's pages and the padding's
    std::size_t size_ = 0;
};

/// Replaces `path` with `contents` so that a crash leaves either the old or
/// the new file, never a torn one: write a sibling temporary, fsync, rename,
/// fsync the folder. Throws Error on failure.
void write_file_atomic(const std::filesystem::path& path, std::string_view contents);

}  // namespace tessera
