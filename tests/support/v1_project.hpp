#pragma once
// A project as a program of database version 1 (before item assignees) wrote
// it, made with raw SQL so that it stays that old however the store evolves:
// the layout below is a frozen copy of version 1's, not the store's own.

#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/data_api.hpp"

namespace tessera::test {

/// Version 1's layout, as sdk/runtime/store/project.cpp created it.
inline constexpr const char* kVersion1Schema = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;
CREATE TABLE items(
  id INTEGER PRIMARY KEY,
  uri TEXT NOT NULL UNIQUE,
  kind INTEGER NOT NULL,
  state INTEGER NOT NULL DEFAULT 0,
  item BLOB NOT NULL);
CREATE INDEX items_by_state ON items(state);
CREATE TABLE annotation_sets(
  item INTEGER PRIMARY KEY REFERENCES items(id),
  revision INTEGER NOT NULL,
  data BLOB NOT NULL);
CREATE TABLE journal(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  author TEXT NOT NULL,
  time INTEGER NOT NULL,
  batch BLOB NOT NULL);
CREATE TABLE reviews(
  id INTEGER PRIMARY KEY,
  item INTEGER NOT NULL REFERENCES items(id),
  time INTEGER NOT NULL,
  record BLOB NOT NULL);
CREATE INDEX reviews_by_item ON reviews(item, id);
CREATE TABLE label_schema(id INTEGER PRIMARY KEY CHECK (id = 1), data BLOB NOT NULL);
INSERT INTO meta(key, value) VALUES ('next_annotation_id', 1);
INSERT INTO meta(key, value) VALUES ('database_version', 1);
)sql";

/// Creates a version 1 project in `dir` with one text item per name of `files`
/// (ids 1, 2, ...; the files are created, so validation finds them), item 1
/// in state `first_state` with one box annotation (id 1, label "car") and the
/// edit batch that added it in the journal. `extra_sql` runs last.
inline void make_version1_project(const std::filesystem::path& dir,
                                  const std::vector<std::string>& files,
                                  v1::ItemState first_state = v1::ItemState::InProgress,
                                  const std::string& extra_sql = {}) {
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "tessera-project.json")
        << R"({ "tessera_project": 1, "name": "old", "database": "project.db", "synchronous": "FULL" })"
        << '\n';
    sqlite3* db = nullptr;
    const auto check = [&](int rc, const char* what) {
        if (rc != SQLITE_OK && rc != SQLITE_DONE)
            throw std::runtime_error(std::string(what) + ": " + sqlite3_errmsg(db));
    };
    check(sqlite3_open((dir / "project.db").c_str(), &db), "open");
    const auto exec = [&](const std::string& sql) {
        char* message = nullptr;
        const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
        const std::string error = message != nullptr ? message : "";
        sqlite3_free(message);
        if (rc != SQLITE_OK) throw std::runtime_error(error + " (" + sql.substr(0, 60) + ")");
    };
    exec("PRAGMA journal_mode = WAL");
    exec(std::string("BEGIN;") + kVersion1Schema);

    const auto insert = [&](const char* sql, auto&& bind) {
        sqlite3_stmt* stmt = nullptr;
        check(sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr), sql);
        bind(stmt);
        const int rc = sqlite3_step(stmt);
        sqlite3_finalize(stmt);
        check(rc, sql);
    };
    const auto blob = [](sqlite3_stmt* stmt, int index, const flatbuffers::FlatBufferBuilder& b) {
        sqlite3_bind_blob(stmt, index, b.GetBufferPointer(), static_cast<int>(b.GetSize()),
                          SQLITE_TRANSIENT);
    };
    for (std::size_t i = 0; i < files.size(); ++i) {
        std::ofstream(dir / files[i]) << "text of item " << i + 1 << '\n';
        v1::ItemT item;
        item.id = i + 1;
        item.media = std::make_unique<v1::MediaT>();
        item.media->kind = v1::MediaKind::Text;
        item.media->uri = files[i];
        flatbuffers::FlatBufferBuilder builder;
        v1::FinishItemBuffer(builder, v1::CreateItem(builder, &item));
        insert("INSERT INTO items(id, uri, kind, state, item) VALUES (?1, ?2, ?3, ?4, ?5)",
               [&](sqlite3_stmt* s) {
                   sqlite3_bind_int64(s, 1, static_cast<sqlite3_int64>(i + 1));
                   sqlite3_bind_text(s, 2, files[i].c_str(), -1, SQLITE_TRANSIENT);
                   sqlite3_bind_int(s, 3, static_cast<int>(v1::MediaKind::Text));
                   sqlite3_bind_int(s, 4, i == 0 ? static_cast<int>(first_state) : 0);
                   blob(s, 5, builder);
               });
    }

    auto box = std::make_unique<v1::AnnotationT>();
    box->id = 1;
    box->label = "car";
    v1::BoxT geometry;
    geometry.left = 1, geometry.top = 2, geometry.right = 30, geometry.bottom = 40;
    box->geometry.Set(geometry);
    v1::AnnotationSetT set;
    set.item = 1;
    set.revision = 1;
    set.annotations.push_back(std::make_unique<v1::AnnotationT>(*box));
    flatbuffers::FlatBufferBuilder set_builder;
    v1::FinishAnnotationSetBuffer(set_builder, v1::CreateAnnotationSet(set_builder, &set));
    insert("INSERT INTO annotation_sets(item, revision, data) VALUES (1, 1, ?1)",
           [&](sqlite3_stmt* s) { blob(s, 1, set_builder); });

    v1::EditBatchT batch;
    batch.author = "old-timer";
    batch.time = 1'600'000'000'000;
    v1::AddAnnotationT add;
    add.item = 1;
    add.annotation = std::move(box);
    batch.ops.emplace_back(std::make_unique<v1::EditOpT>())->edit.Set(std::move(add));
    flatbuffers::FlatBufferBuilder batch_builder;
    v1::FinishEditBatchBuffer(batch_builder, v1::CreateEditBatch(batch_builder, &batch));
    insert("INSERT INTO journal(author, time, batch) VALUES ('old-timer', 1600000000000, ?1)",
           [&](sqlite3_stmt* s) { blob(s, 1, batch_builder); });
    exec("UPDATE meta SET value = 2 WHERE key = 'next_annotation_id'");
    if (!extra_sql.empty()) exec(extra_sql);
    exec("COMMIT");
    sqlite3_close(db);
}

}  // namespace tessera::test
