/* daemon/tls.h -- being written (issue 4) */
#include "tls.h"
