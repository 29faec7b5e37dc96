# Empty dependencies file for bench_sgemm.
# This may be replaced when dependencies are built.
