// tessera.format/1 of a native plugin as a formats::Format.
//
// Implemented: reading through the reader sink (every LabelSchema, Item and
// AnnotationSet buffer verified, then unpacked into a formats::Dataset; labels
// used but not declared are added to its schema, as the built-in readers do),
// writing through the writer source, progress, errors quoted from the plugin.
// Missing: streaming writes. formats::ItemSource pushes items to a callback
// while the writer source is pulled, so every item is packed into memory
// before the plugin's write() starts.

#include <exception>
#include <optional>
#include <unordered_set>

#include <tessera/ext/format.h>

#include "core/verify.hpp"
#include "loader/native_plugin.hpp"

namespace tessera::plugins {
namespace {

using Bytes = std::vector<std::uint8_t>;
using formats::ReadOptions;
using formats::WriteOptions;

// What a Format's read and write capture: the plugin stays loaded as long as
// any copy of the Format exists, and its name and description live here.
struct NativeFormat {
    std::shared_ptr<NativePlugin> plugin;
    const tessera_plugin_format_t* ext = nullptr;
    std::string name;
    std::string description;

    [[nodiscard]] std::string who() const {
        return fmt::format("format {} (plugin {})", name, plugin->id());
    }
};

struct ReaderState {
    const NativeFormat& format;
    const ReadOptions& options;
    formats::Dataset dataset;
    bool have_schema = false;
    std::unordered_set<std::uint64_t> ids;
    std::string error;  // the first problem; the read then fails with it
};

ReaderState& state_of(const tessera_format_reader_sink_t* sink) {
    return *static_cast<ReaderState*>(sink->ctx);
}

bool reject(ReaderState& state, std::string message) {
    if (state.error.empty()) state.error = std::move(message);
    return false;
}

bool TESSERA_ABI sink_schema(const tessera_format_reader_sink_t* sink, tessera_bytes_t bytes) {
    ReaderState& state = state_of(sink);
    try {
        if (state.have_schema) return reject(state, "schema() was called twice");
        const auto* schema = verified_root<v1::LabelSchema>(
            {bytes.data, bytes.size}, v1::LabelSchemaIdentifier(), "label schema");
        schema->UnPackTo(&state.dataset.schema);
        state.have_schema = true;
        return true;
    } catch (const std::exception& e) {
        return reject(state, e.what());
    }
}

bool TESSERA_ABI sink_item(const tessera_format_reader_sink_t* sink, const char* name,
                           const char* media_path, tessera_bytes_t item_bytes,
                           tessera_bytes_t annotation_bytes) {
    ReaderState& state = state_of(sink);
    try {
        if (name == nullptr) return reject(state, "item() was given no name");
        const std::string what = fmt::format("item \"{}\"", name);
        const auto* item =
            verified_root<v1::Item>({item_bytes.data, item_bytes.size}, v1::ItemIdentifier(), what);
        const auto* set =
            verified_root<v1::AnnotationSet>({annotation_bytes.data, annotation_bytes.size},
                                             v1::AnnotationSetIdentifier(), what + ": annotations");
        formats::ImportedItem imported;
        imported.name = name;
        if (media_path != nullptr) imported.media_path = media_path;
        if (item->media() != nullptr) item->media()->UnPackTo(&imported.media);
        imported.media.uri.clear();  // the importer decides the URI
        v1::ItemT unpacked;
        item->UnPackTo(&unpacked);
        imported.metadata = std::move(unpacked.metadata);
        v1::AnnotationSetT annotations;
        set->UnPackTo(&annotations);
        for (const auto& annotation : annotations.annotations) {
            if (annotation->id == 0)
                return reject(state,
                              fmt::format("{}: an annotation has id 0; ids start at 1", what));
            if (!state.ids.insert(annotation->id).second)
                return reject(state, fmt::format("{}: annotation id {} is used twice in this read",
                                                 what, annotation->id));
        }
        imported.annotations = std::move(annotations.annotations);
        state.dataset.items.push_back(std::move(imported));
        return true;
    } catch (const std::exception& e) {
        return reject(state, e.what());
    }
}

void TESSERA_ABI sink_progress(const tessera_format_reader_sink_t* sink, std::uint64_t done,
                               std::uint64_t total) {
    ReaderState& state = state_of(sink);
    try {
        if (state.options.progress) state.options.progress(done, total);
    } catch (...) {  // progress is cosmetic
    }
}

// Labels the annotations use but the schema does not declare become classes,
// as the built-in readers do.
void declare_used_labels(formats::Dataset& dataset) {
    std::unordered_set<std::string> known;
    for (const auto& c : dataset.schema.classes) known.insert(c->key);
    for (const auto& item : dataset.items)
        for (const auto& annotation : item.annotations)
            if (!annotation->label.empty() && known.insert(annotation->label).second) {
                auto label_class = std::make_unique<v1::LabelClassT>();
                label_class->key = annotation->label;
                dataset.schema.classes.push_back(std::move(label_class));
            }
}

formats::Dataset read(const NativeFormat& format, const std::filesystem::path& input,
                      const ReadOptions& options) {
    if (format.ext->read == nullptr)
        throw Error(fmt::format("{} cannot read files; it only writes them", format.who()));
    ReaderState state{format, options, {}, false, {}, {}};
    const tessera_format_reader_sink_t sink{
        .ctx = &state, .schema = sink_schema, .item = sink_item, .progress = sink_progress};
    const std::string path = input.string();
    const tessera_status_t status = call_plugin(format.who() + " read()", [&] {
        return format.ext->read(format.plugin->get(), path.c_str(), &sink);
    });
    if (!state.error.empty())
        throw Error(fmt::format("{}: {}: {}", input.generic_string(), format.who(), state.error));
    if (status != TESSERA_OK) {
        const std::string message = format.plugin->last_error();
        if (!message.empty()) throw Error(message);  // "file:line:col: what was expected"
        throw Error(fmt::format("{}: {} failed to read it (status {})", input.generic_string(),
                                format.who(), status));
    }
    declare_used_labels(state.dataset);
    return std::move(state.dataset);
}

// --- Writing -----------------------------------------------------------------

template <class T, class Finish>
Bytes pack(const T& table, Finish finish) {
    flatbuffers::FlatBufferBuilder builder(1024);
    finish(builder, T::TableType::Pack(builder, &table));
    return Bytes(builder.GetBufferPointer(), builder.GetBufferPointer() + builder.GetSize());
}

struct WriterState {
    std::vector<std::pair<Bytes, Bytes>> items;
    std::size_t next = 0;
};

bool TESSERA_ABI source_next(const tessera_format_writer_source_t* source, tessera_bytes_t* item,
                             tessera_bytes_t* annotations) {
    auto& state = *static_cast<WriterState*>(source->ctx);
    if (state.next >= state.items.size() || item == nullptr || annotations == nullptr) return false;
    const auto& [item_bytes, annotation_bytes] = state.items[state.next++];
    *item = {item_bytes.data(), item_bytes.size()};
    *annotations = {annotation_bytes.data(), annotation_bytes.size()};
    return true;
}

void write(const NativeFormat& format, const formats::ItemSource& source,
           const std::filesystem::path& out, const WriteOptions& options) {
    if (format.ext->write == nullptr)
        throw Error(fmt::format("{} cannot write files; it only reads them", format.who()));
    v1::LabelSchemaT schema;
    source.schema().UnPackTo(&schema);
    const Bytes schema_bytes =
        pack(schema, [](auto& b, auto root) { v1::FinishLabelSchemaBuffer(b, root); });
    WriterState state;
    const std::uint64_t total = source.item_count();
    source.for_each_item([&](const v1::Item& item, const v1::AnnotationSet& annotations) {
        v1::ItemT item_t;
        item.UnPackTo(&item_t);
        v1::AnnotationSetT set_t;
        annotations.UnPackTo(&set_t);
        state.items.emplace_back(
            pack(item_t, [](auto& b, auto root) { v1::FinishItemBuffer(b, root); }),
            pack(set_t, [](auto& b, auto root) { v1::FinishAnnotationSetBuffer(b, root); }));
        if (options.progress) options.progress(state.items.size(), total);
    });
    const tessera_format_writer_source_t writer_source{
        .ctx = &state,
        .label_schema = {schema_bytes.data(), schema_bytes.size()},
        .item_count = state.items.size(),
        .next = source_next,
    };
    const std::string path = out.string();
    const tessera_status_t status = call_plugin(format.who() + " write()", [&] {
        return format.ext->write(format.plugin->get(), &writer_source, path.c_str());
    });
    if (status != TESSERA_OK) {
        const std::string message = format.plugin->last_error();
        throw Error(
            fmt::format("{}: {} failed to write it{}", out.generic_string(), format.who(),
                        message.empty() ? fmt::format(" (status {})", status) : ": " + message));
    }
}

}  // namespace

formats::Format make_native_format(std::shared_ptr<NativePlugin> plugin, const void* extension) {
    const auto& ext = *static_cast<const tessera_plugin_format_t*>(extension);
    if (ext.name == nullptr || *ext.name == '\0')
        throw Error("tessera.format/1 name is NULL or empty; it is required");
    if (ext.read == nullptr && ext.write == nullptr)
        throw Error(fmt::format("tessera.format/1 \"{}\" has neither read nor write", ext.name));
    auto state = std::make_shared<NativeFormat>();
    state->plugin = std::move(plugin);
    state->ext = &ext;
    state->name = ext.name;
    state->description = ext.description != nullptr ? ext.description : "";
    formats::Format format;
    format.name = state->name;
    format.description = state->description;
    format.read = [state](const std::filesystem::path& input, const ReadOptions& options) {
        return read(*state, input, options);
    };
    format.write = [state](const formats::ItemSource& source, const std::filesystem::path& out,
                           const WriteOptions& options) { write(*state, source, out, options); };
    return format;
}

}  // namespace tessera::plugins
