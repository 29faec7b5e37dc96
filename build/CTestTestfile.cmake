# CMake generated Testfile for 
# Source directory: /work/wt/cb
# Build directory: /work/wt/cb/build
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
