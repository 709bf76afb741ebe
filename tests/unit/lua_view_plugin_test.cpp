// Views written in Lua (lua/view_plugin/view_plugin.hpp, plugins/lua/README.md "Views in
// Lua"): a Lua plugin loaded from a folder becomes a tessera.view/1 view that
// the host drives like a native one, here through a fake tessera.host.ui/1
// that records what is drawn and a host whose submitted edit batches are kept.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <vector>

#include <tessera/ext/view.h>

#include "core/data_api.hpp"
#include "core/error.hpp"
#include "loader/loader.hpp"
#include "lua/lua_plugin.hpp"
#include "lua/view_plugin/view_plugin.hpp"
#include "store/project.hpp"
#include "support/fake_host_ui.hpp"
#include "support/format_helpers.hpp"
#include "support/plugin_log.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace tessera;
using Catch::Matchers::Contains;
using Bytes = std::vector<std::uint8_t>;

// --- a host UI that records ---------------------------------------------------------

// The shared fake UI with the middle button held, Ctrl down, the wheel turned
// 1.5 steps, widgets that answer, and the host naming and colouring "utterance".
struct FakeUi : test::FakeUi {
    FakeUi() {
        down[TESSERA_MOUSE_MIDDLE] = true;
        wheel = 1.5f;
        modifiers = TESSERA_MOD_CTRL;
        widgets_act = true;
        labels = {{"utterance", {0x40A0FFFFu, "Utterance"}}};
    }
};

// --- the data ------------------------------------------------------------------------

template <class T>
Bytes pack(const T& object, const char* identifier) {
    flatbuffers::FlatBufferBuilder builder;
    builder.Finish(T::TableType::Pack(builder, &object), identifier);
    return {builder.GetBufferPointer(), builder.GetBufferPointer() + builder.GetSize()};
}

/// Audio item 5 (duration unknown).
Bytes audio_item() {
    v1::ItemT item;
    item.id = 5;
    item.media = std::make_unique<v1::MediaT>();
    item.media->kind = v1::MediaKind::Audio;
    item.media->uri = "speech.wav";
    return pack(item, v1::ItemIdentifier());
}

/// Annotation `id` with `label` over start..end seconds.
std::unique_ptr<v1::AnnotationT> span(std::uint64_t id, std::string label, double start,
                                      double end) {
    auto a = std::make_unique<v1::AnnotationT>();
    a->id = id;
    a->label = std::move(label);
    v1::TimeSpanT time;
    time.start = start;
    time.end = end;
    a->geometry.Set(std::move(time));
    a->text = "kept text";
    return a;
}

/// The set of item 5: spans 7 (utterance, 0-2 s) and 8 (event, 4-5 s), or the first `count`.
Bytes spans(std::size_t count = 2) {
    v1::AnnotationSetT set;
    set.item = 5;
    set.annotations.push_back(span(7, "utterance", 0, 2));
    if (count > 1) set.annotations.push_back(span(8, "event", 4, 5));
    return pack(set, v1::AnnotationSetIdentifier());
}

tessera_bytes_t bytes(const Bytes& b) {
    return {b.data(), b.size()};
}

