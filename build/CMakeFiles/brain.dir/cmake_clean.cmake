file(REMOVE_RECURSE
  "CMakeFiles/brain.dir/src/core/activations.c.o"
  "CMakeFiles/brain.dir/src/core/activations.c.o.d"
  "CMakeFiles/brain.dir/src/core/error.c.o"
  "CMakeFiles/brain.dir/src/core/error.c.o.d"
  "CMakeFiles/brain.dir/src/core/rng.c.o"
  "CMakeFiles/brain.dir/src/core/rng.c.o.d"
  "CMakeFiles/brain.dir/src/core/tensor.c.o"
  "CMakeFiles/brain.dir/src/core/tensor.c.o.d"
  "CMakeFiles/brain.dir/src/layers/activation.c.o"
  "CMakeFiles/brain.dir/src/layers/activation.c.o.d"
  "CMakeFiles/brain.dir/src/layers/dense.c.o"
  "CMakeFiles/brain.dir/src/layers/dense.c.o.d"
  "CMakeFiles/brain.dir/src/layers/dropout.c.o"
  "CMakeFiles/brain.dir/src/layers/dropout.c.o.d"
  "CMakeFiles/brain.dir/src/layers/input.c.o"
  "CMakeFiles/brain.dir/src/layers/input.c.o.d"
  "CMakeFiles/brain.dir/src/layers/layer.c.o"
  "CMakeFiles/brain.dir/src/layers/layer.c.o.d"
  "CMakeFiles/brain.dir/src/model/fit.c.o"
  "CMakeFiles/brain.dir/src/model/fit.c.o.d"
  "CMakeFiles/brain.dir/src/model/model.c.o"
  "CMakeFiles/brain.dir/src/model/model.c.o.d"
  "CMakeFiles/brain.dir/src/model/progbar.c.o"
  "CMakeFiles/brain.dir/src/model/progbar.c.o.d"
  "CMakeFiles/brain.dir/src/model/summary.c.o"
  "CMakeFiles/brain.dir/src/model/summary.c.o.d"
  "libbrain.a"
  "libbrain.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/brain.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
