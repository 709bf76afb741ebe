#include "core/file_io.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <utility>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "core/error.hpp"

namespace tessera {

std::string read_file(const std::filesystem::path& path) {
    // A folder opens as a stream on Linux and reports an absurd size.
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) fail(path, "is a folder, expected a file");
    std::ifstream in(path, std::ios::binary);
    if (!in) fail(path, fmt::format("cannot open for reading: {}", std::strerror(errno)));
    std::string contents;
    in.seekg(0, std::ios::end);
    const auto size = in.tellg();
    if (size < 0) fail(path, "cannot determine the file size");
    contents.resize(static_cast<std::size_t>(size));
    in.seekg(0);
    in.read(contents.data(), size);
    if (!in) fail(path, "read failed");
    return contents;
}

MappedFile::MappedFile(const std::filesystem::path& path, std::size_t padding) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail(path, fmt::format("cannot open for reading: {}", std::strerror(errno)));
    struct stat info {};
    const bool stated = ::fstat(fd, &info) == 0;
    const int stat_error = errno;
    if (!stated || !S_ISREG(info.st_mode)) {
        ::close(fd);
        if (!stated) fail(path, fmt::format("cannot read its size: {}", std::strerror(stat_error)));
        fail(path,
             S_ISDIR(info.st_mode) ? "is a folder, expected a file" : "is not a regular file");
    }
    size_ = static_cast<std::size_t>(info.st_size);
    const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    mapped_ = (size_ + padding + page - 1) / page * page;
    if (mapped_ == 0) mapped_ = page;
    // Zero pages for the whole span first, then the file over its start: the
    // bytes after the end of the file's last page read as zeros, and no read
    // past the file reaches a page the file does not cover (which would SIGBUS).
    base_ = ::mmap(nullptr, mapped_, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int map_error = errno;
    if (base_ != MAP_FAILED && size_ > 0 &&
        ::mmap(base_, size_, PROT_READ, MAP_PRIVATE | MAP_FIXED | MAP_POPULATE, fd, 0) ==
            MAP_FAILED) {
        map_error = errno;
        ::munmap(base_, mapped_);
        base_ = MAP_FAILED;
    }
    ::close(fd);  // the mapping keeps the file
    if (base_ == MAP_FAILED) {
        base_ = nullptr;
        fail(path, fmt::format("cannot map into memory: {}", std::strerror(map_error)));
    }
}

MappedFile::~MappedFile() {
    if (base_ != nullptr) ::munmap(base_, mapped_);
}

namespace {

void fsync_or_fail(int fd, const std::filesystem::path& path) {
    if (::fsync(fd) != 0) fail(path, fmt::format("fsync failed: {}", std::strerror(errno)));
}

void write_all(int fd, std::string_view bytes, const std::filesystem::path& path) {
    while (!bytes.empty()) {
        const ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            fail(path, fmt::format("write failed: {}", std::strerror(errno)));
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
}

/// The folder of `path` ("." for a bare file name).
std::filesystem::path folder_of(const std::filesystem::path& path) {
    return path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
}

}  // namespace

ScratchFile::ScratchFile(const std::filesystem::path& dir) {
    const std::filesystem::path folder = dir.empty() ? std::filesystem::path(".") : dir;
    name_ = folder / "(scratch file)";
    fd_ = ::open(folder.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd_ < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
        // A file system without unnamed files: a named one, unlinked at once.
        std::string name = (folder / ".tessera-scratch-XXXXXX").string();
        fd_ = ::mkostemp(name.data(), O_CLOEXEC);
        if (fd_ >= 0) ::unlink(name.c_str());
    }
    if (fd_ < 0)
        fail(folder, fmt::format("cannot create a scratch file: {}", std::strerror(errno)));
}

ScratchFile::~ScratchFile() {
    ::close(fd_);
}

void ScratchFile::write(std::string_view bytes) {
    write_all(fd_, bytes, name_);
    size_ += bytes.size();
}

AtomicFile::AtomicFile(std::filesystem::path path) : path_(std::move(path)), tmp_(path_) {
    tmp_ += ".tmp";
    fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) fail(tmp_, fmt::format("cannot create: {}", std::strerror(errno)));
}

AtomicFile::~AtomicFile() {
    if (fd_ < 0) return;
    ::close(fd_);
    ::unlink(tmp_.c_str());
}

void AtomicFile::write(std::string_view bytes) {
    write_all(fd_, bytes, tmp_);
}

void AtomicFile::append(const ScratchFile& scratch) {
    loff_t from = 0;
    const auto end = static_cast<loff_t>(scratch.size());
    while (from < end) {
        const ssize_t n = ::copy_file_range(scratch.fd_, &from, fd_, nullptr,
                                            static_cast<std::size_t>(end - from), 0);
        if (n > 0) continue;  // copy_file_range moved `from`
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno != EXDEV && errno != ENOSYS && errno != EOPNOTSUPP && errno != EINVAL)
            fail(tmp_, fmt::format("copy failed: {}", std::strerror(errno)));
        break;  // not supported here (or the scratch file shrank): copy by hand
    }
    if (from == end) return;
    std::string buffer(std::size_t{1} << 20, '\0');
    while (from < end) {
        const ssize_t n = ::pread(
            scratch.fd_, buffer.data(),
            std::min<std::size_t>(buffer.size(), static_cast<std::size_t>(end - from)), from);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0)
            fail(scratch.name_,
                 fmt::format("read failed: {}", n < 0 ? std::strerror(errno) : "file shrank"));
        write({buffer.data(), static_cast<std::size_t>(n)});
        from += n;
    }
}

void AtomicFile::commit() {
    fsync_or_fail(fd_, tmp_);
    if (::close(std::exchange(fd_, -1)) != 0) {
        ::unlink(tmp_.c_str());
        fail(tmp_, fmt::format("close failed: {}", std::strerror(errno)));
    }
    std::error_code ec;
    std::filesystem::rename(tmp_, path_, ec);
    if (ec) {
        ::unlink(tmp_.c_str());
        fail(path_, fmt::format("cannot replace: {}", ec.message()));
    }
    const std::filesystem::path parent = folder_of(path_);
    const int dir = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        struct Close {
            int fd;
            ~Close() { ::close(fd); }
        } close_dir{dir};
        fsync_or_fail(dir, parent);
    }
}

void write_file_atomic(const std::filesystem::path& path, std::string_view contents) {
    AtomicFile file(path);
    file.write(contents);
    file.commit();
}

}  // namespace tessera
