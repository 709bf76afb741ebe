// Writing COCO instances JSON from an ItemSource, with fmt. A file is written as it
// goes: the annotations, most of the text, pass through an unnamed scratch file in
// 1 MiB pieces (the images must come first), and the file is replaced atomically.
// See coco.hpp for what the COCO module implements and what it does not, and the
// conventions it keeps.

#include <algorithm>
#include <charconv>
#include <deque>
#include <map>
#include <set>
#include <span>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>
#include <tessera/cpp/strings.hpp>

#include "coco.hpp"
#include "coco_fidelity.hpp"
#include "coco_write_losses.hpp"
#include "core/file_io.hpp"
#include "core/json_text.hpp"
#include "formats/files.hpp"
#include "formats/geometry.hpp"

namespace tessera::formats::coco {
namespace {

using Points = flatbuffers::Vector<const v1::Point2*>;
constexpr std::string_view prefix = "coco:";

template <class... Args>
void append(std::string& out, fmt::format_string<Args...> format, Args&&... args) {
    fmt::format_to(std::back_inserter(out), format, std::forward<Args>(args)...);
}

using cpp::text;

template <class Integer>
void append_integer(std::string& out, Integer value) {
    const fmt::format_int text(value);
    out.append(text.data(), text.size());
}

/// A Float attribute keeps its fraction ("3.0") so that it reads back as a Float.
void append_float(std::string& out, double value) {
    const std::size_t start = out.size();
    append_json_number(out, value);
    if (out.find_first_of(".eEn", start) == std::string::npos) out += ".0";
}

/// Appends `"field":value` for metadata "coco:<field>" not in `reserved`; values that are
/// not JSON (set by something other than this reader) are written as strings.
void append_metadata(std::string& out,
                     const flatbuffers::Vector<flatbuffers::Offset<v1::KeyValue>>* metadata,
                     std::initializer_list<std::string_view> reserved) {
    if (metadata == nullptr) return;
    for (std::uint32_t i = 0; i < metadata->size(); ++i) {
        const std::string_view key = text(metadata->Get(i)->key());
        if (!key.starts_with(prefix)) continue;
        const std::string_view field = key.substr(prefix.size());
        if (field.empty() || std::find(reserved.begin(), reserved.end(), field) != reserved.end())
            continue;
        bool repeated = false;  // keys are unique in JSON objects: keep the first
        for (std::uint32_t j = 0; j < i && !repeated; ++j)
            repeated = text(metadata->Get(j)->key()) == key;
        if (repeated) continue;
        out += ',';
        append_json_string(out, field);
        out += ':';
        const std::string_view value = text(metadata->Get(i)->value());
        if (is_json(value))
            out += value;
        else
            append_json_string(out, value);
    }
}

/// Appends [x1,y1,x2,y2,...]: a polygon ring as COCO writes it.
void append_ring(std::string& out, std::span<const v1::Point2> points) {
    out += '[';
    for (std::size_t i = 0; i < points.size(); ++i) {
        if (i > 0) out += ',';
        append_json_number(out, points[i].x());
        out += ',';
        append_json_number(out, points[i].y());
    }
    out += ']';
}

/// One category to write.
struct Category {
    std::string_view key;
    std::string_view parent;
    const v1::LabelClass* cls = nullptr;  // null for labels the schema does not declare
    std::int64_t id = 0;
    bool has_id = false;      // ids may be 0 (files converted from 0-based class lists)
    bool group_only = false;  // only a parent of others: written only when used
    bool used = false;
};

class Writer {
public:
    /// With `scratch`, the annotations go there once a piece of them is written.
    /// `out` is the file written (empty for text): its name gives the subset it
    /// holds (instances_val.json), and media are copied beside it.
    Writer(const ItemSource& source, WriteStats& stats, const WriteOptions& options,
           ScratchFile* scratch, const std::filesystem::path& out = {})
        : source_(source),
          schema_(source.schema()),
          stats_(stats),
          options_(options),
          scratch_file_(scratch),
          out_(out),
          file_subset_(detail::subset_of_file(out)) {}

