# `cmake --install` puts headers, libraries, the CLI and a CMake package in place, so another project can
#   find_package(tilesim) ... target_link_libraries(app PRIVATE tilesim::tilesim)
include(CMakePackageConfigHelpers)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/tilesim DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS tilesim tilesim_runtime tilesim_emulator tilesim_compiler tilesim_common
        EXPORT tilesimTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS tilesim_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(EXPORT tilesimTargets NAMESPACE tilesim:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/tilesim)

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/tilesimConfig.cmake.in
  ${PROJECT_BINARY_DIR}/tilesimConfig.cmake INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/tilesim)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/tilesimConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/tilesimConfig.cmake ${PROJECT_BINARY_DIR}/tilesimConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/tilesim)
