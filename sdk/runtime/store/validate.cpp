#include "store/validate.hpp"

#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "core/annotation_numbers.hpp"
#include "core/annotation_text.hpp"
#include "core/error.hpp"
#include "core/verify.hpp"

namespace tessera::store {
namespace {

/// Checks one annotation set against the schema; reports through `report`.
class SetChecker {
public:
    explicit SetChecker(const v1::LabelSchema& schema) {
        if (schema.classes() == nullptr) return;
        for (const v1::LabelClass* c : *schema.classes()) {
            if (c->key() == nullptr) continue;
            auto& kinds = classes_[c->key()->str()];
            if (c->geometry() != nullptr)
                for (const auto kind : *c->geometry())
                    kinds.insert(static_cast<std::uint8_t>(kind));
        }
    }

    template <class Report>
    void check(const v1::AnnotationSet& set, const v1::Item& item, Report&& report) {
        if (set.annotations() == nullptr) return;
        std::unordered_set<std::uint64_t> local;
        for (const v1::Annotation* a : *set.annotations()) local.insert(a->id());
        for (const v1::Annotation* a : *set.annotations()) {
            const auto where = fmt::format("annotation {}", a->id());
            if (a->id() == 0)
                report("an annotation has id 0");
            else if (!all_ids_.insert(a->id()).second)
                report(where + ": id used twice in the project");
            const std::string label = a->label() ? a->label()->str() : "";
            if (label.empty()) {
                report(where + ": no label");
            } else if (!classes_.empty()) {
                const auto c = classes_.find(label);
                if (c == classes_.end())
                    report(fmt::format("{}: label '{}' is not in the label schema", where, label));
                else if (!c->second.empty() &&
                         !c->second.count(static_cast<std::uint8_t>(a->geometry_type())))
                    report(fmt::format("{}: geometry {} is not allowed for label '{}'", where,
                                       v1::EnumNameGeometry(a->geometry_type()), label));
            }
            if (a->parent() != 0 && !local.count(a->parent()))
                report(fmt::format("{}: parent {} is not an annotation of this item", where,
                                   a->parent()));
            if (a->relations() != nullptr)
                for (const v1::Relation* r : *a->relations())
                    if (!local.count(r->target()))
                        report(
                            fmt::format("{}: relation target {} is not an annotation of this item",
                                        where, r->target()));
            check_geometry(*a, item, where, report);
            if (const std::string bad = non_finite_number(*a); !bad.empty())
                report(where + ": " + bad);
            check_text(*a, where, report);
        }
    }

private:
    /// Text the store would refuse may predate its check or bypass it (a raw
    /// SQLite write); U+FFFD and text not in NFC it stores as given.
    template <class Report>
    static void check_text(const v1::Annotation& a, const std::string& where, Report& report) {
        for_each_text(a, [&](const TextField& field, std::string_view text) {
            const TextScan scan = scan_text(text);
            if (!scan.damaged() && !scan.nfc) return;
            const std::string name = field_name(field);
            for (const Damage& damage : damages(scan))
                report(fmt::format("{}, {}: text {}", where, name, damage.phrase));
            if (scan.nfc) report(fmt::format("{}, {}: text is not in Unicode NFC", where, name));
        });
    }

    template <class Report>
    static void check_polygon(const v1::Polygon* p, const std::string& where, Report& report) {
        const std::uint32_t n = p && p->points() ? p->points()->size() : 0;
        if (p == nullptr || p->ring_ends() == nullptr || p->ring_ends()->size() == 0) {
            if (n < 3)
                report(fmt::format("{}: polygon has {} points, expected at least 3", where, n));
            return;
        }
        std::uint32_t begin = 0;
        for (const std::uint32_t end : *p->ring_ends()) {
            if (end < begin + 3 || end > n) {
                report(
                    fmt::format("{}: polygon ring ends are not increasing rings of 3 or more "
                                "points within its {} points",
                                where, n));
                return;
            }
            begin = end;
        }
        if (begin != n)
            report(fmt::format("{}: last polygon ring ends at {}, expected {}", where, begin, n));
    }

