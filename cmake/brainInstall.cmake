# brainInstall.cmake — what `cmake --install` puts where, the CMake package and brain.pc, and the
# Debian packages (cpack -G DEB).  Included by CMakeLists.txt when BRAIN_INSTALL is ON.
include(CMakePackageConfigHelpers)
set(BRAIN_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/brain)

install(TARGETS ${BRAIN_LIB_TARGETS} EXPORT brainTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT runtime NAMELINK_COMPONENT dev
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES ${PROJECT_SOURCE_DIR}/include/brain.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dev)
if(BRAIN_BUILD_CLI)
  # The program finds libbrain.so next door in any prefix.
  set_target_properties(brain_cli PROPERTIES INSTALL_RPATH "$ORIGIN/../${CMAKE_INSTALL_LIBDIR}")
  install(TARGETS brain_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT tools)
  if(EXISTS ${PROJECT_SOURCE_DIR}/docs/brain.1)
    install(FILES ${PROJECT_SOURCE_DIR}/docs/brain.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT tools)
  endif()
endif()

# CMake package: lib/cmake/brain/
install(EXPORT brainTargets NAMESPACE brain:: DESTINATION ${BRAIN_CMAKE_DIR} COMPONENT dev)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/brainConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/brainConfig.cmake INSTALL_DESTINATION ${BRAIN_CMAKE_DIR})
# 0.x: a minor version may change the API, so 0.1 accepts 0.1.y only.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/brainConfigVersion.cmake
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/brainConfig.cmake ${PROJECT_BINARY_DIR}/brainConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/cmake/brainDependencies.cmake
        DESTINATION ${BRAIN_CMAKE_DIR} COMPONENT dev)

# pkg-config: lib/pkgconfig/brain.pc, its prefix the one installed into (known at install time).
list(REMOVE_DUPLICATES BRAIN_PC_REQUIRES)
list(JOIN BRAIN_PC_REQUIRES " " BRAIN_PC_REQUIRES_STR)
list(JOIN BRAIN_PC_LIBS " " BRAIN_PC_LIBS_STR)
set(BRAIN_PC_PREFIX "@BRAIN_PC_PREFIX@")
configure_file(${PROJECT_SOURCE_DIR}/cmake/brain.pc.in ${PROJECT_BINARY_DIR}/brain.pc.in @ONLY)
install(CODE "set(BRAIN_PC_PREFIX \"\${CMAKE_INSTALL_PREFIX}\")
configure_file(\"${PROJECT_BINARY_DIR}/brain.pc.in\" \"${PROJECT_BINARY_DIR}/brain.pc\" @ONLY)" COMPONENT dev)
install(FILES ${PROJECT_BINARY_DIR}/brain.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT dev)

# Documentation: share/doc/brain/
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/CHANGELOG.md ${PROJECT_SOURCE_DIR}/LICENSE
        DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT dev)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT dev
        FILES_MATCHING PATTERN "*.md")

# ------------------------------------------------------------------ Debian packages
if(NOT BRAIN_TOP) # a parent project's packages are its own business
  return()
endif()
# cpack -G DEB (in the build folder) makes three, as Debian splits a library:
#   libbrain0       libbrain.so.0 (its Depends computed by dpkg-shlibdeps)
#   libbrain-dev    brain.h, libbrain.so, libbrain.a, CMake package, brain.pc, docs
#                   (Depends: libbrain0 and the -dev packages libbrain.a and brain.pc need)
#   libbrain-tools  the brain program and its man page
# apt-get install ./libbrain*.deb installs them with their dependencies.
set(CPACK_PACKAGE_NAME libbrain)
set(CPACK_PACKAGE_VENDOR "brain")
set(CPACK_PACKAGE_CONTACT "brain maintainers <brain@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_COMPONENTS_ALL runtime dev)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME libbrain${PROJECT_VERSION_MAJOR})
set(CPACK_DEBIAN_DEV_PACKAGE_NAME libbrain-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
list(REMOVE_DUPLICATES BRAIN_DEB_DEPENDS)
list(APPEND BRAIN_DEB_DEPENDS pkg-config)
list(JOIN BRAIN_DEB_DEPENDS ", " CPACK_DEBIAN_DEV_PACKAGE_DEPENDS)
set(CPACK_DEBIAN_DEV_PACKAGE_SHLIBDEPS OFF)
set(CPACK_COMPONENT_DEV_DESCRIPTION "${PROJECT_DESCRIPTION}: headers, static library, CMake and pkg-config files")
set(CPACK_COMPONENT_RUNTIME_DESCRIPTION "${PROJECT_DESCRIPTION}: shared library")
if(BRAIN_BUILD_CLI)
  list(APPEND CPACK_COMPONENTS_ALL tools)
  set(CPACK_DEBIAN_TOOLS_PACKAGE_NAME libbrain-tools)
  set(CPACK_DEBIAN_TOOLS_PACKAGE_SECTION science)
  # its one library dependency is libbrain0, which dpkg-shlibdeps cannot know before it is installed
  set(CPACK_DEBIAN_TOOLS_PACKAGE_SHLIBDEPS OFF)
  if(BRAIN_CLI_HAVE_CAIRO)  # brain plot
    set(CPACK_DEBIAN_TOOLS_PACKAGE_DEPENDS "libcairo2")
  endif()
  set(CPACK_COMPONENT_TOOLS_DESCRIPTION "${PROJECT_DESCRIPTION}: the brain command-line program")
endif()
include(CPackComponent)
cpack_add_component(runtime DISPLAY_NAME "shared library")
cpack_add_component(dev DISPLAY_NAME "development files" DEPENDS runtime)
if(BRAIN_BUILD_CLI)
  cpack_add_component(tools DISPLAY_NAME "command line" DEPENDS runtime)
endif()
include(CPack)
