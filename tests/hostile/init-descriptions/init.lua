-- A hostile init.lua (issue 17): init-descriptions. Run by tests/integration/cli_hostile_plugins_test.cpp,
-- which expects every command that loads plugins to end within seconds, refusing this
-- plugin with:
--   (host_bytes)
local ID = "hostile.init-descriptions"
local description = ("d"):rep(16 << 20)
local rules = {}
for i = 1, 300 do rules[i] = { id = "hostile.rule" .. i, description = description, check = function() end } end
return { api = 1, id = ID, qa_rules = rules }
