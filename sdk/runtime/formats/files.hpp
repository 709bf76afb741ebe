#pragma once
// Files of the formats that keep one annotation file per image (VOC, labelme)
// or per label set (YOLO): finding them under a folder on read, placing one file
// per item under an output folder on write.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "formats/format.hpp"

namespace tessera::formats {

/// The regular files under folder `root`, recursively, sorted by generic path;
/// only those whose extension is `extension` (".xml", compared ignoring case)
/// unless it is empty. Throws Error naming `root` when it cannot be listed.
[[nodiscard]] std::vector<std::filesystem::path> files_under(const std::filesystem::path& root,
                                                             std::string_view extension = {});

/// What a reader of one-file-per-image annotations reads from `input`: that file,
/// or every `extension` file under that folder (see files_under). `format` names
/// the format in errors ("Pascal VOC"): a folder without such files or an input
/// that is neither file nor folder is an Error.
[[nodiscard]] std::vector<std::filesystem::path> annotation_files(
    const std::filesystem::path& input, std::string_view extension, std::string_view format);

/// The media URI of `item`; empty when the item has none.
[[nodiscard]] std::string media_uri(const v1::Item& item);

/// The name `item` has in its dataset, which exports write: Item.name when set,
/// else its media URI without leading "/", "../" and "./" parts ("street/0001.png"
/// for "../../data/street/0001.png"); empty when it has neither.
[[nodiscard]] std::string dataset_name(const v1::Item& item);

/// When options.copy_media is set, copies `item`'s media file (source.media_file)
/// to `to`, creating its folder; a media file that cannot be read is noted as a
/// loss, one that cannot be written is an Error.
void copy_media(const ItemSource& source, const v1::Item& item, const std::filesystem::path& to,
                const WriteOptions& options);

/// Media `uri` as a path under an output folder: folders kept, never escaping the
/// folder (a leading "/", "../" or "./" is dropped). Throws Error naming item `item`
/// when no file name is left.
[[nodiscard]] std::filesystem::path output_path(std::uint64_t item, std::string_view uri);

/// The files an export has placed so far, so that two items never share one.
class OutputFiles {
public:
    /// `kind` names such a file in errors ("VOC file"); it must outlive this object.
    explicit OutputFiles(std::string_view kind) : kind_(kind) {}
    /// Records `relative` as the file of media `uri`; throws Error naming `uri`
    /// when another URI has it already.
    void claim(const std::filesystem::path& relative, const std::string& uri);

private:
    std::string_view kind_;
    std::map<std::filesystem::path, std::string> uri_of_;
};

/// Writes `contents` to `path`, creating its folder first; throws Error naming
/// what could not be created or written. Not atomic by itself, nor synced: an
/// export (export_project) writes a folder format into a stage that replaces
/// the old output whole once complete.
void write_output_file(const std::filesystem::path& path, std::string_view contents);

/// Renders the file of one item: the item, its annotations, its dataset name
/// (dataset_name) and the file's path relative to the output folder.
using ItemDocument =
    std::function<std::string(const v1::Item&, const v1::AnnotationSet&, const std::string& uri,
                              const std::filesystem::path& relative)>;

/// Writes one file per item of `source` under folder `out`, at the item's dataset
/// name (output_path) with `extension` (".xml"), and the media beside it when
/// options.copy_media; `kind` names such a file in errors.
void write_per_item(const ItemSource& source, const std::filesystem::path& out,
                    std::string_view extension, std::string_view kind, const WriteOptions& options,
                    const ItemDocument& document);

}  // namespace tessera::formats
