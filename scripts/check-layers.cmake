# check-layers.cmake: fails on an include that goes up the layers or closes a cycle.
#
#   cmake -DSOURCE_DIR=. -P scripts/check-layers.cmake            (by hand, from the top folder)
#   ctest --test-dir build -R '^layers$'                          (tests/CMakeLists.txt adds it)
#
# Reads every `#include "…"` and `#include <…>` line of the C and C++ files under sdk/,
# plugins/ and host/, resolves it as the compiler would (a quoted include first beside
# the including file, then in the include roots), and prints FILE:LINE, the include and
# the rule it breaks for each offence. Includes found in no root (the standard library,
# Debian packages, the generated data API) are system headers and pass, except in the
# public headers. Needs CMake only: no Python, no compiler.
#
# The include roots are those the targets declare (target_include_directories): ctest
# passes them as INCLUDE_ROOTS, collected from every target of the build. Run by hand,
# the script uses DEFAULT_ROOTS below.
#
# The layers, lowest first; a layer includes only itself and the layers below it:
#
#   sdk/include        the public C ABI and C++ helpers: includes only sdk/include
#                      and system headers (it is installed on its own)
#   sdk/runtime        libtessera, itself a line of sub-folders (sdk/runtime/README.md):
#                        core → media → store → qa | formats → lua → loader
#                      qa and formats are siblings: neither includes the other. A new
#                      sub-folder is an error until it is given a place in RUNTIME_ORDER.
#   plugins/           built-in plugins: no host/. A plugin sees the public ABI
#                      (sdk/include) only; plugins/formats and plugins/rules are the
#                      documented internal tier, linked into the hosts, and may also
#                      include the runtime (see INTERNAL_TIER).
#   host/common        what both hosts share: neither host/cli nor host/studio
#   host/cli           the CLI: not host/studio
#   host/studio        the studio: not host/cli
#
# No file of sdk/, plugins/ or host/ includes tests/ or samples/. Last, the include graph
# of the scanned files must have no cycle (two headers including each other, directly or
# through others), which the rules above cannot see inside one folder.

cmake_minimum_required(VERSION 3.25)

if(NOT SOURCE_DIR)
  set(SOURCE_DIR "${CMAKE_CURRENT_LIST_DIR}/..")
endif()
get_filename_component(SOURCE_DIR "${SOURCE_DIR}" ABSOLUTE)

# The runtime's sub-folders in order; entries of one rank separated by "|".
set(RUNTIME_ORDER core media store "qa|formats" lua loader)
# Plugin folders that may include sdk/runtime: the built-in formats and QA rules are an
# internal tier (linked into the hosts with the runtime, not loaded through the ABI).
set(INTERNAL_TIER plugins/formats plugins/rules)
# The roots the targets declared when this was written, for runs by hand.
set(DEFAULT_ROOTS sdk/runtime sdk/include plugins/formats plugins/rules plugins/views/image
                  host/common host/studio tests)

if(INCLUDE_ROOTS)
  string(REPLACE "|" ";" roots "${INCLUDE_ROOTS}")
else()
  set(roots "")
  foreach(root IN LISTS DEFAULT_ROOTS)
    list(APPEND roots "${SOURCE_DIR}/${root}")
  endforeach()
endif()
set(resolved_roots "")
foreach(root IN LISTS roots)
  get_filename_component(root "${root}" ABSOLUTE)
  if(IS_DIRECTORY "${root}")
    list(APPEND resolved_roots "${root}")
  endif()
endforeach()
list(REMOVE_DUPLICATES resolved_roots)

# Rank of each runtime sub-folder.
set(rank 0)
foreach(entry IN LISTS RUNTIME_ORDER)
  string(REPLACE "|" ";" names "${entry}")
  foreach(name IN LISTS names)
    set(runtime_rank_${name} ${rank})
  endforeach()
  math(EXPR rank "${rank} + 1")
endforeach()
string(REPLACE ";" " → " order_text "${RUNTIME_ORDER}")
string(REPLACE "|" " | " order_text "${order_text}")

# layer_of(PATH OUT): PATH relative to SOURCE_DIR → the layer it belongs to.
function(layer_of path out)
  if(path MATCHES "^sdk/include/")
    set(layer "sdk/include")
  elseif(path MATCHES "^sdk/runtime/([^/]+)/")
    set(layer "sdk/runtime/${CMAKE_MATCH_1}")
  elseif(path MATCHES "^sdk/runtime/")
    set(layer "sdk/runtime")
  elseif(path MATCHES "^plugins/views/([^/]+)/")
    set(layer "plugins/views/${CMAKE_MATCH_1}")
  elseif(path MATCHES "^(plugins|host)/([^/]+)/")
    set(layer "${CMAKE_MATCH_1}/${CMAKE_MATCH_2}")
  elseif(path MATCHES "^([^/]+)/")
    set(layer "${CMAKE_MATCH_1}")
  else()
    set(layer ".")
  endif()
  set(${out} "${layer}" PARENT_SCOPE)
