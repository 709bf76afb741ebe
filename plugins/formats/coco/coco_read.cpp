// Reading COCO instances JSON into a Dataset: one forward pass with simdjson
// on-demand over the top-level object, collecting images, categories and
// annotations in whatever order they come, then resolving ids. See coco.hpp for
// what the COCO module implements and what it does not, and the conventions.
//
// Annotations grouped by image, after the images and categories, go to their
// items as they are read, and each item to the importer once the file has moved
// past it. Any other order (COCO 2017's own files list annotations by category,
// and "categories" last) is read in two passes: the first remembers only where
// each annotation is and its image_id (24 bytes, not an object tree), the second
// reads the annotations in place, item by item, handing each item to the
// importer when done. Either way the Dataset is the same: annotations in file
// order within their item, local ids numbered item by item.

#include <algorithm>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "builtin_formats.hpp"
#include "coco.hpp"
#include "coco_fidelity.hpp"
#include "coco_read_internal.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "formats/json_scan.hpp"

namespace tessera::formats::coco {
namespace {

using namespace detail;
namespace fs = std::filesystem;

/// Looks for image files next to the annotation file.
class MediaFinder {
public:
    explicit MediaFinder(const fs::path& json_dir) {
        const fs::path base = json_dir.empty() ? fs::path(".") : json_dir;
        for (const fs::path& dir :
             {base, base / "images", (base / ".." / "images").lexically_normal()}) {
            std::error_code ec;
            if (!fs::is_directory(dir, ec)) continue;
            dirs_.emplace_back();
            dirs_.back().path = dir;
        }
    }
    /// The file if found at <dir>/file_name, <dir>/images/file_name or <dir>/../images/file_name.
    [[nodiscard]] fs::path find(std::string_view file_name) {
        if (file_name.empty()) return {};
        // Past a few images, one listing per folder is much cheaper than a stat per image.
        const bool by_listing = ++lookups_ > 64 && file_name.find('/') == std::string_view::npos;
        for (Dir& dir : dirs_) {
            if (by_listing) {
                if (!dir.listed) list(dir);
                if (dir.names.count(std::string(file_name))) return dir.path / file_name;
                continue;
            }
            fs::path candidate = dir.path / file_name;
            std::error_code ec;
            if (fs::is_regular_file(candidate, ec)) return candidate;
        }
        return {};
    }

private:
    struct Dir {
        fs::path path;
        bool listed = false;
        std::unordered_set<std::string> names;  // regular files, once listed
    };

    static void list(Dir& dir) {
        dir.listed = true;
        std::error_code ec;
        for (fs::directory_iterator it(dir.path, ec), end; !ec && it != end; it.increment(ec)) {
            std::error_code type_error;
            if (it->is_regular_file(type_error)) dir.names.insert(it->path().filename().string());
        }
    }

    std::vector<Dir> dirs_;
    std::size_t lookups_ = 0;
};

/// One element of "categories" as read.
struct Category {
    std::int64_t id = 0;
    std::string name;
    std::string supercategory;
    std::vector<std::string> keypoints;
    std::vector<v1::SkeletonEdge> skeleton;  // 0-based
    std::vector<std::unique_ptr<v1::KeyValueT>> metadata;
    const char* at = nullptr;
    const char* supercategory_at = nullptr;
    std::size_t index = 0;
};

/// Thrown where reading value by value meets something only the parse of the
/// whole document judges (read_coco starts over that way).
struct ReadWhole {};

/// An annotation read later, in its item's turn (by value, out of order).
struct Deferred {
    const char* begin = nullptr;  ///< its object in the text
    std::uint32_t length = 0;
    std::uint32_t index = 0;  ///< 1-based position in "annotations"
    std::int64_t image = 0;   ///< its image_id; its item once images are known
};

/// Annotations read before the reader decides whether the file is grouped by
/// image: only then are items handed to the importer as the file moves past
/// them, so a file that goes back to an earlier image within its first
/// annotations (most files not grouped) never takes back items handed out.
constexpr std::size_t kProbation = 4096;

class Reader {
public:
    Reader(const JsonText& text, const fs::path& json_dir, const ReadOptions& options)
        : text_(text), media_(json_dir), options_(options), subset_(subset_of_file(text.path())) {}

