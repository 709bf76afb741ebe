// Exporting a project through a format: everything read in one snapshot, and
// the output replacing the old one whole or not at all (export_project).
//
// A format that writes one file through an AtomicFile (COCO) writes `out`
// itself. Any other format writes into a stage, a hidden folder beside `out`
// (".NAME.tessera-export-XXXXXX", locked with flock while its export runs):
//
//   writing/NAME   what the format writes; nothing else ever goes here
//   ready/NAME     the same once complete, with its manifest (.tessera-export:
//                  the files the export wrote) and, linked in, every other
//                  file of the old `out` (the user's: images beside labels)
//
// ready/NAME then takes the place of `out` in one rename (RENAME_EXCHANGE), and
// the old folder, now at ready/NAME, is removed file by file: a file goes when
// an export wrote it (either manifest) or when `out` has it too (a link);
// any other file, one written into the old folder during the export, is moved
// into the new one. The same removal cleans the stage of an export that failed
// or was killed; a later export removes the stages whose lock is free.
//
// Missing: folders get their old mode and owner back, not their ACLs, extended
// attributes or times; a file system without RENAME_EXCHANGE (Linux 3.15+ on
// ext4, xfs, btrfs, tmpfs) cannot take a folder export into an existing folder.

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/file_io.hpp"
#include "formats/import.hpp"
#include "formats/project_source.hpp"

namespace tessera::formats {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kStageTag = ".tessera-export-";

using PathSet = std::unordered_set<std::string>;  // generic paths relative to a folder

/// A descriptor closed when leaving a scope.
class Descriptor {
public:
    explicit Descriptor(int fd = -1) : fd_(fd) {}
    Descriptor(Descriptor&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    Descriptor& operator=(Descriptor&& other) noexcept {
        std::swap(fd_, other.fd_);
        return *this;
    }
    ~Descriptor() {
        if (fd_ >= 0) ::close(fd_);
    }
    [[nodiscard]] int get() const { return fd_; }

private:
    int fd_;
};

[[noreturn]] void fail_errno(const fs::path& path, std::string_view doing, int error) {
    fail(path, fmt::format("{}: {}", doing, std::strerror(error)));
}

std::optional<struct stat> lstat_of(const fs::path& path) {
    struct stat info {};
    if (::lstat(path.c_str(), &info) != 0) return std::nullopt;
    return info;
}

bool same_file(const struct stat& a, const struct stat& b) {
    return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/// The names in folder `dir` (none when it cannot be listed).
std::vector<std::string> names_in(const fs::path& dir, bool* failed = nullptr) {
    std::vector<std::string> names;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec); !ec && it != fs::directory_iterator();
         it.increment(ec))
        names.push_back(it->path().filename().string());
    if (ec && failed != nullptr) *failed = true;
    std::sort(names.begin(), names.end());
    return names;
}

/// A manifest line: backslashes and line breaks escaped.
std::string manifest_line(std::string_view path) {
    std::string line;
    for (const char c : path) {
        if (c == '\\')
            line += "\\\\";
        else if (c == '\n')
            line += "\\n";
        else if (c == '\r')
            line += "\\r";
        else
            line += c;
    }
    return line;
}

std::string manifest_path(std::string_view line) {
    std::string path;
    for (std::size_t i = 0; i < line.size(); ++i) {
        if (line[i] != '\\' || i + 1 == line.size()) {
            path += line[i];
            continue;
        }
        const char next = line[++i];
        path += next == 'n' ? '\n' : next == 'r' ? '\r' : next;
    }
    return path;
}

/// The files listed in folder `dir`'s manifest; none when it has none.
PathSet read_manifest(const fs::path& dir) {
    const fs::path file = dir / kExportManifest;
    const auto info = lstat_of(file);
    if (!info || !S_ISREG(info->st_mode)) return {};
    std::string text;
    try {
        text = read_file(file);
    } catch (const Error&) {
        return {};
    }
    PathSet paths;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = std::min(text.find('\n', start), text.size());
        const std::string_view line(text.data() + start, end - start);
        if (!line.empty() && line[0] != '#') paths.insert(manifest_path(line));
        start = end + 1;
    }
    return paths;
}