endfunction()

# broken_rule(FROM TO OUT): layers FROM and TO → the rule an include FROM → TO breaks, or "".
function(broken_rule from to out)
  set(rule "")
  if(from STREQUAL to)
    # Within one folder, only the cycle check applies.
  elseif(to MATCHES "^(tests|samples)$")
    set(rule "sdk/, plugins/ and host/ include nothing from tests/ or samples/")
  elseif(from STREQUAL "sdk/include")
    set(rule "the public headers sdk/include include only sdk/include and system headers")
  elseif(from MATCHES "^sdk/" AND to MATCHES "^(plugins|host)/")
    set(rule "sdk/ includes neither plugins/ nor host/")
  elseif(from MATCHES "^sdk/runtime/([^/]+)$")
    set(from_name "${CMAKE_MATCH_1}")
    if(NOT DEFINED runtime_rank_${from_name})
      set(rule "sdk/runtime/${from_name} has no place in the runtime's order (RUNTIME_ORDER in scripts/check-layers.cmake, sdk/runtime/README.md)")
    elseif(to MATCHES "^sdk/runtime/([^/]+)$")
      set(to_name "${CMAKE_MATCH_1}")
      if(NOT DEFINED runtime_rank_${to_name})
        set(rule "sdk/runtime/${to_name} has no place in the runtime's order (RUNTIME_ORDER in scripts/check-layers.cmake, sdk/runtime/README.md)")
      elseif(runtime_rank_${to_name} GREATER runtime_rank_${from_name})
        set(rule "upward in the runtime: ${from_name} is below ${to_name} (${order_text})")
      elseif(runtime_rank_${to_name} EQUAL runtime_rank_${from_name})
        set(rule "sideways in the runtime: ${from_name} and ${to_name} are siblings (${order_text})")
      endif()
    endif()
  elseif(from MATCHES "^plugins/")
    if(to MATCHES "^host/")
      set(rule "plugins/ does not include host/")
    elseif(to MATCHES "^sdk/runtime")
      # The allowance: only the internal tier may reach into the runtime.
      list(FIND INTERNAL_TIER "${from}" internal)
      if(internal EQUAL -1)
        string(REPLACE ";" " and " tier_text "${INTERNAL_TIER}")
        set(rule "a plugin includes the public ABI (sdk/include), not the runtime; only ${tier_text} are the internal tier")
      endif()
    elseif(to MATCHES "^plugins/")
      set(rule "a plugin folder does not include another plugin's folder")
    endif()
  elseif(from STREQUAL "host/common" AND to MATCHES "^host/(cli|studio)$")
    set(rule "host/common is below both hosts: it includes neither host/cli nor host/studio")
  elseif(from STREQUAL "host/cli" AND to STREQUAL "host/studio")
    set(rule "host/cli does not include host/studio (the CLI links no GUI)")
  elseif(from STREQUAL "host/studio" AND to STREQUAL "host/cli")
    set(rule "host/studio does not include host/cli")
  endif()
  set(${out} "${rule}" PARENT_SCOPE)
endfunction()

file(GLOB_RECURSE sources RELATIVE "${SOURCE_DIR}" LIST_DIRECTORIES false
     "${SOURCE_DIR}/sdk/*.c" "${SOURCE_DIR}/sdk/*.h" "${SOURCE_DIR}/sdk/*.cpp" "${SOURCE_DIR}/sdk/*.hpp"
     "${SOURCE_DIR}/plugins/*.c" "${SOURCE_DIR}/plugins/*.h" "${SOURCE_DIR}/plugins/*.cpp"
     "${SOURCE_DIR}/plugins/*.hpp" "${SOURCE_DIR}/host/*.c" "${SOURCE_DIR}/host/*.h"
     "${SOURCE_DIR}/host/*.cpp" "${SOURCE_DIR}/host/*.hpp")
list(SORT sources)

