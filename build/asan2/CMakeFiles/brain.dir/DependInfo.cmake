
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/wt/sgemm/src/core/error.c" "CMakeFiles/brain.dir/src/core/error.c.o" "gcc" "CMakeFiles/brain.dir/src/core/error.c.o.d"
  "/work/wt/sgemm/src/core/rng.c" "CMakeFiles/brain.dir/src/core/rng.c.o" "gcc" "CMakeFiles/brain.dir/src/core/rng.c.o.d"
  "/work/wt/sgemm/src/core/sgemm.c" "CMakeFiles/brain.dir/src/core/sgemm.c.o" "gcc" "CMakeFiles/brain.dir/src/core/sgemm.c.o.d"
  "/work/wt/sgemm/src/core/tensor.c" "CMakeFiles/brain.dir/src/core/tensor.c.o" "gcc" "CMakeFiles/brain.dir/src/core/tensor.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
