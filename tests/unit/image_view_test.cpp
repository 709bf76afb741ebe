// The image view plugin's logic (plugins/views/image) driven through a fake
// tessera.host.ui/1 that records what is drawn and feeds scripted input, and
// a fake tessera.host.project/1 that keeps the edit batches submitted.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <tessera/ext/host_project.h>
#include <tessera/v1/edit_generated.h>
#include <tessera/v1/item_generated.h>
#include <tessera/v1/label_schema_generated.h>

#include "image_view.hpp"
#include "shapes.hpp"
#include "spatial_grid.hpp"
#include "support/fake_host_ui.hpp"
#include "support/temp_dir.hpp"

namespace v1 = tessera::v1;
using tessera::view_image::HeaderCheck;
using tessera::view_image::ImageLimits;
using tessera::view_image::ImageView;
using tessera::view_image::Rect;
using tessera::view_image::ShapeKind;
using tessera::view_image::ShapeSet;
using tessera::view_image::Skeletons;
using tessera::view_image::SpatialGrid;
using tessera::view_image::Vec2;

namespace {

// --- a host UI that records ----------------------------------------------------

using DrawCall = tessera::test::UiCall;

// The shared fake UI, with the host naming and colouring the label "car".
struct FakeUi : tessera::test::FakeUi {
    FakeUi() { labels = {{"car", {0xFF0000FFu, "Car"}}}; }
};

// --- a host whose project keeps the batches ------------------------------------

struct FakeHost {
    tessera_host_t host{};
    tessera_host_project_t project{};
    std::vector<std::vector<std::uint8_t>> batches;
    std::vector<std::uint8_t> schema;  // the label schema read_label_schema() hands out
    bool refuse = false;

    FakeHost() {
        host.sdk_version = TESSERA_VERSION_INIT;
        host.host_data = this;
        host.name = "fake";
        host.version = "0";
        host.get_extension = [](const tessera_host_t* h, const char* id) -> const void* {
            auto* self = static_cast<FakeHost*>(h->host_data);
            return std::string_view(id) == TESSERA_EXT_HOST_PROJECT ? &self->project : nullptr;
        };
        project.submit_edits = [](const tessera_host_t* h, tessera_bytes_t batch, uint64_t*) {
            auto* self = static_cast<FakeHost*>(h->host_data);
            if (self->refuse) return tessera_status_t{TESSERA_ERROR};
            self->batches.emplace_back(batch.data, batch.data + batch.size);
            return tessera_status_t{TESSERA_OK};
        };
        project.get_last_error = [](const tessera_host_t*) { return "the store is read-only"; };
        project.read_label_schema = [](const tessera_host_t* h, const tessera_bytes_sink_t* out) {
            auto* self = static_cast<FakeHost*>(h->host_data);
            if (self->schema.empty()) return tessera_status_t{TESSERA_ERROR};
            out->write(out, self->schema.data(), self->schema.size());
            return tessera_status_t{TESSERA_OK};
        };
    }