// A view that draws with every ui function, edits through ui:submit, and
// misbehaves on request (the tool names the misbehaviour).
constexpr const char* kViewSource = R"lua(
print("init.lua ran")
local item, annotations, media, kept_ui, old_item
return {
  api = 1,
  id = "test.view",
  views = { "tessera.view.image", {
    name = "Spans", media_kinds = "Audio, Video",
    tools = { { id = "select", name = "Select", key = "V" }, { id = "span", name = "Span", key = "F2" } },
    open_item = function(i, list, path) item, annotations, media = i, list, path end,
    set_annotations = function(list, i) old_item, item, annotations = item, i, list end,
    frame = function(ui, state)
      if state.tool == "loop" then while true do end end
      if state.tool == "fail" then error("frame failed on purpose") end
      if state.tool == "keep" then kept_ui = ui return end
      if state.tool == "use_kept" then kept_ui:line(0, 0, 1, 1, 0xFF) return end
      if state.tool == "old_item" then return old_item.kind end
      if state.tool == "hog" then hog = string.rep("x", 128 * 1024 * 1024) end
      if state.tool == "submit_then_loop" then
        ui:submit { { op = "delete", id = 8 } }
        for _ = 1, 100000000 do end
        ui:text(0, 0, "ran past the budget")
        return
      end
      if state.tool == "submit_loop" then
        while ui:submit { { op = "delete", id = 8 } } do end
        ui:text(0, 0, "ran past the budget")
        return
      end
      if state.tool == "bad_edit" then
        ui:submit { { op = "add", label = "event", geometry = { time_span = { start = 2, ["end"] = 1 } } } }
      end
      local w, h = ui:canvas_size()
      ui:set_transform(2, 10, 20)
      ui:line(0, 0, w, h, 0xFF0000FF, 3)
      ui:polyline({ 0, 0, 10, 0, 10, 10 }, 0x00FF00FF, 1.5, true)
      ui:fill_polygon({ 0, 0, 5, 0, 5, 5 }, 0x0000FFFF)
      ui:rect(1, 2, 3, 4, 0x11223344)
      ui:fill_rect(5, 6, 7, 8, 0x55667788)
      ui:circle(5, 6, 7, 0xAABBCCDD, 0)
      for _, a in ipairs(annotations) do
        local s, e = a:span()
        ui:text(s, e, string.format("%s %s %s/%d", ui:label_name(a.label), item.kind, a.text, #annotations),
                ui:label_color(a.label))
      end
      local input = ui:input()
      ui:text(input.x, input.y, string.format("%s %s %s %s %.1f %s [%s] %s", tostring(input.down.middle),
              tostring(input.down.left), tostring(input.ctrl), tostring(input.shift), input.wheel,
              state.tool, state.label, state.author))
      if ui:key_pressed("Delete") then ui:select(state.selected) end
      if input.released.left then
        local ok, why = ui:submit({
          { op = "add", label = state.label, geometry = { time_span = { start = input.x, ["end"] = 3.25 } },
            attributes = { speaker = "A", loud = true, count = 3, gain = 0.5, tags = { "x", "y" } },
            text = "hello", tier = "yi" },
          { op = "update", id = 7, geometry = { time_span = { start = 0.5, ["end"] = 1 } } },
          { op = "delete", id = 8 },
        }, "test edit")
        ui:text(0, 0, "submit " .. tostring(ok) .. " " .. tostring(why))
      end
    end,
    options = function(ui)
      local c1, checked = ui:checkbox("Snap", false)
      local c2, picked = ui:combo("Unit", 1, { "s", "ms", "frames" })
      local c3, text = ui:input_text("Name", "abc")
      local c4, value = ui:slider("Height", 30, 20, 60)
      local pressed = ui:button("Fit")
      ui:text(0, 0, string.format("%s %s %s %s %s %s %s %s %s", tostring(c1), tostring(checked),
              tostring(c2), picked, tostring(c3), text, tostring(c4), value, tostring(pressed)))
    end,
  } },
}
)lua";

constexpr const char* kManifest =
    R"({"id": "test.view", "name": "Test view", "version": "1.2.0", "sdk_version": "1.0", "kind": "lua", "file": "init.lua"})";

/// A plugin host with the test view loaded, a project attached and every
/// submitted batch kept (and refused while `refuse` is set or once
/// `refuse_after` are kept). With `call_back` set it hands the view its
/// annotations again from within submit, as the studio does after applying a batch.
struct Host {
    test::TempDir dir;
    test::PluginLog log;
    std::unique_ptr<store::Project> project;
    plugins::PluginHost plugins;
    std::vector<Bytes> batches;
    bool refuse = false;
    std::size_t refuse_after = SIZE_MAX;
    bool call_back = false;
    const plugins::ViewRecord* view = nullptr;