    /// Copies the media of the items written to images/<dataset name> beside the
    /// file (options.copy_media); called once everything is written, so that an
    /// export refused for a loss (--strict) copies nothing.
    void copy_media_files() {
        const std::filesystem::path images = out_.parent_path() / "images";
        for (const auto& [item, name] : media_) {
            flatbuffers::FlatBufferBuilder fbb;
            fbb.Finish(v1::Item::Pack(fbb, &item));
            const v1::Item& packed = *flatbuffers::GetRoot<v1::Item>(fbb.GetBufferPointer());
            copy_media(source_, packed, images / output_path(item.id, name), options_);
        }
    }

    /// The text but for what went to the scratch file, which goes between the two.
    struct Text {
        std::string head;  // top-level fields, the images and the opening of "annotations"
        std::string rest;  // the annotations not in the scratch file, the categories
    };

    Text write() {
        plan_categories();
        const std::uint64_t total = source_.item_count();
        std::uint64_t done = 0;
        source_.for_each_item([&](const v1::Item& item, const v1::AnnotationSet& set) {
            const std::string name = dataset_name(item);
            const std::string place = detail::item_place(item, name);
            write_image(item, name, place);
            write_annotations(set, place);
            if (options_.copy_media && !out_.empty()) {
                media_.emplace_back();
                item.UnPackTo(&media_.back().first);
                media_.back().second = name;
            }
            // One buffer reused: on a virtual machine each page of memory touched for
            // the first time costs microseconds, and the text is larger than its input.
            if (scratch_file_ != nullptr && annotations_.size() >= kPiece) {
                scratch_file_->write(annotations_);
                annotations_.clear();
            }
            if (++done % 256 == 0 && options_.progress) options_.progress(done, total);
        });
        write_categories();

        std::string head = "{";
        if (const auto* metadata = schema_.metadata()) {
            // Other top-level fields ("info", "licenses") go first, as in COCO's own files.
            std::string fields;
            append_metadata(fields, metadata, {"images", "annotations", "categories"});
            if (!fields.empty()) head.append(fields, 1).append(",\n");
        }
        head += "\"images\":[\n";
        head += images_;
        head += "],\n\"annotations\":[\n";
        Text text{std::move(head), {}};
        text.rest = std::move(annotations_);
        text.rest += "],\n\"categories\":[\n";
        text.rest += categories_text_;
        text.rest += "]}\n";
        if (options_.progress) options_.progress(total, total);
        return text;
    }

private:
    void plan_categories() {
        std::unordered_set<std::string_view> parents;
        if (const auto* classes = schema_.classes()) {
            for (const v1::LabelClass* cls : *classes) parents.insert(text(cls->parent()));
            for (const v1::LabelClass* cls : *classes) {
                if (by_key_.count(text(cls->key()))) continue;  // keys are unique; keep the first
                Category category{text(cls->key()), text(cls->parent()), cls};
                category.group_only = parents.count(category.key) != 0;
                if (const auto* kv = find_metadata(cls->metadata(), "coco:category_id")) {
                    const std::string_view text = cpp::text(kv->value());
                    std::int64_t id = 0;
                    const auto [end, error] =
                        std::from_chars(text.data(), text.data() + text.size(), id);
                    if (error == std::errc() && end == text.data() + text.size() &&
                        taken_.insert(id).second) {
                        category.id = id;
                        category.has_id = true;
                    }
                    category.group_only = false;  // it was a category: keep it one
                }
                by_key_.emplace(category.key, categories_.size());
                categories_.push_back(category);
            }
        }
        if (const auto* skeletons = schema_.skeletons())
            for (const v1::Skeleton* skeleton : *skeletons)
                skeletons_.emplace(text(skeleton->key()), skeleton);
        // Free ids go to real categories first, then to groups, so unused groups leave no gap.
        for (Category& category : categories_)
            if (!category.has_id && !category.group_only) assign_free_id(category);
        for (Category& category : categories_)
            if (!category.has_id) assign_free_id(category);
    }

    static const v1::KeyValue* find_metadata(
        const flatbuffers::Vector<flatbuffers::Offset<v1::KeyValue>>* metadata,
        std::string_view key) {
        if (metadata == nullptr) return nullptr;
        for (const v1::KeyValue* kv : *metadata)
            if (text(kv->key()) == key) return kv;
        return nullptr;
    }

