#include "formats/import.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/verify.hpp"
#include "formats/project_source.hpp"
#include "formats/schema_conform.hpp"
#include "media/image_header.hpp"

namespace tessera::formats {
namespace {

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

/// Finds project items by exact URI or by path suffix, loading the item list once.
class ItemMatcher {
public:
    explicit ItemMatcher(const store::Project& project) {
        for (store::ItemSummary& item : project.items()) {
            const std::size_t slash = item.uri.rfind('/');
            const std::string base = slash == std::string::npos ? item.uri : item.uri.substr(slash + 1);
            by_uri_.emplace(item.uri, item.id);
            by_base_.emplace(base, std::move(item.uri));
        }
    }

    [[nodiscard]] std::optional<store::ItemId> exact(const std::string& uri) const {
        const auto it = by_uri_.find(uri);
        return it == by_uri_.end() ? std::nullopt : std::optional(it->second);
    }

    /// The item whose URI ends with "/" + name (or equals it); throws when several do.
    [[nodiscard]] std::optional<store::ItemId> by_suffix(const std::string& name) const {
        if (auto found = exact(name)) return found;
        const std::size_t slash = name.rfind('/');
        const std::string base = slash == std::string::npos ? name : name.substr(slash + 1);
        std::vector<const std::string*> hits;
        const auto [first, last] = by_base_.equal_range(base);
        for (auto it = first; it != last; ++it)
            if (it->second.ends_with("/" + name)) hits.push_back(&it->second);
        if (hits.size() > 1)
            throw Error(fmt::format("'{}' matches {} project items ({}, {}, ...); name the media "
                                    "file by a longer path",
                                    name, hits.size(), *hits[0], *hits[1]));
        if (hits.empty()) return std::nullopt;
        return exact(*hits[0]);
    }

    void add(const std::string& uri, store::ItemId id) { by_uri_.emplace(uri, id); }

private:
    std::unordered_map<std::string, store::ItemId> by_uri_;
    std::unordered_multimap<std::string, std::string> by_base_;
};

std::size_t merge_schema(v1::LabelSchemaT& into, v1::LabelSchemaT& from) {
    std::map<std::string, v1::LabelClassT*> classes;
    for (auto& c : into.classes) classes[c->key] = c.get();
    std::size_t added = 0;
    for (auto& c : from.classes) {
        const auto it = classes.find(c->key);
        if (it == classes.end()) {
            classes[c->key] = c.get();
            into.classes.push_back(std::move(c));
            ++added;
            continue;
        }
        // Keep the project's definition; only learn metadata it lacks
        // (e.g. the COCO category id, so that exports keep ids stable).
        for (auto& kv : c->metadata) {
            auto& existing = it->second->metadata;
            const bool known = std::any_of(existing.begin(), existing.end(),
                                           [&](const auto& e) { return e->key == kv->key; });
            if (!known) existing.push_back(std::move(kv));
        }
        if (it->second->skeleton.empty()) it->second->skeleton = c->skeleton;
    }
    for (auto& s : from.skeletons) {
        const bool known = std::any_of(into.skeletons.begin(), into.skeletons.end(),
                                       [&](const auto& e) { return e->key == s->key; });
        if (!known) into.skeletons.push_back(std::move(s));
    }
    return added;
}

/// Maps the local ids of one file item's annotations to the project ids handed
/// out for them: the n-th annotation gets first + n. A local id given twice maps
/// to the last annotation that has it.
class IdMap {
public:
    void assign(const std::vector<std::unique_ptr<v1::AnnotationT>>& annotations,
                std::uint64_t first) {
        pairs_.clear();
        pairs_.reserve(annotations.size());
        for (std::size_t n = 0; n < annotations.size(); ++n)
            pairs_.emplace_back(annotations[n]->id, first + n);
        // By local id, then project id; readers mostly hand out increasing ids.
        if (!std::is_sorted(pairs_.begin(), pairs_.end())) std::sort(pairs_.begin(), pairs_.end());
    }

    /// The project id for `local`; 0 when no annotation has that id.
    [[nodiscard]] std::uint64_t project_id(std::uint64_t local) const {
        const auto after = std::upper_bound(
            pairs_.begin(), pairs_.end(), local,
            [](std::uint64_t id, const std::pair<std::uint64_t, std::uint64_t>& p) {
                return id < p.first;
            });
        if (after == pairs_.begin() || std::prev(after)->first != local) return 0;
        return std::prev(after)->second;
    }

private:
    std::vector<std::pair<std::uint64_t, std::uint64_t>> pairs_;  // (local, project)
};

/// Packs annotation sets on a second thread: pack(0), pack(1), ... in order, each
/// once ready() allows it, at most kWindow sets ahead of the one taken last.
class SetPacker {
public:
    using Pack = std::function<store::PackedAnnotations(std::size_t)>;

