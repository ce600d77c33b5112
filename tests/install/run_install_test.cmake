# ctest driver: install the build tree into a fresh prefix, then configure, build and run tests/install
# against it. Variables: BUILD_DIR (tilesim's build tree), SOURCE_DIR (tests/install), WORK_DIR (scratch).
foreach(var BUILD_DIR SOURCE_DIR WORK_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_install_test.cmake: ${var} is not set")
  endif()
endforeach()

file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)

function(step name)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "install test: ${name} failed (${result}):\n${out}\n${err}")
  endif()
  message(STATUS "install test: ${name}: ok\n${out}")
endfunction()

step("cmake --install" ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
if(NOT EXISTS ${prefix}/include/tilesim/host.h OR NOT EXISTS ${prefix}/bin/tilesim)
  message(FATAL_ERROR "install test: the prefix lacks include/tilesim/host.h or bin/tilesim")
endif()
# The installed package imposes none of our build flags; a sanitizer build's libraries still need the
# sanitizer runtime, which a real consumer of such a build would link too.
set(consumer_flags "")
if(SANITIZE)
  set(consumer_flags "-DCMAKE_CXX_FLAGS=-fsanitize=${SANITIZE}" "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=${SANITIZE}")
endif()
step("configure the consumer" ${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/build -DCMAKE_BUILD_TYPE=Release
     -DCMAKE_PREFIX_PATH=${prefix} ${consumer_flags})
step("build the consumer" ${CMAKE_COMMAND} --build ${WORK_DIR}/build)
step("run the consumer" ${WORK_DIR}/build/consumer)
step("run the installed CLI" ${prefix}/bin/tilesim --version)
