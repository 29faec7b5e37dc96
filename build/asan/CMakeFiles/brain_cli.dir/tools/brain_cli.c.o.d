CMakeFiles/brain_cli.dir/tools/brain_cli.c.o: \
 /work/wt/sgemm/tools/brain_cli.c /usr/include/stdc-predef.h