    // The one op of the last batch, verified as the host would.
    [[nodiscard]] const v1::EditOp& last_op() const {
        REQUIRE(!batches.empty());
        const auto& bytes = batches.back();
        flatbuffers::Verifier verifier(bytes.data(), bytes.size());
        REQUIRE(v1::VerifyEditBatchBuffer(verifier));
        const v1::EditBatch* batch = v1::GetEditBatch(bytes.data());
        REQUIRE(batch->ops());
        REQUIRE(batch->ops()->size() == 1);
        return *batch->ops()->Get(0);
    }
    [[nodiscard]] const v1::EditBatch& last_batch() const {
        return *v1::GetEditBatch(batches.back().data());
    }
};

// --- buffers --------------------------------------------------------------------

std::vector<std::uint8_t> item_buffer(std::uint64_t id, std::uint32_t width, std::uint32_t height) {
    v1::ItemT item;
    item.id = id;
    item.media = std::make_unique<v1::MediaT>();
    item.media->kind = v1::MediaKind::Image;
    item.media->width = width;
    item.media->height = height;
    flatbuffers::FlatBufferBuilder builder;
    v1::FinishItemBuffer(builder, v1::Item::Pack(builder, &item));
    return {builder.GetBufferPointer(), builder.GetBufferPointer() + builder.GetSize()};
}

struct BoxSpec {
    std::uint64_t id;
    Rect box;
    std::string label = "car";
};

std::vector<std::uint8_t> annotation_buffer(std::uint64_t item, const std::vector<BoxSpec>& boxes) {
    v1::AnnotationSetT set;
    set.item = item;
    for (const BoxSpec& spec : boxes) {
        auto annotation = std::make_unique<v1::AnnotationT>();
        annotation->id = spec.id;
        annotation->label = spec.label;
        v1::BoxT box;
        box.left = spec.box.min_x;
        box.top = spec.box.min_y;
        box.right = spec.box.max_x;
        box.bottom = spec.box.max_y;
        annotation->geometry.Set(std::move(box));
        auto occluded = std::make_unique<v1::AttributeT>();
        occluded->key = "occluded";
        occluded->type = v1::AttributeType::Bool;
        occluded->bool_value = true;
        annotation->attributes.push_back(std::move(occluded));
        annotation->provenance = std::make_unique<v1::ProvenanceT>();
        annotation->provenance->author = "importer";
        annotation->provenance->created = 1000;
        set.annotations.push_back(std::move(annotation));
    }
    flatbuffers::FlatBufferBuilder builder;
    v1::FinishAnnotationSetBuffer(builder, v1::AnnotationSet::Pack(builder, &set));
    return {builder.GetBufferPointer(), builder.GetBufferPointer() + builder.GetSize()};
}

// --- the harness ------------------------------------------------------------------

// A view on a 400 x 200 item in an 800 x 600 canvas: fit gives scale 2 and
// offset (0, 100), so item (x, y) is at screen (2x, 2y + 100).
struct Harness {
    FakeUi ui;
    FakeHost host;
    ImageView view{&host.host};
    std::string tool = "select";
    std::string label = "car";
    std::string author = "ann";
    std::uint64_t selected = 0;

    explicit Harness(const std::vector<BoxSpec>& boxes = {}, std::uint32_t width = 400,
                     std::uint32_t height = 200, std::string media = {}) {
        view.open_item(item_buffer(5, width, height), annotation_buffer(5, boxes),
                       std::move(media));
        frame();
    }

    tessera_ui_t* handle() { return ui.handle(); }

    void frame() {
        ui.calls.clear();
        const tessera_view_state_t state{tool.c_str(), label.c_str(), selected, author.c_str()};
        view.frame(tessera::test::fake_ui_api(), handle(), state);
        selected = ui.selection;
        ui.mouse_delta = {0, 0};
        ui.wheel = 0;
        ui.keys.clear();
        for (int b = 0; b < 3; ++b) ui.clicked[b] = ui.released[b] = false;
    }
    // Screen position of item point (x, y) at the fit zoom.
    void move_to_item(double x, double y) { move_to(float(2 * x), float(2 * y + 100)); }
    void move_to(float sx, float sy) {
        ui.mouse_delta = {sx - ui.mouse.x, sy - ui.mouse.y};
        ui.mouse = {sx, sy};
        frame();
    }
    void press(int button = TESSERA_MOUSE_LEFT) {
        ui.down[button] = true;
        ui.clicked[button] = true;
        frame();
    }
    void release(int button = TESSERA_MOUSE_LEFT) {
        ui.down[button] = false;
        ui.released[button] = true;
        frame();
    }
    void click_item(double x, double y) {
        move_to_item(x, y);
        press();
        release();
    }
    void drag_item(Vec2 from, Vec2 to) {
        move_to_item(from.x, from.y);
        press();
        move_to_item((from.x + to.x) / 2, (from.y + to.y) / 2);
        move_to_item(to.x, to.y);
        release();
    }
    void key(int code) {
        ui.keys.insert(code);
        frame();
    }
};

const v1::Box& added_box(const FakeHost& host) {
    const v1::EditOp& op = host.last_op();
    REQUIRE(op.edit_type() == v1::Edit::AddAnnotation);
    const v1::Annotation* annotation = op.edit_as_AddAnnotation()->annotation();
    REQUIRE(annotation->geometry_type() == v1::Geometry::Box);
    return *annotation->geometry_as_Box();
}

const v1::Annotation& updated(const FakeHost& host) {
    const v1::EditOp& op = host.last_op();
    REQUIRE(op.edit_type() == v1::Edit::UpdateAnnotation);
    return *op.edit_as_UpdateAnnotation()->annotation();
}

void write_file(const std::filesystem::path& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary);
    out << bytes;
}

}  // namespace

