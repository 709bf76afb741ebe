// tessera add DIR PATH... — files or folders, recursively.

#include <algorithm>
#include <unordered_set>

#include <fmt/format.h>

#include "cli.hpp"
#include "core/error.hpp"
#include "formats/import.hpp"
#include "media/image_header.hpp"
#include "progress_bar.hpp"
#include "store/project.hpp"

namespace tessera::cli {
namespace {

bool hidden(const std::filesystem::path& path) {
    const std::string name = path.filename().string();
    return name.size() > 1 && name[0] == '.';
}

/// True when text file `file`, found under folder `root`, belongs to a dataset's
/// annotations rather than being a document to annotate: YOLO label files (under
/// a `labels` folder, or beside an image of the same stem as darknet keeps
/// them), class lists (classes.txt), split lists (train.txt, val.txt, ... at a
/// dataset's root) and VOC's ImageSets lists.
bool annotation_text(const std::filesystem::path& file, const std::filesystem::path& root) {
    if (media::media_kind_from_extension(file) != v1::MediaKind::Text || file.extension() != ".txt")
        return false;
    for (const std::filesystem::path& part : file.lexically_relative(root).parent_path())
        if (part == "labels" || part == "ImageSets") return true;
    const std::string name = file.filename().string();
    static const std::unordered_set<std::string> lists = {
        "classes.txt", "train.txt", "val.txt", "valid.txt", "test.txt", "trainval.txt"};
    if (lists.count(name)) return true;
    std::error_code ec;
    for (const char* extension :
         {".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff", ".JPG", ".PNG"}) {
        std::filesystem::path image = file;
        if (std::filesystem::is_regular_file(image.replace_extension(extension), ec)) return true;
    }
    return false;
}

/// A media file to add and its name in its dataset (its path relative to the
/// folder it was found under; its file name when named directly).
struct Found {
    std::filesystem::path path;
    std::string name;
    bool operator<(const Found& other) const { return path < other.path; }
};

/// Media files named by `paths`, folders walked recursively (hidden entries
/// skipped), in a stable order. Files of unknown kind inside folders are
/// skipped and counted, and so are a dataset's annotation text files
/// (annotation_text); named directly, the former are an error, the latter added.
std::vector<Found> collect(const std::vector<std::string>& paths, std::size_t& not_media,
                           std::size_t& annotation_files) {
    std::vector<Found> files;
    for (const std::string& arg : paths) {
        const std::filesystem::path path = arg;
        std::error_code ec;
        if (std::filesystem::is_directory(path, ec)) {
            std::vector<Found> found;
            auto it = std::filesystem::recursive_directory_iterator(
                path, std::filesystem::directory_options::skip_permission_denied, ec);
            if (ec) fail(path, fmt::format("cannot read folder: {}", ec.message()));
            for (; it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
                if (hidden(it->path())) {
                    if (it->is_directory()) it.disable_recursion_pending();
                    continue;
                }
                if (!it->is_regular_file()) continue;
                if (media::media_kind_from_extension(it->path()) == v1::MediaKind::Unknown)
                    ++not_media;
                else if (annotation_text(it->path(), path))
                    ++annotation_files;
                else
                    found.push_back(
                        {it->path(), it->path().lexically_relative(path).generic_string()});
            }
            std::sort(found.begin(), found.end());
            files.insert(files.end(), found.begin(), found.end());
        } else if (std::filesystem::is_regular_file(path, ec)) {
            if (media::media_kind_from_extension(path) == v1::MediaKind::Unknown)
                fail(path, "not a media file Tessera knows (by its extension)");
            files.push_back({path, path.filename().string()});
        } else {
            fail(path, "no such file or folder");
        }
    }
    return files;
}

}  // namespace

int run_add(const Context&, const Args& args) {
    if (args.positional.size() < 2)
        throw UsageError("expected a project folder and at least one path");
    store::Project project = store::Project::open(args.positional[0]);
    std::size_t not_media = 0, annotation_files = 0;
    const std::vector<Found> files =
        collect({args.positional.begin() + 1, args.positional.end()}, not_media, annotation_files);

    std::unordered_set<std::string> known;
    for (const store::ItemSummary& item : project.items()) known.insert(item.uri);

    ProgressBar bar("adding");
    std::size_t added = 0, duplicates = 0, unreadable = 0;
    std::map<v1::MediaKind, std::size_t> by_kind;
    store::Transaction tx = project.begin();
    for (std::size_t i = 0; i < files.size(); ++i) {
        const std::filesystem::path& file = files[i].path;
        bar.update(i + 1, files.size());
        std::string uri = formats::project_uri(project, file);
        if (!known.insert(uri).second) {
            ++duplicates;
            continue;
        }
        v1::ItemT item;
        item.name = files[i].name;
        item.media = std::make_unique<v1::MediaT>();
        item.media->uri = std::move(uri);
        item.media->kind = media::media_kind_from_extension(file);
        std::error_code ec;
        item.media->byte_size = std::filesystem::file_size(file, ec);
        if (item.media->kind == v1::MediaKind::Image) {
            const auto header = media::read_image_header(file);
            if (!header) {
                fmt::print(stderr,
                           "{}: not a readable image header (PNG, JPEG, BMP, GIF, WebP, TIFF "
                           "up to {} pixels a side); skipped\n",
                           file.string(), media::kMaxImageSide);
                ++unreadable;
                continue;
            }
            item.media->width = header->width;
            item.media->height = header->height;
        }
        ++by_kind[item.media->kind];
        (void)tx.add_item(item);
        ++added;
    }
    tx.commit();

    std::string kinds;
    for (const auto& [kind, count] : by_kind)
        kinds +=
            fmt::format("{}{} {}", kinds.empty() ? "" : ", ", count, v1::EnumNameMediaKind(kind));
    fmt::print("added {} items{}; skipped {} duplicates", added,
               kinds.empty() ? "" : " (" + kinds + ")", duplicates);
    if (not_media) fmt::print(", {} files that are not media", not_media);
    if (annotation_files)
        fmt::print(", {} annotation text files (YOLO labels, class and split lists, VOC ImageSets)",
                   annotation_files);
    if (unreadable) fmt::print(", {} unreadable images", unreadable);
    fmt::print("\n");
    return unreadable ? kFindings : kOk;
}

}  // namespace tessera::cli
