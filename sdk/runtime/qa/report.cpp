#include "qa/report.hpp"

#include <fmt/format.h>

#include "core/json_text.hpp"

namespace tessera::qa {

std::string_view severity_name(Severity severity) {
    switch (severity) {
        case Severity::Error:
            return "error";
        case Severity::Warning:
            return "warning";
        case Severity::Info:
            return "info";
    }
    return "error";
}

const v1::QaReport& Report::root() const {
    return *flatbuffers::GetRoot<v1::QaReport>(buffer.data());
}

namespace detail {

Report build_report(const RunTotals& totals, const std::vector<Finding>& findings,
                    std::map<std::uint64_t, std::string> uris) {
    flatbuffers::FlatBufferBuilder builder(1024 + findings.size() * 128);
    std::vector<flatbuffers::Offset<v1::Finding>> offsets;
    offsets.reserve(findings.size());
    Report report;
    for (const Finding& finding : findings) {
        // No vector for none: FlatBuffers 2.0.8 leaves an empty uint64 vector 4-byte
        // aligned, which verified_root refuses.
        const auto* annotations = finding.annotations.empty() ? nullptr : &finding.annotations;
        offsets.push_back(v1::CreateFindingDirect(builder, finding.rule.c_str(), finding.severity,
                                                  finding.item, annotations,
                                                  finding.message.c_str(), finding.fix.c_str()));
        switch (finding.severity) {
            case Severity::Error:
                ++report.errors;
                break;
            case Severity::Warning:
                ++report.warnings;
                break;
            case Severity::Info:
                ++report.infos;
                break;
        }
    }
    const auto rules = builder.CreateVectorOfStrings(totals.rules);
    const auto all = builder.CreateVector(offsets);
    builder.Finish(v1::CreateQaReport(builder, totals.time, rules, totals.items_checked,
                                      totals.annotations_checked, all),
                   v1::QaReportIdentifier());
    report.buffer.assign(builder.GetBufferPointer(),
                         builder.GetBufferPointer() + builder.GetSize());
    report.uris = std::move(uris);
    return report;
}

}  // namespace detail

namespace {

void append_string_or_null(std::string& out, const flatbuffers::String* text) {
    if (text == nullptr || text->size() == 0)
        out += "null";
    else
        append_json_string(out, text->string_view());
}

}  // namespace

std::string report_json(const Report& report) {
    const v1::QaReport& root = report.root();
    std::string out;
    fmt::format_to(std::back_inserter(out), "{{\n  \"time\": {},\n  \"rules\": [", root.time());
    if (const auto* rules = root.rules()) {
        for (flatbuffers::uoffset_t i = 0; i < rules->size(); ++i) {
            if (i) out += ", ";
            append_json_string(out, rules->Get(i)->string_view());
        }
    }
    fmt::format_to(std::back_inserter(out),
                   "],\n  \"items_checked\": {},\n  \"annotations_checked\": {},\n"
                   "  \"errors\": {},\n  \"warnings\": {},\n  \"infos\": {},\n  \"findings\": [",
                   root.items_checked(), root.annotations_checked(), report.errors, report.warnings,
                   report.infos);
    const auto* findings = root.findings();
    const flatbuffers::uoffset_t count = findings ? findings->size() : 0;
    for (flatbuffers::uoffset_t i = 0; i < count; ++i) {
        const v1::Finding& finding = *findings->Get(i);
        out += i ? ",\n    {\"rule\": " : "\n    {\"rule\": ";
        append_json_string(out, finding.rule() ? finding.rule()->string_view() : "");
        fmt::format_to(std::back_inserter(out), ", \"severity\": \"{}\", \"item\": {}, \"uri\": ",
                       severity_name(finding.severity()), finding.item());
        const auto uri = report.uris.find(finding.item());
        if (uri == report.uris.end())
            out += "null";
        else
            append_json_string(out, uri->second);
        out += ", \"annotations\": [";
        if (const auto* ids = finding.annotations()) {
            for (flatbuffers::uoffset_t k = 0; k < ids->size(); ++k)
                fmt::format_to(std::back_inserter(out), "{}{}", k ? ", " : "", ids->Get(k));
        }
        out += "], \"message\": ";
        append_json_string(out, finding.message() ? finding.message()->string_view() : "");
        out += ", \"fix\": ";
        append_string_or_null(out, finding.fix());
        out += "}";
    }
    out += count ? "\n  ]\n}\n" : "]\n}\n";
    return out;
}

}  // namespace tessera::qa