TEST_CASE("image view: item and screen coordinates at the fit zoom and after zooming",
          "[image_view]") {
    Harness h;
    CHECK(h.view.scale() == Approx(2));
    CHECK(h.view.offset().x == Approx(0));
    CHECK(h.view.offset().y == Approx(100));
    CHECK(h.ui.scale == Approx(2));  // the host got the same transform
    CHECK(h.ui.offset.y == Approx(100));
    const Vec2 s = h.view.to_screen({100, 50});
    CHECK(s.x == Approx(200));
    CHECK(s.y == Approx(200));
    const Vec2 back = h.view.to_item(s);
    CHECK(back.x == Approx(100));
    CHECK(back.y == Approx(50));

    // One wheel step at item (100, 50) zooms by 1.2 about that point.
    h.move_to(200, 200);
    h.ui.wheel = 1;
    h.frame();
    CHECK(h.view.scale() == Approx(2.4));
    const Vec2 still = h.view.to_screen({100, 50});
    CHECK(still.x == Approx(200));
    CHECK(still.y == Approx(200));
    const Vec2 corner = h.view.to_screen({0, 0});
    CHECK(corner.x == Approx(200 - 2.4 * 100));
    CHECK(corner.y == Approx(200 - 2.4 * 50));
    CHECK(h.ui.scale == Approx(2.4));

    // 0 = one image pixel per screen pixel, about the pointer; F fits again.
    h.key('0');
    CHECK(h.view.scale() == Approx(1));
    CHECK(h.view.to_screen({100, 50}).x == Approx(200));
    h.key('F');
    CHECK(h.view.scale() == Approx(2));
    CHECK(h.view.offset().y == Approx(100));

    // Right-drag pans by the mouse movement.
    h.press(TESSERA_MOUSE_RIGHT);
    h.move_to(230, 190);
    h.release(TESSERA_MOUSE_RIGHT);
    CHECK(h.view.offset().x == Approx(30));
    CHECK(h.view.offset().y == Approx(90));
    CHECK(h.host.batches.empty());
}

TEST_CASE("image view: the box tool adds a box in image coordinates", "[image_view]") {
    Harness h;
    h.tool = "box";
    h.drag_item({10, 10}, {110, 60.5});
    const v1::Box& box = added_box(h.host);
    CHECK(box.left() == Approx(10));
    CHECK(box.top() == Approx(10));
    CHECK(box.right() == Approx(110));
    CHECK(box.bottom() == Approx(60.5));

    const v1::AddAnnotation& add = *h.host.last_op().edit_as_AddAnnotation();
    CHECK(add.item() == 5);
    const v1::Annotation& annotation = *add.annotation();
    CHECK(annotation.id() == 0);
    CHECK(annotation.label()->str() == "car");
    REQUIRE(annotation.provenance());
    CHECK(annotation.provenance()->author()->str() == "ann");
    CHECK(annotation.provenance()->source() == v1::Source::Human);
    CHECK(annotation.provenance()->created() > 1'600'000'000'000);
    CHECK(annotation.provenance()->modified() == annotation.provenance()->created());
    CHECK(h.host.last_batch().author()->str() == "ann");

    // Dragged up and left: still a proper box.
    h.drag_item({200, 150}, {150, 100});
    const v1::Box& reversed = added_box(h.host);
    CHECK(reversed.left() == Approx(150));
    CHECK(reversed.top() == Approx(100));
    CHECK(reversed.right() == Approx(200));
    CHECK(reversed.bottom() == Approx(150));

    // Once the host hands back the set with the new box, it is selected.
    h.view.set_annotations(annotation_buffer(5, {{42, {150, 100, 200, 150}}}));
    h.frame();
    CHECK(h.ui.selection == 42);
}

