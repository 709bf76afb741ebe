-- A hostile init.lua (issue 17): init-pattern. Run by tests/integration/cli_hostile_plugins_test.cpp,
-- which expects every command that loads plugins to end within seconds, refusing this
-- plugin with:
--   time limit of
local ID = "hostile.init-pattern"
local s = ("a"):rep(100000)
s:find(".-.-.-.-.-b")
return { api = 1, id = ID }
