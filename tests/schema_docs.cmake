# Checks that every table, struct, enum, union and field of the data API
# carries a `///` comment on the line above (issue: "a /// comment on every
# table and field"). Usage: cmake -DSCHEMA=file.fbs -P schema_docs.cmake
file(STRINGS "${SCHEMA}" lines)
set(previous "")
set(missing "")
set(number 0)
foreach(line IN LISTS lines)
  math(EXPR number "${number} + 1")
  set(documented FALSE)
  if(previous MATCHES "^[ \t]*///")
    set(documented TRUE)
  endif()
  # Declarations: table/struct/enum/union names, fields "name: type", enum values "Name = n,"
  if(line MATCHES "^(table|struct|enum|union)[ \t]" OR
     line MATCHES "^[ \t]+[A-Za-z_][A-Za-z0-9_]*[ \t]*:[ \t]*[^ \t]" OR
     line MATCHES "^[ \t]+[A-Za-z_][A-Za-z0-9_]*[ \t]*=[ \t]*[0-9]+,")
    if(NOT documented)
      string(STRIP "${line}" stripped)
      list(APPEND missing "${SCHEMA}:${number}: no /// comment above '${stripped}'")
    endif()
  endif()
  set(previous "${line}")
endforeach()
if(missing)
  list(JOIN missing "\n" report)
  message(FATAL_ERROR "${report}")
endif()