TEST_CASE("image view: box edges are clamped to the image and tiny boxes are dropped",
          "[image_view]") {
    Harness h;
    h.tool = "box";
    // From inside the image to beyond its bottom-right corner (the canvas is larger).
    h.drag_item({300, 150}, {450, 260});
    const v1::Box& clamped = added_box(h.host);
    CHECK(clamped.left() == Approx(300));
    CHECK(clamped.top() == Approx(150));
    CHECK(clamped.right() == Approx(400));
    CHECK(clamped.bottom() == Approx(200));

    // From above the image's top-left.
    h.drag_item({-20, -30}, {50, 40});
    const v1::Box& top_left = added_box(h.host);
    CHECK(top_left.left() == Approx(0));
    CHECK(top_left.top() == Approx(0));
    CHECK(top_left.right() == Approx(50));
    CHECK(top_left.bottom() == Approx(40));

    // Smaller than 2 x 2 image pixels (and a plain click): nothing is submitted.
    const std::size_t before = h.host.batches.size();
    h.drag_item({10, 10}, {11.5, 30});
    h.drag_item({10, 10}, {30, 11});
    h.click_item(60, 60);
    CHECK(h.host.batches.size() == before);
}

TEST_CASE("image view: polygons close with Enter or on the first point", "[image_view]") {
    Harness h;
    h.tool = "polygon";
    h.click_item(10, 10);
    h.click_item(100, 10);
    h.click_item(100, 80);
    CHECK(h.view.pending_points().size() == 3);
    CHECK(h.ui.count("polyline") == 1);  // the outline in progress follows the pointer
    h.key(TESSERA_KEY_ENTER);
    {
        const v1::EditOp& op = h.host.last_op();
        REQUIRE(op.edit_type() == v1::Edit::AddAnnotation);
        const v1::Polygon* polygon =
            op.edit_as_AddAnnotation()->annotation()->geometry_as_Polygon();
        REQUIRE(polygon);
        REQUIRE(polygon->points()->size() == 3);
        CHECK(polygon->points()->Get(1)->x() == Approx(100));
        CHECK(polygon->points()->Get(2)->y() == Approx(80));
    }
    CHECK(h.view.pending_points().empty());

    // Four points, the last one removed with Backspace, then a click on the first.
    h.click_item(200, 20);
    h.click_item(300, 20);
    h.click_item(300, 120);
    h.click_item(390, 190);
    h.key(TESSERA_KEY_BACKSPACE);
    CHECK(h.view.pending_points().size() == 3);
    h.click_item(201, 21);  // within the pick radius of the first point
    REQUIRE(h.host.batches.size() == 2);
    const v1::Polygon* closed =
        h.host.last_op().edit_as_AddAnnotation()->annotation()->geometry_as_Polygon();
    REQUIRE(closed);
    REQUIRE(closed->points()->size() == 3);
    CHECK(closed->points()->Get(0)->x() == Approx(200));
    CHECK(closed->points()->Get(2)->y() == Approx(120));

    // Escape abandons a polygon; Enter with two points is not enough.
    h.click_item(50, 50);
    h.click_item(60, 50);
    h.key(TESSERA_KEY_ENTER);
    CHECK(h.host.batches.size() == 2);
    h.key(TESSERA_KEY_ESCAPE);
    CHECK(h.view.pending_points().empty());
    CHECK(h.host.batches.size() == 2);
}

TEST_CASE("image view: polylines and keypoints finish with Enter", "[image_view]") {
    Harness h;
    h.tool = "polyline";
    h.click_item(10, 10);
    h.click_item(50, 20);
    h.key(TESSERA_KEY_ENTER);
    const v1::Polyline* line =
        h.host.last_op().edit_as_AddAnnotation()->annotation()->geometry_as_Polyline();
    REQUIRE(line);
    CHECK(line->points()->size() == 2);

    h.tool = "keypoints";
    h.click_item(30, 30);
    h.click_item(40, 35);
    h.click_item(50, 30);
    h.key(TESSERA_KEY_ENTER);
    const v1::Keypoints* keypoints =
        h.host.last_op().edit_as_AddAnnotation()->annotation()->geometry_as_Keypoints();
    REQUIRE(keypoints);
    CHECK(keypoints->points()->size() == 3);
    REQUIRE(keypoints->visibility()->size() == 3);
    CHECK(keypoints->visibility()->Get(2) == v1::Visibility::Visible);
}

