/* The whole Tessera plugin ABI in one include. */
#ifndef TESSERA_TESSERA_H
#define TESSERA_TESSERA_H

#include "bytes.h"
#include "entry.h"
#include "factory.h"
#include "host.h"
#include "macros.h"
#include "plugin.h"
#include "status.h"
#include "version.h"

#include "ext/format.h"
#include "ext/host_imgui.h"
#include "ext/host_log.h"
#include "ext/host_project.h"
#include "ext/host_ui.h"
#include "ext/label_schema.h"
#include "ext/qa_rules.h"
#include "ext/view.h"

#endif /* TESSERA_TESSERA_H */
