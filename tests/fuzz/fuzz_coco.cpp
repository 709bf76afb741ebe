// libFuzzer target for the COCO module. Any input either reads or throws
// tessera::Error; anything else (a crash, a sanitizer report, another exception)
// is a bug. What reads must also write and read again: the writer never produces
// a file the reader refuses. What reads value by value must read the same as a
// whole document. The same bytes also go through the module's small
// parsers: the raw JSON checker of the writer and the compressed RLE codec (decode,
// encode, decode again must give the same runs).
// Run: build-fuzz/tests/fuzz/fuzz_coco -max_total_time=60

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "coco/coco.hpp"
#include "coco/coco_read_internal.hpp"
#include "core/error.hpp"

namespace {

namespace coco = tessera::formats::coco;
namespace v1 = tessera::v1;

/// The items of a Dataset as the writer sees a project: verified-shape FlatBuffers.
class Source : public tessera::formats::ItemSource {
public:
    explicit Source(const tessera::formats::Dataset& dataset) {
        flatbuffers::FlatBufferBuilder fbb;
        fbb.Finish(v1::LabelSchema::Pack(fbb, &dataset.schema), v1::LabelSchemaIdentifier());
        schema_.assign(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
        std::uint64_t id = 0;
        for (const tessera::formats::ImportedItem& imported : dataset.items) {
            v1::ItemT item;
            item.id = ++id;
            item.media = std::make_unique<v1::MediaT>(imported.media);
            item.media->uri = imported.name;
            for (const auto& kv : imported.metadata)
                item.metadata.push_back(std::make_unique<v1::KeyValueT>(*kv));
            v1::AnnotationSetT set;
            set.item = id;
            for (const auto& a : imported.annotations)
                set.annotations.push_back(std::make_unique<v1::AnnotationT>(*a));
            fbb.Clear();
            fbb.Finish(v1::Item::Pack(fbb, &item), v1::ItemIdentifier());
            std::vector<std::uint8_t> item_bytes(fbb.GetBufferPointer(),
                                                 fbb.GetBufferPointer() + fbb.GetSize());
            fbb.Clear();
            fbb.Finish(v1::AnnotationSet::Pack(fbb, &set), v1::AnnotationSetIdentifier());
            items_.emplace_back(std::move(item_bytes),
                                std::vector<std::uint8_t>(fbb.GetBufferPointer(),
                                                          fbb.GetBufferPointer() + fbb.GetSize()));
        }
    }
    const v1::LabelSchema& schema() const override {
        return *flatbuffers::GetRoot<v1::LabelSchema>(schema_.data());
    }
    std::uint64_t item_count() const override { return items_.size(); }
    bool operator==(const Source& other) const {
        return schema_ == other.schema_ && items_ == other.items_;
    }
    void for_each_item(const std::function<void(const v1::Item&, const v1::AnnotationSet&)>& visit)
        const override {
        for (const auto& [item, set] : items_)
            visit(*flatbuffers::GetRoot<v1::Item>(item.data()),
                  *flatbuffers::GetRoot<v1::AnnotationSet>(set.data()));
    }

private:
    std::vector<std::uint8_t> schema_;
    std::vector<std::pair<std::vector<std::uint8_t>, std::vector<std::uint8_t>>> items_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    std::string written;
    try {
        // A name without a folder: media is looked up in the working directory.
        const tessera::formats::Dataset dataset = coco::read_coco_text("fuzz.json", text);
        written = coco::write_coco_text(Source(dataset));
    } catch (const tessera::Error&) {
        // Bad input, reported as it should be.
    }
    try {
        const tessera::JsonText json("fuzz.json", text);
        if (const auto by_value = coco::detail::read_coco_by_value(json, {}, {})) {
            const tessera::formats::Dataset whole = coco::detail::read_coco_whole(json, {}, {});
            if (!(Source(*by_value) == Source(whole))) {
                std::fprintf(stderr, "reading value by value differs from the whole document\n");
                __builtin_trap();
            }
        }
    } catch (const tessera::Error& e) {
        std::fprintf(stderr, "read value by value, but not as a whole document: %s\n", e.what());
        __builtin_trap();
    }
    if (!written.empty()) {
        try {
            (void)coco::read_coco_text("written.json", written);
        } catch (const tessera::Error& e) {
            std::fprintf(stderr, "the written file does not read back: %s\n", e.what());
            __builtin_trap();
        }
    }

    (void)tessera::is_json(text);

    std::vector<std::uint32_t> counts, again;
    std::string error;
    if (coco::decode_rle_string(text, counts, error) &&
        (!coco::decode_rle_string(coco::encode_rle_string(counts), again, error) ||
         again != counts))
        __builtin_trap();
    return 0;
}
