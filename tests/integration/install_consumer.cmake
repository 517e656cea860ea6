# Installs the built libcim into a scratch prefix, builds samples/cpp-app against it with find_package(cim),
# runs it on the bundled sample and checks what it prints. The consumer is compiled by the compiler that built the
# library (CONSUMER_CXX).
file(REMOVE_RECURSE ${WORK_DIR})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BINARY_DIR} --prefix ${WORK_DIR}/prefix
                RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install failed (${rc})")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR}/samples/cpp-app -B ${WORK_DIR}/app
                        -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix -DCMAKE_BUILD_TYPE=Release
                        -DCMAKE_CXX_COMPILER=${CONSUMER_CXX}  # the library's compiler (clang for a sanitizer build)
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "configuring the consumer failed:\n${out}\n${err}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK_DIR}/app RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "building the consumer failed:\n${out}\n${err}")
endif()
execute_process(COMMAND ${WORK_DIR}/app/cim_sample_app ${SOURCE_DIR}/data/hangzhou/pump_station.obj
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the consumer failed (${rc}):\n${out}\n${err}")
endif()
if(NOT out MATCHES "8 elements, 262 triangles" OR NOT out MATCHES "120\\.16")
  message(FATAL_ERROR "unexpected consumer output:\n${out}")
endif()
message(STATUS "consumer output:\n${out}")