TEST_CASE("image view: select picks the topmost shape, moves it and resizes it by a handle",
          "[image_view]") {
    Harness h(std::vector<BoxSpec>{{7, {10, 10, 110, 60}}, {8, {80, 40, 150, 90}, "person"}});

    // (100, 50) lies in both boxes: the later one (drawn on top) is picked.
    h.click_item(100, 50);
    CHECK(h.ui.selection == 8);
    CHECK(h.host.batches.empty());  // a click moves nothing
    h.click_item(20, 20);
    CHECK(h.ui.selection == 7);
    h.frame();
    CHECK(h.ui.has_text("Car"));  // the selected box's label, named by the host
    h.click_item(300, 150);       // empty image: clears the selection
    CHECK(h.ui.selection == 0);

    // Drag box 7 by (20, 10): one UpdateAnnotation keeping every other field.
    h.drag_item({30, 20}, {50, 30});
    CHECK(h.ui.selection == 7);
    {
        const v1::Annotation& moved = updated(h.host);
        CHECK(moved.id() == 7);
        CHECK(moved.label()->str() == "car");
        REQUIRE(moved.attributes());
        CHECK(moved.attributes()->size() == 1);
        CHECK(moved.provenance()->author()->str() == "importer");
        CHECK(moved.provenance()->created() == 1000);
        CHECK(moved.provenance()->modified() > 1000);
        const v1::Box& box = *moved.geometry_as_Box();
        CHECK(box.left() == Approx(30));
        CHECK(box.top() == Approx(20));
        CHECK(box.right() == Approx(130));
        CHECK(box.bottom() == Approx(70));
    }

    // The bottom-right handle of the selected box 7 (still at its stored place).
    REQUIRE(h.selected == 7);
    h.drag_item({110, 60}, {160, 95});
    {
        const v1::Box& box = *updated(h.host).geometry_as_Box();
        CHECK(box.left() == Approx(10));
        CHECK(box.top() == Approx(10));
        CHECK(box.right() == Approx(160));
        CHECK(box.bottom() == Approx(95));
    }
    // The left edge's handle dragged out of the image stops at its border.
    h.drag_item({10, 35}, {-40, 35});
    {
        const v1::Box& box = *updated(h.host).geometry_as_Box();
        CHECK(box.left() == Approx(0));
        CHECK(box.right() == Approx(110));
        CHECK(box.top() == Approx(10));
    }
    // A move is kept inside the image.
    h.drag_item({50, 30}, {50, -100});
    CHECK(updated(h.host).geometry_as_Box()->top() == Approx(0));
    CHECK(h.host.batches.size() == 4);
}

TEST_CASE("image view: Delete removes the selection, and a refused edit is shown on the canvas",
          "[image_view]") {
    Harness h(std::vector<BoxSpec>{{7, {10, 10, 110, 60}}});
    h.key(TESSERA_KEY_DELETE);
    CHECK(h.host.batches.empty());  // nothing selected

    h.ui.selection = h.selected = 7;
    h.key(TESSERA_KEY_DELETE);
    const v1::EditOp& op = h.host.last_op();
    REQUIRE(op.edit_type() == v1::Edit::DeleteAnnotation);
    CHECK(op.edit_as_DeleteAnnotation()->annotation() == 7);
    CHECK(op.edit_as_DeleteAnnotation()->item() == 5);
    CHECK(h.ui.selection == 0);

    h.host.refuse = true;
    h.ui.selection = h.selected = 7;
    h.key(TESSERA_KEY_BACKSPACE);
    h.frame();
    CHECK(h.ui.has_text("the store is read-only"));
    CHECK(h.ui.selection == 7);
}