    void assign_free_id(Category& category) {
        while (taken_.count(next_id_)) ++next_id_;
        taken_.insert(next_id_);
        category.id = next_id_;
        category.has_id = true;
    }

    /// The category of `label`, declared on the fly when the schema lacks it.
    Category& category_of(std::string_view label) {
        const auto found = by_key_.find(label);
        if (found != by_key_.end()) return categories_[found->second];
        const std::string& key = extra_keys_.emplace_back(label);
        Category category{key, {}};
        assign_free_id(category);
        by_key_.emplace(key, categories_.size());
        categories_.push_back(category);
        return categories_.back();
    }

    void write_image(const v1::Item& item, const std::string& name, const std::string& place) {
        ++stats_.images;
        std::string& out = images_;
        if (stats_.images > 1) out += ",\n";
        const v1::Media* media = item.media();
        image_id_ = image_id(item);
        append(out, "{{\"id\":{},\"file_name\":", image_id_);
        append_json_string(out, name);  // the dataset's own name, not the project's path
        detail::note_item_losses(options_, item, place);
        // One COCO file holds one subset, which Datumaro and CVAT name it by.
        if (const std::string_view subset = text(item.subset());
            !subset.empty() && subset != file_subset_)
            options_.lost(file_subset_.empty()
                              ? "item subsets (one COCO file holds one subset: name it "
                                "instances_<subset>.json and export each subset on its own)"
                              : "items of another subset than the file's name states",
                          {}, fmt::format("{} subset {}", place, subset));
        append(out, ",\"width\":{},\"height\":{}", media ? media->width() : 0,
               media ? media->height() : 0);
        append_metadata(out, item.metadata(), {"id", "file_name", "width", "height"});
        out += '}';
    }

    /// The image id the file had ("coco:id") when an integer not yet taken, else
    /// the smallest free one.
    std::int64_t image_id(const v1::Item& item) {
        if (const auto* kv = find_metadata(item.metadata(), "coco:id")) {
            const std::string_view text = cpp::text(kv->value());
            std::int64_t id = 0;
            const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
            if (error == std::errc() && end == text.data() + text.size() &&
                image_ids_.insert(id).second)
                return id;
        }
        while (image_ids_.count(next_image_id_)) ++next_image_id_;
        image_ids_.insert(next_image_id_);
        return next_image_id_;
    }

    /// True when COCO has a form for geometry `kind`.
    static bool expressible(v1::Geometry kind) { return detail::unwritable(kind).empty(); }

