#pragma once
// Bringing a Dataset read by a format into a project, and exporting a
// project through a format.

#include <cstddef>
#include <set>
#include <string>
#include <string_view>

#include "core/progress.hpp"
#include "formats/dataset.hpp"
#include "formats/format.hpp"
#include "store/project.hpp"

namespace tessera::formats {

struct ImportOptions {
    /// Recorded as the author of the imported annotations and the journal entry.
    std::string author;
    /// false: the file's annotations replace those of each item it names;
    /// true: they are added to the existing ones.
    bool merge = false;
    /// true: classes the file names that the project's schema lacks are added
    /// to it; false (a project made with `init --schema`): the schema stays as
    /// it is and such labels are listed in ImportSummary::unknown_labels.
    bool extend_schema = true;
    ProgressFn progress;
    /// The format's settings (ReadOptions::settings).
    FormatSettings settings{};
    /// What the reader could not carry; may be null.
    Losses* losses = nullptr;
};

/// What an import did.
struct ImportSummary {
    std::size_t items_matched = 0;  ///< items of the file found in the project
    std::size_t items_created = 0;  ///< items of the file added to the project
    std::size_t annotations = 0;    ///< annotations written
    std::size_t classes_added = 0;  ///< label classes added to the project's schema
    /// Attribute values given the type the schema declares (e.g. a string made an enum).
    std::size_t attributes_converted = 0;
    /// Labels of the file that the schema does not declare (only when it was not extended).
    std::set<std::string> unknown_labels;
};

/// Imports `dataset` (read from `source`, named in the journal) in one
/// transaction: all of it or, on any Error, nothing.
///
/// Each file item is matched to a project item by the URI of its media file
/// (relative to the project folder) when the reader located it on disk, else
/// by its name: an item whose URI equals the name or ends with "/" + name. A
/// name matching several items is an error; an unmatched item is created. Classes
/// and skeletons the project's schema lacks are added to it unless
/// options.extend_schema is false. Attribute values are given the types the
/// schema declares (formats/schema_conform.hpp).
ImportSummary import_dataset(store::Project& project, Dataset& dataset, std::string_view source,
                             const ImportOptions& options);

/// Reads `input` through `format` and imports it as import_dataset does, with
/// the same result and errors (a reader's error first), but stores items while
/// the reader is still reading where the format allows (COCO). `read_progress`
/// is called on another thread.
ImportSummary import_file(store::Project& project, const Format& format,
                          const std::filesystem::path& input, std::string_view source,
                          const ImportOptions& options, ProgressFn read_progress = {});

/// The URI of a media file as the project stores it: relative to the project
/// folder, '/'-separated (may start with "../").
[[nodiscard]] std::string project_uri(const store::Project& project,
                                      const std::filesystem::path& media_path);

/// Writes every item of `project` through `format` to `out`, all read in one
/// snapshot of the project, and replaces what `out` was only once everything is
/// written: an error or a crash leaves the old output as it was.
///
/// A format that writes one file itself through an AtomicFile
/// (Format::writes_one_file) writes `out` directly. Any other is written into a
/// hidden folder beside `out` (".NAME.tessera-export-XXXXXX", which a later
/// export removes if this one is killed), then takes the place of `out` in one
/// rename. A folder export keeps every file of the old folder that no export
/// wrote (the user's images beside the labels): each export lists the files it
/// wrote in the folder's kExportManifest, and the next one replaces those. An
/// export refuses a folder that holds the project or a mount point.
void export_project(const store::Project& project, const Format& format,
                    const std::filesystem::path& out, const WriteOptions& options);

/// The list of the files an export wrote into its folder, in that folder.
inline constexpr std::string_view kExportManifest = ".tessera-export";

}  // namespace tessera::formats