    /// Parses the whole document at once, or (`by_value`) each top-level value
    /// and each element of "images" and "annotations" on its own. Both give the
    /// same Dataset; by value, simdjson indexes a few hundred bytes at a time
    /// instead of the whole file (4 bytes per token, 170 MB for a 140 MB file,
    /// every page of it touched for the first time), and its index stays in the
    /// cache. By value throws ReadWhole, or Error with a position that may differ
    /// from the whole document's, on anything but a well-formed file.
    Dataset read(bool by_value) {
        try {
            // Windows tools often start UTF-8 files with a byte order mark, which
            // simdjson does not skip.
            const std::size_t bom = text_.text().starts_with("\xEF\xBB\xBF") ? 3 : 0;
            const simdjson::padded_string_view padded = text_.padded();
            const simdjson::padded_string_view json(padded.data() + bom, padded.size() - bom,
                                                    padded.capacity() - bom);
            if (by_value) {
                read_by_value(json);
            } else {
                read_whole(json);
            }
            return finish();
        } catch (...) {
            if (streaming_) stop_stream();  // the items handed out are about to go
            throw;
        }
    }

private:
    void read_whole(simdjson::padded_string_view json) {
        stream_ = nullptr;  // only read by value (read_coco reads whole after an error)
        od::document document;
        if (const auto error = parser_.iterate(json).get(document))
            text_.fail_simdjson(error == simdjson::UTF8_ERROR ? first_invalid_utf8() : nullptr,
                                error, "document");
        Cursor cursor(text_, document);
        const Context top{"document"};
        od::object root;
        od::json_type type{};
        if (const auto error = document.type().get(type)) cursor.fail_json(error, {"document"});
        if (type == od::json_type::array)
            text_.fail(text_.padded().data(),
                       "this is a COCO results file (a top-level array of detections), which "
                       "Tessera does not read: expected a JSON object {\"images\": [...], "
                       "\"annotations\": [...], \"categories\": [...]}");
        if (type != od::json_type::object)
            text_.fail(text_.padded().data(),
                       "expected a JSON object {\"images\": [...], \"annotations\": [...], "
                       "\"categories\": [...]}");
        if (const auto error = document.get_object().get(root)) {
            // simdjson checks the brackets of the top level up front: a truncated file.
            if (error == simdjson::INCOMPLETE_ARRAY_OR_OBJECT || error == simdjson::TAPE_ERROR)
                text_.fail_simdjson(nullptr, error, "document");
            cursor.fail_json(error, {"document"});
        }
        cursor.for_each_field(root, top, [&](std::string_view key, od::value& value) {
            read_field(cursor, key, value);
        });
        const char* trailing = nullptr;
        if (document.current_location().get(trailing) == simdjson::SUCCESS)
            text_.fail(trailing, "expected the end of the file after the top-level object");
    }

    void read_by_value(simdjson::padded_string_view json) {
        const char* const end = json.data() + json.size();
        padded_end_ = json.data() + json.capacity();
        const char* p = skip_json_space(json.data(), end);
        if (p == end || *p != '{') throw ReadWhole{};
        p = skip_json_space(p + 1, end);
        if (p < end && *p == '}') return check_end(p + 1, end);
        for (;;) {
            // A key without escapes, in valid UTF-8, as Cursor::key would give it.
            const char* key_end = p < end && *p == '"' ? json_value_end(p, end) : nullptr;
            if (key_end == nullptr) throw ReadWhole{};
            const std::string_view key(p + 1, static_cast<std::size_t>(key_end - p - 2));
            if (key.find('\\') != std::string_view::npos ||
                !simdjson::validate_utf8(key.data(), key.size()))
                throw ReadWhole{};
            p = skip_json_space(key_end, end);
            if (p == end || *p != ':') throw ReadWhole{};
            p = skip_json_space(p + 1, end);
            const char* value_end = nullptr;
            if ((key == "images" || key == "annotations") && p < end && *p == '[') {
                // Scanned once, element by element, not first as a whole.
                value_end = read_elements(key == "images", p, end);
            } else {
                value_end = json_value_end(p, end);
                if (value_end == nullptr) throw ReadWhole{};
                read_value(key, p, value_end);
            }
            p = skip_json_space(value_end, end);
            if (p < end && *p == ',') {
                p = skip_json_space(p + 1, end);
                continue;
            }
            if (p < end && *p == '}') return check_end(p + 1, end);
            throw ReadWhole{};
        }
    }

