file(REMOVE_RECURSE
  "CMakeFiles/test_gradcheck_layers.dir/tests/test_gradcheck_layers.c.o"
  "CMakeFiles/test_gradcheck_layers.dir/tests/test_gradcheck_layers.c.o.d"
  "test_gradcheck_layers"
  "test_gradcheck_layers.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_gradcheck_layers.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
