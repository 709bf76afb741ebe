#pragma once
// The C++ helpers over the Tessera plugin ABI in one include (header-only, C++20).

#include "../tessera.h"
#include "error.hpp"
#include "findings.hpp"
#include "host.hpp"
#include "input.hpp"
#include "plugin.hpp"
#include "schema_builder.hpp"
#include "strings.hpp"
#include "view.hpp"