    SetPacker(std::size_t count, Pack pack)
        : count_(count), pack_(std::move(pack)), slots_(std::min(count, kWindow)) {
        if (count_ > 0) thread_ = std::thread([this] { run(); });
    }
    SetPacker(const SetPacker&) = delete;
    SetPacker& operator=(const SetPacker&) = delete;
    /// Stops packing (after the set being packed) and waits for the thread.
    ~SetPacker() {
        {
            const std::lock_guard lock(mutex_);
            stop_ = true;
        }
        changed_.notify_all();
        if (thread_.joinable()) thread_.join();
    }

    /// Sets [0, count) may be packed from now on.
    void ready(std::size_t count) {
        {
            const std::lock_guard lock(mutex_);
            ready_ = count;
        }
        changed_.notify_all();
    }

    /// Whether every set was taken.
    [[nodiscard]] bool done() const { return taken_ == count_; }

    /// The next set in order: waits for it when `wait`, else empty when it is not
    /// packed yet. Rethrows what packing threw.
    std::optional<store::PackedAnnotations> next(bool wait) {
        std::unique_lock lock(mutex_);
        if (wait) changed_.wait(lock, [&] { return packed_ > taken_ || error_; });
        if (packed_ <= taken_) {
            if (error_) std::rethrow_exception(error_);
            return std::nullopt;
        }
        std::optional<store::PackedAnnotations> set = std::move(slots_[taken_ % slots_.size()]);
        ++taken_;
        lock.unlock();
        changed_.notify_all();
        return set;
    }

private:
    static constexpr std::size_t kWindow = 256;

    void run() {
        try {
            for (std::size_t index = 0; index < count_; ++index) {
                {
                    std::unique_lock lock(mutex_);
                    changed_.wait(lock, [&] {
                        return stop_ || (index < ready_ && index < taken_ + slots_.size());
                    });
                    if (stop_) return;
                }
                store::PackedAnnotations set = pack_(index);
                {
                    const std::lock_guard lock(mutex_);
                    slots_[index % slots_.size()] = std::move(set);
                    packed_ = index + 1;
                }
                changed_.notify_all();
            }
        } catch (...) {
            const std::lock_guard lock(mutex_);
            error_ = std::current_exception();
        }
        changed_.notify_all();
    }

