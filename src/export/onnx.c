/* onnx.c — placeholder until the ONNX writer lands */
#include "export.h"
bool brain_onnx_available(void) { return false; }
brain_status brain_export_onnx(const brain_model *m, const char *path)
{
    (void)m; (void)path;
    return brain__fail(BRAIN_ERR_STATE, "brain_export_onnx: this build of brain was not built with ONNX support (install libprotobuf-c-dev and protobuf-c-compiler, then reconfigure)");
}