    void write_annotations(const v1::AnnotationSet& set, const std::string& place) {
        const auto* annotations = set.annotations();
        if (annotations == nullptr) return;
        const std::uint32_t n = annotations->size();
        // Keypoints whose parent is a shape written here merge into that shape's object.
        merged_into_.assign(n, UINT32_MAX);   // keypoints index -> parent index
        keypoints_of_.assign(n, UINT32_MAX);  // parent index -> keypoints index
        ids_.clear();
        for (std::uint32_t k = 0; k < n; ++k) {
            const v1::Annotation* a = annotations->Get(k);
            if (a->geometry_type() != v1::Geometry::Keypoints || a->parent() == 0) continue;
            if (ids_.empty()) {
                for (std::uint32_t p = 0; p < n; ++p)
                    ids_.emplace_back(annotations->Get(p)->id(), p);
                std::sort(ids_.begin(), ids_.end());
            }
            const auto found = std::lower_bound(
                ids_.begin(), ids_.end(), std::pair<std::uint64_t, std::uint32_t>{a->parent(), 0});
            if (found == ids_.end() || found->first != a->parent()) continue;
            const std::uint32_t p = found->second;
            const v1::Annotation* parent = annotations->Get(p);
            const v1::Geometry parent_kind = parent->geometry_type();
            if (parent_kind != v1::Geometry::Keypoints && expressible(parent_kind) &&
                text(parent->label()) == text(a->label()) && keypoints_of_[p] == UINT32_MAX) {
                keypoints_of_[p] = k;
                merged_into_[k] = p;
            }
        }
        plan_groups(*annotations);
        for (std::uint32_t i = 0; i < n; ++i) {
            if (merged_into_[i] != UINT32_MAX || group_leader_[i] != i) continue;
            const v1::Annotation* a = annotations->Get(i);
            const v1::Annotation* keypoints =
                keypoints_of_[i] == UINT32_MAX ? nullptr : annotations->Get(keypoints_of_[i]);
            parts_.assign(1, a);
            if (a->group() != 0)
                for (std::uint32_t j = i + 1; j < n; ++j)
                    if (group_leader_[j] == i) parts_.push_back(annotations->Get(j));
            const std::string where = fmt::format("{} annotation {}", place, a->id());
            if (!write_annotation(*a, parts_, keypoints, where) && keypoints != nullptr) {
                // Keypoints meant to merge into a shape that cannot be written stand alone.
                parts_.assign(1, keypoints);
                (void)write_annotation(*keypoints, parts_, nullptr,
                                       fmt::format("{} annotation {}", place, keypoints->id()));
            } else if (keypoints != nullptr) {
                const std::string kept = fmt::format("{} annotation {}", place, keypoints->id());
                if ((keypoints->attributes() && keypoints->attributes()->size() > 0) ||
                    (keypoints->metadata() && keypoints->metadata()->size() > 0))
                    options_.lost(
                        "attributes and metadata of keypoints merged into their shape's COCO "
                        "object (the shape's are written)",
                        text(keypoints->label()), kept);
                detail::note_annotation_losses(options_, *keypoints, true, kept);
            }
        }
    }

    /// Polygons of one item sharing a group and a label become one COCO object with
    /// several polygons, as labelme2coco makes labelme's shapes sharing a group_id:
    /// group_leader_[i] = the first such polygon (i itself for any other annotation).
    void plan_groups(const flatbuffers::Vector<flatbuffers::Offset<v1::Annotation>>& annotations) {
        const std::uint32_t n = annotations.size();
        group_leader_.resize(n);
        leaders_.clear();
        for (std::uint32_t i = 0; i < n; ++i) {
            group_leader_[i] = i;
            const v1::Annotation* a = annotations.Get(i);
            const v1::Geometry kind = a->geometry_type();
            if (a->group() == 0 || merged_into_[i] != UINT32_MAX ||
                (kind != v1::Geometry::Polygon && kind != v1::Geometry::MultiPolygon))
                continue;
            const auto [it, added] = leaders_.emplace(std::pair(a->group(), text(a->label())), i);
            // Keypoints merged into a polygon stay with it: such a polygon leads its group.
            if (!added && keypoints_of_[i] == UINT32_MAX) group_leader_[i] = it->second;
        }
    }

