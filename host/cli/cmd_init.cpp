// tessera init DIR [--name NAME] [--schema ID]

#include <optional>

#include <fmt/format.h>

#include "cli.hpp"
#include "core/error.hpp"
#include "loader/loader.hpp"
#include "store/project.hpp"
#include "store/project_file.hpp"

namespace tessera::cli {

int run_init(const Context& context, const Args& args) {
    if (args.positional.size() != 1) throw UsageError("expected one project folder");
    const std::filesystem::path dir = args.positional[0];
    const std::string schema_id = args.value("--schema");

    // Find the schema before creating anything, so a wrong id leaves no folder behind.
    const plugins::SchemaRecord* schema = nullptr;
    if (!schema_id.empty()) {
        const plugins::PluginHost& host = context.plugins();
        schema = host.find_schema(schema_id);
        if (schema == nullptr) {
            std::string known;
            for (const plugins::SchemaRecord& s : host.schemas())
                known += (known.empty() ? "" : ", ") + s.id;
            throw Error(fmt::format("schema '{}' not found (known: {}); see `tessera schema list`",
                                    schema_id, known.empty() ? "none" : known));
        }
    }

    // An empty --name lets the store name the project after its folder.
    const bool existed = std::filesystem::exists(dir);
    std::optional<store::Project> project = store::Project::create(dir, args.value("--name"));
    if (schema != nullptr) {
        try {
            v1::LabelSchemaT unpacked;
            schema->root().UnPackTo(&unpacked);
            store::Transaction transaction = project->begin();
            transaction.set_label_schema(unpacked);
            transaction.commit();
            const std::filesystem::path file_path = dir / store::kProjectFileName;
            store::ProjectFile file = store::read_project_file(file_path);
            file.schema = schema_id;
            store::write_project_file(file_path, file);
        } catch (...) {
            // No half-made project: without its schema it would not be what was asked for.
            const std::filesystem::path database = project->database_path();
            project.reset();
            std::error_code ignored;
            if (!existed) {
                std::filesystem::remove_all(dir, ignored);
            } else {
                for (const char* suffix : {"", "-wal", "-shm"})
                    std::filesystem::remove(database.string() + suffix, ignored);
                std::filesystem::remove(dir / store::kProjectFileName, ignored);
            }
            throw;
        }
    }
    fmt::print("created project '{}' in {}{}\n", project->settings().name, dir.string(),
               schema ? fmt::format(" with schema {} {}", schema->id, schema->version) : "");
    return kOk;
}

}  // namespace tessera::cli
