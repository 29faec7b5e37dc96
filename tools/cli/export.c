/* export.c — `brain export`: a saved model as dependency-free C, or as ONNX (docs/deploy.md).
 *
 *   brain export MODEL.keras --c DIR [--name ecg] [--int8 --calibrate DATA.npy [--fixed-point]]
 *   brain export MODEL.keras --onnx OUT.onnx
 *
 * MODEL is a .keras file (brain's or Keras 3's) or a legacy .h5.  --c writes DIR/NAME.h and
 * DIR/NAME.c (brain_export_c; DIR is created when missing); --int8 quantises, calibrating the activations' ranges on the rows
 * of DATA (.npy, or member "x" of an .npz; the model's input shape per row).  --onnx writes an
 * ONNX file (brain_export_onnx).  Both --c and --onnx may be given.
 * Exit codes: 0 done, 1 a runtime error (a file, a layer that cannot be exported), 2 a usage error. */
#include "cli.h"
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

static const cli_cmd_help HELP = {
    "export", "MODEL.keras --c DIR [--name NAME] [--int8 --calibrate DATA.npy [--fixed-point]] | --onnx OUT.onnx",
    "Writes a trained model as dependency-free C99 (NAME.h, NAME.c: C99 + libm, no malloc, NAME_predict)\n"
    "and/or as an ONNX model (opset 13).  docs/deploy.md says how to put the files into firmware."
};

int cli_export(int argc, char **argv)
{
    const char *c_dir = NULL, *name = NULL, *cal_path = NULL, *onnx_path = NULL;
    bool int8 = false, fixed = false;
    cli_opt opts[] = {
        { "--c", NULL, CLI_STRING, &c_dir, "DIR", "write DIR/NAME.h and DIR/NAME.c (DIR is created when missing)" },
        { "--name", NULL, CLI_STRING, &name, "NAME", "C prefix and file name (default: the model's name)" },
        { "--int8", NULL, CLI_FLAG, &int8, NULL, "int8 post-training quantisation (needs --calibrate)" },
        { "--calibrate", NULL, CLI_STRING, &cal_path, "FILE", "representative inputs (.npy, or .npz member \"x\"), rows first" },
        { "--fixed-point", NULL, CLI_FLAG, &fixed, NULL, "int8: requantise with TFLite's integer multiplier and shift" },
        { "--onnx", NULL, CLI_STRING, &onnx_path, "OUT", "write an ONNX model" },
        { 0 },
    };
    const char *pos[1];
    int n_pos;
    bool help;
    int rc = cli_parse(&HELP, opts, argc, argv, pos, 1, &n_pos, &help);
    if (rc || help) return rc;
    if (n_pos < 1) return cli_usage("export", "MODEL is missing (a .keras or .h5 file)");
    if (!c_dir && !onnx_path) return cli_usage("export", "say what to write: --c DIR and/or --onnx OUT.onnx");
    if (int8 && !cal_path) return cli_usage("export", "--int8 needs --calibrate DATA.npy (representative inputs)");
    if (cal_path && !int8) return cli_usage("export", "--calibrate is only used with --int8");
    if (fixed && !int8) return cli_usage("export", "--fixed-point is only used with --int8");
    if ((int8 || name) && !c_dir) return cli_usage("export", "--name and --int8 apply to --c DIR");
    if (cal_path && !cli_ends_with(cal_path, ".npy") && !cli_ends_with(cal_path, ".npz"))
        return cli_usage("export", "--calibrate: \"%s\" must be a .npy or .npz file", cal_path);

    brain_model *m = NULL;
    brain_tensor *cal = NULL;
    rc = CLI_RUNTIME;
    if (brain_load_model(pos[0], &m, &(brain_load_options){.compile = BRAIN_OFF}) != BRAIN_OK) goto fail;
    if (cal_path && (cli_ends_with(cal_path, ".npz") ? brain_load_npz(cal_path, "x", &cal) : brain_load_npy(cal_path, &cal)) != BRAIN_OK)
        goto fail;
    if (c_dir && mkdir(c_dir, 0777) != 0 && errno != EEXIST) {
        rc = cli_fail("export", "cannot create the directory '%s': %s", c_dir, strerror(errno));
        goto done;
    }
    if (c_dir) {
        brain_export_c_report rep = {0};
        if (brain_export_c(m, c_dir, &(brain_export_c_options){.name = name, .int8 = int8, .int8_fixed_point = fixed,
                                                               .calibration = cal, .report = &rep}) != BRAIN_OK)
            goto fail;
        printf("wrote %s/%s.h and %s/%s.c (%s): weights %lld bytes, arena %lld bytes, %d steps per sample\n", c_dir, rep.name,
               c_dir, rep.name, int8 ? "int8" : "float32", (long long)rep.weight_bytes, (long long)rep.arena_bytes, rep.n_steps);
    }
    if (onnx_path) {
        if (brain_export_onnx(m, onnx_path) != BRAIN_OK) goto fail;
        printf("wrote %s\n", onnx_path);
    }
    rc = CLI_OK;
    goto done;
fail:
    rc = cli_lib_fail("export");
done:
    brain_tensor_free(cal);
    brain_model_free(m);
    return rc;
}
