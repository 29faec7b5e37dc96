# CMake generated Testfile for 
# Source directory: /work/wt/sgemm
# Build directory: /work/wt/sgemm/build/asan2
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
add_test(test_sgemm "/work/wt/sgemm/build/asan2/test_sgemm")
set_tests_properties(test_sgemm PROPERTIES  TIMEOUT "600" WORKING_DIRECTORY "/work/wt/sgemm" _BACKTRACE_TRIPLES "/work/wt/sgemm/CMakeLists.txt;83;add_test;/work/wt/sgemm/CMakeLists.txt;0;")
