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

/// An identity for the object at `name` (a group or dataset), the same for every hard link to
/// it, so a walk can keep a visited set; 0 on error. libhdf5 1.12 replaced addresses by tokens.
static inline unsigned long long lstmscope_H5O_identity(hid_t loc, const char *name) {
#if H5_VERSION_GE(1, 12, 0)
    H5O_info2_t info;
    if (H5Oget_info_by_name3(loc, name, &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0) return 0;
    unsigned long long id = 1469598103934665603ULL;
    for (size_t i = 0; i < sizeof(info.token.__data); i++) id = (id ^ info.token.__data[i]) * 1099511628211ULL;
    return id == 0 ? 1 : id;
#else
    H5O_info_t info;
    if (H5Oget_info_by_name2(loc, name, &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0) return 0;
    return (unsigned long long)info.addr + 1;
#endif
}

// File-image callbacks that let the core driver read a caller's buffer in place. By default
// H5Pset_file_image copies the image into the property list and H5Fopen copies it again into
// the driver: for a 64 MB model that is 128 MB more. Here every "allocation" of the image
// returns the caller's buffer and copies onto itself are skipped; the file is opened
// read-only, so the buffer is never written. The caller keeps the buffer alive until H5Fclose.
static inline void *lstmscope_image_malloc(size_t size, H5FD_file_image_op_t op, void *udata) {
    (void)size; (void)op;
    return udata;
}
static inline void *lstmscope_image_memcpy(void *dest, const void *src, size_t size, H5FD_file_image_op_t op, void *udata) {
    (void)op; (void)udata;
    if (dest != src) return NULL;  // never asked for: the image has only the one place
    (void)size;
    return dest;
}
static inline void *lstmscope_image_realloc(void *ptr, size_t size, H5FD_file_image_op_t op, void *udata) {
    (void)ptr; (void)size; (void)op; (void)udata;
    return NULL;  // a read-only file never grows
}
static inline herr_t lstmscope_image_free(void *ptr, H5FD_file_image_op_t op, void *udata) {
    (void)ptr; (void)op; (void)udata;
    return 0;
}
static inline void *lstmscope_udata_copy(void *udata) { return udata; }
static inline herr_t lstmscope_udata_free(void *udata) { (void)udata; return 0; }

/// Sets `buffer` as the file image of `fapl` without copying it (see above).
static inline herr_t lstmscope_H5Pset_file_image_in_place(hid_t fapl, void *buffer, size_t size) {
    H5FD_file_image_callbacks_t callbacks = {
        lstmscope_image_malloc, lstmscope_image_memcpy, lstmscope_image_realloc, lstmscope_image_free,
        lstmscope_udata_copy, lstmscope_udata_free, buffer
    };
    if (H5Pset_file_image_callbacks(fapl, &callbacks) < 0) return -1;
    return H5Pset_file_image(fapl, buffer, size);
}
#endif
