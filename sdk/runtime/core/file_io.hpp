#pragma once
// Whole-file reads and crash-safe writes.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
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

/// An unnamed file in a folder, gone once closed: for text that is written
/// before the text that must precede it (the COCO writer's annotations, which
/// follow the images), without holding it in memory. Throws Error naming the
/// folder on failure.
class ScratchFile {
public:
    /// In folder `dir`; the current folder when `dir` is empty (as the parent
    /// path of a bare file name is).
    explicit ScratchFile(const std::filesystem::path& dir);
    ScratchFile(const ScratchFile&) = delete;
    ScratchFile& operator=(const ScratchFile&) = delete;
    ~ScratchFile();

    void write(std::string_view bytes);
    [[nodiscard]] std::uint64_t size() const { return size_; }

private:
    friend class AtomicFile;
    std::filesystem::path name_;  // for messages: the folder / "(scratch file)"
    int fd_ = -1;
    std::uint64_t size_ = 0;
};

/// A file written piece by piece that replaces `path` only when committed, so
/// that a crash or an error leaves the old file (or none), never a torn one.
/// The pieces go to an unnamed file in `path`'s folder (O_TMPFILE: a killed
/// writer leaves nothing); commit() fsyncs it, gives it a unique hidden name
/// (".NAME.tessera-tmp-XXXXXXXXXXXX"), renames that over `path` and fsyncs the
/// folder. Several AtomicFiles of one path never share a temporary: each
/// replaces `path` whole, the last committed wins. Where the file system has no
/// unnamed files the temporary is named from the start. A named temporary is
/// locked (flock) while its writer lives; one whose writer died is removed by
/// the next AtomicFile of the same path. Dropped before commit(), nothing is
/// left. Throws Error naming the file on failure.
class AtomicFile {
public:
    explicit AtomicFile(std::filesystem::path path);
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;
    ~AtomicFile();

    void write(std::string_view bytes);
    /// Appends all that was written to `scratch`, copied by the kernel.
    void append(const ScratchFile& scratch);
    void commit();

private:
    std::filesystem::path path_;
    std::filesystem::path tmp_;  ///< the temporary's name, while it has one
    int fd_ = -1;
};

/// Replaces `path` with `contents` through an AtomicFile.
void write_file_atomic(const std::filesystem::path& path, std::string_view contents);

/// Writes `contents` to `path` (created, or truncated) without syncing it: for
/// files nobody reads before their writer is done, such as those of an export,
/// which is staged and replaces its output whole (formats::export_project).
void write_file(const std::filesystem::path& path, std::string_view contents);

/// Removes the leftovers of writers that died: the entries of folder `dir` whose
/// names start with `prefix` and that no process holds locked (flock), as live
/// writers hold theirs. `remove` is called for each, under the lock; what it
/// throws is ignored (the entry is tried again next time).
void remove_dead_leftovers(const std::filesystem::path& dir, std::string_view prefix,
                           const std::function<void(const std::filesystem::path&)>& remove);

}  // namespace tessera