    explicit Host(std::string_view source = kViewSource, std::uint64_t instructions = 200'000)
        : plugins(plugins::LoadOptions{.lua = {.instructions = instructions}}) {
        test::put(dir / "plugin" / "plugin.json", kManifest);
        test::put(dir / "plugin" / "init.lua", source);
        project =
            std::make_unique<store::Project>(store::Project::create(dir / "project", "views"));
        plugins.set_log(log.fn());
        plugins.host_extensions().set_submit(
            [this](std::span<const std::uint8_t> batch) -> std::uint64_t {
                if (refuse || batches.size() >= refuse_after)
                    throw Error("the store is read-only today");
                batches.emplace_back(batch.begin(), batch.end());
                if (call_back) {
                    const Bytes set = spans();
                    (void)view->view->set_annotations(view->plugin, bytes(set));
                }
                return batches.size();
            });
        plugins.attach_project(project.get());
        const plugins::PluginRecord& record = plugins.load_folder(dir / "plugin");
        INFO(record.reason);
        REQUIRE(record.state == plugins::State::Loaded);
        REQUIRE(plugins.views().size() == 1);
        view = &plugins.views()[0];
    }

    tessera_status_t open(const Bytes& set) {
        const Bytes item = audio_item();
        return view->view->open_item(view->plugin, bytes(item), bytes(set), "/media/speech.wav");
    }

    void frame(FakeUi& ui, const char* tool, const char* label = "utterance",
               std::uint64_t selected = 0) {
        const tessera_view_state_t state{
            .tool = tool, .label = label, .selected = selected, .author = "tester"};
        view->view->frame(view->plugin, &test::fake_ui_api(), ui.handle(), &state);
    }

    [[nodiscard]] std::size_t logged(std::string_view text) {
        return static_cast<std::size_t>(std::count_if(
            log.lines.begin(), log.lines.end(),
            [&](const std::string& line) { return line.find(text) != std::string::npos; }));
    }
};

bool near(tessera_ui_vec2_t p, float x, float y) {
    return std::abs(p.x - x) < 1e-4f && std::abs(p.y - y) < 1e-4f;
}

}  // namespace

TEST_CASE(
    "lua view: a view table becomes a tessera.view/1 view, and init.lua runs again only when shown",
    "[lua][view]") {
    Host host;
    const plugins::PluginRecord* record = host.plugins.find("test.view");
    REQUIRE(record != nullptr);
    CHECK(std::find(record->extensions.begin(), record->extensions.end(), "tessera.view/1") !=
          record->extensions.end());
    const tessera_plugin_view_t& view = *host.view->view;
    CHECK(std::string(view.name) == "Spans");
    CHECK(std::string(view.media_kinds) == "Audio, Video");
    REQUIRE(view.tool_count == 2);
    CHECK(std::string(view.tools[0].id) == "select");
    CHECK(std::string(view.tools[0].name) == "Select");
    CHECK(view.tools[0].key == 'V');
    CHECK(view.tools[1].key == TESSERA_KEY_F1 + 1);
    CHECK(view.options != nullptr);
    CHECK(std::string(host.view->plugin->desc->id) == "test.view");
    CHECK(host.view->plugin->get_extension(host.view->plugin, TESSERA_EXT_VIEW) == &view);

    // Loading ran init.lua once; a host that never shows the view (the CLI) runs it no more.
    CHECK(host.logged("init.lua ran") == 1);
    REQUIRE(host.open(spans()) == TESSERA_OK);
    CHECK(host.logged("init.lua ran") == 2);
    FakeUi ui;
    host.frame(ui, "select");
    host.frame(ui, "select");
    CHECK(host.logged("init.lua ran") == 2);
}

