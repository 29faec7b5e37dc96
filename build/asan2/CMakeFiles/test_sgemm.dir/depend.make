# Empty dependencies file for test_sgemm.
# This may be replaced when dependencies are built.
