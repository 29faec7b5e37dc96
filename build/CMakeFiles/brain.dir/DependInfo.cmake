
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/wt/cb/src/callbacks/callback.c" "CMakeFiles/brain.dir/src/callbacks/callback.c.o" "gcc" "CMakeFiles/brain.dir/src/callbacks/callback.c.o.d"
  "/work/wt/cb/src/callbacks/csv_logger.c" "CMakeFiles/brain.dir/src/callbacks/csv_logger.c.o" "gcc" "CMakeFiles/brain.dir/src/callbacks/csv_logger.c.o.d"
  "/work/wt/cb/src/callbacks/early_stopping.c" "CMakeFiles/brain.dir/src/callbacks/early_stopping.c.o" "gcc" "CMakeFiles/brain.dir/src/callbacks/early_stopping.c.o.d"
  "/work/wt/cb/src/callbacks/history.c" "CMakeFiles/brain.dir/src/callbacks/history.c.o" "gcc" "CMakeFiles/brain.dir/src/callbacks/history.c.o.d"
  "/work/wt/cb/src/callbacks/logs.c" "CMakeFiles/brain.dir/src/callbacks/logs.c.o" "gcc" "CMakeFiles/brain.dir/src/callbacks/logs.c.o.d"
  "/work/wt/cb/src/callbacks/monitor.c" "CMakeFiles/brain.dir/src/callbacks/monitor.c.o" "gcc" "CMakeFiles/brain.dir/src/callbacks/monitor.c.o.d"
  "/work/wt/cb/src/callbacks/reduce_lr_on_plateau.c" "CMakeFiles/brain.dir/src/callbacks/reduce_lr_on_plateau.c.o" "gcc" "CMakeFiles/brain.dir/src/callbacks/reduce_lr_on_plateau.c.o.d"
  "/work/wt/cb/src/callbacks/terminate_on_nan.c" "CMakeFiles/brain.dir/src/callbacks/terminate_on_nan.c.o" "gcc" "CMakeFiles/brain.dir/src/callbacks/terminate_on_nan.c.o.d"
  "/work/wt/cb/src/core/error.c" "CMakeFiles/brain.dir/src/core/error.c.o" "gcc" "CMakeFiles/brain.dir/src/core/error.c.o.d"
  "/work/wt/cb/src/core/rng.c" "CMakeFiles/brain.dir/src/core/rng.c.o" "gcc" "CMakeFiles/brain.dir/src/core/rng.c.o.d"
  "/work/wt/cb/src/core/tensor.c" "CMakeFiles/brain.dir/src/core/tensor.c.o" "gcc" "CMakeFiles/brain.dir/src/core/tensor.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