TEST_CASE("image view: only the boxes in view and a margin around it are drawn when zoomed in",
          "[image_view]") {
    // 10 x 10 boxes of 10 px, one in the middle of each 100 px cell of a 1000 x 1000 image.
    std::vector<BoxSpec> boxes;
    for (int row = 0; row < 10; ++row) {
        for (int column = 0; column < 10; ++column) {
            const double x = column * 100 + 45;
            const double y = row * 100 + 45;
            boxes.push_back({std::uint64_t(1 + row * 10 + column), {x, y, x + 10, y + 10}});
        }
    }
    Harness h(boxes, 1000, 1000);
    h.ui.hovered = false;
    h.frame();
    CHECK(h.view.scale() == Approx(0.6));  // 600 px tall canvas
    CHECK(h.ui.count("rect") == 100);
    CHECK(h.view.stats().shapes_drawn == 100);

    // 5 screen px per image px: the 800 x 600 canvas shows 0..160 x 0..120 of
    // the image, and the margin of a quarter of the canvas (200 px, 40 image
    // px) makes -40..200 x -40..160: the boxes at 45 and 145 in both directions.
    const auto rects_at = [&] {
        std::set<std::pair<double, double>> at;
        for (const DrawCall& call : h.ui.calls)
            if (call.kind == "rect") at.emplace(call.points[0].x, call.points[0].y);
        return at;
    };
    using Corners = std::set<std::pair<double, double>>;
    h.view.set_view(5, {0, 0});
    h.frame();
    CHECK(rects_at() == Corners{{45, 45}, {145, 45}, {45, 145}, {145, 145}});
    CHECK(h.view.stats().shapes_drawn == 4);

    // Panned 20 image px right: still inside the margin, so the same boxes are
    // drawn (the host can move what it drew last instead of drawing again).
    h.view.set_view(5, {-100, 0});
    h.frame();
    CHECK(rects_at() == Corners{{45, 45}, {145, 45}, {45, 145}, {145, 145}});

    // 60 px: past the margin, which is laid out again around the view
    // (20..260): the boxes at 245 come in.
    h.view.set_view(5, {-300, 0});
    h.frame();
    CHECK(rects_at() == Corners{{45, 45}, {145, 45}, {245, 45}, {45, 145}, {145, 145}, {245, 145}});

    // Panned to the bottom-right corner: 800..960 x 880..1000 and its margin.
    h.view.set_view(5, {-4000, -4400});
    h.frame();
    CHECK(rects_at() == Corners{{845, 845}, {945, 845}, {845, 945}, {945, 945}});

    // Another scale lays the margin out again: 10 px per image px shows
    // 400..480 x 440..500, drawn 380..500 x 420..520.
    h.view.set_view(10, {-4000, -4400});
    h.frame();
    CHECK(rects_at() == Corners{{445, 445}});
}

// An annotation set of one annotation with `geometry`, label "car".
std::vector<std::uint8_t> set_of(v1::GeometryUnion geometry, std::uint64_t id = 7) {
    v1::AnnotationSetT set;
    set.item = 1;
    auto annotation = std::make_unique<v1::AnnotationT>();
    annotation->id = id;
    annotation->label = "car";
    annotation->geometry = std::move(geometry);
    set.annotations.push_back(std::move(annotation));
    flatbuffers::FlatBufferBuilder builder;
    v1::FinishAnnotationSetBuffer(builder, v1::AnnotationSet::Pack(builder, &set));
    return {builder.GetBufferPointer(), builder.GetBufferPointer() + builder.GetSize()};
}

v1::GeometryUnion mask_geometry(std::uint32_t width, std::uint32_t height,
                                std::vector<std::uint32_t> counts) {
    v1::MaskT mask;
    mask.width = width;
    mask.height = height;
    mask.counts = std::move(counts);
    v1::GeometryUnion geometry;
    geometry.Set(std::move(mask));
    return geometry;
}

TEST_CASE("image view: a mask is drawn as the rectangles of its runs, down each column",
          "[image_view]") {
    // 4 x 3, column-major: column 0 background, columns 1 and 2 rows 1-2
    // foreground (one rectangle 2 wide), column 3 row 0 foreground.
    //   col:   0 0 0 | 1 1 1 | 2 2 2 | 3 3 3
    //   fg:    . . . | . x x | . x x | x . .
    ShapeSet shapes;
    shapes.assign(set_of(mask_geometry(4, 3, {4, 2, 1, 3, 2})), {0, 0, 4, 3});
    REQUIRE(shapes.shapes().size() == 1);
    const auto& shape = shapes.shapes()[0];
    CHECK(shape.kind == ShapeKind::Mask);
    const auto paths = shapes.paths(shape);
    REQUIRE(paths.size() == 2);
    const auto first = shapes.points(paths[0]);
    CHECK(first[0].x == 1);
    CHECK(first[0].y == 1);
    CHECK(first[1].x == 3);
    CHECK(first[1].y == 3);
    const auto second = shapes.points(paths[1]);
    CHECK(second[0].x == 3);
    CHECK(second[0].y == 0);
    CHECK(second[1].x == 4);
    CHECK(second[1].y == 1);
    CHECK(shape.bounds.min_x == 0 + 1);
    CHECK(shape.bounds.max_x == 4);
    // Picking hits the foreground only, not the rest of the bounds.
    CHECK(shapes.hit_test(2.5, 2.5, 0) == 0);
    CHECK(shapes.hit_test(3.5, 0.5, 0) == 0);
    CHECK(shapes.hit_test(1.5, 0.5, 0) == -1);
    // A run crossing into the next column splits there.
    ShapeSet wrapped;
    wrapped.assign(set_of(mask_geometry(2, 3, {2, 3, 1})), {0, 0, 2, 3});
    REQUIRE(wrapped.shapes().size() == 1);
    CHECK(wrapped.paths(wrapped.shapes()[0]).size() == 2);
}