    /// The top-level value [begin, end) of `key`, parsed on its own.
    void read_value(std::string_view key, const char* begin, const char* end) {
        if (*begin == '{' || *begin == '[') {
            od::document document = parse(begin, end);
            const Cursor cursor(text_, document);
            od::value value = root_value(document);
            return read_field(cursor, key, value);
        }
        // simdjson reads a scalar only inside an array: parse a copy in brackets.
        // Its positions are the copy's, but an error starts over (read_coco).
        const simdjson::padded_string copy("[" + std::string(begin, end) + "]");
        od::document document = parse(copy.data(), copy.data() + copy.size(),
                                      copy.data() + copy.size() + simdjson::SIMDJSON_PADDING);
        const Cursor cursor(text_, document);
        od::array array;
        od::value value;
        if (document.get_array().get(array) || array.at(0).get(value)) throw ReadWhole{};
        read_field(cursor, key, value);
    }

    /// The elements of the array of "images" or "annotations" that opens at `open`,
    /// each parsed on its own; returns the end of the array.
    const char* read_elements(bool images, const char* open, const char* end) {
        const char* p = skip_json_space(open + 1, end);
        std::size_t index = 0;
        if (images) {
            start_images();
        } else {
            start_annotations();
        }
        if (p < end && *p == ']') return p + 1;
        for (;;) {
            const char* element_end =
                p < end && (*p == '{' || *p == '[') ? json_value_end(p, end) : nullptr;
            if (element_end == nullptr) throw ReadWhole{};
            if (images) {
                od::document document = parse(p, element_end);
                const Cursor cursor(text_, document);
                od::value element = root_value(document);
                read_image(cursor, element, ++index);
            } else {
                read_annotation_text(p, element_end, ++index);
            }
            if (index % 4096 == 0) report(text_.offset_of(element_end));
            p = skip_json_space(element_end, end);
            if (p < end && *p == ']') return p + 1;
            if (p == end || *p != ',') throw ReadWhole{};
            p = skip_json_space(p + 1, end);
        }
    }

    void check_end(const char* p, const char* end) const {
        if (skip_json_space(p, end) != end) throw ReadWhole{};
    }

    /// A document over [begin, end) of the text, parsed in place.
    od::document parse(const char* begin, const char* end) {
        return parse(begin, end, padded_end_);
    }
    od::document parse(const char* begin, const char* end, const char* padded_end) {
        od::document document;
        const simdjson::padded_string_view view(begin, static_cast<std::size_t>(end - begin),
                                                static_cast<std::size_t>(padded_end - begin));
        if (parser_.iterate(view).get(document)) throw ReadWhole{};
        return document;
    }

    static od::value root_value(od::document& document) {
        od::value value;
        if (document.get_value().get(value)) throw ReadWhole{};
        return value;
    }

    void read_field(const Cursor& cursor, std::string_view key, od::value& value) {
        if (key == "annotations") {
            read_annotations(cursor, value);
        } else if (key == "images") {
            read_images(cursor, value);
        } else if (key == "categories") {
            read_categories(cursor, value);
        } else {
            dataset_.schema.metadata.push_back(coco_metadata(key, cursor.raw(value, {key})));
        }
    }

    Dataset finish() {
        if (!has_images_)
            text_.fail(text_.padded().data(), "missing \"images\" (not a COCO instances file?)");
        build_schema();
        resolve_annotations();
        if (!deferred_.empty()) {
            read_deferred();
        } else if (out_of_order_) {
            next_id_ = 1;
            for (ImportedItem& item : dataset_.items) renumber(item);
        }
        if (streaming_) stream_->closed(dataset_.items.size());
        report(text_.text().size());
        return std::move(dataset_);
    }