    /// Writes one annotation object for `a` (with the other polygons of its group,
    /// `parts`, which start with `a`); notes what COCO cannot carry, and returns
    /// false when nothing could be written.
    bool write_annotation(const v1::Annotation& a, std::span<const v1::Annotation* const> parts,
                          const v1::Annotation* keypoints, const std::string& where) {
        const v1::Geometry kind = a.geometry_type();
        const std::string_view label = text(a.label());
        if (const std::string_view what = detail::unwritable(kind); !what.empty()) {
            ++stats_.skipped[v1::EnumNameGeometry(kind)];
            options_.lost(what, label, where);
            return false;
        }
        if (label.empty()) {
            ++stats_.skipped["no label"];
            options_.lost("annotations without a label", {}, where);
            return false;
        }
        std::string& out = scratch_;
        out.clear();
        if (!append_segmentation(out, parts, where)) {
            ++stats_.skipped["empty shape"];
            options_.lost("empty shapes (no points)", label, where);
            return false;
        }

        Category& category = category_of(label);
        category.used = true;
        std::optional<Bounds> bounds;
        double area = 0;
        for (const v1::Annotation* part : parts) {
            if (const std::optional<Bounds> b = bounds_of(*part)) {
                if (!bounds) bounds = *b;
                bounds->left = std::min(bounds->left, b->left);
                bounds->top = std::min(bounds->top, b->top);
                bounds->right = std::max(bounds->right, b->right);
                bounds->bottom = std::max(bounds->bottom, b->bottom);
            }
            area += area_of(*part);
        }
        const Bounds box = bounds.value_or(Bounds{});
        detail::Bbox bbox{box.left, box.top, box.width(), box.height()};
        // area_of is 0 for keypoints; COCO's keypoint evaluation needs an object scale.
        if (kind == v1::Geometry::Keypoints) area = box.width() * box.height();
        if (parts.size() == 1) keep_file_values(a, bbox, area);

        ++stats_.annotations;
        std::string& dst = annotations_;
        if (stats_.annotations > 1) dst += ",\n";
        append(dst, "{{\"id\":{},\"image_id\":{},\"category_id\":{}", stats_.annotations, image_id_,
               category.id);
        dst += out;
        dst += ",\"area\":";
        append_json_number(dst, area);
        dst += ",\"bbox\":";
        dst += detail::bbox_text(bbox);
        append_attributes(dst, a.attributes());
        if (kind == v1::Geometry::Keypoints)
            append_keypoints(dst, *a.geometry_as_Keypoints());
        else if (keypoints != nullptr)
            append_keypoints(dst, *keypoints->geometry_as_Keypoints());
        append_metadata(dst, a.metadata(),
                        {"id", "image_id", "category_id", "bbox", "segmentation", "area", "iscrowd",
                         "keypoints", "num_keypoints", "attributes"});
        dst += '}';
        note_losses(a, parts, where);
        return true;
    }

    /// The bbox and area the file stated ("coco:bbox", "coco:area", kept by the
    /// reader where they differ from the shape's) instead of the computed ones,
    /// while they still fit the shape (see coco_fidelity.hpp).
    static void keep_file_values(const v1::Annotation& a, detail::Bbox& bbox, double& area) {
        const detail::Bbox computed = bbox;
        if (const auto* kv = find_metadata(a.metadata(), "coco:bbox"))
            if (const std::optional<detail::Bbox> kept = detail::parse_bbox(text(kv->value()));
                kept && detail::bbox_fits(*kept, computed))
                bbox = *kept;
        if (const auto* kv = find_metadata(a.metadata(), "coco:area"))
            if (const std::optional<double> kept = detail::parse_number(text(kv->value()));
                kept && detail::area_fits(*kept, area, computed))
                area = *kept;
    }

    void note_losses(const v1::Annotation& a, std::span<const v1::Annotation* const> parts,
                     const std::string& where) {
        const std::string_view label = text(a.label());
        // Only keypoints merged into their shape keep a parent link, and those are
        // noted where they merge (write_annotations).
        detail::note_annotation_losses(options_, a, false, where);
        if (a.group() != 0 && parts.size() == 1)
            options_.lost(
                "group ids (COCO has none; polygons of one group and label become one "
                "annotation)",
                label, where);
        std::string first_attributes;
        for (std::size_t i = 1; i < parts.size(); ++i) {
            const v1::Annotation& part = *parts[i];
            const std::string part_where = fmt::format("{} (group {})", where, part.id());
            if (first_attributes.empty()) append_attributes(first_attributes, a.attributes());
            std::string these;
            append_attributes(these, part.attributes());
            if (these != first_attributes)
                options_.lost(
                    "attributes of grouped polygons that differ from the first's (the first's "
                    "are written)",
                    label, part_where);
            detail::note_annotation_losses(options_, part, false, part_where);
        }
    }

