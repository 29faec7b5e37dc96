file(REMOVE_RECURSE
  "CMakeFiles/brain_cli.dir/tools/brain_cli.c.o"
  "CMakeFiles/brain_cli.dir/tools/brain_cli.c.o.d"
  "brain"
  "brain.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/brain_cli.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
