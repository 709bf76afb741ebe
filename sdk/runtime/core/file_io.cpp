#include "core/file_io.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>

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
        fail(path, S_ISDIR(info.st_mode) ? "is a folder, expected a file" : "is not a regular file");
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
        ::mmap(base_, size_, PROT_READ, MAP_PRIVATE | MAP_FIXED | MAP_POPULATE, fd, 0) == MAP_FAILED) {
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
    if (::fsync(fd) != 0) {
        const int err = errno;
        ::close(fd);
        fail(path, fmt::format("fsync failed: {}", std::strerror(err)));
    }
}

}  // namespace

void write_file_atomic(const std::filesystem::path& path, std::string_view contents) {
    std::filesystem::path tmp = path;
    tmp += ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) fail(tmp, fmt::format("cannot create: {}", std::strerror(errno)));
    std::size_t written = 0;
    while (written < contents.size()) {
        const ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
        if (n < 0) {
            if (errno == EINTR) continue;
            const int err = errno;
            ::close(fd);
            fail(tmp, fmt::format("write failed: {}", std::strerror(err)));
        }
        written += static_cast<std::size_t>(n);
    }
    fsync_or_fail(fd, tmp);
    ::close(fd);
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) fail(path, fmt::format("cannot replace: {}", ec.message()));
    const std::filesystem::path parent = path.has_parent_path() ? path.parent_path() : ".";
    const int dir = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        fsync_or_fail(dir, parent);
        ::close(dir);
    }
}

}  // namespace tessera
