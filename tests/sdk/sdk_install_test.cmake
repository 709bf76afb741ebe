# What an integrator does, end to end (samples/plugins/README.md):
#   1. cmake --install the built tree into a fresh prefix;
#   2. configure and build samples/plugins/c_minimal and cpp_rules
#      out-of-tree with -DCMAKE_PREFIX_PATH=<prefix> only;
#   3. check each library exports exactly one dynamic symbol, tessera_plugin_entry,
#      and its build folder holds plugin.json;
#   4. `tessera plugins list --json` (the installed CLI) with TESSERA_PLUGIN_PATH
#      naming the folder that holds the two build folders (the loader takes
#      each direct subfolder holding plugin.json as a plugin) shows both
#      plugins in state "loaded".
# Run by ctest: cmake -DBUILD_DIR=... -DSAMPLES_DIR=... -DWORK_DIR=...
#   -DC_COMPILER=... -DCXX_COMPILER=... -DNM=... -P sdk_install_test.cmake
# The temporary folder is removed whether the test passes or fails.

foreach(var BUILD_DIR SAMPLES_DIR WORK_DIR C_COMPILER CXX_COMPILER)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "sdk_install_test.cmake: -D${var}=... is required")
  endif()
endforeach()
if(NOT NM)
  set(NM nm)
endif()

string(RANDOM LENGTH 8 ALPHABET 0123456789abcdef suffix)
set(tmp "${WORK_DIR}/sdk-install-test-${suffix}")
set(prefix "${tmp}/prefix")
file(REMOVE_RECURSE "${tmp}")
file(MAKE_DIRECTORY "${tmp}")

# Stops the test with `message`, after removing the temporary folder.
macro(fail message)
  file(REMOVE_RECURSE "${tmp}")
  message(FATAL_ERROR "${message}")
endmacro()

# Runs a command; on failure stops the test showing its output.
macro(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE run_result OUTPUT_VARIABLE run_out
                  ERROR_VARIABLE run_err)
  if(NOT run_result EQUAL 0)
    fail("${what} failed (${run_result}):\n${run_out}\n${run_err}")
  endif()
endmacro()

# 1. Install.
run("cmake --install" ${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${prefix}")
foreach(expected
    include/tessera/tessera.h include/tessera/ext/qa_rules.h include/tessera/cpp/tessera.hpp
    include/tessera/v1/annotation_generated.h share/tessera/schemas/v1/annotation.fbs
    bin/tessera)
  if(NOT EXISTS "${prefix}/${expected}")
    fail("the install has no ${expected}")
  endif()
endforeach()
file(GLOB_RECURSE config "${prefix}/*/TesseraConfig.cmake")
if(NOT config)
  fail("the install has no TesseraConfig.cmake")
endif()

# 2 and 3. Build each sample out-of-tree and inspect what it exports.
set(plugin_path "${tmp}/plugins")
foreach(sample c_minimal cpp_rules)
  set(build "${plugin_path}/${sample}")
  run("configuring ${sample} against the installed SDK"
      ${CMAKE_COMMAND} -S "${SAMPLES_DIR}/${sample}" -B "${build}"
      -DCMAKE_BUILD_TYPE=Release
      "-DCMAKE_PREFIX_PATH=${prefix}"
      -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
      "-DCMAKE_C_COMPILER=${C_COMPILER}" "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}"
      -DCMAKE_COMPILE_WARNING_AS_ERROR=ON)
  run("building ${sample}" ${CMAKE_COMMAND} --build "${build}")

  set(library "${build}/${sample}.so")
  if(NOT EXISTS "${library}" OR NOT EXISTS "${build}/plugin.json")
    fail("${sample}: the build folder is not a plugin folder (need ${sample}.so and plugin.json)")
  endif()
  run("nm ${sample}" ${NM} -D --defined-only "${library}")
  string(REGEX MATCHALL "[^\n]+" lines "${run_out}")
  set(symbols "")
  foreach(line IN LISTS lines)
    string(REGEX REPLACE "^.* " "" symbol "${line}")
    list(APPEND symbols "${symbol}")
  endforeach()
  if(NOT symbols STREQUAL "tessera_plugin_entry")
    fail("${sample}: exports [${symbols}], expected exactly [tessera_plugin_entry]")
  endif()
endforeach()

# 4. Load both with the installed CLI.
execute_process(
  COMMAND ${CMAKE_COMMAND} -E env "TESSERA_PLUGIN_PATH=${plugin_path}"
          "${prefix}/bin/tessera" plugins list --json
  RESULT_VARIABLE result OUTPUT_VARIABLE listing ERROR_VARIABLE errors)
if(NOT result EQUAL 0)
  fail("tessera plugins list --json failed (${result}):\n${listing}\n${errors}")
endif()
string(JSON kind ERROR_VARIABLE json_error TYPE "${listing}")
if(json_error)
  fail("tessera plugins list --json printed no JSON (${json_error}):\n${listing}")
endif()
if(NOT kind STREQUAL "ARRAY")
  fail("tessera plugins list --json: expected an array of plugins:\n${listing}")
endif()
string(JSON count LENGTH "${listing}")
# The bundled Lua plugins come from <prefix>/share/tessera/plugins, the installed built-in folder.
foreach(id com.example.c-minimal com.example.cpp-rules tessera.driving)
  set(state "")
  set(reason "")
  set(folder "")
  if(count GREATER 0)
    math(EXPR last "${count} - 1")
    foreach(i RANGE ${last})
      string(JSON this_id ERROR_VARIABLE json_error GET "${listing}" ${i} id)
      if(this_id STREQUAL id)
        string(JSON state ERROR_VARIABLE json_error GET "${listing}" ${i} state)
        string(JSON reason ERROR_VARIABLE json_error GET "${listing}" ${i} reason)
        string(JSON folder ERROR_VARIABLE json_error GET "${listing}" ${i} folder)
      endif()
    endforeach()
  endif()
  if(NOT state STREQUAL "loaded")
    fail("plugin ${id} is not loaded (state \"${state}\", reason \"${reason}\"):\n${listing}\n${errors}")
  endif()
  if(id STREQUAL "tessera.driving" AND NOT folder MATCHES "^${prefix}/share/tessera/plugins/")
    fail("tessera.driving was loaded from ${folder}, not from the installed ${prefix}/share/tessera/plugins")
  endif()
endforeach()

file(REMOVE_RECURSE "${tmp}")
message(STATUS "installed SDK: c_minimal and cpp_rules built out-of-tree, export only "
               "tessera_plugin_entry, and load")
