#pragma once
// A project seen as an ItemSource, for format writers.

#include "formats/format.hpp"
#include "store/project.hpp"

namespace tessera::formats {

/// Reads items and annotation sets from a project as a writer visits them.
class ProjectSource : public ItemSource {
public:
    explicit ProjectSource(const store::Project& project);
    [[nodiscard]] const v1::LabelSchema& schema() const override;
    [[nodiscard]] std::uint64_t item_count() const override;
    [[nodiscard]] std::filesystem::path media_file(const v1::Item& item) const override;
    void for_each_item(
        const std::function<void(const v1::Item&, const v1::AnnotationSet&)>& visit) const override;

private:
    const store::Project& project_;
    store::Bytes schema_;
};

}  // namespace tessera::formats
