#include "formats/import.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include <fmt/format.h>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/verify.hpp"
#include "formats/project_source.hpp"
#include "formats/schema_conform.hpp"
#include "media/image_header.hpp"

namespace tessera::formats {
namespace {

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

/// Adds the project item that file item `source` creates, at `uri`: kind from the
/// extension and image size from the header when the file states neither. The
/// file item keeps its metadata (lent to the new item), so that an import can
/// start over from it.
// Ends an import: one journal entry saying what it did, then the commit.
void commit_import(store::Transaction& tx, const std::string& author, std::int64_t now, std::string_view source,
                   std::size_t items, const ImportSummary& summary) {
    v1::EditBatchT note;
    note.author = author;
    note.time = now;
    note.comment = fmt::format("import {}: {} items ({} new), {} annotations, {} classes added", source, items,
                               summary.items_created, summary.annotations, summary.classes_added);
    flatbuffers::FlatBufferBuilder fbb;
    fbb.Finish(v1::EditBatch::Pack(fbb, &note), v1::EditBatchIdentifier());
    tx.append_journal({fbb.GetBufferPointer(), fbb.GetSize()});
    tx.commit();
}

store::ItemId add_item(store::Transaction& tx, const std::string& uri, ImportedItem& source) {
    v1::ItemT item;
    item.media = std::make_unique<v1::MediaT>(source.media);
    item.media->uri = uri;
    if (item.media->kind == v1::MediaKind::Unknown) item.media->kind = media::media_kind_from_extension(uri);
    if (!source.media_path.empty() && item.media->kind == v1::MediaKind::Image && item.media->width == 0)
        if (const auto header = media::read_image_header(source.media_path)) {
            item.media->width = header->width;
            item.media->height = header->height;
        }
    item.metadata = std::move(source.metadata);
    struct GiveBack {
        v1::ItemT& item;
        ImportedItem& source;
        ~GiveBack() { source.metadata = std::move(item.metadata); }
    } give_back{item, source};
    return tx.add_item(item);
}

/// Gives annotation `a` its project ids (through `ids`) and marks it imported
/// by `author` at `now` unless the file said otherwise.
void adopt(v1::AnnotationT& a, const IdMap& ids, const std::string& author, std::int64_t now) {
    a.id = ids.project_id(a.id);
    if (a.parent) a.parent = ids.project_id(a.parent);
    for (auto& r : a.relations) r->target = ids.project_id(r->target);
    if (!a.provenance) a.provenance = std::make_unique<v1::ProvenanceT>();
    a.provenance->source = v1::Source::Import;
    if (a.provenance->author.empty()) a.provenance->author = author;
    if (a.provenance->created == 0) a.provenance->created = now;
    if (a.provenance->modified == 0) a.provenance->modified = now;
}

/// Packs annotation sets on a second thread: pack(0), pack(1), ... in order, each
/// once ready() allows it, at most kWindow sets ahead of the one taken last.
/// `on_failed` is called (on the packing thread) when packing threw.
class SetPacker {
public:
    using Pack = std::function<store::PackedAnnotations(std::size_t)>;

    SetPacker(std::size_t count, Pack pack, std::function<void()> on_failed = {})
        : count_(count), pack_(std::move(pack)), on_failed_(std::move(on_failed)),
          slots_(std::min(count, kWindow)) {
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
            if (count <= ready_) return;
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
            {
                const std::lock_guard lock(mutex_);
                error_ = std::current_exception();
            }
            changed_.notify_all();
            if (on_failed_) on_failed_();
            return;
        }
        changed_.notify_all();
    }

    const std::size_t count_;
    Pack pack_;
    std::function<void()> on_failed_;  // when packing threw
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

/// What the reader's thread and the importer share while a file is read and
/// stored at once (import_file).
class Pipe final : public ItemStream {
public:
    void items_ready(std::vector<ImportedItem>& list) override {
        {
            const std::lock_guard lock(mutex);
            items = list.data();
            item_count = list.size();
            ready = true;
        }
        changed.notify_all();
    }
    void closed(std::size_t count) override {
        free_packed();
        bool wake = false;
        {
            const std::lock_guard lock(mutex);
            closed_count = count;
            wake = wake_at != 0 && count >= wake_at;
        }
        // Waking the importer for every item would cost two context switches an
        // item; it asks to be woken once a batch is complete (see stream_import).
        if (wake) changed.notify_all();
    }
    void reopen() override {
        std::unique_lock lock(mutex);
        dead = true;
        changed.notify_all();
        changed.wait(lock, [&] { return stopped; });
    }

