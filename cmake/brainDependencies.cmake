# brainDependencies.cmake — the libraries libbrain uses, found the same way when brain is built
# (CMakeLists.txt includes this file) and when a program links the installed libbrain.a
# (brainConfig.cmake includes its installed copy).  The shared libbrain.so records its own
# dependencies, so programs linking it need none of this.
#
# One block per dependency.  To add one, add a block that finds it and calls
#   brain_dependency(<link item> [PC <pkg-config module>] [LIBS <flags for brain.pc>]
#                    [DEB <Debian -dev package>])
# which links it privately to the library and records it for brain.pc (Requires.private or
# Libs.private), brainConfig.cmake and the .deb's Depends.  Optional dependencies are
# BRAIN_WITH_<NAME> = ON (required), AUTO (when found) or OFF; the build writes the outcome
# (ON or OFF) into brainConfig.cmake.
#
# Libraries with a pkg-config module are found through it (PkgConfig::brain_<name>): Debian's
# CMake packages for libzip and oneDNN fail to load without unrelated packages (zipcmp, OpenCL),
# and pkg-config is also what a cross build points at the target's libraries.

macro(brain_missing what hint)
  if(BRAIN_FINDING_FOR_CONSUMER)
    set(brain_FOUND FALSE)
    set(brain_NOT_FOUND_MESSAGE "libbrain.a needs ${what} (${hint})")
    return()
  else()
    message(FATAL_ERROR "brain needs ${what} (${hint}, or run scripts/setup.sh)")
  endif()
endmacro()

# brain_pkg(<name> <pkg-config module> <Debian -dev package>): a required pkg-config dependency.
macro(brain_pkg name module deb)
  if(NOT TARGET PkgConfig::brain_${name})
    pkg_check_modules(brain_${name} QUIET IMPORTED_TARGET GLOBAL ${module})
  endif()
  if(NOT TARGET PkgConfig::brain_${name})
    brain_missing("${module}" "apt-get install ${deb}")
  endif()
  brain_dependency(PkgConfig::brain_${name} PC ${module} DEB ${deb})
endmacro()

if(NOT COMMAND brain_dependency) # brainConfig.cmake: nothing to record
  macro(brain_dependency)
  endmacro()
endif()

find_package(PkgConfig QUIET)
if(NOT PKG_CONFIG_FOUND)
  brain_missing("pkg-config" "apt-get install pkg-config")
endif()

# HDF5: the weights inside .keras and .h5 files (src/io).
brain_pkg(hdf5 hdf5 libhdf5-dev)
# libzip: .keras archives and .npz files.
brain_pkg(zip libzip libzip-dev)
# cJSON: config.json and metadata.json of .keras files.
brain_pkg(cjson libcjson libcjson-dev)
# zlib: gzip'd IDX files.
brain_pkg(zlib zlib zlib1g-dev)

# oneDNN (optional): dnnl_sgemm for large matrix products (BRAIN_SGEMM=auto or dnnl).
if(BRAIN_WITH_DNNL)
  find_path(BRAIN_DNNL_INCLUDE dnnl.h)
  find_library(BRAIN_DNNL_LIBRARY dnnl)
  if(BRAIN_DNNL_INCLUDE AND BRAIN_DNNL_LIBRARY)
    if(NOT TARGET brain::dnnl)
      add_library(brain::dnnl UNKNOWN IMPORTED GLOBAL)
      set_target_properties(brain::dnnl PROPERTIES IMPORTED_LOCATION "${BRAIN_DNNL_LIBRARY}"
                            INTERFACE_INCLUDE_DIRECTORIES "${BRAIN_DNNL_INCLUDE}")
    endif()
    set(BRAIN_WITH_DNNL ON)
    brain_dependency(brain::dnnl LIBS -ldnnl DEB libdnnl-dev)
  elseif(BRAIN_WITH_DNNL STREQUAL "AUTO")
    set(BRAIN_WITH_DNNL OFF)
  else()
    brain_missing("oneDNN" "apt-get install libdnnl-dev")
  endif()
endif()

# OpenBLAS (optional): cblas_sgemm for large matrix products (BRAIN_SGEMM=openblas, or auto
# without oneDNN).
if(BRAIN_WITH_OPENBLAS)
  find_path(BRAIN_CBLAS_INCLUDE cblas.h PATH_SUFFIXES openblas)
  find_library(BRAIN_OPENBLAS_LIBRARY openblas)
  if(BRAIN_CBLAS_INCLUDE AND BRAIN_OPENBLAS_LIBRARY)
    if(NOT TARGET brain::openblas)
      add_library(brain::openblas UNKNOWN IMPORTED GLOBAL)
      set_target_properties(brain::openblas PROPERTIES IMPORTED_LOCATION "${BRAIN_OPENBLAS_LIBRARY}"
                            INTERFACE_INCLUDE_DIRECTORIES "${BRAIN_CBLAS_INCLUDE}")
    endif()
    set(BRAIN_WITH_OPENBLAS ON)
    brain_dependency(brain::openblas LIBS -lopenblas DEB libopenblas-dev)
  elseif(BRAIN_WITH_OPENBLAS STREQUAL "AUTO")
    set(BRAIN_WITH_OPENBLAS OFF)
  else()
    brain_missing("OpenBLAS" "apt-get install libopenblas-dev")
  endif()
