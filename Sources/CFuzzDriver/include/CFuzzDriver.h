#ifndef LSTMSCOPE_CFUZZDRIVER_H
#define LSTMSCOPE_CFUZZDRIVER_H
// libFuzzer's entry for programs that keep their own main (SwiftPM gives every executable one);
// it exists only in fuzzing builds (scripts/fuzz.sh), the only ones whose harness calls it.
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
#endif