/// Writes `tree`'s manifest, which lists every file under it and itself; returns the list.
PathSet write_manifest(const fs::path& tree) {
    std::vector<std::string> files{std::string(kExportManifest)};
    std::error_code ec;
    for (fs::recursive_directory_iterator it(tree, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        std::error_code type_ec;
        if (!it->is_directory(type_ec) || it->is_symlink(type_ec))
            files.push_back(it->path().lexically_relative(tree).generic_string());
    }
    if (ec) fail(tree, fmt::format("cannot list what the export wrote: {}", ec.message()));
    std::sort(files.begin(), files.end());
    std::string text =
        "# The files `tessera export` wrote into this folder. The next export into it\n"
        "# replaces them; it keeps every other file.\n";
    for (const std::string& file : files) text += manifest_line(file) + '\n';
    write_file(tree / kExportManifest, text);
    return {files.begin(), files.end()};
}

/// Gives folder `dir` the mode and, where allowed, the owner of `like`.
void copy_mode_and_owner(const fs::path& dir, const struct stat& like) {
    (void)::chmod(dir.c_str(), like.st_mode & 07777);
    (void)::lchown(dir.c_str(), like.st_uid, like.st_gid);  // allowed to root, or to keep one's own
}

/// Makes the folders of `relative`'s parent under `root` that are missing,
/// with the modes of the same folders under `like`.
void make_parents(const fs::path& root, const fs::path& relative, const fs::path& like) {
    fs::path done;
    for (const fs::path& part : relative.parent_path()) {
        done /= part;
        if (lstat_of(root / done)) continue;
        const auto model = lstat_of(like / done);
        if (::mkdir((root / done).c_str(), 0755) == 0 && model)
            copy_mode_and_owner(root / done, *model);
    }
}

/// Links into the export `tree` (ready to replace `out`) every file of `out` it does
/// not replace: not at a path the tree has, not listed in `old_files` (the files
/// the previous export wrote). Folders get the old ones' mode and owner. A file
/// that cannot be linked (another owner's, under protected_hardlinks) is moved.
/// Throws, leaving what it did for Stage::clean, when `out` holds a mount point
/// or a Tessera project, or a file can be neither linked nor moved.
void carry_over(const fs::path& out, const fs::path& tree, const PathSet& old_files, dev_t device,
                const fs::path& relative = {}) {
    bool failed = false;
    const std::vector<std::string> names = names_in(out / relative, &failed);
    if (failed) fail(out / relative, "cannot list the folder");
    if (std::find(names.begin(), names.end(), store::kProjectFileName) != names.end())
        fail(out / relative,
             "holds a Tessera project; an export replaces its folder whole, and never a "
             "project's: export to a folder outside it");
    for (const std::string& name : names) {
        const fs::path path = relative / name;
        const auto info = lstat_of(out / path);
        if (!info) continue;  // gone meanwhile
        if (S_ISDIR(info->st_mode)) {
            if (info->st_dev != device)
                fail(out / path,
                     "is another file system mounted in the export's folder; an export replaces "
                     "its folder whole and cannot move a mount point: export to another folder");
            const auto there = lstat_of(tree / path);
            if (there && !S_ISDIR(there->st_mode))
                fail(out / path, fmt::format("is a folder where the export writes a file"));
            if (!there && ::mkdir((tree / path).c_str(), 0700) != 0)
                fail_errno(tree / path, "cannot create the folder", errno);
            carry_over(out, tree, old_files, device, path);
            copy_mode_and_owner(tree / path, *info);  // once filled: it may be read-only
            continue;
        }
        const std::string key = path.generic_string();
        if (key == kExportManifest || old_files.count(key) > 0) continue;  // the old export's
        if (lstat_of(tree / path)) continue;  // the export writes it anew
        if (::link((out / path).c_str(), (tree / path).c_str()) == 0) continue;
        const int link_error = errno;
        if ((link_error == EPERM || link_error == EMLINK) &&
            ::rename((out / path).c_str(), (tree / path).c_str()) == 0)
            continue;
        fail_errno(out / path, "cannot keep this file in the new export (linking it failed)",
                   link_error);
    }
}

/// Removes `tree`, a folder a stage holds, without losing a file that exists
/// nowhere else. A file goes when an export wrote it (listed in the tree's own
/// manifest or in `out_files`, those of the export now in `out`) or when `out`
/// has the same file at the same place; any other file is the user's and is
/// moved to its place in `out`, and kept where it is when that place is taken.
/// False when anything was kept.
bool clear_tree(const fs::path& tree, const fs::path& out, const PathSet& out_files) {
    const PathSet own = read_manifest(tree);
    bool kept = false;
    const std::function<void(const fs::path&)> clear = [&](const fs::path& relative) {
        for (const std::string& name : names_in(tree / relative, &kept)) {
            const fs::path path = relative / name;
            const fs::path here = tree / path;
            const auto info = lstat_of(here);
            if (!info) continue;
            if (S_ISDIR(info->st_mode)) {
                if ((info->st_mode & S_IRWXU) != S_IRWXU)
                    (void)::chmod(here.c_str(), info->st_mode | S_IRWXU);
                clear(path);
                if (::rmdir(here.c_str()) != 0) kept = true;
                continue;
            }
            const std::string key = path.generic_string();
            bool exported =
                key == kExportManifest || own.count(key) > 0 || out_files.count(key) > 0;
            if (!exported) {
                const auto there = lstat_of(out / path);
                exported = there && same_file(*there, *info);
            }
            if (exported) {
                if (::unlink(here.c_str()) != 0 && errno != ENOENT) kept = true;
                continue;
            }
            make_parents(out, path, tree);
            if (::renameat2(AT_FDCWD, here.c_str(), AT_FDCWD, (out / path).c_str(),
                            RENAME_NOREPLACE) != 0)
                kept = true;
        }
    };
    clear({});
    if (::rmdir(tree.c_str()) != 0 && errno != ENOENT) kept = true;
    return !kept;
}

/// Flushes everything written to the file system of `fd` to disk.
void sync_file_system(int fd, const fs::path& name) {
    if (::syncfs(fd) != 0) fail_errno(name, "cannot flush the export to disk", errno);
}

void sync_folder(const fs::path& dir) {
    const Descriptor fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd.get() >= 0 && ::fsync(fd.get()) != 0) fail_errno(dir, "fsync failed", errno);
}

