file(REMOVE_RECURSE
  "CMakeFiles/test_sgemm.dir/tests/test_sgemm.c.o"
  "CMakeFiles/test_sgemm.dir/tests/test_sgemm.c.o.d"
  "test_sgemm"
  "test_sgemm.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_sgemm.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
