
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/src/core/activations.c" "CMakeFiles/brain.dir/src/core/activations.c.o" "gcc" "CMakeFiles/brain.dir/src/core/activations.c.o.d"
  "/work/main/src/core/error.c" "CMakeFiles/brain.dir/src/core/error.c.o" "gcc" "CMakeFiles/brain.dir/src/core/error.c.o.d"
  "/work/main/src/core/rng.c" "CMakeFiles/brain.dir/src/core/rng.c.o" "gcc" "CMakeFiles/brain.dir/src/core/rng.c.o.d"
  "/work/main/src/core/tensor.c" "CMakeFiles/brain.dir/src/core/tensor.c.o" "gcc" "CMakeFiles/brain.dir/src/core/tensor.c.o.d"
  "/work/main/src/layers/activation.c" "CMakeFiles/brain.dir/src/layers/activation.c.o" "gcc" "CMakeFiles/brain.dir/src/layers/activation.c.o.d"
  "/work/main/src/layers/dense.c" "CMakeFiles/brain.dir/src/layers/dense.c.o" "gcc" "CMakeFiles/brain.dir/src/layers/dense.c.o.d"
  "/work/main/src/layers/dropout.c" "CMakeFiles/brain.dir/src/layers/dropout.c.o" "gcc" "CMakeFiles/brain.dir/src/layers/dropout.c.o.d"
  "/work/main/src/layers/input.c" "CMakeFiles/brain.dir/src/layers/input.c.o" "gcc" "CMakeFiles/brain.dir/src/layers/input.c.o.d"
  "/work/main/src/layers/layer.c" "CMakeFiles/brain.dir/src/layers/layer.c.o" "gcc" "CMakeFiles/brain.dir/src/layers/layer.c.o.d"
  "/work/main/src/model/fit.c" "CMakeFiles/brain.dir/src/model/fit.c.o" "gcc" "CMakeFiles/brain.dir/src/model/fit.c.o.d"
  "/work/main/src/model/model.c" "CMakeFiles/brain.dir/src/model/model.c.o" "gcc" "CMakeFiles/brain.dir/src/model/model.c.o.d"
  "/work/main/src/model/progbar.c" "CMakeFiles/brain.dir/src/model/progbar.c.o" "gcc" "CMakeFiles/brain.dir/src/model/progbar.c.o.d"
  "/work/main/src/model/summary.c" "CMakeFiles/brain.dir/src/model/summary.c.o" "gcc" "CMakeFiles/brain.dir/src/model/summary.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