endif()

# OpenMP (optional, BRAIN_OPENMP): the library's threads.
if(BRAIN_WITH_OPENMP)
  find_package(OpenMP QUIET COMPONENTS C)
  if(OpenMP_C_FOUND)
    set(BRAIN_WITH_OPENMP ON)
    brain_dependency(OpenMP::OpenMP_C LIBS ${OpenMP_C_FLAGS})
  elseif(BRAIN_WITH_OPENMP STREQUAL "AUTO")
    set(BRAIN_WITH_OPENMP OFF)
  else()
    brain_missing("OpenMP" "a C compiler with OpenMP: gcc")
  endif()
endif()

# Threads (pthreads): the datasets' worker threads (map, prefetch).
if(NOT TARGET Threads::Threads)
  find_package(Threads QUIET)
endif()
if(NOT TARGET Threads::Threads)
  brain_missing("POSIX threads" "a C library with pthreads")
endif()
brain_dependency(Threads::Threads LIBS -pthread)

# brain_optional_pkg(<NAME> <pkg-config module> <Debian -dev package>): an optional pkg-config
# dependency, used when BRAIN_WITH_<NAME> is ON or AUTO and found (then ON, else OFF).
macro(brain_optional_pkg name module deb)
  if(BRAIN_WITH_${name})
    string(TOLOWER ${name} _bo_lower)
    if(NOT TARGET PkgConfig::brain_${_bo_lower})
      pkg_check_modules(brain_${_bo_lower} QUIET IMPORTED_TARGET GLOBAL ${module})
    endif()
    if(TARGET PkgConfig::brain_${_bo_lower})
      set(BRAIN_WITH_${name} ON)
      brain_dependency(PkgConfig::brain_${_bo_lower} PC ${module} DEB ${deb})
    elseif(BRAIN_WITH_${name} STREQUAL "AUTO")
      set(BRAIN_WITH_${name} OFF)
    else()
      brain_missing("${module}" "apt-get install ${deb}")
    endif()
  endif()
endmacro()
# Image decoders (optional): image folders (src/data/dataset_dir.c) read PNG, JPEG and TIFF.
brain_optional_pkg(PNG libpng libpng-dev)
brain_optional_pkg(TURBOJPEG libturbojpeg libturbojpeg0-dev)
brain_optional_pkg(TIFF libtiff-4 libtiff-dev)

# MPI (optional, BRAIN_MPI): data-parallel training (src/dist/dist.c).
if(BRAIN_WITH_MPI)
  if(NOT TARGET MPI::MPI_C)
    find_package(MPI QUIET COMPONENTS C)
  endif()
  if(TARGET MPI::MPI_C)
    set(BRAIN_WITH_MPI ON)
    brain_dependency(MPI::MPI_C PC ompi-c DEB libopenmpi-dev)
  elseif(BRAIN_WITH_MPI STREQUAL "AUTO")
    set(BRAIN_WITH_MPI OFF)
  else()
    brain_missing("MPI" "apt-get install libopenmpi-dev")
  endif()
endif()

# protobuf-c (optional, BRAIN_ONNX): ONNX export (src/export/onnx.c).
if(BRAIN_WITH_PROTOBUF_C)
  if(NOT TARGET PkgConfig::brain_protobuf_c)
    pkg_check_modules(brain_protobuf_c QUIET IMPORTED_TARGET GLOBAL libprotobuf-c)
  endif()
  if(TARGET PkgConfig::brain_protobuf_c)
    set(BRAIN_WITH_PROTOBUF_C ON)
    brain_dependency(PkgConfig::brain_protobuf_c PC libprotobuf-c DEB libprotobuf-c-dev)
  elseif(BRAIN_WITH_PROTOBUF_C STREQUAL "AUTO")
    set(BRAIN_WITH_PROTOBUF_C OFF)
  else()
    brain_missing("protobuf-c" "apt-get install libprotobuf-c-dev")
  endif()
endif()

# POSIX threads: the per-model locks, the HDF5 lock, the sandbox (docs/reliability.md).
find_package(Threads REQUIRED)
brain_dependency(Threads::Threads LIBS -pthread)

# libm.
brain_dependency(m LIBS -lm)
