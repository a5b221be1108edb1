// Only the header matters: it declares libFuzzer's driver for the Swift harness.
#include "CFuzzDriver.h"