TEST_CASE("lua view: frame() draws through the host UI in order, with the item and its annotations",
          "[lua][view]") {
    Host host;
    REQUIRE(host.open(spans()) == TESSERA_OK);
    FakeUi ui;
    ui.keys.insert(TESSERA_KEY_DELETE);
    ui.mouse = {30, 60};  // item (10, 20) once the transform is scale 2, offset (10, 20)
    host.frame(ui, "select", "utterance", 8);

    INFO(ui.calls.size());
    REQUIRE(ui.calls.size() == 9);
    CHECK(ui.scale == 2);
    CHECK(near(ui.offset, 10, 20));
    CHECK(ui.calls[0].kind == "line");
    CHECK((near(ui.calls[0].points[0], 0, 0) && near(ui.calls[0].points[1], 800, 600)));
    CHECK(ui.calls[0].color == 0xFF0000FFu);
    CHECK(ui.calls[0].thickness == 3);
    CHECK(ui.calls[1].kind == "closed_polyline");
    REQUIRE(ui.calls[1].points.size() == 3);
    CHECK((near(ui.calls[1].points[1], 10, 0) && near(ui.calls[1].points[2], 10, 10)));
    CHECK(ui.calls[1].thickness == 1.5f);
    CHECK(ui.calls[2].kind == "fill_polygon");
    CHECK(ui.calls[2].points.size() == 3);
    CHECK(ui.calls[2].color == 0x0000FFFFu);
    CHECK(ui.calls[3].kind == "rect");
    CHECK((near(ui.calls[3].points[0], 1, 2) && near(ui.calls[3].points[1], 3, 4)));
    CHECK(ui.calls[3].color == 0x11223344u);
    CHECK(ui.calls[4].kind == "fill_rect");
    CHECK(ui.calls[4].color == 0x55667788u);
    CHECK(ui.calls[5].kind == "circle");
    CHECK((near(ui.calls[5].points[0], 5, 6) && ui.calls[5].points[1].x == 7));
    CHECK(ui.calls[5].thickness == 0);
    // One text per time span, at its start and end, in its label's colour and name.
    CHECK(ui.calls[6].text == "Utterance audio kept text/2");
    CHECK(near(ui.calls[6].points[0], 0, 2));
    CHECK(ui.calls[6].color == 0x40A0FFFFu);
    CHECK(ui.calls[7].text == "event audio kept text/2");
    CHECK(near(ui.calls[7].points[0], 4, 5));
    // The input in item coordinates and the state the host passed.
    CHECK(ui.calls[8].text == "true false true false 1.5 select [utterance] tester");
    CHECK(near(ui.calls[8].points[0], 10, 20));
    CHECK(ui.calls[8].color == 0xFFFFFFFFu);
    CHECK(ui.selection == 8);  // Delete was down: the view selected state.selected
}

