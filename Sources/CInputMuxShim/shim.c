// Everything lives in the header as static inline functions; this unit makes the target a library.
#include "CInputMuxShim.h"
