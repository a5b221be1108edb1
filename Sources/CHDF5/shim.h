#ifndef LSTMSCOPE_CHDF5_SHIM_H
#define LSTMSCOPE_CHDF5_SHIM_H
// libhdf5 exposes several constants as macros that expand to function calls or casts,
// which Swift cannot import; these inline getters make them callable.
#include <hdf5.h>
#include <H5PLpublic.h>

static inline hid_t lstmscope_H5P_DEFAULT(void) { return H5P_DEFAULT; }
static inline hid_t lstmscope_H5P_FILE_ACCESS(void) { return H5P_FILE_ACCESS; }
static inline hid_t lstmscope_H5S_ALL(void) { return H5S_ALL; }
static inline hid_t lstmscope_H5E_DEFAULT(void) { return H5E_DEFAULT; }
static inline hid_t lstmscope_H5T_NATIVE_FLOAT(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t lstmscope_H5T_C_S1(void) { return H5T_C_S1; }
static inline unsigned lstmscope_H5F_ACC_RDONLY(void) { return H5F_ACC_RDONLY; }
static inline unsigned lstmscope_H5LT_FILE_IMAGE_DONT_COPY(void) { return 0; }

/// Turns off HDF5's own printing of error stacks to stderr; errors are reported by return codes.
static inline void lstmscope_H5_silence_errors(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

/// Refuses dynamically loaded filter plugins, so a dataset can never make us load a shared library.
static inline herr_t lstmscope_H5_disable_plugins(void) { return H5PLset_loading_state(0); }

/// Link type of `name` under `loc`: 0 hard, 1 soft, 64 external, -1 error.
static inline int lstmscope_H5L_type(hid_t loc, const char *name) {
    H5L_info_t info;
    if (H5Lget_info(loc, name, &info, H5P_DEFAULT) < 0) return -1;
    return (int)info.type;
}
#endif
