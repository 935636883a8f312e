// libFuzzer's driver, called from each fuzz target's entry point. SwiftPM links an executable
// target with `main` pointing at the module's own entry function, so the targets start
// libFuzzer themselves instead of using its `main`.
#ifndef ARRCOC_FUZZ_DRIVER_H
#define ARRCOC_FUZZ_DRIVER_H

#include <stddef.h>
#include <stdint.h>

/// Runs libFuzzer on `LLVMFuzzerTestOneInput` with the process's arguments.
int arrcoc_fuzz_main(int argc, char **argv);

#endif
