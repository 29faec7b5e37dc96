file(REMOVE_RECURSE
  "CMakeFiles/brain.dir/src/core/error.c.o"
  "CMakeFiles/brain.dir/src/core/error.c.o.d"
  "CMakeFiles/brain.dir/src/core/rng.c.o"
  "CMakeFiles/brain.dir/src/core/rng.c.o.d"
  "CMakeFiles/brain.dir/src/core/sgemm.c.o"
  "CMakeFiles/brain.dir/src/core/sgemm.c.o.d"
  "CMakeFiles/brain.dir/src/core/tensor.c.o"
  "CMakeFiles/brain.dir/src/core/tensor.c.o.d"
  "libbrain.a"
  "libbrain.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/brain.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
