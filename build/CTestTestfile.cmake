# CMake generated Testfile for 
# Source directory: /work/main
# Build directory: /work/main/build
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
add_test(test_gradcheck_layers "/work/main/build/test_gradcheck_layers")
set_tests_properties(test_gradcheck_layers PROPERTIES  TIMEOUT "600" WORKING_DIRECTORY "/work/main" _BACKTRACE_TRIPLES "/work/main/CMakeLists.txt;83;add_test;/work/main/CMakeLists.txt;0;")