    void report(std::size_t offset) const {
        if (options_.progress) options_.progress(offset, text_.text().size());
    }

    /// Where the first byte that is not valid UTF-8 is (simdjson only says there is one).
    const char* first_invalid_utf8() const {
        const std::optional<std::size_t> offset = tessera::first_invalid_utf8(text_.text());
        return offset ? text_.text().data() + *offset : nullptr;
    }

    void read_images(const Cursor& cursor, od::value& value) {
        const Context where{"images"};
        od::array list = cursor.array(value, where);
        start_images();
        std::size_t index = 0;
        cursor.for_each_element(list, where, [&](od::value& element) {
            read_image(cursor, element, ++index);
            if (index % 4096 == 0) report(cursor.offset());
        });
    }

    void start_images() {
        if (streaming_) stop_stream();  // items handed out may move
        has_images_ = true;
    }

    void read_image(const Cursor& cursor, od::value& value, std::size_t index) {
        const Context where{"image", index};
        const char* start = Cursor::at(value);
        od::object object = cursor.object(value, where);
        ImportedItem item;
        item.media.kind = v1::MediaKind::Image;
        const char* id_at = nullptr;
        std::int64_t id = 0;
        bool has_name = false;
        cursor.for_each_field(object, where, [&](std::string_view key, od::value& field) {
            if (key == "id") {
                id_at = Cursor::at(field);
                id = cursor.integer(field, where.with("id"));
                // Kept, so that an export gives the image the same id (results files
                // and other annotation files of the dataset refer to it).
                item.metadata.push_back(coco_metadata("id", fmt::format("{}", id)));
            } else if (key == "file_name") {
                item.name = cursor.string(field, where.with("file_name"));
                has_name = true;
            } else if (key == "width") {
                item.media.width = cursor.size(field, where.with("width"));
            } else if (key == "height") {
                item.media.height = cursor.size(field, where.with("height"));
            } else {
                item.metadata.push_back(coco_metadata(key, cursor.raw(field, where.with(key))));
            }
        });
        if (id_at == nullptr) cursor.fail(start, where, "missing required field \"id\"");
        if (!has_name) cursor.fail(start, where, "missing required field \"file_name\"");
        const auto [it, added] = images_.emplace(id, dataset_.items.size());
        if (!added)
            cursor.fail(id_at, where,
                        fmt::format("id {} is already used by image {}", id, it->second + 1));
        item.media_path = media_.find(item.name);
        item.subset = subset_;
        dataset_.items.push_back(std::move(item));
    }

    void read_annotations(const Cursor& cursor, od::value& value) {
        const Context where{"annotations"};
        od::array list = cursor.array(value, where);
        start_annotations();
        std::size_t index = 0;
        cursor.for_each_element(list, where, [&](od::value& element) {
            read_annotation(cursor, element, ++index);
            if (index % 4096 == 0) report(cursor.offset());
        });
    }

    void start_annotations() {
        // Once the images are known, items can go to the importer as their
        // annotations complete (usually annotations are grouped by image).
        if (stream_ != nullptr && !streaming_) {
            if (has_images_) {
                streaming_ = true;
                stream_->items_ready(dataset_.items);
            } else {
                stream_ = nullptr;
            }
        }
    }

    /// Element `index` of "annotations", [begin, end) of the text (by value): given
    /// to its item now when the file is in order so far, else read later.
    void read_annotation_text(const char* begin, const char* end, std::size_t index) {
        if (!deferred_.empty()) return defer(begin, end, index, scan_image_id(begin, end));
        od::document document = parse(begin, end);
        const Cursor cursor(text_, document);
        od::value element = root_value(document);
        PendingAnnotation annotation = detail::read_annotation(cursor, element, index, scratch_);
        const auto image = images_.find(annotation.image_id);
        if (image == images_.end() || image->second < last_item_ ||
            !category_ids_.contains(annotation.category_id))
            return defer(begin, end, index, annotation.image_id);
        if (image->second > last_item_) {
            last_item_ = image->second;
            // The items before it are complete, unless the file goes back to one.
            if (streaming_ && index > kProbation) close_items(last_item_);
        }
        (void)resolve(annotation, true);
    }

