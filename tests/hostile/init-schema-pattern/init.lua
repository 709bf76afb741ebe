-- A hostile init.lua (issue 17): init-schema-pattern. Run by tests/integration/cli_hostile_plugins_test.cpp,
-- which expects every command that loads plugins to end within seconds, refusing this
-- plugin with:
--   pattern: refused
-- A pattern of 100,000 nested groups crashed every command that loaded the plugin.
local ID = "hostile.init-schema-pattern"
local pattern = ("("):rep(100000) .. "a" .. (")"):rep(100000)
return { api = 1, id = ID, label_schemas = { {
  id = ID, version = "1.0.0", names = { en = "hostile" },
  classes = { { key = "c", names = { en = "c" },
                attributes = { { key = "v", names = { en = "v" }, type = "string", pattern = pattern } } } } } } }