    std::mutex mutex;
    std::condition_variable changed;
    ImportedItem* items = nullptr;  // the reader's items, once ready
    std::size_t item_count = 0;
    bool ready = false;             // items_ready() was called
    std::size_t closed_count = 0;   // items [0, closed_count) are complete
    std::size_t wake_at = 0;        // the importer waits for closed_count >= wake_at (0: not waiting)
    bool dead = false;              // reopen() was called: the items are the reader's again
    bool stopped = false;           // the importer no longer touches the items
    bool finished = false;          // the reader returned or threw
    std::atomic<std::size_t> packed{0};  // items [0, packed) had their sets packed
    std::size_t freed = 0;          // items [0, freed) had their annotations freed (reader)
    std::exception_ptr error;       // what the reader threw
    Dataset dataset;                // what the reader returned
    bool packer_failed = false;     // the importer's packer threw

private:
    /// Frees the annotations of the items packed so far, on the reader's thread:
    /// its malloc reuses that memory for what it reads next. Holding every
    /// annotation until the end doubled the import's memory, and on a virtual
    /// machine each page touched for the first time costs microseconds.
    void free_packed() {
        const std::size_t end = packed.load(std::memory_order_acquire);
        for (; freed < end; ++freed)
            std::vector<std::unique_ptr<v1::AnnotationT>>().swap(items[freed].annotations);
    }
};

/// import_dataset while the reader still reads annotations: each item is stored
/// once the reader has moved past it. Returns nothing (having changed nothing)
/// when the reader went back to an item handed out, failed, or the file's items
/// do not suit (several naming one project item): then the caller imports the
/// whole Dataset the usual way. Commits only after the reader succeeded.
/// Once a set is packed, the reader's annotations are spoiled (given project
/// ids, freed): falling back then means reading the file again.
std::optional<ImportSummary> stream_import(store::Project& project, Pipe& pipe,
                                           std::string_view source, const ImportOptions& options) {
    ImportedItem* items = nullptr;
    std::size_t item_count = 0;
    {
        const std::lock_guard lock(pipe.mutex);
        items = pipe.items;
        item_count = pipe.item_count;
    }
    ImportSummary summary;
    ItemMatcher matcher(project);
    struct Target {
        store::ItemId id = 0;           // 0 = to be created
        std::string uri;
        ImportedItem* first = nullptr;  // the only file item naming it
        std::uint64_t revision = 0;     // of the item's stored set
        store::Bytes existing;          // the stored set, when merging
    };
    std::vector<Target> targets;
    targets.reserve(item_count);
    std::unordered_map<std::string, std::size_t> target_of_uri;
    for (std::size_t i = 0; i < item_count; ++i) {
        ImportedItem& item = items[i];
        std::string uri = item.media_path.empty() ? std::filesystem::path(item.name).generic_string()
                                                  : project_uri(project, item.media_path);
        std::optional<store::ItemId> id;
        try {
            id = item.media_path.empty() ? matcher.by_suffix(uri) : matcher.exact(uri);
        } catch (const Error& e) {
            throw Error(fmt::format("{}: {}", source, e.what()));
        }
        const std::string key = id ? fmt::format("#{}", *id) : uri;
        if (!target_of_uri.emplace(key, targets.size()).second) return std::nullopt;
        targets.push_back(Target{id.value_or(0), uri, &item, 0, {}});
    }

    v1::LabelSchemaT schema = unpack_schema(project);
    const AttributeConformer conformer(schema);
    std::size_t attributes_converted = 0;  // these three on the packer's thread
    std::set<std::string> unknown_labels;
    std::unordered_set<std::string> labels_checked;  // against the schema, for unknown_labels

    store::Transaction tx = project.begin_bulk();
    const std::int64_t now = now_ms();
    // The ids are allocated at the end, when their number is known; nothing else
    // allocates in this transaction, so they start here.
    store::AnnotationId first_id = 0;
    try {
        first_id = tx.allocate_annotation_ids(0);
    } catch (const Error&) {
        return std::nullopt;
    }

    store::AnnotationId next_id = first_id;
    IdMap ids;
    std::size_t annotation_count = 0;  // in the sets packed
    SetPacker packer(
        targets.size(),
        [&](std::size_t index) {
            Target& target = targets[index];
            v1::AnnotationSetT set;
            if (options.merge && !target.existing.empty()) {  // new items have none
                flatbuffers::GetRoot<v1::AnnotationSet>(target.existing.data())->UnPackTo(&set);
                store::Bytes().swap(target.existing);
            }
            auto& list = target.first->annotations;
            annotation_count += list.size();
            attributes_converted += conformer.apply(list);
            if (!options.extend_schema)
                for (const auto& a : list)
                    if (labels_checked.find(a->label) == labels_checked.end()) {
                        labels_checked.insert(a->label);
                        if (!conformer.declares(a->label)) unknown_labels.insert(a->label);
                    }
            const std::size_t base = set.annotations.size();
            set.annotations.reserve(base + list.size());
            ids.assign(list, next_id);
            next_id += list.size();
            for (auto& a : list) {
                adopt(*a, ids, options.author, now);
                set.annotations.push_back(std::move(a));
            }
            // The annotations go back to the item, for the reader's thread to free
            // (Pipe::free_packed), also when packing throws.
            const auto give_back = [&] {
                for (std::size_t n = 0; n < list.size(); ++n)
                    list[n] = std::move(set.annotations[base + n]);
                pipe.packed.store(index + 1, std::memory_order_release);
            };
            try {
                store::PackedAnnotations packed =
                    store::pack_annotations(target.id, target.revision + 1, set);
                give_back();
                return packed;
            } catch (...) {
                give_back();
                throw;
            }
        },
        [&] {
            {
                const std::lock_guard lock(pipe.mutex);
                pipe.packer_failed = true;
            }
            pipe.changed.notify_all();
        });

    std::size_t stored = 0;
    const auto store_set = [&](const store::PackedAnnotations& set) {
        tx.set_annotations(set);
        if (options.progress) options.progress(++stored, targets.size());
    };
    // Threads are woken per batch of items, not per item: the reader wakes this
    // one once kBatch more items are complete, and this one lets the packer go
    // on after kBatch more items are added (or before it waits).
    constexpr std::size_t kBatch = 64;
    // The number of items the reader is done with, once it is done with item
    // `index` (waiting for a batch more when it is not); 0 when the stream broke off.
    const auto wait_closed = [&](std::size_t index) -> std::size_t {
        for (;;) {
            bool packer_failed = false;
            {
                std::unique_lock lock(pipe.mutex);
                if (index >= pipe.closed_count && !pipe.dead && !pipe.finished &&
                    !pipe.packer_failed) {
                    pipe.wake_at = std::min(index + kBatch, targets.size());
                    pipe.changed.wait(lock, [&] {
                        return pipe.dead || pipe.finished || pipe.packer_failed ||
                               pipe.closed_count >= pipe.wake_at;
                    });
                    pipe.wake_at = 0;
                }
                if (pipe.dead) return 0;
                if (index < pipe.closed_count) return pipe.closed_count;
                if (pipe.finished) return 0;
                packer_failed = pipe.packer_failed;
            }
            // The packer failed: store what it packed before, then its error is thrown.
            if (packer_failed)
                while (auto set = packer.next(false)) store_set(*set);
        }
    };
    std::size_t closed = 0;  // items known complete
    for (std::size_t index = 0; index < targets.size(); ++index) {
        if (index >= closed) {
            // Before waiting: the packer may go on with every item added, and
            // the sets packed so far are stored.
            packer.ready(index);
            while (auto set = packer.next(false)) store_set(*set);
            closed = wait_closed(index);
            if (closed == 0) return std::nullopt;
        }
        Target& target = targets[index];
        if (target.id == 0) {
            target.id = add_item(tx, target.uri, *target.first);
            matcher.add(target.uri, target.id);
            ++summary.items_created;
        } else {
            ++summary.items_matched;
            target.revision = tx.annotations_revision(target.id);
            if (options.merge) target.existing = project.annotations(target.id);
        }
        if ((index + 1) % kBatch == 0) {
            packer.ready(index + 1);
            while (auto set = packer.next(false)) store_set(*set);
        }
    }
    packer.ready(targets.size());
    while (!packer.done()) {
        {
            const std::lock_guard lock(pipe.mutex);
            if (pipe.dead) return std::nullopt;
        }
        store_set(*packer.next(true));
    }
    {
        std::unique_lock lock(pipe.mutex);
        pipe.changed.wait(lock, [&] { return pipe.dead || pipe.finished; });
        if (pipe.dead || pipe.error) return std::nullopt;
    }

    // The file's items are freed meanwhile (all sets are packed; only the schema
    // is used from here on), joined before returning.
    std::thread freeing([doomed = std::move(pipe.dataset.items)]() mutable {
        std::vector<ImportedItem>().swap(doomed);
    });
    struct Join {
        std::thread& thread;
        ~Join() { thread.join(); }
    } join{freeing};
    if (annotation_count && tx.allocate_annotation_ids(annotation_count) != first_id)
        throw Error("annotation ids were allocated meanwhile");
    summary.annotations = annotation_count;
    summary.attributes_converted = attributes_converted;
    if (options.extend_schema) {
        summary.classes_added = merge_schema(schema, pipe.dataset.schema);
        tx.set_label_schema(schema);
    } else {
        summary.unknown_labels = std::move(unknown_labels);
    }

    commit_import(tx, options.author, now, source, targets.size(), summary);
    return summary;
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

    store::Transaction tx = project.begin_bulk();
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
        if (options.merge && !target.existing.empty()) {  // new items have none
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
                adopt(*a, ids, options.author, now);
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
            target.id = add_item(tx, target.uri, *target.first);
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

    commit_import(tx, options.author, now, source, targets.size(), summary);
    return summary;
}

ImportSummary import_file(store::Project& project, const Format& format,
                          const std::filesystem::path& input, std::string_view source,
                          const ImportOptions& options, ProgressFn read_progress) {
    // The reader runs on a second thread and hands out items as it completes
    // them; this thread stores them meanwhile, in one transaction committed only
    // once the whole file was read without error.
    Pipe pipe;
    const ReadOptions read_options{std::move(read_progress), &pipe};
    std::thread reader([&] {
        Dataset dataset;
        std::exception_ptr error;
        try {
            dataset = format.read(input, read_options);
        } catch (...) {
            error = std::current_exception();
        }
        {
            const std::lock_guard lock(pipe.mutex);
            pipe.dataset = std::move(dataset);
            pipe.error = error;
            pipe.finished = true;
        }
        pipe.changed.notify_all();
    });
    std::optional<ImportSummary> summary;
    std::exception_ptr failure;
    bool streaming = false;
    {
        std::unique_lock lock(pipe.mutex);
        pipe.changed.wait(lock, [&] { return pipe.ready || pipe.finished; });
        streaming = pipe.ready;
    }
    if (streaming) {
        try {
            summary = stream_import(project, pipe, source, options);
        } catch (...) {
            failure = std::current_exception();
        }
    }
    {
        const std::lock_guard lock(pipe.mutex);
        pipe.stopped = true;
    }
    pipe.changed.notify_all();
    reader.join();
    // As when reading first and storing then: the reader's error comes first.
    if (pipe.error) std::rethrow_exception(pipe.error);
    if (summary) return *summary;
    if (failure && !pipe.dead) std::rethrow_exception(failure);
    // Sets packed gave their annotations project ids and freed them: read again.
    if (pipe.packed.load() > 0) pipe.dataset = format.read(input, {read_options.progress, nullptr});
    return import_dataset(project, pipe.dataset, source, options);
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