    /// Remembers where annotation `index` is, to read it in its item's turn
    /// (read_deferred); from now on every annotation waits.
    void defer(const char* begin, const char* end, std::size_t index, std::int64_t image_id) {
        const auto length = static_cast<std::size_t>(end - begin);
        if (length > UINT32_MAX || index > UINT32_MAX) throw ReadWhole{};
        if (streaming_ && closed_ > 0) {
            // An item handed out gets one more annotation: the importer gives up.
            const auto image = images_.find(image_id);
            if (image != images_.end() && image->second < closed_) stop_stream();
        }
        deferred_.push_back({begin, static_cast<std::uint32_t>(length),
                             static_cast<std::uint32_t>(index), image_id});
    }

    /// The image_id of the annotation object [begin, end); the rest is read later.
    std::int64_t scan_image_id(const char* begin, const char* end) {
        od::document document = parse(begin, end);
        const Cursor cursor(text_, document);
        od::value element = root_value(document);
        const Context where{"annotation"};
        od::object object = cursor.object(element, where);
        for (auto result : object) {
            od::field field;
            if (std::move(result).get(field)) throw ReadWhole{};
            if (cursor.key(field, where) == "image_id") {
                od::value value = field.value();
                return cursor.integer(value, where);
            }
        }
        throw ReadWhole{};  // the whole document says "missing image_id" where
    }

    /// Reports items [0, count) complete to the importer.
    void close_items(std::size_t count) {
        closed_ = count;
        ids_closed_ = next_id_;
        stream_->closed(count);
    }

    /// The second pass over annotations out of order: item by item (from the first
    /// not handed out), the annotations already given renumbered, then those
    /// deferred read in place, in file order; each item handed out when done.
    void read_deferred() {
        const std::size_t items = dataset_.items.size();
        std::vector<std::uint32_t> starts(items + 1, 0);  // counting sort by item
        for (Deferred& deferred : deferred_) {
            const auto image = images_.find(deferred.image);
            if (image == images_.end()) throw ReadWhole{};  // the whole document says where
            deferred.image = static_cast<std::int64_t>(image->second);
            ++starts[image->second + 1];
        }
        for (std::size_t i = 0; i < items; ++i) starts[i + 1] += starts[i];
        std::vector<std::uint32_t> order(deferred_.size());
        {
            std::vector<std::uint32_t> next(starts.begin(), starts.end() - 1);
            for (std::size_t d = 0; d < deferred_.size(); ++d)
                order[next[static_cast<std::size_t>(deferred_[d].image)]++] =
                    static_cast<std::uint32_t>(d);
        }
        const std::size_t first = streaming_ ? closed_ : 0;
        next_id_ = streaming_ && closed_ > 0 ? ids_closed_ : 1;
        last_item_ = first;
        for (std::size_t i = first; i < items; ++i) {
            renumber(dataset_.items[i]);
            for (std::uint32_t k = starts[i]; k < starts[i + 1]; ++k) {
                const Deferred& deferred = deferred_[order[k]];
                od::document document = parse(deferred.begin, deferred.begin + deferred.length);
                const Cursor cursor(text_, document);
                od::value element = root_value(document);
                PendingAnnotation annotation =
                    detail::read_annotation(cursor, element, deferred.index, scratch_);
                (void)resolve(annotation, true);
            }
            if (streaming_ && i + 1 < items) close_items(i + 1);
        }
        std::vector<Deferred>().swap(deferred_);
    }

    /// Numbers the annotations of `item` from next_id_, keeping keypoints' links to
    /// the shape before them.
    void renumber(ImportedItem& item) {
        std::uint64_t previous_old = 0, previous_new = 0;
        for (auto& annotation : item.annotations) {
            if (!annotation) continue;  // taken by an importer that gave up
            const std::uint64_t old = annotation->id;
            annotation->id = next_id_++;
            if (annotation->parent != 0 && annotation->parent == previous_old)
                annotation->parent = previous_new;
            previous_old = old;
            previous_new = annotation->id;
        }
    }

