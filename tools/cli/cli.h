/* cli.h — the command-line program's subcommands (tools/cli/). */
#ifndef BRAIN_CLI_H
#define BRAIN_CLI_H
/* brain export MODEL --c DIR [--name N] [--int8 --calibrate DATA.npy] | --onnx OUT.onnx
 * argv[0] is "export".  Returns 0 done, 1 a runtime error, 2 a usage error. */
int cli_export(int argc, char **argv);
#endif
