#pragma once
// The generated tessera.v1 data API (namespace tessera::v1) in one include.

#include <tessera/v1/annotation_generated.h>
#include <tessera/v1/common_generated.h>
#include <tessera/v1/edit_generated.h>
#include <tessera/v1/geometry_generated.h>
#include <tessera/v1/item_generated.h>
#include <tessera/v1/label_schema_generated.h>
#include <tessera/v1/qa_generated.h>
#include <tessera/v1/workflow_generated.h>
