#pragma once
// What a format reader produces and the store consumes: items named as the
// file names them, their annotations, and the labels the file declares.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/data_api.hpp"

namespace tessera::formats {

/// One item of an annotation file with its annotations.
struct ImportedItem {
    /// The media reference exactly as written in the file (COCO file_name,
    /// VOC filename, labelme imagePath, YOLO image path); used in messages, to
    /// match existing items by path suffix, and kept as the item's dataset name
    /// (Item.name), which exports write.
    std::string name;
    /// The media file on disk when the reader could locate it; empty otherwise.
    std::filesystem::path media_path;
    /// Kind and size as the file states them (0 = not stated). media.uri is
    /// filled in by the importer, not by the reader.
    v1::MediaT media;
    /// The dataset split the file puts the item in ("train", "val"); empty = none.
    std::string subset;
    /// Item metadata the format keeps (keys prefixed "coco:", "voc:", ...).
    std::vector<std::unique_ptr<v1::KeyValueT>> metadata;
    /// Annotations. Ids are local to the Dataset (1, 2, ...) and unique across
    /// it; parent and relation targets refer to those local ids. The importer
    /// replaces them with project-wide ids. Provenance only where the file states
    /// it: the importer marks every annotation imported, by whom and when.
    std::vector<std::unique_ptr<v1::AnnotationT>> annotations;
};

/// Everything read from one annotation file or folder.
struct Dataset {
    /// Classes (keys = label names as in the file, with metadata such as
    /// "coco:category_id") and skeletons the file declares.
    v1::LabelSchemaT schema;
    std::vector<ImportedItem> items;
};

/// What reading several files into one Dataset accumulates: the Dataset, label
/// classes in first-seen order and the next annotation id.
class DatasetBuilder {
public:
    /// Adds class `label` to the schema unless it is there.
    void add_class(const std::string& label) {
        if (!classes_.insert(label).second) return;
        auto label_class = std::make_unique<v1::LabelClassT>();
        label_class->key = label;
        dataset.schema.classes.push_back(std::move(label_class));
    }
    /// A new annotation id (1, 2, ... across the Dataset).
    [[nodiscard]] std::uint64_t take_id() { return next_id_++; }

    /// What has been read so far.
    Dataset dataset;

private:
    std::uint64_t next_id_ = 1;
    std::unordered_set<std::string> classes_;
};

}  // namespace tessera::formats