TEST_CASE("lua view: ui:submit builds the EditBatch the host applies", "[lua][view]") {
    Host host;
    REQUIRE(host.open(spans()) == TESSERA_OK);
    FakeUi ui;
    ui.mouse = {13, 20};  // item x 1.5
    ui.released[TESSERA_MOUSE_LEFT] = true;
    host.frame(ui, "span");
    INFO(ui.texts().back());
    CHECK(ui.texts().back() == "submit true nil");
    REQUIRE(host.batches.size() == 1);

    const auto* root = flatbuffers::GetRoot<v1::EditBatch>(host.batches[0].data());
    const std::unique_ptr<v1::EditBatchT> batch(root->UnPack());
    CHECK(batch->author == "tester");
    CHECK(batch->comment == "test edit");
    CHECK(batch->time > 1'600'000'000'000);
    REQUIRE(batch->ops.size() == 3);

    const v1::AddAnnotationT* add = batch->ops[0]->edit.AsAddAnnotation();
    REQUIRE(add != nullptr);
    CHECK(add->item == 5);
    const v1::AnnotationT& added = *add->annotation;
    CHECK(added.id == 0);
    CHECK(added.label == "utterance");
    REQUIRE(added.geometry.AsTimeSpan() != nullptr);
    CHECK(added.geometry.AsTimeSpan()->start == 1.5);
    CHECK(added.geometry.AsTimeSpan()->end == 3.25);
    CHECK(added.text == "hello");
    CHECK(added.tier == "yi");
    CHECK(added.frame == -1);
    REQUIRE(added.provenance);
    CHECK(added.provenance->author == "tester");
    CHECK(added.provenance->source == v1::Source::Human);
    // Attributes typed by their Lua values (the project has no schema), sorted by key.
    REQUIRE(added.attributes.size() == 5);
    std::vector<std::string> keys;
    for (const auto& a : added.attributes) keys.push_back(a->key);
    CHECK(keys == std::vector<std::string>{"count", "gain", "loud", "speaker", "tags"});
    CHECK(added.attributes[0]->type == v1::AttributeType::Int);
    CHECK(added.attributes[0]->int_value == 3);
    CHECK(added.attributes[1]->type == v1::AttributeType::Float);
    CHECK(added.attributes[1]->float_value == 0.5);
    CHECK(added.attributes[2]->type == v1::AttributeType::Bool);
    CHECK(added.attributes[2]->bool_value);
    CHECK(added.attributes[3]->type == v1::AttributeType::String);
    CHECK(added.attributes[3]->string_value == "A");
    CHECK(added.attributes[4]->type == v1::AttributeType::MultiEnum);
    CHECK(added.attributes[4]->strings == std::vector<std::string>{"x", "y"});

    // An update starts from the stored annotation and replaces what it gives.
    const v1::UpdateAnnotationT* update = batch->ops[1]->edit.AsUpdateAnnotation();
    REQUIRE(update != nullptr);
    CHECK(update->item == 5);
    CHECK(update->annotation->id == 7);
    CHECK(update->annotation->label == "utterance");
    CHECK(update->annotation->text == "kept text");
    REQUIRE(update->annotation->geometry.AsTimeSpan() != nullptr);
    CHECK(update->annotation->geometry.AsTimeSpan()->start == 0.5);
    CHECK(update->annotation->geometry.AsTimeSpan()->end == 1);

    const v1::DeleteAnnotationT* remove = batch->ops[2]->edit.AsDeleteAnnotation();
    REQUIRE(remove != nullptr);
    CHECK(remove->item == 5);
    CHECK(remove->annotation == 8);

    // A refused batch: ui:submit returns nil and the host's reason.
    host.refuse = true;
    FakeUi again;
    again.mouse = {13, 20};
    again.released[TESSERA_MOUSE_LEFT] = true;
    host.frame(again, "span");
    CHECK_THAT(again.texts().back(),
               Contains("submit nil") && Contains("the store is read-only today"));
}

TEST_CASE("lua view: set_annotations hands over fresh views and the old ones are gone",
          "[lua][view]") {
    Host host;
    REQUIRE(host.open(spans()) == TESSERA_OK);
    const Bytes one = spans(1);
    REQUIRE(host.view->view->set_annotations(host.view->plugin, bytes(one)) == TESSERA_OK);
    FakeUi ui;
    host.frame(ui, "select");
    const std::vector<std::string> texts = ui.texts();
    CHECK(std::count(texts.begin(), texts.end(), "Utterance audio kept text/1") == 1);
    CHECK(std::none_of(texts.begin(), texts.end(),
                       [](const std::string& t) { return t.starts_with("event"); }));

    FakeUi stale;
    host.frame(stale, "old_item");
    CHECK(host.logged("item handle used after its item is gone") == 1);
}

