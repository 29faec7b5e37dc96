# CMake generated Testfile for 
# Source directory: /work/wt/cb
# Build directory: /work/wt/cb/build
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
add_test(test_history "/work/wt/cb/build/test_history")
set_tests_properties(test_history PROPERTIES  TIMEOUT "600" WORKING_DIRECTORY "/work/wt/cb" _BACKTRACE_TRIPLES "/work/wt/cb/CMakeLists.txt;83;add_test;/work/wt/cb/CMakeLists.txt;0;")
