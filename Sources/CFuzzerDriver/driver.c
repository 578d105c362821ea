// The declaration in include/CFuzzerDriver.h is all this target provides.
#include "CFuzzerDriver.h"