TEST_CASE("lua view: failing callbacks are reported once per message and the host goes on",
          "[lua][view]") {
    Host host;
    REQUIRE(host.open(spans()) == TESSERA_OK);
    FakeUi ui;
    for (int i = 0; i < 5; ++i) host.frame(ui, "fail");
    CHECK(host.logged("frame failed on purpose") == 1);
    CHECK_THAT(host.view->plugin->get_last_error(host.view->plugin),
               Contains("frame failed on purpose"));

    // A malformed edit raises a Lua error naming the field.
    host.frame(ui, "bad_edit");
    CHECK(host.logged("ui:submit: ops[1].geometry.time_span.end: must be >= start") == 1);
    CHECK(host.batches.empty());

    // An infinite loop spends the instruction budget; the next frame draws again.
    host.frame(ui, "loop");
    CHECK(host.logged("instruction budget of 200000 exceeded") == 1);
    FakeUi after;
    host.frame(after, "select");
    CHECK(after.calls.size() == 9);

    // A ui kept past its frame() raises when used later.
    host.frame(ui, "keep");
    FakeUi later;
    host.frame(later, "use_kept");
    CHECK(host.logged("ui used after its frame() or options() call returned") == 1);
    CHECK(later.calls.empty());

    // A bad buffer is refused with a status and a reason.
    const Bytes garbage(64, 0x5A);
    const Bytes item = audio_item();
    CHECK(host.view->view->open_item(host.view->plugin, bytes(item), bytes(garbage), "") ==
          TESSERA_INVALID_ARGUMENT);
    CHECK_THAT(host.view->plugin->get_last_error(host.view->plugin),
               Contains("open_item: annotations"));
}