set(offences 0)
set(nodes "")
foreach(source IN LISTS sources)
  string(MAKE_C_IDENTIFIER "${source}" id)
  set(edges_${id} "")
  list(APPEND nodes "${source}")
  layer_of("${source}" from_layer)
  get_filename_component(source_dir "${SOURCE_DIR}/${source}" DIRECTORY)

  file(STRINGS "${SOURCE_DIR}/${source}" include_lines REGEX "^[ \t]*#[ \t]*include[ \t]*[\"<]")
  if(NOT include_lines)
    continue()
  endif()
  file(READ "${SOURCE_DIR}/${source}" text)
  set(text "\n${text}")
  foreach(line IN LISTS include_lines)
    if(NOT line MATCHES "#[ \t]*include[ \t]*([\"<])([^\">]+)[\">]")
      continue()
    endif()
    set(quote "${CMAKE_MATCH_1}")
    set(name "${CMAKE_MATCH_2}")
    if(quote STREQUAL "<")
      set(written "<${name}>")
    else()
      set(written "\"${name}\"")
    endif()
    # The line number: count the newlines before the line's first occurrence.
    string(FIND "${text}" "\n${line}" at)
    string(SUBSTRING "${text}" 0 ${at} before)
    string(REGEX MATCHALL "\n" newlines "${before}")
    list(LENGTH newlines line_number)
    math(EXPR line_number "${line_number} + 1")

    set(candidates "")
    if(quote STREQUAL "\"")
      list(APPEND candidates "${source_dir}/${name}")
    endif()
    foreach(root IN LISTS resolved_roots)
      list(APPEND candidates "${root}/${name}")
    endforeach()
    set(target "")
    foreach(candidate IN LISTS candidates)
      if(EXISTS "${candidate}" AND NOT IS_DIRECTORY "${candidate}")
        get_filename_component(target "${candidate}" ABSOLUTE)
        break()
      endif()
    endforeach()

    if(target STREQUAL "")
      # A system or generated header. The public headers write those with <…>.
      if(from_layer STREQUAL "sdk/include" AND quote STREQUAL "\"")
        message("${source}:${line_number}: #include ${written} is found in no include root: the public headers sdk/include include only sdk/include and system headers")
        math(EXPR offences "${offences} + 1")
      endif()
      continue()
    endif()
    file(RELATIVE_PATH target_path "${SOURCE_DIR}" "${target}")
    if(target_path MATCHES "^\\.\\./")
      continue()  # outside the tree: a system header after all
    endif()
    layer_of("${target_path}" to_layer)
    broken_rule("${from_layer}" "${to_layer}" rule)
    if(NOT rule STREQUAL "")
      message("${source}:${line_number}: #include ${written} (${target_path}): ${rule}")
      math(EXPR offences "${offences} + 1")
    endif()
    list(APPEND edges_${id} "${target_path}")
  endforeach()
endforeach()

# Cycles: peel off files whose includes are all peeled (Kahn's algorithm); what is left
# lies on a cycle or leads into one. Then walk the leftovers to print each cycle once.
set(remaining "${nodes}")
set(changed TRUE)
while(changed)
  set(changed FALSE)
  set(next "")
  foreach(node IN LISTS remaining)
    string(MAKE_C_IDENTIFIER "${node}" id)
    set(blocked FALSE)
    foreach(edge IN LISTS edges_${id})
      string(MAKE_C_IDENTIFIER "${edge}" edge_id)
      if(NOT done_${edge_id} AND DEFINED edges_${edge_id})
        set(blocked TRUE)
        break()
      endif()
    endforeach()
    if(blocked)
      list(APPEND next "${node}")
    else()
      set(done_${id} TRUE)
      set(changed TRUE)
    endif()
  endforeach()
  set(remaining "${next}")
endwhile()

set(cycles 0)
foreach(start IN LISTS remaining)
  string(MAKE_C_IDENTIFIER "${start}" start_id)
  if(reported_${start_id})
    continue()
  endif()
  # Follow edges among the leftovers until a file repeats: that stretch is a cycle.
  set(path "")
  set(node "${start}")
  while(TRUE)
    list(FIND path "${node}" seen)
    if(NOT seen EQUAL -1)
      break()
    endif()
    list(APPEND path "${node}")
    string(MAKE_C_IDENTIFIER "${node}" id)
    foreach(edge IN LISTS edges_${id})
      string(MAKE_C_IDENTIFIER "${edge}" edge_id)
      if(NOT done_${edge_id} AND DEFINED edges_${edge_id})
        set(node "${edge}")
        break()
      endif()
    endforeach()
  endwhile()
  list(SUBLIST path ${seen} -1 cycle)
  set(new FALSE)
  foreach(member IN LISTS cycle)
    string(MAKE_C_IDENTIFIER "${member}" member_id)
    if(NOT reported_${member_id})
      set(new TRUE)
    endif()
    set(reported_${member_id} TRUE)
  endforeach()
  if(new)
    list(GET cycle 0 first)
    list(APPEND cycle "${first}")
    string(REPLACE ";" " → " cycle_text "${cycle}")
    message("${first}: include cycle: ${cycle_text}")
    math(EXPR cycles "${cycles} + 1")
  endif()
endforeach()

list(LENGTH sources scanned)
list(LENGTH resolved_roots root_count)
math(EXPR total "${offences} + ${cycles}")
if(total GREATER 0)
  message(FATAL_ERROR "layers: ${offences} include(s) against the layers and ${cycles} include cycle(s) in ${scanned} files (${root_count} include roots); the order is at the top of scripts/check-layers.cmake")
endif()
message("layers: ${scanned} files, ${root_count} include roots: no upward include, no cycle")
