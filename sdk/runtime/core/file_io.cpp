#include "core/file_io.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <utility>

#include <fcntl.h>
#include <sys/file.h>
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

/// What names the temporaries of `path` start with: ".NAME.tessera-tmp-".
std::string temporary_prefix(const std::filesystem::path& path) {
    return "." + path.filename().string() + ".tessera-tmp-";
}

/// `prefix` and 12 random letters and digits.
std::string unique_name(const std::string& prefix) {
    static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    thread_local std::mt19937_64 random(std::random_device{}() ^
                                        (static_cast<std::uint64_t>(::getpid()) << 32));
    std::string name = prefix;
    for (int i = 0; i < 12; ++i) name += kChars[random() % (sizeof kChars - 1)];
    return name;
}

}  // namespace

void remove_dead_leftovers(const std::filesystem::path& dir, std::string_view prefix,
                           const std::function<void(const std::filesystem::path&)>& remove) {
    std::error_code ec;
    for (std::filesystem::directory_iterator it(dir, ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
        const std::filesystem::path path = it->path();
        if (!path.filename().string().starts_with(prefix)) continue;
        const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
        if (fd < 0) continue;
        struct stat opened {
        }, now{};
        // Locked: its writer lives. Unlocked but renamed or replaced meanwhile: not a leftover.
        if (::flock(fd, LOCK_EX | LOCK_NB) == 0 && ::fstat(fd, &opened) == 0 &&
            ::lstat(path.c_str(), &now) == 0 && opened.st_dev == now.st_dev &&
            opened.st_ino == now.st_ino) {
            try {
                remove(path);
            } catch (...) {  // left for the next try
            }
        }
        ::close(fd);
    }
}

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

AtomicFile::AtomicFile(std::filesystem::path path) : path_(std::move(path)) {
    const std::filesystem::path folder = folder_of(path_);
    const std::string prefix = temporary_prefix(path_);
    remove_dead_leftovers(folder, prefix,
                          [](const std::filesystem::path& p) { ::unlink(p.c_str()); });
    fd_ = ::open(folder.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0644);
    if (fd_ >= 0) {
        // Locked before it has a name (commit()), so no one takes it for a dead writer's.
        (void)::flock(fd_, LOCK_EX);
        return;
    }
    if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
        fail(path_, fmt::format("cannot create: {}", std::strerror(errno)));
    // A file system without unnamed files: a named one, locked while it is written.
    for (int attempt = 0; attempt < 100; ++attempt) {
        tmp_ = folder / unique_name(prefix);
        fd_ = ::open(tmp_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd_ < 0) {
            if (errno == EEXIST) continue;
            break;
        }
        struct stat opened {
        }, now{};
        // Removed by another writer's sweep before the lock: make another.
        if (::flock(fd_, LOCK_EX) == 0 && ::fstat(fd_, &opened) == 0 &&
            ::lstat(tmp_.c_str(), &now) == 0 && opened.st_ino == now.st_ino &&
            opened.st_dev == now.st_dev)
            return;
        ::close(std::exchange(fd_, -1));
    }
    const int error = errno;
    tmp_.clear();
    fail(path_, fmt::format("cannot create: {}", std::strerror(error)));
}

AtomicFile::~AtomicFile() {
    if (fd_ < 0) return;
    if (!tmp_.empty()) ::unlink(tmp_.c_str());
    ::close(fd_);
}

void AtomicFile::write(std::string_view bytes) {
    write_all(fd_, bytes, path_);
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
            fail(path_, fmt::format("copy failed: {}", std::strerror(errno)));
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
    if (fd_ < 0) fail(path_, "the file was already committed");
    fsync_or_fail(fd_, path_);
    const std::filesystem::path folder = folder_of(path_);
    if (tmp_.empty()) {
        // A unique name to rename from: /proc/self/fd links the unnamed file
        // without the privilege AT_EMPTY_PATH needs.
        const std::string self = fmt::format("/proc/self/fd/{}", fd_);
        const std::string prefix = temporary_prefix(path_);
        int error = 0;
        for (int attempt = 0; attempt < 100 && tmp_.empty(); ++attempt) {
            const std::filesystem::path name = folder / unique_name(prefix);
            int rc = ::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, name.c_str(), AT_SYMLINK_FOLLOW);
            if (rc != 0 && errno == ENOENT)
                rc = ::linkat(fd_, "", AT_FDCWD, name.c_str(), AT_EMPTY_PATH);
            error = errno;
            if (rc == 0)
                tmp_ = name;
            else if (error != EEXIST)
                break;
        }
        if (tmp_.empty())
            fail(path_, fmt::format("cannot give the new file a name: {}", std::strerror(error)));
    }
    // Renamed while still open and locked: until then it is a live writer's.
    if (::rename(tmp_.c_str(), path_.c_str()) != 0) {
        const int error = errno;
        fail(path_, fmt::format("cannot replace: {}",
                                std::strerror(error)));  // the destructor removes tmp_
    }
    tmp_.clear();
    ::close(std::exchange(fd_, -1));
    const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        struct Close {
            int fd;
            ~Close() { ::close(fd); }
        } close_dir{dir};
        fsync_or_fail(dir, folder);
    }
}

void write_file_atomic(const std::filesystem::path& path, std::string_view contents) {
    AtomicFile file(path);
    file.write(contents);
    file.commit();
}

void write_file(const std::filesystem::path& path, std::string_view contents) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) fail(path, fmt::format("cannot create: {}", std::strerror(errno)));
    try {
        write_all(fd, contents, path);
    } catch (...) {
        ::close(fd);
        throw;
    }
    if (::close(fd) != 0) fail(path, fmt::format("close failed: {}", std::strerror(errno)));
}

}  // namespace tessera
