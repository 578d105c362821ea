#include "CInputMuxShim.h"
