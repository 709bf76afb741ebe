#pragma once
// Test support for formats: export a Dataset without a project, and compare
// two Datasets the way the round-trip requirement states (labels and
// attributes equal, coordinates within 1e-6 relative).

#include <string>
#include <vector>

#include "formats/dataset.hpp"
#include "formats/format.hpp"

namespace tessera::test {

/// An ItemSource over a Dataset: item i gets id i + 1, its name and subset, and
/// media.uri = name (unless media.uri is already set); annotation ids are kept.
class DatasetSource : public formats::ItemSource {
public:
    explicit DatasetSource(const formats::Dataset& dataset);
    const v1::LabelSchema& schema() const override;
    std::uint64_t item_count() const override { return items_.size(); }
    void for_each_item(
        const std::function<void(const v1::Item&, const v1::AnnotationSet&)>& visit) const override;

private:
    std::vector<std::uint8_t> schema_;
    std::vector<std::pair<std::vector<std::uint8_t>, std::vector<std::uint8_t>>> items_;
};

/// Differences between two datasets, one line each; empty when they hold the
/// same items (matched by name), in the same order, with the same annotations
/// (label, geometry within 1e-6 relative, attributes, text, parent structure).
/// Annotation ids themselves are not compared, only what they link.
[[nodiscard]] std::vector<std::string> dataset_differences(const formats::Dataset& expected,
                                                           const formats::Dataset& actual);

}  // namespace tessera::test
