-- A hostile init.lua (issue 17): init-class-names. Run by tests/integration/cli_hostile_plugins_test.cpp,
-- which expects every command that loads plugins to end within seconds, refusing this
-- plugin with:
--   (host_bytes)
local ID = "hostile.init-class-names"
local name = ("n"):rep(1 << 20)
local classes = {}
for i = 1, 300 do classes[i] = { key = "c" .. i, names = { en = name, ["zh-CN"] = name } } end
return { api = 1, id = ID, label_schemas = { {
  id = ID, version = "1.0.0", names = { en = "hostile" }, classes = classes } } }
