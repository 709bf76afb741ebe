-- A hostile rule (issue 17): xpcall-handler. Run by tests/integration/cli_hostile_plugins_test.cpp,
-- which expects `tessera qa` to end within seconds with a finding naming the rule and:
--   time limit of
return {
  api = 1,
  id = "hostile.xpcall-handler",
  qa_rules = { {
    id = "hostile.xpcall-handler",
    description = "xpcall-handler",
    check = function(item, ctx)
    local s = ("x"):rep(16 << 20)
    while true do
      xpcall(function() while true do local u = s:lower() end end,
             function() while true do local u = s:reverse() end end)
    end
    end,
  } },
}