    /// Appends ,"segmentation":... (an empty list for boxes and keypoints, as Datumaro
    /// and CVAT write, and pycocotools reads); false for empty shapes.
    bool append_segmentation(std::string& out, std::span<const v1::Annotation* const> parts,
                             const std::string& where) {
        const v1::Annotation& a = *parts.front();
        switch (a.geometry_type()) {
            case v1::Geometry::Polygon:
            case v1::Geometry::MultiPolygon: {
                out += ",\"segmentation\":[";
                bool any = false;
                for (const v1::Annotation* part : parts) {
                    std::vector<const v1::Polygon*> polygons;
                    if (const auto* polygon = part->geometry_as_Polygon())
                        polygons.push_back(polygon);
                    else if (const auto* list = part->geometry_as_MultiPolygon()->polygons())
                        polygons.assign(list->begin(), list->end());
                    for (const v1::Polygon* polygon : polygons) {
                        if (const auto* rings = polygon->ring_ends(); rings && rings->size() > 1) {
                            stats_.holes_dropped += rings->size() - 1;
                            for (std::uint32_t r = 1; r < rings->size(); ++r)
                                options_.lost(
                                    "polygon holes (COCO polygons have none; the outer ring is "
                                    "written)",
                                    text(part->label()), where);
                        }
                        const std::span<const v1::Point2> ring = outer_ring(*polygon);
                        if (ring.empty()) continue;
                        if (any) out += ',';
                        append_ring(out, ring);
                        any = true;
                    }
                }
                out += ']';
                return any;
            }
            case v1::Geometry::RotatedBox:
                out += ",\"segmentation\":[";
                append_ring(out, corners_of(*a.geometry_as_RotatedBox()));
                out += ']';
                return true;
            case v1::Geometry::Mask: {
                const auto* mask = a.geometry_as_Mask();
                append(out, ",\"segmentation\":{{\"size\":[{},{}],\"counts\":[", mask->height(),
                       mask->width());
                if (const auto* counts = mask->counts())
                    for (std::uint32_t i = 0; i < counts->size(); ++i) {
                        if (i > 0) out += ',';
                        append_integer(out, counts->Get(i));
                    }
                out += "]}";
                return true;
            }
            default:
                out += ",\"segmentation\":[]";  // Box and Keypoints: the bbox says it all
                return true;
        }
    }

    void append_attributes(
        std::string& out,
        const flatbuffers::Vector<flatbuffers::Offset<v1::Attribute>>* attributes) {
        bool crowd = false;
        std::size_t opened = 0;
        if (attributes != nullptr) {
            for (const v1::Attribute* attribute : *attributes) {
                const std::string_view key = text(attribute->key());
                if (key == "iscrowd") {
                    crowd = attribute->type() == v1::AttributeType::Bool
                                ? attribute->bool_value()
                                : attribute->int_value() != 0;
                    continue;
                }
                out += opened++ == 0 ? ",\"attributes\":{" : ",";
                append_json_string(out, key);
                out += ':';
                append_attribute_value(out, *attribute);
            }
        }
        if (opened > 0) out += '}';
        out += crowd ? ",\"iscrowd\":1" : ",\"iscrowd\":0";
    }

    static void append_attribute_value(std::string& out, const v1::Attribute& attribute) {
        switch (attribute.type()) {
            case v1::AttributeType::Bool:
                out += attribute.bool_value() ? "true" : "false";
                break;
            case v1::AttributeType::Int:
                append(out, "{}", attribute.int_value());
                break;
            case v1::AttributeType::Float:
                append_float(out, attribute.float_value());
                break;
            case v1::AttributeType::MultiEnum: {
                out += '[';
                if (const auto* strings = attribute.strings())
                    for (std::uint32_t i = 0; i < strings->size(); ++i) {
                        if (i > 0) out += ',';
                        append_json_string(out, text(strings->Get(i)));
                    }
                out += ']';
                break;
            }
            default:
                append_json_string(out, text(attribute.string_value()));
                break;
        }
    }

    static void append_keypoints(std::string& out, const v1::Keypoints& keypoints) {
        out += ",\"keypoints\":[";
        std::size_t labelled = 0;
        if (const Points* points = keypoints.points()) {
            const auto* visibility = keypoints.visibility();
            for (std::uint32_t i = 0; i < points->size(); ++i) {
                const auto v = visibility && i < visibility->size() ? visibility->Get(i)
                                                                    : v1::Visibility::Visible;
                if (i > 0) out += ',';
                if (v == v1::Visibility::NotLabeled) {
                    out += "0,0,0";  // COCO's convention for points not labelled
                    continue;
                }
                append_json_number(out, points->Get(i)->x());
                out += ',';
                append_json_number(out, points->Get(i)->y());
                append(out, ",{}", static_cast<int>(v));
                ++labelled;
            }
        }
        append(out, "],\"num_keypoints\":{}", labelled);
    }

