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
#include <unordered_set>
#include <utility>

#include <fmt/format.h>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/verify.hpp"
#include "formats/project_source.hpp"
#include "formats/schema_conform.hpp"
#include "media/image_header.hpp"
#include "store/database.hpp"

namespace tessera::formats {
namespace {

/// Finds project items by exact URI or by path suffix, loading the item list once.
class ItemMatcher {
public:
    explicit ItemMatcher(const store::Project& project) {
        for (store::ItemSummary& item : project.items()) {
            const std::size_t slash = item.uri.rfind('/');
            const std::string base =
                slash == std::string::npos ? item.uri : item.uri.substr(slash + 1);
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
            throw Error(
                fmt::format("'{}' matches {} project items ({}, {}, ...); name the media "
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
    // The file's own top-level fields (COCO "info", "licenses"), unless the
    // project has its own.
    for (auto& kv : from.metadata) {
        const bool known = std::any_of(into.metadata.begin(), into.metadata.end(),
                                       [&](const auto& e) { return e->key == kv->key; });
        if (!known) into.metadata.push_back(std::move(kv));
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

/// The import's transaction. Everything an import reads (the items it matches,
/// the schema it extends) is read inside it, under the write lock: an import
/// that committed meanwhile is seen, so two imports of the same new items both
/// succeed, the second matching the items the first created. A project another
/// process keeps writing for longer than the store waits is one clear error.
store::Transaction begin_import(store::Project& project) {
    try {
        return project.begin();
    } catch (const store::BusyError&) {
        fail(project.dir(),
             "another process has been writing to the project for over 10 seconds (another "
             "import?); nothing was imported: import again once it is done");
    }
}

/// Adds the project item that file item `source` creates, at `uri`: kind from the
/// extension and image size from the header when the file states neither. The
/// file item keeps its metadata (lent to the new item), so that an import can
/// start over from it.
// Ends an import: one journal entry saying what it did, then the commit.
void commit_import(store::Transaction& tx, const std::string& author, std::int64_t now,
                   std::string_view source, std::size_t items, const ImportSummary& summary) {
    v1::EditBatchT note;
    note.author = author;
    note.time = now;
    note.comment =
        fmt::format("import {}: {} items ({} new), {} annotations, {} classes added", source, items,
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
    if (item.media->kind == v1::MediaKind::Unknown)
        item.media->kind = media::media_kind_from_extension(uri);
    if (!source.media_path.empty() && item.media->kind == v1::MediaKind::Image &&
        item.media->width == 0)
        if (const auto header = media::read_image_header(source.media_path)) {
            item.media->width = header->width;
            item.media->height = header->height;
        }
    item.name = source.name;
    item.subset = source.subset;
    item.metadata = std::move(source.metadata);
    struct GiveBack {
        v1::ItemT& item;
        ImportedItem& source;
        ~GiveBack() { source.metadata = std::move(item.metadata); }
    } give_back{item, source};
    return tx.add_item(item);
}

/// Gives the project item `id`, which file item `source` names, what the file
/// states about it: its metadata (a key the file gives replaces the project's),
/// its subset and its dataset name, and the image size when the project does
/// not know it. Writes the item only when that changes it.
void update_matched_item(const store::Project& project, store::Transaction& tx, store::ItemId id,
                         const ImportedItem& source) {
    const store::Bytes bytes = project.item(id);
    v1::ItemT item;
    flatbuffers::GetRoot<v1::Item>(bytes.data())->UnPackTo(&item);
    bool changed = false;
    for (const auto& kv : source.metadata) {
        if (!kv) continue;
        const auto it =
            std::find_if(item.metadata.begin(), item.metadata.end(),
                         [&](const auto& mine) { return mine && mine->key == kv->key; });
        if (it == item.metadata.end()) {
            item.metadata.push_back(std::make_unique<v1::KeyValueT>(*kv));
            changed = true;
        } else if ((*it)->value != kv->value) {
            (*it)->value = kv->value;
            changed = true;
        }
    }
    const auto take = [&](std::string& mine, const std::string& theirs) {
        if (theirs.empty() || mine == theirs) return;
        mine = theirs;
        changed = true;
    };
    take(item.subset, source.subset);
    take(item.name, source.name);
    if (item.media && item.media->width == 0 && item.media->height == 0 &&
        source.media.width != 0 && source.media.height != 0) {
        item.media->width = source.media.width;
        item.media->height = source.media.height;
        changed = true;
    }
    if (changed) tx.update_item(id, item);
}

/// The provenance of what an import adds: by `author` at `now`.
v1::ProvenanceT imported_by(const std::string& author, std::int64_t now) {
    v1::ProvenanceT provenance;
    provenance.author = author;
    provenance.created = now;
    provenance.modified = now;
    provenance.source = v1::Source::Import;
    return provenance;
}

/// Gives annotation `a` its project ids (through `ids`) and marks it imported,
/// filling what its provenance lacks from `imported`. An annotation without
/// provenance is left so: it gets `imported` when packed (pack_imported), which
/// spares an import a million copies.
void adopt(v1::AnnotationT& a, const IdMap& ids, const v1::ProvenanceT& imported) {
    a.id = ids.project_id(a.id);
    if (a.parent) a.parent = ids.project_id(a.parent);
    for (auto& r : a.relations) r->target = ids.project_id(r->target);
    if (!a.provenance) return;
    a.provenance->source = v1::Source::Import;
    if (a.provenance->author.empty()) a.provenance->author = imported.author;
    if (a.provenance->created == 0) a.provenance->created = imported.created;
    if (a.provenance->modified == 0) a.provenance->modified = imported.modified;
}

/// Packs `set` as revision `revision` of `item`; its annotations from
/// `first_imported` on are the file's (adopted), those before were stored.
/// Imported annotations without provenance get `imported`; a stored annotation
/// without provenance keeps none.
store::PackedAnnotations pack_imported(store::ItemId item, std::uint64_t revision,
                                       v1::AnnotationSetT& set, std::size_t first_imported,
                                       const v1::ProvenanceT& imported) {
    const auto first = set.annotations.begin() + static_cast<std::ptrdiff_t>(first_imported);
    const bool stored_have_provenance = std::all_of(
        set.annotations.begin(), first, [](const auto& a) { return a->provenance != nullptr; });
    if (stored_have_provenance) return store::pack_annotations(item, revision, set, &imported);
    for (auto it = first; it != set.annotations.end(); ++it)
        if (!(*it)->provenance) (*it)->provenance = std::make_unique<v1::ProvenanceT>(imported);
    return store::pack_annotations(item, revision, set);
}

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
            return;
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

/// Where one file item's annotations go: the project item and the revision of
/// its stored set, and that set when the import merges into it.
struct Place {
    store::ItemId id = 0;
    std::uint64_t revision = 0;
    store::Bytes existing;
};

/// Packs file items' annotations into the sets stored for their project items
/// (import_file): project ids and provenance given, attribute values conformed to
/// the schema, labels the schema lacks noted. Used by one thread at a time.
class SetPacking {
public:
    SetPacking(v1::LabelSchemaT schema, const ImportOptions& options, std::int64_t now,
               store::AnnotationId first_id)
        : schema_(std::move(schema)),
          conformer_(schema_),
          options_(options),
          imported_(imported_by(options.author, now)),
          next_id_(first_id) {}
    SetPacking(const SetPacking&) = delete;
    SetPacking& operator=(const SetPacking&) = delete;

    /// The set `item`'s annotations make at `place` (after the existing ones,
    /// which are dropped from `place`). The annotations are freed here, on the
    /// thread that packs.
    store::PackedAnnotations pack(ImportedItem& item, Place& place) {
        v1::AnnotationSetT set;
        if (!place.existing.empty()) {
            flatbuffers::GetRoot<v1::AnnotationSet>(place.existing.data())->UnPackTo(&set);
            store::Bytes().swap(place.existing);
        }
        auto& list = item.annotations;
        annotations_ += list.size();
        attributes_converted_ += conformer_.apply(list);
        if (!options_.extend_schema)
            for (const auto& a : list)
                if (labels_checked_.insert(a->label).second && !conformer_.declares(a->label))
                    unknown_labels_.insert(a->label);
        const std::size_t stored = set.annotations.size();
        set.annotations.reserve(stored + list.size());
        ids_.assign(list, next_id_);
        next_id_ += list.size();
        for (auto& a : list) {
            adopt(*a, ids_, imported_);
            set.annotations.push_back(std::move(a));
        }
        std::vector<std::unique_ptr<v1::AnnotationT>>().swap(list);
        return pack_imported(place.id, place.revision + 1, set, stored, imported_);
    }

    [[nodiscard]] std::size_t annotations() const { return annotations_; }
    [[nodiscard]] std::size_t attributes_converted() const { return attributes_converted_; }
    [[nodiscard]] std::set<std::string>& unknown_labels() { return unknown_labels_; }
    [[nodiscard]] v1::LabelSchemaT& schema() { return schema_; }

private:
    v1::LabelSchemaT schema_;
    const AttributeConformer conformer_;  // of schema_
    const ImportOptions& options_;
    const v1::ProvenanceT imported_;
    store::AnnotationId next_id_;
    IdMap ids_;
    std::size_t annotations_ = 0;
    std::size_t attributes_converted_ = 0;
    std::unordered_set<std::string> labels_checked_;  // against the schema
    std::set<std::string> unknown_labels_;
};

/// What the reader's thread and the importer share while a file is read and
/// stored at once (import_file). The reader packs each item's set itself, in
/// the first call of closed() after it is done with the item and the importer
/// has placed it: the annotations never leave the thread that made them, and only packed bytes
/// (about 100 per annotation) go to the thread writing the database. Handing
/// the annotation objects to a second thread to pack, and back to be freed, cost
/// half a second of CPU per million annotations in malloc and cache misses.
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
    /// Packs the items placed among [0, count); the reader's last call (every
    /// item closed) waits for the places of the rest.
    void closed(std::size_t count) override {
        const bool last = count == item_count;
        std::unique_lock lock(mutex);
        while (packed < count && !stopped && !pack_error) {
            const std::size_t end = std::min(count, placed);
            if (end <= packed) {
                if (!last) return;
                changed.wait(lock, [&] { return placed > packed || stopped; });
                continue;
            }
            lock.unlock();
            std::vector<store::PackedAnnotations> batch;
            batch.reserve(end - packed);
            std::exception_ptr error;
            try {
                for (std::size_t i = packed; i < end; ++i)
                    batch.push_back(packing->pack(items[i], places[i]));
            } catch (...) {
                error = std::current_exception();
            }
            lock.lock();
            // An item whose packing threw is spent too: its annotations are gone.
            packed += batch.size() + (error ? 1 : 0);
            for (auto& set : batch) sets.push_back(std::move(set));
            pack_error = error;
            // Waking the importer for every item would cost two context switches an
            // item; it asks to be woken once it has work for a batch (stream_import).
            if (error || (wake_at != 0 && sets.size() >= wake_at)) changed.notify_all();
        }
    }
    void reopen() override {
        std::unique_lock lock(mutex);
        dead = true;
        changed.notify_all();
        changed.wait(lock, [&] { return stopped; });
    }

    /// The importer has placed items [0, count).
    void place(std::size_t count) {
        {
            const std::lock_guard lock(mutex);
            placed = count;
        }
        changed.notify_all();
    }

    std::mutex mutex;
    std::condition_variable changed;
    ImportedItem* items = nullptr;  // the reader's items, once ready
    std::size_t item_count = 0;
    bool ready = false;                 // items_ready() was called
    std::optional<SetPacking> packing;  // made by the importer before it places an item
    std::vector<Place> places;  // for each item; [0, placed) written, then only the packer's
    std::size_t placed = 0;     // items placed by the importer
    std::size_t packed = 0;     // items packed (by the reader)
    std::vector<store::PackedAnnotations> sets;  // packed, not yet taken by the importer
    std::exception_ptr pack_error;               // what packing threw; nothing is packed after it
    std::size_t wake_at = 0;   // the importer waits for this many sets (0: not waiting)
    bool dead = false;         // reopen() was called: the items are the reader's again
    bool stopped = false;      // the importer no longer touches the items
    bool finished = false;     // the reader returned or threw
    std::exception_ptr error;  // what the reader threw
    Dataset dataset;           // what the reader returned
};

/// import_dataset while the reader still reads annotations: each item is stored
/// once the reader has moved past it. Returns nothing (having changed nothing)
/// when the reader went back to an item handed out, failed, or the file's items
/// do not suit (several naming one project item): then the caller imports the
/// whole Dataset the usual way. Commits only after the reader succeeded.
/// Once a set is packed, the reader's annotations are spent (given project
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
    // Items are matched under the write lock: see begin_import.
    store::Transaction tx = begin_import(project);
    ImportSummary summary;
    ItemMatcher matcher(project);
    struct Target {
        store::ItemId id = 0;  // 0 = to be created
        std::string uri;
        ImportedItem* first = nullptr;  // the only file item naming it
    };
    std::vector<Target> targets;
    targets.reserve(item_count);
    std::unordered_map<std::string, std::size_t> target_of_uri;
    for (std::size_t i = 0; i < item_count; ++i) {
        ImportedItem& item = items[i];
        std::string uri = item.media_path.empty()
                              ? std::filesystem::path(item.name).generic_string()
                              : project_uri(project, item.media_path);
        std::optional<store::ItemId> id;
        try {
            id = item.media_path.empty() ? matcher.by_suffix(uri) : matcher.exact(uri);
        } catch (const Error& e) {
            throw Error(fmt::format("{}: {}", source, e.what()));
        }
        const std::string key = id ? fmt::format("#{}", *id) : uri;
        if (!target_of_uri.emplace(key, targets.size()).second) return std::nullopt;
        targets.push_back(Target{id.value_or(0), uri, &item});
    }

    const std::int64_t now = now_ms();
    // The ids are allocated at the end, when their number is known; nothing else
    // allocates in this transaction, so they start here.
    store::AnnotationId first_id = 0;
    try {
        first_id = tx.allocate_annotation_ids(0);
    } catch (const Error&) {
        return std::nullopt;
    }
    {
        v1::LabelSchemaT schema = unpack_schema(project);
        const std::lock_guard lock(pipe.mutex);
        pipe.packing.emplace(std::move(schema), options, now, first_id);
        pipe.places.resize(targets.size());
    }

    std::size_t stored = 0;
    std::vector<store::PackedAnnotations> taken;
    // Stores the sets packed so far, first waiting until there are `want` of them
    // (0: not waiting). False when the stream broke off; rethrows what packing threw.
    const auto store_packed = [&](std::size_t want) {
        std::exception_ptr pack_error;
        {
            std::unique_lock lock(pipe.mutex);
            if (want != 0) {
                pipe.wake_at = want;
                pipe.changed.wait(lock, [&] {
                    return pipe.sets.size() >= want || pipe.pack_error || pipe.dead ||
                           pipe.finished;
                });
                pipe.wake_at = 0;
            }
            if (pipe.dead) return false;
            taken.swap(pipe.sets);
            pack_error = pipe.pack_error;
        }
        for (const store::PackedAnnotations& set : taken) {
            tx.set_annotations(set);
            ++stored;  // counted with or without progress: the window is measured by it
            if (options.progress) options.progress(stored, targets.size());
        }
        const bool broke_off = want != 0 && taken.empty();  // the reader finished early
        taken.clear();
        if (pack_error) std::rethrow_exception(pack_error);
        return !broke_off;
    };
    // Threads are woken per batch of items, not per item: the reader is told of
    // kBatch more items placed at a time and wakes this thread once it has packed
    // kBatch sets. Placing runs at most kWindow items ahead of storing, which
    // bounds the sets waiting in memory.
    constexpr std::size_t kBatch = 64;
    constexpr std::size_t kWindow = 256;
    for (std::size_t index = 0; index < targets.size(); ++index) {
        while (index >= stored + kWindow)
            if (!store_packed(kBatch)) return std::nullopt;
        Target& target = targets[index];
        Place& place = pipe.places[index];  // not the packer's until placed
        if (target.id == 0) {
            target.id = add_item(tx, target.uri, *target.first);
            matcher.add(target.uri, target.id);
            ++summary.items_created;
        } else {
            ++summary.items_matched;
            update_matched_item(project, tx, target.id, *target.first);
            place.revision = tx.annotations_revision(target.id);
            if (options.merge) place.existing = project.annotations(target.id);
        }
        place.id = target.id;
        if ((index + 1) % kBatch == 0 || index + 1 == targets.size()) {
            pipe.place(index + 1);
            if (!store_packed(0)) return std::nullopt;
        }
    }
    while (stored < targets.size())
        if (!store_packed(std::min(kBatch, targets.size() - stored))) return std::nullopt;
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
    SetPacking& packing = *pipe.packing;
    if (packing.annotations() && tx.allocate_annotation_ids(packing.annotations()) != first_id)
        throw Error("annotation ids were allocated meanwhile");
    summary.annotations = packing.annotations();
    summary.attributes_converted = packing.attributes_converted();
    if (options.extend_schema) {
        summary.classes_added = merge_schema(packing.schema(), pipe.dataset.schema);
        tx.set_label_schema(packing.schema());
    } else {
        summary.unknown_labels = std::move(packing.unknown_labels());
    }

    commit_import(tx, options.author, now, source, targets.size(), summary);
    return summary;
}

}  // namespace

std::string project_uri(const store::Project& project, const std::filesystem::path& media_path) {
    std::error_code ec;
    const auto media = std::filesystem::weakly_canonical(std::filesystem::absolute(media_path), ec);
    const auto root =
        std::filesystem::weakly_canonical(std::filesystem::absolute(project.dir()), ec);
    return media.lexically_relative(root).generic_string();
}

ImportSummary import_dataset(store::Project& project, Dataset& dataset, std::string_view source,
                             const ImportOptions& options) {
    store::Transaction tx = begin_import(project);
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
        store::ItemId id = 0;  // 0 = to be created
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
        std::string uri = item.media_path.empty()
                              ? std::filesystem::path(item.name).generic_string()
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

    if (options.extend_schema) tx.set_label_schema(schema);
    const std::int64_t now = now_ms();
    const store::AnnotationId first_id =
        annotation_count ? tx.allocate_annotation_ids(annotation_count) : 0;

    // Sets are packed on a second thread while this one writes items and stores
    // the sets packed so far; both go through the targets in order, so ids are
    // handed out exactly as one thread would.
    store::AnnotationId next_id = first_id;
    IdMap ids;
    const v1::ProvenanceT imported = imported_by(options.author, now);
    SetPacker packer(targets.size(), [&](std::size_t index) {
        Target& target = targets[index];
        v1::AnnotationSetT set;
        if (options.merge && !target.existing.empty()) {  // new items have none
            flatbuffers::GetRoot<v1::AnnotationSet>(target.existing.data())->UnPackTo(&set);
            store::Bytes().swap(target.existing);
        }
        const std::size_t stored = set.annotations.size();
        std::size_t count = stored;
        for (const ImportedItem* source : target.sources) count += source->annotations.size();
        set.annotations.reserve(count);
        for (ImportedItem* source : target.sources) {
            // Local ids are unique across the dataset; give each a project id.
            ids.assign(source->annotations, next_id);
            next_id += source->annotations.size();
            for (auto& a : source->annotations) {
                adopt(*a, ids, imported);
                set.annotations.push_back(std::move(a));
            }
        }
        return pack_imported(target.id, target.revision + 1, set, stored, imported);
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
            for (const ImportedItem* file_item : target.sources)
                update_matched_item(project, tx, target.id, *file_item);
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
    ReadOptions read_options{.progress = std::move(read_progress), .stream = &pipe};
    read_options.settings = options.settings;
    read_options.losses = options.losses;
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
    // Its losses were noted the first time.
    if (pipe.packed > 0)
        pipe.dataset = format.read(
            input, {.progress = read_options.progress, .settings = read_options.settings});
    return import_dataset(project, pipe.dataset, source, options);
}

}  // namespace tessera::formats
