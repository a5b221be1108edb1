#ifndef LSTMSCOPE_CZLIBCRC_SHIM_H
#define LSTMSCOPE_CZLIBCRC_SHIM_H
// zlib's CRC-32, to check a zip entry read in place against its central-directory checksum.
#include <zlib.h>
#endif
