-- A hostile init.lua (issue 17): init-upper-loop. Run by tests/integration/cli_hostile_plugins_test.cpp,
-- which expects every command that loads plugins to end within seconds, refusing this
-- plugin with:
--   time limit of
local ID = "hostile.init-upper-loop"
local s = ("x"):rep(16 << 20)
while true do local u = s:upper() end
return { api = 1, id = ID }
