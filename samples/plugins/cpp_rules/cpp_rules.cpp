// cpp_rules: a native Tessera plugin written with the C++ helpers. One label
// schema and two QA rules; every callback is wrapped by the helpers, so an
// exception here becomes an error status and a log line, never a crash.

#include <string>

#include <tessera/cpp/tessera.hpp>

namespace v1 = tessera::v1;
using tessera::cpp::Findings;
using tessera::cpp::QaInput;

namespace {

constexpr const char* kMinBox = "com.example.cpp-rules.min-box";
constexpr const char* kRequiredAttribute = "com.example.cpp-rules.required-attribute";

std::string pixels(double value) {
    return std::to_string(static_cast<long long>(value)) + " px";
}

// Boxes smaller than `min_size` pixels (parameter, default 8) in either dimension.
void check_min_box(const QaInput& input, Findings& findings) {
    const double min_size = findings.number("min_size", 8);
    for (const v1::Annotation* annotation : input.annotations()) {
        const v1::Box* box = annotation->geometry_as_Box();
        if (!box) continue;
        const double width = box->right() - box->left();
        const double height = box->bottom() - box->top();
        if (width < min_size || height < min_size) {
            findings.report(annotation->id(),
                            "box is " + pixels(width) + " x " + pixels(height) + ", smaller than " +
                                pixels(min_size),
                            "redraw the box around the whole object, or delete it if the object "
                            "is too small to label");
        }
    }
}

// Annotations of label `label` (default "traffic_light") without attribute
// `attribute` (default "state").
void check_required_attribute(const QaInput& input, Findings& findings) {
    const std::string label = findings.text("label", "traffic_light");
    const std::string attribute = findings.text("attribute", "state");
    for (const v1::Annotation* annotation : input.annotations()) {
        if (tessera::cpp::text(annotation->label()) != label) continue;
        if (tessera::cpp::find_attribute(*annotation, attribute)) continue;
        findings.report(annotation->id(), label + " has no " + attribute,
                        "set " + attribute + " on the " + label);
    }
}

class TrafficRules : public tessera::cpp::PluginBase {
public:
    static constexpr tessera_plugin_descriptor_t descriptor = {
        .sdk_version = TESSERA_VERSION_INIT,
        .id = "com.example.cpp-rules",  // must match plugin.json
        .name = "C++ rules sample",
        .vendor = "Example Inc.",
        .version = "1.0.0",
        .description = "A traffic schema and two QA rules written with the C++ helpers",
    };

    TrafficRules() {
        tessera::cpp::LabelSchemaBuilder schema("com.example.traffic", "1.0.0",
                                                {{"en", "Traffic"}, {"zh-CN", "交通"}});
        schema.add_class("car", {{"en", "Car"}, {"zh-CN", "汽车"}})
            .geometry({v1::GeometryKind::Box})
            .color(0x3080FFFF);
        schema.add_class("pedestrian", {{"en", "Pedestrian"}, {"zh-CN", "行人"}})
            .geometry({v1::GeometryKind::Box});
        schema.add_class("traffic_light", {{"en", "Traffic light"}, {"zh-CN", "交通灯"}})
            .geometry({v1::GeometryKind::Box})
            .add_attribute("state", v1::AttributeType::Enum, {{"en", "State"}, {"zh-CN", "状态"}})
            .value("red", {{"en", "Red"}, {"zh-CN", "红"}})
            .value("yellow", {{"en", "Yellow"}, {"zh-CN", "黄"}})
            .value("green", {{"en", "Green"}, {"zh-CN", "绿"}})
            .required();
        add_label_schema(schema);

        add_rule(kMinBox, "boxes are at least min_size pixels (default 8) wide and high",
                 TESSERA_SEVERITY_WARNING, check_min_box);
        add_rule(kRequiredAttribute,
                 "annotations of `label` (default traffic_light) set `attribute` (default state)",
                 TESSERA_SEVERITY_ERROR, check_required_attribute);
    }
};

}  // namespace

TESSERA_CPP_PLUGIN_ENTRY(TrafficRules);