TEST_CASE("lua view: a host calling back into the view from ui:submit leaves frame() its budget",
          "[lua][view]") {
    Host host(kViewSource, 50'000);
    host.call_back = true;
    host.refuse_after = 20'000;
    REQUIRE(host.open(spans()) == TESSERA_OK);

    // The loop after ui:submit is stopped although set_annotations ran in between.
    FakeUi ui;
    host.frame(ui, "submit_then_loop");
    CHECK(host.batches.size() == 1);
    CHECK(host.logged("frame: instruction budget of 50000 exceeded") == 1);
    CHECK(ui.texts().empty());

    // Each callback spends the frame's budget rather than renewing it.
    FakeUi loop;
    host.frame(loop, "submit_loop");
    CHECK(host.batches.size() < 20'000);
    CHECK(loop.texts().empty());

    // The view goes on: the next frame draws both spans.
    FakeUi after;
    host.frame(after, "select");
    CHECK(after.calls.size() == 9);
}

TEST_CASE("lua view: a view out of memory gets a fresh state that is shown the item again",
          "[lua][view]") {
    Host host;
    REQUIRE(host.open(spans()) == TESSERA_OK);
    FakeUi ui;
    host.frame(ui, "hog");
    CHECK(host.logged("frame: out of memory (limit 64 MiB)") == 1);
    CHECK(host.logged("init.lua ran") == 2);
    FakeUi after;
    host.frame(after, "select");
    CHECK(host.logged("init.lua ran") == 3);
    const std::vector<std::string> texts = after.texts();
    CHECK(std::count(texts.begin(), texts.end(), "Utterance audio kept text/2") == 1);
}

TEST_CASE("lua view: a view whose state cannot be opened is tried again at the next item only",
          "[lua][view]") {
    // The plugin loaded; in the view's own state its init.lua fails.
    const test::TempDir dir;
    test::put(dir / "init.lua", kViewSource);
    const auto loaded =
        lua::load_lua_plugin(dir.path(), "test.view", "init.lua", {}, [](std::string_view) {});
    int runs = 0;
    const auto broken = std::make_shared<const lua::LuaPlugin>(
        loaded->file(), "print('init.lua ran') error('no state today')", loaded->limits(),
        loaded->info(), [&](std::string_view) { ++runs; });
    lua::LuaView view(broken, nullptr, "Test view", "1.2.0");

    const Bytes item = audio_item();
    const Bytes set = spans();
    CHECK(view.open_item(bytes(item), bytes(set), "") == TESSERA_ERROR);
    CHECK_THAT(view.last_error(), Contains("open_item") && Contains("no state today"));
    CHECK(runs == 1);
    FakeUi ui;
    const tessera_view_state_t state{.tool = "select", .label = "", .selected = 0, .author = ""};
    for (int i = 0; i < 60; ++i) view.frame(test::fake_ui_api(), ui.handle(), state);
    CHECK(runs == 1);
    CHECK(ui.calls.empty());
    CHECK(view.set_annotations(bytes(set)) == TESSERA_ERROR);
    CHECK(runs == 1);

    CHECK(view.open_item(bytes(item), bytes(set), "") == TESSERA_ERROR);
    CHECK(runs == 2);
}

TEST_CASE("lua view: the widgets of options() return what the host changed", "[lua][view]") {
    Host host;
    FakeUi ui;
    host.view->view->options(host.view->plugin, &test::fake_ui_api(), ui.handle());
    REQUIRE(ui.calls.size() == 6);
    CHECK(ui.calls[0].kind == "checkbox");
    CHECK(ui.calls[1].kind == "combo");
    CHECK(ui.calls[1].text == "Unit:frames");
    CHECK(ui.calls[1].thickness == 0);  // 1-based 1 is the host's 0
    CHECK(ui.calls[2].text == "Name:abc");
    CHECK(ui.calls[3].kind == "slider");
    CHECK(ui.calls[3].thickness == 30);
    CHECK(ui.calls[4].kind == "button");
    CHECK(ui.calls[5].text == "true true true 3 true abc! true 60.0 true");
}

TEST_CASE("lua view: a bad view declaration is refused with the file and the path", "[lua][view]") {
    const test::TempDir dir;
    const auto refused = [&](const std::string& views) {
        test::put(dir / "init.lua", "return { api = 1, id = 'test.bad', views = " + views + " }");
        try {
            (void)lua::load_lua_plugin(dir.path(), "test.bad");
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string("loaded");
    };
    const std::string functions =
        "open_item = function() end, set_annotations = function() end, frame = function() end";
    const std::string tools = "tools = { { id = 'a', name = 'A' } }";
    CHECK_THAT(
        refused("{ { name = 'T', media_kinds = 'Sound', " + tools + ", " + functions + " } }"),
        Contains("init.lua: views[1].media_kinds: expected comma-separated media kinds among "
                 "Image, Video, Audio, Text, PointCloud, Volume, got \"Sound\""));
    CHECK_THAT(refused("{ 'x', { name = 'T', media_kinds = 'Audio', " + tools +
                       ", open_item = function() end, set_annotations = function() end } }"),
               Contains("init.lua: views[2].frame: expected a function(ui, state), got nil"));
    CHECK_THAT(refused("{ { name = 'T', media_kinds = 'Audio', tools = { { id = 'a', name = 'A', "
                       "key = 'Ctrl' } }, " +
                       functions + " } }"),
               Contains("views[1].tools[1].key: expected a key"));
    CHECK_THAT(refused("{ { name = 'T', media_kinds = 'Audio', tools = {}, " + functions + " } }"),
               Contains("views[1].tools: required, at least one tool"));
    const std::string good =
        "{ name = 'T', media_kinds = 'Audio', " + tools + ", " + functions + " }";
    CHECK_THAT(refused("{ " + good + ", " + good + " }"),
               Contains("views[2]: a plugin defines at most one view, and views[1] is one"));
    CHECK_THAT(refused("{ 42 }"),
               Contains("views[1]: expected a view id (string) or a view table, got 42"));
    CHECK(refused("{ " + good + " }") == "loaded");
}

TEST_CASE("lua view: the bundled timeline loads as the Audio and Video view", "[lua][view]") {
    const auto plugin = lua::load_lua_plugin(
        std::string(TESSERA_SOURCE_DIR) + "/plugins/lua/timeline", "tessera.timeline");
    REQUIRE(plugin->info().view);
    CHECK(plugin->info().view->name == "Timeline");
    CHECK(plugin->info().view->media_kinds == "Audio,Video");
    REQUIRE(plugin->info().view->tools.size() == 2);
    CHECK(plugin->info().view->tools[1].id == "span");
    CHECK(plugin->info().view->tools[1].key == 'S');
}