TEST_CASE("image view: masks whose runs do not fit are skipped, not drawn out of bounds",
          "[image_view]") {
    ShapeSet shapes;
    shapes.assign(set_of(mask_geometry(4, 3, {4, 20})),
                  {0, 0, 4, 3});  // 24 pixels in a 12-pixel mask
    CHECK(shapes.shapes().empty());
    CHECK(shapes.skipped() == 1);
    shapes.assign(set_of(mask_geometry(4, 0, {0})), {0, 0, 4, 3});
    CHECK(shapes.shapes().empty());
    shapes.assign(set_of(mask_geometry(4, 3, {12})), {0, 0, 4, 3});  // background only
    CHECK(shapes.shapes().empty());
}

TEST_CASE("image view: keypoints get the edges of their skeleton, or of their class's",
          "[image_view]") {
    v1::KeypointsT keypoints;
    keypoints.points = {{10, 10}, {20, 10}, {20, 20}};
    keypoints.visibility = {v1::Visibility::Visible, v1::Visibility::Visible,
                            v1::Visibility::NotLabeled};
    Skeletons skeletons;
    skeletons.edges["body"] = {{0, 1}, {1, 2}, {0, 9}};  // 9: no such point, dropped
    skeletons.by_label["car"] = "body";
    v1::GeometryUnion by_class;
    by_class.Set(v1::KeypointsT(keypoints));
    ShapeSet shapes;
    shapes.assign(set_of(std::move(by_class)), {0, 0, 100, 100}, skeletons);
    REQUIRE(shapes.shapes().size() == 1);
    const auto edges = shapes.edges(shapes.shapes()[0]);
    REQUIRE(edges.size() == 2);
    CHECK(edges[0] == std::pair<std::uint16_t, std::uint16_t>{0, 1});
    CHECK(edges[1] == std::pair<std::uint16_t, std::uint16_t>{1, 2});

    keypoints.skeleton = "other";  // named, and unknown: no edges
    v1::GeometryUnion named;
    named.Set(v1::KeypointsT(keypoints));
    shapes.assign(set_of(std::move(named)), {0, 0, 100, 100}, skeletons);
    CHECK(shapes.edges(shapes.shapes()[0]).empty());
}

TEST_CASE("image view: skeleton edges from the project's schema are drawn between labelled points",
          "[image_view]") {
    v1::LabelSchemaT schema;
    schema.id = "test";
    auto skeleton = std::make_unique<v1::SkeletonT>();
    skeleton->key = "body";
    skeleton->points = {"a", "b", "c"};
    skeleton->edges = {{0, 1}, {1, 2}};
    schema.skeletons.push_back(std::move(skeleton));
    flatbuffers::FlatBufferBuilder builder;
    v1::FinishLabelSchemaBuffer(builder, v1::LabelSchema::Pack(builder, &schema));

    Harness h;
    h.host.schema.assign(builder.GetBufferPointer(),
                         builder.GetBufferPointer() + builder.GetSize());
    v1::KeypointsT keypoints;
    keypoints.points = {{10, 10}, {20, 10}, {20, 20}};
    keypoints.visibility = {v1::Visibility::Visible, v1::Visibility::Visible,
                            v1::Visibility::NotLabeled};
    keypoints.skeleton = "body";
    v1::GeometryUnion geometry;
    geometry.Set(std::move(keypoints));
    h.view.open_item(item_buffer(1, 400, 200), set_of(std::move(geometry)), "");
    h.frame();
    // Edge 0-1 joins two labelled points; 1-2 ends at a NotLabeled one.
    CHECK(h.ui.count("line") == 1);
}

