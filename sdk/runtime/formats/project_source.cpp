#include "formats/project_source.hpp"

namespace tessera::formats {

ProjectSource::ProjectSource(const store::Project& project)
    : project_(project), schema_(project.label_schema()) {}

const v1::LabelSchema& ProjectSource::schema() const {
    // The store verified the buffer when it read it.
    return *flatbuffers::GetRoot<v1::LabelSchema>(schema_.data());
}

std::uint64_t ProjectSource::item_count() const {
    return project_.item_count();
}

std::filesystem::path ProjectSource::media_file(const v1::Item& item) const {
    std::filesystem::path uri = ItemSource::media_file(item);
    return uri.empty() ? uri : (project_.dir() / uri).lexically_normal();
}

void ProjectSource::for_each_item(
    const std::function<void(const v1::Item&, const v1::AnnotationSet&)>& visit) const {
    const store::ReadSnapshot snapshot(project_);  // one state, whatever others commit meanwhile
    for (const store::ItemSummary& summary : project_.items()) {
        const store::Bytes item = project_.item(summary.id);
        const store::Bytes set = project_.annotations(summary.id);
        visit(*flatbuffers::GetRoot<v1::Item>(item.data()),
              *flatbuffers::GetRoot<v1::AnnotationSet>(set.data()));
    }
}

}  // namespace tessera::formats
