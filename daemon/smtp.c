/* daemon/smtp.h -- being written (issue 5) */
#include "smtp.h"
