file(REMOVE_RECURSE
  "CMakeFiles/brain.dir/src/callbacks/callback.c.o"
  "CMakeFiles/brain.dir/src/callbacks/callback.c.o.d"
  "CMakeFiles/brain.dir/src/callbacks/csv_logger.c.o"
  "CMakeFiles/brain.dir/src/callbacks/csv_logger.c.o.d"
  "CMakeFiles/brain.dir/src/callbacks/early_stopping.c.o"
  "CMakeFiles/brain.dir/src/callbacks/early_stopping.c.o.d"
  "CMakeFiles/brain.dir/src/callbacks/history.c.o"
  "CMakeFiles/brain.dir/src/callbacks/history.c.o.d"
  "CMakeFiles/brain.dir/src/callbacks/logs.c.o"
  "CMakeFiles/brain.dir/src/callbacks/logs.c.o.d"
  "CMakeFiles/brain.dir/src/callbacks/monitor.c.o"
  "CMakeFiles/brain.dir/src/callbacks/monitor.c.o.d"
  "CMakeFiles/brain.dir/src/callbacks/reduce_lr_on_plateau.c.o"
  "CMakeFiles/brain.dir/src/callbacks/reduce_lr_on_plateau.c.o.d"
  "CMakeFiles/brain.dir/src/callbacks/terminate_on_nan.c.o"
  "CMakeFiles/brain.dir/src/callbacks/terminate_on_nan.c.o.d"
  "CMakeFiles/brain.dir/src/core/error.c.o"
  "CMakeFiles/brain.dir/src/core/error.c.o.d"
  "CMakeFiles/brain.dir/src/core/rng.c.o"
  "CMakeFiles/brain.dir/src/core/rng.c.o.d"
  "CMakeFiles/brain.dir/src/core/tensor.c.o"
  "CMakeFiles/brain.dir/src/core/tensor.c.o.d"
  "libbrain.a"
  "libbrain.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/brain.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
