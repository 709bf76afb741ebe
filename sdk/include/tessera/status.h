/* Status codes returned across the ABI. Details come from get_last_error(). */
#ifndef TESSERA_STATUS_H
#define TESSERA_STATUS_H

#include <stdint.h>

#include "macros.h"

TESSERA_EXTERN_C_BEGIN

typedef int32_t tessera_status_t;

enum {
    TESSERA_OK = 0,               /* success */
    TESSERA_ERROR = 1,            /* failed; get_last_error() says why */
    TESSERA_INVALID_ARGUMENT = 2, /* the caller passed something the callee cannot use */
    TESSERA_NOT_FOUND = 3,        /* an id (item, annotation, rule) does not exist */
    TESSERA_UNSUPPORTED = 4,      /* the callee does not implement this operation */
    TESSERA_ABORTED = 5           /* stopped on request (a sink returned false, a budget ran out) */
};

TESSERA_EXTERN_C_END

#endif /* TESSERA_STATUS_H */
