#include "formats/files.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/file_io.hpp"

namespace tessera::formats {

namespace fs = std::filesystem;

std::vector<fs::path> files_under(const fs::path& root, std::string_view extension) {
    std::vector<fs::path> files;
    std::error_code ec;
    fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (!extension.empty()) {
            std::string ext = it->path().extension().string();
            std::transform(ext.begin(), ext.end(), ext.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            if (ext != extension) continue;
        }
        std::error_code type_ec;
        if (it->is_regular_file(type_ec)) files.push_back(it->path());
    }
    if (ec) fail(root, fmt::format("cannot list the folder: {}", ec.message()));
    std::sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) {
        return a.generic_string() < b.generic_string();
    });
    return files;
}

std::vector<fs::path> annotation_files(const fs::path& input, std::string_view extension,
                                       std::string_view format) {
    std::error_code ec;
    if (fs::is_directory(input, ec)) {
        std::vector<fs::path> files = files_under(input, extension);
        if (files.empty())
            fail(input,
                 fmt::format("expected {} {} files in this folder, found none", format, extension));
        return files;
    }
    if (!fs::is_regular_file(input, ec))
        fail(input, fmt::format("expected a {} {} file or a folder of them", format, extension));
    return {input};
}

fs::path output_path(std::uint64_t item, std::string_view uri) {
    fs::path out;
    for (const fs::path& part : fs::path(uri).lexically_normal().relative_path())
        if (!(out.empty() && (part == ".." || part == "."))) out /= part;
    if (out.empty() || !out.has_filename())
        throw Error(
            fmt::format("item {}: expected a media file name in its URI \"{}\"", item, uri));
    return out;
}

void OutputFiles::claim(const fs::path& relative, const std::string& uri) {
    if (const auto [it, inserted] = uri_of_.emplace(relative, uri); !inserted)
        fail(uri,
             fmt::format("has the same {} {} as {}", kind_, relative.generic_string(), it->second));
}

std::string media_uri(const v1::Item& item) {
    return item.media() != nullptr && item.media()->uri() != nullptr ? item.media()->uri()->str()
                                                                     : std::string();
}

std::string dataset_name(const v1::Item& item) {
    if (item.name() != nullptr && item.name()->size() > 0) return item.name()->str();
    const std::string uri = media_uri(item);
    std::string_view name = uri;
    while (true) {
        if (name.starts_with("/"))
            name.remove_prefix(1);
        else if (name.starts_with("./"))
            name.remove_prefix(2);
        else if (name.starts_with("../"))
            name.remove_prefix(3);
        else
            break;
    }
    return std::string(name);
}

void copy_media(const ItemSource& source, const v1::Item& item, const fs::path& to,
                const WriteOptions& options) {
    if (!options.copy_media) return;
    const fs::path from = source.media_file(item);
    std::error_code ec;
    if (from.empty() || !fs::is_regular_file(from, ec)) {
        options.lost("media files not found (not copied)", {},
                     fmt::format("item {} ({})", item.id(), from.generic_string()));
        return;
    }
    fs::create_directories(to.parent_path(), ec);
    if (ec) fail(to.parent_path(), fmt::format("cannot create the folder: {}", ec.message()));
    if (!fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec) || ec)
        fail(to,
             fmt::format("cannot copy the media file {}: {}", from.generic_string(), ec.message()));
}

void write_output_file(const fs::path& path, std::string_view contents) {
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    if (ec) fail(path.parent_path(), fmt::format("cannot create the folder: {}", ec.message()));
    write_file(path, contents);
}

void write_per_item(const ItemSource& source, const fs::path& out, std::string_view extension,
                    std::string_view kind, const WriteOptions& options,
                    const ItemDocument& document) {
    OutputFiles files(kind);
    std::uint64_t done = 0;
    const std::uint64_t total = source.item_count();
    source.for_each_item([&](const v1::Item& item, const v1::AnnotationSet& set) {
        const std::string name = dataset_name(item);
        const fs::path media = output_path(item.id(), name);
        fs::path relative = media;
        relative.replace_extension(extension);
        files.claim(relative, name);
        write_output_file(out / relative, document(item, set, name, relative));
        copy_media(source, item, out / media, options);
        if (options.progress) options.progress(++done, total);
    });
}

}  // namespace tessera::formats
