// The same shim as the pkg-config system library (Sources/CHDF5/shim.h), for the build that
// links libhdf5 statically (see Package.swift).
#include "../../CHDF5/shim.h"
