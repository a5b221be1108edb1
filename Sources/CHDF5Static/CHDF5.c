// libhdf5 linked statically: its shared library pulls in some 30 more (curl, krb5, gnutls…)
// for drivers lstmscope never uses, which cost ~7 ms at every start. Everything lstmscope
// calls is in the header; this file only makes the target a C target.
#include "CHDF5.h"