    /// Element `index` of "annotations" (the whole document at once).
    void read_annotation(const Cursor& cursor, od::value& value, std::size_t index) {
        PendingAnnotation annotation = detail::read_annotation(cursor, value, index, scratch_);
        // Usually images and categories come first: then the annotation goes to its
        // item at once. Once one waits, all after it wait too, so ids keep file order.
        if (!pending_.empty() || !resolve(annotation, false))
            pending_.push_back(std::move(annotation));
    }

    void read_categories(const Cursor& cursor, od::value& value) {
        const Context where{"categories"};
        od::array list = cursor.array(value, where);
        std::size_t index = 0;
        cursor.for_each_element(
            list, where, [&](od::value& element) { read_category(cursor, element, ++index); });
    }

    void read_category(const Cursor& cursor, od::value& value, std::size_t index) {
        const Context where{"category", index};
        Category category;
        category.index = index;
        category.at = Cursor::at(value);
        od::object object = cursor.object(value, where);
        const char* id_at = nullptr;
        const char* name_at = nullptr;
        const char* skeleton_at = nullptr;
        std::vector<std::pair<std::int64_t, std::int64_t>> edges;  // 1-based, as in the file
        cursor.for_each_field(object, where, [&](std::string_view key, od::value& field) {
            if (key == "id") {
                id_at = Cursor::at(field);
                category.id = cursor.integer(field, where.with("id"));
            } else if (key == "name") {
                name_at = Cursor::at(field);
                category.name = cursor.string(field, where.with("name"));
            } else if (key == "supercategory") {
                category.supercategory_at = Cursor::at(field);
                if (cursor.type(field, where) != od::json_type::null)
                    category.supercategory = cursor.string(field, where.with("supercategory"));
            } else if (key == "keypoints") {
                const Context names = where.with("keypoints");
                od::array list = cursor.array(field, names);
                category.keypoints.clear();
                cursor.for_each_element(list, names, [&](od::value& element) {
                    category.keypoints.emplace_back(cursor.string(element, names));
                });
            } else if (key == "skeleton") {
                const Context pairs = where.with("skeleton");
                skeleton_at = Cursor::at(field);
                od::array list = cursor.array(field, pairs);
                edges.clear();
                cursor.for_each_element(list, pairs, [&](od::value& element) {
                    const char* at = Cursor::at(element);
                    od::array pair = cursor.array(element, pairs);
                    std::int64_t ends[2] = {0, 0};
                    std::size_t n = 0;
                    cursor.for_each_element(pair, pairs, [&](od::value& end) {
                        const std::int64_t k = cursor.integer(end, pairs);
                        if (n < 2) ends[n] = k;
                        ++n;
                    });
                    if (n != 2)
                        cursor.fail(at, pairs, fmt::format("edge has {} numbers, expected 2", n));
                    edges.emplace_back(ends[0], ends[1]);
                });
            } else {
                category.metadata.push_back(coco_metadata(key, cursor.raw(field, where.with(key))));
            }
        });
        if (id_at == nullptr) cursor.fail(category.at, where, "missing required field \"id\"");
        if (name_at == nullptr) cursor.fail(category.at, where, "missing required field \"name\"");
        if (category.name.empty())
            cursor.fail(name_at, where, "name is empty, expected a label name");
        const std::int64_t count = static_cast<std::int64_t>(category.keypoints.size());
        for (std::size_t e = 0; e < edges.size(); ++e) {
            const auto [from, to] = edges[e];
            if (from < 1 || from > count || to < 1 || to > count)
                cursor.fail(
                    skeleton_at, where,
                    fmt::format("skeleton edge {} joins keypoints {} and {}, expected 1 to {} "
                                "(1-based, {} keypoints declared)",
                                e + 1, from, to, count, count));
            category.skeleton.emplace_back(static_cast<std::uint16_t>(from - 1),
                                           static_cast<std::uint16_t>(to - 1));
        }
        if (const auto [it, added] = category_ids_.emplace(category.id, categories_.size()); !added)
            cursor.fail(id_at, where,
                        fmt::format("id {} is already used by category {}", category.id,
                                    categories_[it->second].index));
        if (const auto [it, added] = category_names_.emplace(category.name, categories_.size());
            !added)
            cursor.fail(name_at, where,
                        fmt::format("name \"{}\" is already used by category {}", category.name,
                                    categories_[it->second].index));
        categories_.push_back(std::move(category));
    }