TEST_CASE("image view: the spatial grid returns exactly the shapes in a rectangle",
          "[image_view]") {
    std::vector<Rect> bounds;
    std::uint64_t state = 12345;
    const auto next = [&] {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return static_cast<double>(state >> 11) / 9007199254740992.0;
    };
    for (int i = 0; i < 3000; ++i) {
        const double x = next() * 4000 - 100;  // some outside the 3840 x 2160 image
        const double y = next() * 2300 - 100;
        const double w = next() * (i % 100 == 0 ? 3000 : 60);
        const double h = next() * (i % 100 == 0 ? 2000 : 60);
        bounds.push_back({x, y, x + w, y + h});
    }
    SpatialGrid grid;
    grid.build({0, 0, 3840, 2160}, bounds);
    CHECK(grid.size() == 3000);
    CHECK(grid.cell_count() > 100);

    std::vector<std::uint32_t> found;
    for (int q = 0; q < 200; ++q) {
        const double x = next() * 4200 - 200;
        const double y = next() * 2500 - 200;
        // Some queries cover most of the image (found by walking the marks),
        // most a small part (found cell by cell, then sorted).
        const double side = q % 4 == 0 ? 3500 : 500;
        const Rect query{x, y, x + next() * side, y + next() * side};
        grid.query(query, found);
        std::vector<std::uint32_t> expected;
        for (std::uint32_t i = 0; i < bounds.size(); ++i) {
            if (bounds[i].intersects(query)) expected.push_back(i);
        }
        REQUIRE(found == expected);
    }
    grid.query({-1e9, -1e9, 1e9, 1e9}, found);
    CHECK(found.size() == 3000);
    grid.query({5000, 5000, 5001, 5001}, found);
    CHECK(found.empty());

    SpatialGrid empty;
    empty.build({0, 0, 0, 0}, {});
    empty.query({0, 0, 10, 10}, found);
    CHECK(found.empty());
}

TEST_CASE("image view: an oversized image header is refused before decoding", "[image_view]") {
    tessera::test::TempDir dir;
    // A PPM header claiming 20000 x 10 pixels, with no pixel data behind it.
    write_file(dir / "wide.ppm", "P6\n20000 10\n255\n");
    const HeaderCheck wide =
        tessera::view_image::check_image_header((dir / "wide.ppm").string(), {});
    CHECK_FALSE(wide.ok);
    CHECK(wide.width == 20000);
    CHECK(wide.message.find("16384") != std::string::npos);

    write_file(dir / "small.ppm", "P6\n10 10\n255\n" + std::string(300, '\x80'));
    CHECK(tessera::view_image::check_image_header((dir / "small.ppm").string(), {}).ok);
    const HeaderCheck many = tessera::view_image::check_image_header(
        (dir / "small.ppm").string(), ImageLimits{.max_side = 100, .max_pixels = 50});
    CHECK_FALSE(many.ok);
    CHECK(many.message.find("100 pixels, over the limit of 50") != std::string::npos);

    // Through the view: the message on the canvas, the boxes on a grey rectangle.
    Harness h(std::vector<BoxSpec>{{7, {10, 10, 110, 60}}}, 400, 200, (dir / "wide.ppm").string());
    REQUIRE(h.view.wait_for_image(10000));
    h.frame();
    CHECK(h.ui.has_text("over the limit"));
    CHECK(h.ui.textures.empty());
    CHECK(h.ui.count("fill_rect") >= 1);
    CHECK(h.ui.count("rect") == 1);
}

TEST_CASE("image view: an image is decoded off the main thread and uploaded as a texture",
          "[image_view]") {
    tessera::test::TempDir dir;
    std::string pixels;
    for (int i = 0; i < 8 * 4; ++i) pixels += std::string{'\x10', '\x20', '\x30'};
    write_file(dir / "photo.ppm", "P6\n8 4\n255\n" + pixels);

    Harness h({}, 0, 0, (dir / "photo.ppm").string());  // the item does not know its size
    REQUIRE(h.view.wait_for_image(10000));
    h.frame();
    REQUIRE(h.ui.textures.size() == 1);
    CHECK(h.ui.textures[0] == std::pair<std::uint32_t, std::uint32_t>(8, 4));
    CHECK(h.view.image_size().x == 8);
    CHECK(h.view.message().empty());
    h.frame();
    CHECK(h.ui.count("image") == 1);
    CHECK(h.view.scale() == Approx(100));  // fitted once the header gave the size

    // A missing file is a message, not a failure.
    Harness missing(std::vector<BoxSpec>{{7, {10, 10, 110, 60}}}, 400, 200,
                    (dir / "gone.png").string());
    REQUIRE(missing.view.wait_for_image(10000));
    missing.frame();
    CHECK(missing.ui.has_text("cannot open"));
    CHECK(missing.ui.count("rect") == 1);
}