/// `text` with every `from` replaced by `to`.
std::string replaced(std::string text, const std::string& from, const std::string& to) {
    if (from.empty()) return text;
    for (std::size_t at = text.find(from); at != std::string::npos;
         at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    return text;
}

/// A locked hidden folder beside `out` where an export is written before it
/// replaces `out` (see the top of this file).
class Stage {
public:
    explicit Stage(fs::path out) : out_(std::move(out)), parent_(out_.parent_path()) {
        prefix_ = "." + out_.filename().string() + std::string(kStageTag);
        sweep();
        for (int attempt = 0; attempt < 100 && lock_.get() < 0; ++attempt) {
            std::string name = (parent_ / prefix_).string() + "XXXXXX";
            if (::mkdtemp(name.data()) == nullptr)
                fail_errno(out_, "cannot create a folder beside it to write the export in", errno);
            Descriptor fd(::open(name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
            struct stat opened {};
            // Another export's sweep may have taken the empty folder for a dead
            // export's before the lock: then make another.
            if (fd.get() < 0 || ::flock(fd.get(), LOCK_EX | LOCK_NB) != 0 ||
                ::fstat(fd.get(), &opened) != 0)
                continue;
            const auto now = lstat_of(name);
            if (!now || !same_file(*now, opened)) continue;
            dir_ = name;
            lock_ = std::move(fd);
        }
        if (lock_.get() < 0) fail(out_, "cannot create a folder beside it to write the export in");
        if (::mkdir((dir_ / "writing").c_str(), 0700) != 0)
            fail_errno(dir_ / "writing", "cannot create the folder", errno);
    }
    Stage(const Stage&) = delete;
    Stage& operator=(const Stage&) = delete;
    /// Removes what the export left (all of it unless it committed: then only the old output).
    ~Stage() {
        try {
            clean(dir_, out_, done_files_);
        } catch (...) {  // a stage left behind is removed by a later export
        }
    }

    /// Where the format writes.
    [[nodiscard]] fs::path target() const { return dir_ / "writing" / out_.filename(); }

    /// Puts what the format wrote in the place of `out`.
    void commit() {
        const fs::path written = target();
        const auto info = lstat_of(written);
        const auto old = stat_of_out();
        if (info && !S_ISDIR(info->st_mode)) {
            if (old && S_ISDIR(old->st_mode))
                fail(out_, "is a folder, but this format writes one file: name the file to write");
            sync_file_system(lock_.get(), written);
            if (::rename(written.c_str(), out_.c_str()) != 0)
                fail_errno(out_, "cannot replace", errno);
            sync_folder(parent_);
            return;
        }
        if (old && !S_ISDIR(old->st_mode))
            fail(out_, "is a file, but this format writes a folder: name a folder to write");
        if (!info && ::mkdir(written.c_str(), 0777) != 0)  // nothing to export: an empty folder
            fail_errno(written, "cannot create the folder", errno);
        const PathSet files = write_manifest(written);
        if (::mkdir((dir_ / "ready").c_str(), 0700) != 0)
            fail_errno(dir_ / "ready", "cannot create the folder", errno);
        const fs::path tree = dir_ / "ready" / out_.filename();
        if (::rename(written.c_str(), tree.c_str()) != 0)
            fail_errno(tree, "cannot move the export", errno);
        for (int attempt = 0;; ++attempt) {
            const auto now = stat_of_out();
            if (now) {
                if (!S_ISDIR(now->st_mode))
                    fail(out_,
                         "is a file, but this format writes a folder: name a folder to write");
                carry_over(out_, tree, read_manifest(out_), now->st_dev);
                copy_mode_and_owner(tree, *now);
            }
            sync_file_system(lock_.get(), tree);
            const unsigned flags = now ? RENAME_EXCHANGE : RENAME_NOREPLACE;
            if (::renameat2(AT_FDCWD, tree.c_str(), AT_FDCWD, out_.c_str(), flags) == 0) break;
            const int error = errno;
            // Made or removed by someone else meanwhile: take the folder as it is now.
            if ((error == EEXIST || error == ENOENT) && attempt < 3) continue;
            if (error == EINVAL || error == ENOSYS)
                fail(out_,
                     "cannot replace the folder in one step on this file system (no "
                     "RENAME_EXCHANGE): export to a new folder");
            fail_errno(out_, "cannot replace the folder", error);
        }
        done_files_ = files;
        sync_folder(parent_);
    }

private:
    std::optional<struct stat> stat_of_out() const {
        struct stat info {};
        if (::stat(out_.c_str(), &info) != 0) return std::nullopt;
        return info;
    }

    /// Removes the stages of `out_` whose export died.
    void sweep() const {
        remove_dead_leftovers(parent_, prefix_, [&](const fs::path& stage) {
            if (const auto info = lstat_of(stage); info && S_ISDIR(info->st_mode))
                clean(stage, out_, read_manifest(out_));
        });
    }

    /// Removes stage `dir` of `out`: what the format was writing, whole; a ready
    /// or old export file by file (clear_tree). `out_files` lists the files of
    /// the export now in `out`.
    static void clean(const fs::path& dir, const fs::path& out, const PathSet& out_files) {
        std::error_code ec;
        fs::remove_all(dir / "writing", ec);
        const fs::path ready = dir / "ready";
        for (const std::string& name : names_in(ready)) clear_tree(ready / name, out, out_files);
        ::rmdir(ready.c_str());
        ::rmdir(dir.c_str());
    }

    fs::path out_, parent_, dir_;
    std::string prefix_;
    Descriptor lock_;
    PathSet done_files_;  // the manifest of the export now in out_, once committed
};

/// `out` as the folder entry to replace: absolute, without a trailing '/', a
/// symbolic link replaced by what it points to.
fs::path export_target(const fs::path& out) {
    fs::path target = fs::absolute(out).lexically_normal();
    if (!target.has_filename()) target = target.parent_path();
    std::error_code ec;
    if (fs::is_symlink(target, ec)) {
        const fs::path resolved = fs::weakly_canonical(target, ec);
        if (!ec) target = resolved;
    }
    if (!target.has_filename() || target == target.root_path())
        fail(out, "cannot export to the root folder");
    return target;
}

}  // namespace

void export_project(const store::Project& project, const Format& format, const fs::path& out,
                    const WriteOptions& options) {
    // The schema, the item count and every item from one state of the project.
    const store::ReadSnapshot snapshot(project);
    const ProjectSource source(project);
    // Writers create their own output folders; a file's parent is made here so
    // that `--out new/dir/instances.json` works for every format alike.
    std::error_code ec;
    if (out.has_parent_path()) fs::create_directories(out.parent_path(), ec);
    if (ec) fail(out.parent_path(), fmt::format("cannot create folder: {}", ec.message()));
    if (format.writes_one_file) {
        format.write(source, out, options);
        return;
    }
    const fs::path target = export_target(out);
    {
        // An export into the project's own folder (or one holding it) would move the project.
        const fs::path project_dir = fs::weakly_canonical(fs::absolute(project.dir()), ec);
        const fs::path relative = project_dir.lexically_relative(fs::weakly_canonical(target, ec));
        if (!relative.empty() && *relative.begin() != "..")
            fail(out,
                 "holds the project being exported; an export replaces its folder whole: "
                 "export to a folder outside the project");
    }
    Stage stage(target);
    try {
        format.write(source, stage.target(), options);
    } catch (const Error& e) {
        // Name the output the user gave, not the stage.
        fs::path shown = out.lexically_normal();
        if (!shown.has_filename()) shown = shown.parent_path();
        throw Error(replaced(e.what(), stage.target().string(), shown.string()));
    }
    stage.commit();
}

}  // namespace tessera::formats
