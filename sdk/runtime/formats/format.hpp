#pragma once
// A file format: a reader producing a Dataset and a writer consuming items
// from an ItemSource. Built-in formats live in plugins/formats/<name>/.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/data_api.hpp"
#include "core/progress.hpp"
#include "formats/dataset.hpp"
#include "formats/losses.hpp"

namespace tessera::formats {

/// Read access to what is exported. Buffers handed out are verified and stay
/// valid only during the callback.
class ItemSource {
public:
    virtual ~ItemSource() = default;
    /// The label schema (never null).
    [[nodiscard]] virtual const v1::LabelSchema& schema() const = 0;
    /// Number of items visit() will report.
    [[nodiscard]] virtual std::uint64_t item_count() const = 0;
    /// The media file of `item` on disk: a project's folder joined with the URI
    /// (by default the URI itself); empty when the item has no media URI.
    [[nodiscard]] virtual std::filesystem::path media_file(const v1::Item& item) const {
        if (item.media() == nullptr || item.media()->uri() == nullptr) return {};
        return item.media()->uri()->str();
    }
    /// Calls `visit` for every item in id order with its annotations.
    virtual void for_each_item(
        const std::function<void(const v1::Item&, const v1::AnnotationSet&)>& visit) const = 0;
};

/// Lets a reader hand its items to an importer while it still reads their
/// annotations (see import_file). Called on the reader's thread; readers that
/// do not use it simply return the whole Dataset.
class ItemStream {
public:
    virtual ~ItemStream() = default;
    /// `items` are complete except for their annotations, and the vector keeps
    /// its size and place from now on (until the reader returns it).
    virtual void items_ready(std::vector<ImportedItem>& items) = 0;
    /// items [0, count) have all their annotations (unless reopen() follows).
    /// From then on their annotations are the importer's: it may change and
    /// free them (on the reader's thread, during this or a later call of
    /// closed()). The call closing every item may wait for the importer.
    virtual void closed(std::size_t count) = 0;
    /// An item already reported closed (or the item list) changes after all, or
    /// the reader fails (call it before the items go): returns once the importer
    /// no longer touches the items. No more calls follow.
    virtual void reopen() = 0;
};

/// Format-specific settings given on the command line (`--voc-origin 1`): the
/// option's name without dashes -> its value. Only options the format declares
/// (Format::options) are passed.
using FormatSettings = std::map<std::string, std::string, std::less<>>;

/// The value of setting `name`, else `fallback`.
[[nodiscard]] inline std::string_view setting(const FormatSettings& settings, std::string_view name,
                                              std::string_view fallback) {
    const auto it = settings.find(name);
    return it == settings.end() ? fallback : std::string_view(it->second);
}

struct ReadOptions {
    ProgressFn progress;
    /// When set, the reader may report items through it as it reads.
    ItemStream* stream = nullptr;
    FormatSettings settings{};
    /// What the reader could not carry into the data API; may be null.
    Losses* losses = nullptr;
    /// Notes a loss when `losses` is set (see Losses::note).
    void lost(std::string_view what, std::string_view label, std::string_view where) const {
        if (losses != nullptr) losses->note(what, label, where);
    }
};

struct WriteOptions {
    ProgressFn progress;
    FormatSettings settings{};
    /// What the format could not write; may be null.
    Losses* losses = nullptr;
    /// Also write each item's media file into the output, where the format's
    /// readers look for it (a self-contained dataset).
    bool copy_media = false;
    /// Notes a loss when `losses` is set (see Losses::note).
    void lost(std::string_view what, std::string_view label, std::string_view where) const {
        if (losses != nullptr) losses->note(what, label, where);
    }
};

/// A setting a format accepts on the command line, as `--NAME VALUE`.
struct FormatOption {
    std::string_view name;                 ///< "voc-origin"
    std::vector<std::string_view> values;  ///< the values allowed; the first is the default
    std::string_view help;                 ///< one line for `tessera formats`
};

/// Reads `input` (a file or folder) into a Dataset.
using ReadFn =
    std::function<Dataset(const std::filesystem::path& input, const ReadOptions& options)>;
/// Writes every item of `source` under `out`.
using WriteFn = std::function<void(const ItemSource& source, const std::filesystem::path& out,
                                   const WriteOptions& options)>;

/// One format. `read` throws Error ("file:line:col: what was expected") on bad
/// input; `write` throws Error when the output cannot be written. Built-in
/// formats use plain functions; a plugin's format (loader/native_format.cpp)
/// keeps its plugin alive through what `read` and `write` capture, and `name`
/// and `description` point into that state.
struct Format {
    std::string_view name;         ///< command-line name, e.g. "coco"
    std::string_view description;  ///< one line for `tessera --help`
    ReadFn read;
    WriteFn write;
    /// `write` puts one file at `out` through an AtomicFile, replacing it whole
    /// and leaving nothing behind if killed (COCO): export_project lets it write
    /// `out` directly instead of staging the output beside it.
    bool writes_one_file = false;
    /// The settings `read` and `write` understand.
    std::vector<FormatOption> options{};
};

}  // namespace tessera::formats
