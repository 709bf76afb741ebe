// tessera.schema (lua/schema_module.hpp). The helpers are plain Lua: the
// module is this source, compiled in the plugin's own sandbox when init.lua
// first requires it, so its functions run under the plugin's limits like the
// plugin's own code and build exactly the tables a plugin would write by hand.

#include "lua/schema_module.hpp"

namespace tessera::lua {
namespace {

constexpr char kSource[] = R"lua(
local ipairs, type, error, tostring = ipairs, type, error, tostring

local schema = {}

-- names(zh, en): the names table { ["zh-CN"] = zh, en = en }.
function schema.names(zh, en)
  return { ["zh-CN"] = zh, en = en }
end
local names = schema.names

-- enum_values { { key, zh, en }, ... }: the values of an enum or multi_enum attribute.
function schema.enum_values(list)
  local values = {}
  for i, v in ipairs(list) do values[i] = { key = v[1], names = names(v[2], v[3]) } end
  return values
end

-- enum(key, zh, en, list [, required]): an enum attribute whose values are `list`
-- (as for enum_values).
function schema.enum(key, zh, en, list, required)
  return { key = key, names = names(zh, en), type = "enum", required = required,
           values = schema.enum_values(list) }
end

-- defect(key, zh, en, zh_description, en_description): an entry of a schema's defects.
function schema.defect(key, zh, en, zh_description, en_description)
  return { key = key, names = names(zh, en),
           descriptions = names(zh_description, en_description) }
end

-- annotation_rule { id, description, severity, params, each }: a QA rule that looks at
-- the item's annotations one at a time. `params` lists { name, default } pairs, read
-- with ctx:param once per item, in order; `each(a, ctx, params, item)` runs for every
-- annotation with those values by name.
function schema.annotation_rule(rule)
  if type(rule) ~= "table" then
    error("annotation_rule: expected a table { id, description, severity, params, each }", 2)
  end
  local each, params = rule.each, rule.params or {}
  if type(each) ~= "function" then
    error("annotation_rule " .. tostring(rule.id) .. ": each must be a function(a, ctx, params, item)", 2)
  end
  return {
    id = rule.id,
    description = rule.description,
    severity = rule.severity,
    check = function(item, ctx)
      local values = {}
      for _, param in ipairs(params) do values[param[1]] = ctx:param(param[1], param[2]) end
      for a in item:annotations() do each(a, ctx, values, item) end
    end,
  }
end

return schema
)lua";

}  // namespace

int open_schema_module(lua_State* L) {
    // "=" names the chunk as written: errors read "tessera.schema:12: ...".
    if (luaL_loadbufferx(L, kSource, sizeof kSource - 1, "=tessera.schema", "t") != LUA_OK)
        return lua_error(L);
    lua_call(L, 0, 1);
    return 1;
}

}  // namespace tessera::lua