    void write_categories() {
        std::string& out = categories_text_;
        for (const Category& category : categories_) {
            if (category.group_only && !category.used) continue;
            ++stats_.categories;
            if (stats_.categories > 1) out += ",\n";
            append(out, "{{\"id\":{},\"name\":", category.id);
            append_json_string(out, category.key);
            out += ",\"supercategory\":";
            append_json_string(out, category.parent.empty() ? category.key : category.parent);
            const v1::LabelClass* cls = category.cls;
            const auto skeleton = cls ? skeletons_.find(text(cls->skeleton())) : skeletons_.end();
            if (skeleton != skeletons_.end()) {
                out += ",\"keypoints\":[";
                if (const auto* names = skeleton->second->points())
                    for (std::uint32_t i = 0; i < names->size(); ++i) {
                        if (i > 0) out += ',';
                        append_json_string(out, text(names->Get(i)));
                    }
                out += "],\"skeleton\":[";
                if (const auto* edges = skeleton->second->edges())
                    for (std::uint32_t i = 0; i < edges->size(); ++i) {
                        if (i > 0) out += ',';
                        append(out, "[{},{}]", edges->Get(i)->from() + 1, edges->Get(i)->to() + 1);
                    }
                out += ']';
            }
            if (cls != nullptr)
                append_metadata(
                    out, cls->metadata(),
                    {"id", "category_id", "name", "supercategory", "keypoints", "skeleton"});
            out += '}';
        }
        if (!out.empty()) out += '\n';
    }

    const ItemSource& source_;
    const v1::LabelSchema& schema_;
    WriteStats& stats_;
    const WriteOptions& options_;
    std::vector<Category> categories_;
    std::unordered_map<std::string_view, std::size_t> by_key_;
    std::unordered_map<std::string_view, const v1::Skeleton*> skeletons_;
    std::deque<std::string> extra_keys_;  // stable storage for labels not in the schema
    std::unordered_set<std::int64_t> taken_;
    std::int64_t next_id_ = 1;
    std::vector<std::uint32_t> merged_into_, keypoints_of_, group_leader_;
    std::map<std::pair<std::uint64_t, std::string_view>, std::uint32_t> leaders_;  // of groups
    std::vector<const v1::Annotation*> parts_;                  // of the annotation being written
    std::vector<std::pair<std::uint64_t, std::uint32_t>> ids_;  // annotation id -> index
    std::string images_, annotations_, categories_text_, scratch_;
    ScratchFile* scratch_file_;                   // where annotations go; null: kept
    std::unordered_set<std::int64_t> image_ids_;  // taken
    std::int64_t next_image_id_ = 1;
    std::int64_t image_id_ = 0;                             // of the image being written
    std::filesystem::path out_;                             // the file written; empty for text
    std::string file_subset_;                               // the subset its name states
    std::vector<std::pair<v1::ItemT, std::string>> media_;  // to copy: item, dataset name
    static constexpr std::size_t kPiece = 1 << 20;          // of annotations written at once
};

}  // namespace

std::string write_coco_text(const ItemSource& source, WriteStats* stats,
                            const WriteOptions& options) {
    WriteStats local;
    Writer::Text text = Writer(source, stats ? *stats : local, options, nullptr).write();
    // The annotations are most of the text: put the head before them in place
    // rather than copying them once more.
    text.rest.insert(0, text.head);
    return std::move(text.rest);
}

WriteStats write_coco_file(const ItemSource& source, const std::filesystem::path& out,
                           const WriteOptions& options) {
    WriteStats stats;
    AtomicFile file(out);  // before the work: a folder that cannot be written fails at once
    ScratchFile annotations(out.parent_path());
    Writer writer(source, stats, options, &annotations, out);
    const Writer::Text text = writer.write();
    file.write(text.head);
    file.append(annotations);
    file.write(text.rest);
    writer.copy_media_files();  // losses noted, none refused: the export goes ahead
    file.commit();
    return stats;
}

}  // namespace tessera::formats::coco
