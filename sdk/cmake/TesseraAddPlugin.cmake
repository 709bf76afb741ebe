# tessera_add_plugin(NAME <name> SOURCES <file>... [MANIFEST <plugin.json>])
#
# Builds a native Tessera plugin: a MODULE library <name>.so (no "lib"
# prefix) with hidden visibility that exports exactly one dynamic symbol,
# `tessera_plugin_entry`, and copies the manifest (default: plugin.json next
# to the calling CMakeLists.txt) beside the library, so the library's build
# folder is a plugin folder for TESSERA_PLUGIN_PATH. The manifest's "file"
# must name the library and its "kind" must be "native".
#
# Shared by the installed package (TesseraConfig.cmake) and the source tree.

include_guard(GLOBAL)

function(tessera_add_plugin)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "NAME;MANIFEST" "SOURCES")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "tessera_add_plugin: unexpected arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT arg_NAME OR NOT arg_SOURCES)
    message(FATAL_ERROR "tessera_add_plugin: NAME and SOURCES are required")
  endif()
  set(name ${arg_NAME})
  set(manifest ${arg_MANIFEST})
  if(NOT manifest)
    set(manifest ${CMAKE_CURRENT_SOURCE_DIR}/plugin.json)
  endif()
  get_filename_component(manifest "${manifest}" ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
  if(NOT EXISTS "${manifest}")
    message(FATAL_ERROR "tessera_add_plugin(${name}): no manifest at ${manifest}")
  endif()

  # The host reads plugin.json before loading any code: catch a manifest that
  # names another file now rather than as a refused plugin at run time.
  set(library_file "${name}${CMAKE_SHARED_MODULE_SUFFIX}")
  file(READ "${manifest}" manifest_text)
  string(JSON manifest_file ERROR_VARIABLE json_error GET "${manifest_text}" file)
  if(json_error)
    message(FATAL_ERROR "tessera_add_plugin(${name}): ${manifest}: ${json_error}")
  endif()
  string(JSON manifest_kind ERROR_VARIABLE json_error GET "${manifest_text}" kind)
  if(json_error OR NOT manifest_kind STREQUAL "native")
    message(FATAL_ERROR "tessera_add_plugin(${name}): ${manifest}: \"kind\" must be \"native\"")
  endif()
  if(NOT manifest_file STREQUAL library_file)
    message(FATAL_ERROR "tessera_add_plugin(${name}): ${manifest}: \"file\" is \"${manifest_file}\", "
                        "but the library is \"${library_file}\"")
  endif()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${manifest}")

  add_library(${name} MODULE ${arg_SOURCES})
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  target_link_libraries(${name} PRIVATE Tessera::headers)
  get_property(languages GLOBAL PROPERTY ENABLED_LANGUAGES)
  if(CXX IN_LIST languages)
    target_compile_features(${name} PRIVATE cxx_std_20)  # the C++ helpers need C++20
  endif()

  # Export the entry and nothing else, whatever the sources declare.
  if(APPLE)
    target_link_options(${name} PRIVATE "LINKER:-exported_symbol,_tessera_plugin_entry")
  elseif(NOT WIN32)
    set(version_script ${CMAKE_CURRENT_BINARY_DIR}/${name}.exports.map)
    file(CONFIGURE OUTPUT ${version_script}
         CONTENT "{\n  global: tessera_plugin_entry;\n  local: *;\n};\n")
    target_link_options(${name} PRIVATE "LINKER:--version-script=${version_script}")
    set_property(TARGET ${name} APPEND PROPERTY LINK_DEPENDS ${version_script})
  endif()

  # Relinking on a manifest change re-runs the copy below.
  set_property(TARGET ${name} APPEND PROPERTY LINK_DEPENDS "${manifest}")
  add_custom_command(TARGET ${name} POST_BUILD
    COMMAND ${CMAKE_COMMAND} -E copy_if_different "${manifest}" "$<TARGET_FILE_DIR:${name}>/plugin.json"
    VERBATIM)
endfunction()
