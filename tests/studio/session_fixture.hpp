#pragma once
// A small image project for the session tests: two 320 x 240 items and a
// "person" class with a required "occluded" attribute; edit batches that add
// boxes; the stored annotation count as another process would read it.

#include <filesystem>
#include <vector>

#include "store/project.hpp"
#include "studio/session.hpp"
#include "support/temp_dir.hpp"

namespace tessera::test {

struct SessionFixture {
    TempDir dir;
    std::vector<store::ItemId> items;

    SessionFixture() {
        store::Project project = store::Project::create(dir / "project", "session-test");
        store::Transaction transaction = project.begin();
        for (const char* uri : {"a.png", "b.png"}) {
            v1::ItemT item;
            item.media = std::make_unique<v1::MediaT>();
            item.media->kind = v1::MediaKind::Image;
            item.media->uri = uri;
            item.media->width = 320;
            item.media->height = 240;
            items.push_back(transaction.add_item(item));
        }
        v1::LabelSchemaT schema;
        schema.id = "test.schema";
        auto person = std::make_unique<v1::LabelClassT>();
        person->key = "person";
        auto occlusion = std::make_unique<v1::AttributeSpecT>();
        occlusion->key = "occluded";
        occlusion->type = v1::AttributeType::Bool;
        occlusion->required = true;
        person->attributes.push_back(std::move(occlusion));
        schema.classes.push_back(std::move(person));
        transaction.set_label_schema(schema);
        transaction.commit();
    }

    std::filesystem::path project() const { return dir / "project"; }
};

inline store::Bytes add_box(store::ItemId item, double left, double top, double right,
                            double bottom, bool with_attribute = false) {
    auto annotation = std::make_unique<v1::AnnotationT>();
    annotation->label = "person";
    v1::BoxT box;
    box.left = left, box.top = top, box.right = right, box.bottom = bottom;
    annotation->geometry.Set(std::move(box));
    if (with_attribute) {
        auto attribute = std::make_unique<v1::AttributeT>();
        attribute->key = "occluded";
        attribute->type = v1::AttributeType::Bool;
        annotation->attributes.push_back(std::move(attribute));
    }
    v1::AddAnnotationT add;
    add.item = item;
    add.annotation = std::move(annotation);
    std::vector<v1::EditOpT> ops;
    ops.push_back(studio::edit_op(std::move(add)));
    return studio::make_edit_batch("tester", std::move(ops));
}

inline std::size_t stored(const std::filesystem::path& dir, store::ItemId item) {
    // A second connection, as another process would see the project.
    const store::Project project = store::Project::open(dir);
    const store::Bytes bytes = project.annotations(item);
    const auto* set = flatbuffers::GetRoot<v1::AnnotationSet>(bytes.data());
    return set->annotations() ? set->annotations()->size() : 0;
}

}  // namespace tessera::test