    template <class Report>
    static void check_geometry(const v1::Annotation& a, const v1::Item& item,
                               const std::string& where, Report& report) {
        switch (a.geometry_type()) {
            case v1::Geometry::Polygon:
                check_polygon(a.geometry_as_Polygon(), where, report);
                break;
            case v1::Geometry::MultiPolygon:
                if (const auto* parts = a.geometry_as_MultiPolygon()->polygons())
                    for (const v1::Polygon* p : *parts) check_polygon(p, where, report);
                break;
            case v1::Geometry::Keypoints: {
                const auto* k = a.geometry_as_Keypoints();
                const std::uint32_t points = k->points() ? k->points()->size() : 0;
                const std::uint32_t flags = k->visibility() ? k->visibility()->size() : 0;
                if (points != flags)
                    report(fmt::format("{}: {} keypoints but {} visibility flags", where, points,
                                       flags));
                break;
            }
            case v1::Geometry::Mask: {
                const auto* m = a.geometry_as_Mask();
                std::uint64_t sum = 0;
                if (m->counts() != nullptr)
                    for (const std::uint32_t run : *m->counts()) sum += run;
                if (sum != std::uint64_t{m->width()} * m->height())
                    report(fmt::format("{}: mask runs cover {} pixels, expected {} x {}", where,
                                       sum, m->width(), m->height()));
                const auto* media = item.media();
                if (media != nullptr && media->width() != 0 &&
                    (m->width() != media->width() || m->height() != media->height()))
                    report(fmt::format("{}: mask is {} x {}, the image {} x {}", where, m->width(),
                                       m->height(), media->width(), media->height()));
                break;
            }
            default:
                break;
        }
    }

    std::map<std::string, std::set<std::uint8_t>> classes_;
    std::unordered_set<std::uint64_t> all_ids_;
};

}  // namespace

std::vector<Problem> validate(const Project& project, const ProgressFn& progress) {
    std::vector<Problem> problems;
    const ReadSnapshot snapshot(project);
    for (std::string& line : project.integrity_problems()) problems.push_back({0, std::move(line)});
    for (const std::string& line : project.damage()) problems.push_back({0, line});
    const auto guarded = [&](ItemId item, auto&& body) {
        try {
            body();
        } catch (const Error& e) {
            problems.push_back({item, e.what()});
        }
    };

    Bytes schema_bytes;
    guarded(0, [&] { schema_bytes = project.label_schema(); });
    v1::LabelSchemaT empty;
    flatbuffers::FlatBufferBuilder fbb;
    if (schema_bytes.empty()) {
        fbb.Finish(v1::LabelSchema::Pack(fbb, &empty), v1::LabelSchemaIdentifier());
        schema_bytes.assign(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
    }
    SetChecker checker(*flatbuffers::GetRoot<v1::LabelSchema>(schema_bytes.data()));

    const std::vector<ItemSummary> items = project.items();
    std::uint64_t done = 0;
    for (const ItemSummary& summary : items) {
        const auto report = [&](const std::string& message) {
            problems.push_back({summary.id, fmt::format("{}: {}", summary.uri, message)});
        };
        guarded(summary.id, [&] {
            const Bytes item_bytes = project.item(summary.id);
            const auto* item = flatbuffers::GetRoot<v1::Item>(item_bytes.data());
            if (item->id() != summary.id)
                report(fmt::format("item buffer has id {}, expected {}", item->id(), summary.id));
            if (const std::string problem = assignee_problem(summary.assignee); !problem.empty())
                report("assignee name " + problem);
            const auto* media = item->media();
            if (media == nullptr || media->uri() == nullptr || media->uri()->str() != summary.uri)
                report("item buffer's media URI differs from the item list");
            else if (!std::filesystem::exists(project.dir() / summary.uri))
                report("media file is missing");
            const Bytes set_bytes = project.annotations(summary.id);
            const auto* set = flatbuffers::GetRoot<v1::AnnotationSet>(set_bytes.data());
            if (set->item() != summary.id && set->annotations() && set->annotations()->size() > 0)
                report(fmt::format("annotation set belongs to item {}", set->item()));
            checker.check(*set, *item, report);
            for (const Bytes& review : project.reviews(summary.id))
                (void)review;  // verified on read
        });
        if (progress) progress(++done, items.size());
    }
    guarded(0, [&] {
        const std::uint64_t entries = project.journal_size();
        for (std::uint64_t seq = 1; seq <= entries; ++seq)
            guarded(0, [&] { (void)project.journal_entry(seq); });
    });
    return problems;
}

}  // namespace tessera::store
