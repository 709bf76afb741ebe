#include "core/regular_file.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "core/error.hpp"

namespace tessera {

std::string_view file_type_name(unsigned mode) {
    switch (mode & S_IFMT) {
        case S_IFREG:
            return "a regular file";
        case S_IFDIR:
            return "a folder";
        case S_IFIFO:
            return "a FIFO";
        case S_IFSOCK:
            return "a socket";
        case S_IFCHR:
            return "a character device";
        case S_IFBLK:
            return "a block device";
        case S_IFLNK:
            return "a symlink";
    }
    return "not a file";
}

namespace {

// Whether `file` (resolved) lies inside the folder `folder` (resolved).
bool lies_inside(const std::filesystem::path& file, const std::filesystem::path& folder) {
    const std::filesystem::path relative = file.lexically_relative(folder);
    return !relative.empty() && *relative.begin() != ".." && relative != ".";
}

}  // namespace

RegularFile::RegularFile(std::filesystem::path path, const std::filesystem::path& inside)
    : path_(std::move(path)) {
    // O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever.
    fd_ = ::open(path_.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd_ < 0) fail(path_, fmt::format("cannot open for reading: {}", std::strerror(errno)));
    struct stat info {};
    if (::fstat(fd_, &info) != 0) {
        const int error = errno;
        ::close(fd_);
        fail(path_, fmt::format("cannot read what it is: {}", std::strerror(error)));
    }
    if (!S_ISREG(info.st_mode)) {
        ::close(fd_);
        fail(path_, fmt::format("is {}, not a regular file", file_type_name(info.st_mode)));
    }
    size_ = static_cast<std::uint64_t>(info.st_size);
    if (!inside.empty()) {
        // The file actually opened, whatever symlinks led to it.
        std::error_code ec;
        const std::filesystem::path opened =
            std::filesystem::read_symlink(fmt::format("/proc/self/fd/{}", fd_), ec);
        const std::filesystem::path folder = std::filesystem::canonical(inside, ec);
        if (ec || !lies_inside(opened, folder)) {
            ::close(fd_);
            fail(path_, fmt::format("is a symlink to {}, outside the folder {}; expected a file "
                                    "inside it",
                                    ec ? std::string("an unknown file") : opened.generic_string(),
                                    inside.generic_string()));
        }
    }
    // Reads of a regular file never block; drop the flag all the same.
    ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) & ~O_NONBLOCK);
}

RegularFile::~RegularFile() {
    if (fd_ >= 0) ::close(fd_);
}

std::string RegularFile::read_all(std::uint64_t max_bytes, std::string_view what) const {
    if (size_ > max_bytes)
        fail(path_,
             fmt::format("is {} bytes; {} may hold at most {} bytes", size_, what, max_bytes));
    std::string contents;
    contents.resize(static_cast<std::size_t>(size_));
    std::size_t done = 0;
    while (done < contents.size()) {
        const ssize_t n =
            ::pread(fd_, contents.data() + done, contents.size() - done, static_cast<off_t>(done));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fail(path_, fmt::format("read failed: {}", std::strerror(errno)));
        if (n == 0) break;  // shrank meanwhile: what is there
        done += static_cast<std::size_t>(n);
    }
    contents.resize(done);
    return contents;
}

}  // namespace tessera