    /// Classes in an order where parents come first; supercategories not declared as
    /// categories become classes of their own.
    void build_schema() {
        enum class State { New, Visiting, Done };
        std::vector<State> state(categories_.size(), State::New);
        std::unordered_set<std::string> groups;
        std::vector<std::size_t> chain;
        for (std::size_t i = 0; i < categories_.size(); ++i) {
            // Walk up the supercategories until a class already emitted or a root.
            chain.clear();
            for (std::size_t j = i; state[j] == State::New;) {
                state[j] = State::Visiting;
                chain.push_back(j);
                const Category& category = categories_[j];
                if (category.supercategory.empty() || category.supercategory == category.name)
                    break;
                const auto parent = category_names_.find(category.supercategory);
                if (parent == category_names_.end()) {
                    if (groups.insert(category.supercategory).second) {
                        auto group = std::make_unique<v1::LabelClassT>();
                        group->key = category.supercategory;
                        dataset_.schema.classes.push_back(std::move(group));
                    }
                    break;
                }
                if (state[parent->second] == State::Visiting)
                    text_.fail(category.supercategory_at,
                               fmt::format("category {}: supercategory \"{}\" leads back to \"{}\"",
                                           category.index, category.supercategory, category.name));
                j = parent->second;
            }
            for (auto j = chain.rbegin(); j != chain.rend(); ++j) {
                add_class(categories_[*j]);
                state[*j] = State::Done;
            }
        }
    }

    void add_class(Category& category) {
        auto cls = std::make_unique<v1::LabelClassT>();
        cls->key = category.name;
        if (category.supercategory != category.name) cls->parent = category.supercategory;
        cls->metadata.push_back(coco_metadata("category_id", fmt::format("{}", category.id)));
        for (auto& kv : category.metadata) cls->metadata.push_back(std::move(kv));
        if (!category.keypoints.empty()) {
            auto skeleton = std::make_unique<v1::SkeletonT>();
            skeleton->key = category.name;
            skeleton->points = category.keypoints;
            skeleton->edges = category.skeleton;
            dataset_.schema.skeletons.push_back(std::move(skeleton));
            cls->skeleton = category.name;
        }
        dataset_.schema.classes.push_back(std::move(cls));
    }

    /// Gives the annotations still waiting their ids, labels and items; throws for the
    /// first that names an unknown image or category.
    void resolve_annotations() {
        for (PendingAnnotation& pending : pending_) (void)resolve(pending, true);
        pending_.clear();
    }

    /// Gives `pending` its ids and label and moves it to its item. When its image or
    /// category is not known (yet), or its keypoints do not match its category, returns
    /// false and changes nothing, or throws when `must`.
    bool resolve(PendingAnnotation& pending, bool must) {
        const auto image = images_.find(pending.image_id);
        if (image == images_.end()) {
            if (!must) return false;
            text_.fail(
                pending.image_id_at,
                fmt::format("{}: image_id {} is not in \"images\"",
                            Context{"annotation", pending.index}.describe(), pending.image_id));
        }
        const auto found = category_ids_.find(pending.category_id);
        if (found == category_ids_.end()) {
            if (!must) return false;
            text_.fail(
                pending.category_id_at,
                fmt::format("{}: category_id {} is not in \"categories\"",
                            Context{"annotation", pending.index}.describe(), pending.category_id));
        }
        const Category& category = categories_[found->second];
        if (pending.keypoints && !category.keypoints.empty()) {
            const auto& keypoints = *pending.keypoints->geometry.AsKeypoints();
            if (keypoints.points.size() != category.keypoints.size()) {
                if (!must) return false;
                text_.fail(
                    pending.keypoints_at,
                    fmt::format("{}: keypoints has {} points, category \"{}\" declares {}",
                                Context{"annotation", pending.index}.describe(),
                                keypoints.points.size(), category.name, category.keypoints.size()));
            }
        }
        // Local ids are numbered item by item: renumbered at the end otherwise.
        if (image->second < last_item_) out_of_order_ = true;
        last_item_ = std::max(last_item_, image->second);
        ImportedItem& item = dataset_.items[image->second];
        if (pending.shape) {
            pending.shape->id = next_id_++;
            pending.shape->label = category.name;
        }
        if (pending.keypoints) {
            if (!category.keypoints.empty())
                pending.keypoints->geometry.AsKeypoints()->skeleton = category.name;
            pending.keypoints->id = next_id_++;
            pending.keypoints->label = category.name;
            if (pending.shape) pending.keypoints->parent = pending.shape->id;
        }
        if (pending.shape) item.annotations.push_back(std::move(pending.shape));
        if (pending.keypoints) item.annotations.push_back(std::move(pending.keypoints));
        return true;
    }

