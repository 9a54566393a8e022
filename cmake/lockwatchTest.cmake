# lockwatchTest.cmake - lockwatch_add_test(), installed with the CMake
# package (find_package(lockwatch) includes it).
#
#   lockwatch_add_test(NAME <name> COMMAND <program> [<arg>...]
#                      [LOCKWATCH_ARGS <flag>...]
#                      [WORKING_DIRECTORY <dir>])
#
# Adds test <name> that runs <program> (an executable target's name, or a
# path) under `lockwatch run`, with its reports in a JSON file of its own,
# <build dir>/lockwatch/<name>.jsonl, so that tests run in parallel never
# share one. LOCKWATCH_ARGS are `lockwatch run` flags (--timeout 60,
# --suppressions FILE, --hold-ms 0, ...). The test fails when lockwatch
# reports an error (status 66) or the program fails; the JSON file's path
# is in the test's LOCKWATCH_JSON property, for a CI step to collect.
function(lockwatch_add_test)
  cmake_parse_arguments(LWT "" "NAME;WORKING_DIRECTORY" "COMMAND;LOCKWATCH_ARGS" ${ARGN})
  if(NOT LWT_NAME OR NOT LWT_COMMAND)
    message(FATAL_ERROR "lockwatch_add_test: NAME and COMMAND are required")
  endif()
  list(POP_FRONT LWT_COMMAND program)
  if(TARGET ${program})
    set(program $<TARGET_FILE:${program}>)
  endif()
  set(json ${CMAKE_CURRENT_BINARY_DIR}/lockwatch/${LWT_NAME}.jsonl)
  file(MAKE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/lockwatch)
  set(wd)
  if(LWT_WORKING_DIRECTORY)
    set(wd WORKING_DIRECTORY ${LWT_WORKING_DIRECTORY})
  endif()
  add_test(NAME ${LWT_NAME} ${wd}
    COMMAND $<TARGET_FILE:lockwatch::lockwatch_run> run --json ${json} ${LWT_LOCKWATCH_ARGS}
      -- ${program} ${LWT_COMMAND})
  set_tests_properties(${LWT_NAME} PROPERTIES LOCKWATCH_JSON ${json})
endfunction()
