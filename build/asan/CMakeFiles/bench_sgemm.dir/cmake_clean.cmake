file(REMOVE_RECURSE
  "CMakeFiles/bench_sgemm.dir/bench/bench_sgemm.c.o"
  "CMakeFiles/bench_sgemm.dir/bench/bench_sgemm.c.o.d"
  "bench_sgemm"
  "bench_sgemm.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/bench_sgemm.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