    void stop_stream() {
        stream_->reopen();
        stream_ = nullptr;
        streaming_ = false;
    }

    const JsonText& text_;
    MediaFinder media_;
    const ReadOptions& options_;
    const std::string subset_;  // the subset the file's name states, for every item
    od::parser parser_;
    const char* padded_end_ = nullptr;  // where the text's padding ends (read_by_value)
    Dataset dataset_;
    std::unordered_map<std::int64_t, std::size_t> images_;        // id -> item index
    std::unordered_map<std::int64_t, std::size_t> category_ids_;  // id -> categories_ index
    std::unordered_map<std::string, std::size_t> category_names_;
    std::vector<Category> categories_;
    std::vector<PendingAnnotation> pending_;  // annotations waiting for images or categories
    std::uint64_t next_id_ = 1;               // local id of the next annotation resolved
    AnnotationScratch scratch_;
    bool has_images_ = false;
    ItemStream* stream_ = options_.stream;  // null once streaming is given up
    bool streaming_ = false;                // items_ready() was called
    std::size_t last_item_ = 0;             // the last item given an annotation, in file order
    bool out_of_order_ = false;             // an annotation went to an item before last_item_
    std::vector<Deferred> deferred_;        // annotations read later (by value, out of order)
    std::size_t closed_ = 0;                // items before it were handed to the importer
    std::uint64_t ids_closed_ = 1;          // next_id_ when they were
};

Dataset read_format(const fs::path& input, const ReadOptions& options) {
    return read_coco_file(input, options);
}

void write_format(const ItemSource& source, const fs::path& out, const WriteOptions& options) {
    (void)write_coco_file(source, out, options);
}

}  // namespace

namespace detail {

std::optional<Dataset> read_coco_by_value(const JsonText& text, const fs::path& json_dir,
                                          const ReadOptions& options) {
    try {
        return Reader(text, json_dir, options).read(true);
    } catch (const Error&) {
    } catch (const ReadWhole&) {
    }
    return std::nullopt;
}

Dataset read_coco_whole(const JsonText& text, const fs::path& json_dir,
                        const ReadOptions& options) {
    return Reader(text, json_dir, options).read(false);
}

Dataset read_coco(const JsonText& text, const fs::path& json_dir, const ReadOptions& options) {
    if (std::optional<Dataset> dataset = read_coco_by_value(text, json_dir, options))
        return std::move(*dataset);
    // The whole document, read at once, reports the error where it always has
    // (the items handed out were taken back). A bad file is read twice.
    ReadOptions whole = options;
    whole.stream = nullptr;
    return read_coco_whole(text, json_dir, whole);
}

}  // namespace detail

Dataset read_coco_file(const fs::path& path, const ReadOptions& options) {
    const JsonText text(path);
    return detail::read_coco(text, path.parent_path(), options);
}

Dataset read_coco_text(const fs::path& name, std::string_view text, const ReadOptions& options) {
    const JsonText json(name, text);
    return detail::read_coco(json, name.parent_path(), options);
}

}  // namespace tessera::formats::coco

namespace tessera::formats {

const Format& coco_format() {
    static const Format format{
        .name = "coco",
        .description = "COCO instances JSON (boxes, polygons, RLE masks, keypoints)",
        .read = coco::read_format,
        .write = coco::write_format,
        .writes_one_file = true,
    };
    return format;
}

}  // namespace tessera::formats