    const std::size_t count_;
    Pack pack_;
    std::vector<store::PackedAnnotations> slots_;  // set i in slot i % size
    std::mutex mutex_;
    std::condition_variable changed_;
    std::size_t ready_ = 0;   // sets that may be packed
    std::size_t packed_ = 0;  // sets packed
    std::size_t taken_ = 0;   // sets taken (only the taking thread writes it)
    bool stop_ = false;
    std::exception_ptr error_;
    std::thread thread_;
};

v1::LabelSchemaT unpack_schema(const store::Project& project) {
    const store::Bytes bytes = project.label_schema();
    v1::LabelSchemaT schema;
    flatbuffers::GetRoot<v1::LabelSchema>(bytes.data())->UnPackTo(&schema);
    return schema;
}

}  // namespace

std::string project_uri(const store::Project& project, const std::filesystem::path& media_path) {
    std::error_code ec;
    const auto media = std::filesystem::weakly_canonical(std::filesystem::absolute(media_path), ec);
    const auto root = std::filesystem::weakly_canonical(std::filesystem::absolute(project.dir()), ec);
    return media.lexically_relative(root).generic_string();
}

ImportSummary import_dataset(store::Project& project, Dataset& dataset, std::string_view source,
                             const ImportOptions& options) {
    ImportSummary summary;
    v1::LabelSchemaT schema = unpack_schema(project);
    if (options.extend_schema)
        summary.classes_added = merge_schema(schema, dataset.schema);
    else
        summary.unknown_labels = labels_missing_from(dataset, schema);
    summary.attributes_converted = conform_attributes(dataset, schema);

    // Resolve every file item to a project item (existing or new) before writing.
    ItemMatcher matcher(project);
    struct Target {
        store::ItemId id = 0;                // 0 = to be created
        std::string uri;
        ImportedItem* first = nullptr;       // the file item that creates it
        std::vector<ImportedItem*> sources;  // all file items naming it
        std::uint64_t revision = 0;          // of the item's stored set
        store::Bytes existing;               // the stored set, when merging
    };
    std::vector<Target> targets;
    std::unordered_map<std::string, std::size_t> target_of_uri;
    std::size_t annotation_count = 0;
    for (ImportedItem& item : dataset.items) {
        annotation_count += item.annotations.size();
        std::string uri = item.media_path.empty() ? std::filesystem::path(item.name).generic_string()
                                                  : project_uri(project, item.media_path);
        // A media file found on disk is that file: matched by its path only, so
        // val/images/x.png never lands on an item train/images/x.png.
        std::optional<store::ItemId> id;
        try {
            id = item.media_path.empty() ? matcher.by_suffix(uri) : matcher.exact(uri);
        } catch (const Error& e) {
            throw Error(fmt::format("{}: {}", source, e.what()));
        }
        const std::string key = id ? fmt::format("#{}", *id) : uri;
        const auto [it, inserted] = target_of_uri.emplace(key, targets.size());
        if (inserted) targets.push_back(Target{id.value_or(0), uri, &item, {}, 0, {}});
        targets[it->second].sources.push_back(&item);
    }

    store::Transaction tx = project.begin();
    if (options.extend_schema) tx.set_label_schema(schema);
    const std::int64_t now = now_ms();
    const store::AnnotationId first_id =
        annotation_count ? tx.allocate_annotation_ids(annotation_count) : 0;

    // Sets are packed on a second thread while this one writes items and stores
    // the sets packed so far; both go through the targets in order, so ids are
    // handed out exactly as one thread would.
    store::AnnotationId next_id = first_id;
    IdMap ids;
    SetPacker packer(targets.size(), [&](std::size_t index) {
        Target& target = targets[index];
        v1::AnnotationSetT set;
        if (options.merge) {
            flatbuffers::GetRoot<v1::AnnotationSet>(target.existing.data())->UnPackTo(&set);
            store::Bytes().swap(target.existing);
        }
        std::size_t count = set.annotations.size();
        for (const ImportedItem* source : target.sources) count += source->annotations.size();
        set.annotations.reserve(count);
        for (ImportedItem* source : target.sources) {
            // Local ids are unique across the dataset; give each a project id.
            ids.assign(source->annotations, next_id);
            next_id += source->annotations.size();
            for (auto& a : source->annotations) {
                a->id = ids.project_id(a->id);
                if (a->parent) a->parent = ids.project_id(a->parent);
                for (auto& r : a->relations) r->target = ids.project_id(r->target);
                if (!a->provenance) a->provenance = std::make_unique<v1::ProvenanceT>();
                a->provenance->source = v1::Source::Import;
                if (a->provenance->author.empty()) a->provenance->author = options.author;
                if (a->provenance->created == 0) a->provenance->created = now;
                if (a->provenance->modified == 0) a->provenance->modified = now;
                set.annotations.push_back(std::move(a));
            }
        }
        return store::pack_annotations(target.id, target.revision + 1, set);
    });

    std::size_t stored = 0;
    const auto store_set = [&](const store::PackedAnnotations& set) {
        tx.set_annotations(set);
        if (options.progress) options.progress(++stored, targets.size());
    };
    for (std::size_t index = 0; index < targets.size(); ++index) {
        Target& target = targets[index];
        if (target.id == 0) {
            v1::ItemT item;
            item.media = std::make_unique<v1::MediaT>(target.first->media);
            item.media->uri = target.uri;
            if (item.media->kind == v1::MediaKind::Unknown)
                item.media->kind = media::media_kind_from_extension(target.uri);
            if (!target.first->media_path.empty() && item.media->kind == v1::MediaKind::Image &&
                item.media->width == 0)
                if (const auto header = media::read_image_header(target.first->media_path)) {
                    item.media->width = header->width;
                    item.media->height = header->height;
                }
            item.metadata = std::move(target.first->metadata);
            target.id = tx.add_item(item);
            matcher.add(target.uri, target.id);
            ++summary.items_created;
        } else {
            ++summary.items_matched;
            target.revision = tx.annotations_revision(target.id);
            if (options.merge) target.existing = project.annotations(target.id);
        }
        packer.ready(index + 1);
        while (auto set = packer.next(false)) store_set(*set);
    }
    while (!packer.done()) store_set(*packer.next(true));
    summary.annotations = annotation_count;

    v1::EditBatchT note;
    note.author = options.author;
    note.time = now;
    note.comment = fmt::format("import {}: {} items ({} new), {} annotations, {} classes added", source,
                               targets.size(), summary.items_created, summary.annotations,
                               summary.classes_added);
    flatbuffers::FlatBufferBuilder fbb;
    fbb.Finish(v1::EditBatch::Pack(fbb, &note), v1::EditBatchIdentifier());
    tx.append_journal({fbb.GetBufferPointer(), fbb.GetSize()});
    tx.commit();
    return summary;
}

void export_project(const store::Project& project, const Format& format,
                    const std::filesystem::path& out, const WriteOptions& options) {
    // Writers create their own output folders; a file's parent is made here so
    // that `--out new/dir/instances.json` works for every format alike.
    std::error_code ec;
    if (out.has_parent_path()) std::filesystem::create_directories(out.parent_path(), ec);
    if (ec) fail(out.parent_path(), fmt::format("cannot create folder: {}", ec.message()));
    const ProjectSource source(project);
    format.write(source, out, options);
}

}  // namespace tessera::formats
