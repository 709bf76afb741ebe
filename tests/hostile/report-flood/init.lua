-- A hostile rule (issue 17): report-flood. Run by tests/integration/cli_hostile_plugins_test.cpp,
-- which expects `tessera qa` to end within seconds with a finding naming the rule and:
--   (host_bytes)
return {
  api = 1,
  id = "hostile.report-flood",
  qa_rules = { {
    id = "hostile.report-flood",
    description = "report-flood",
    check = function(item, ctx)
    local message = ("y"):rep(60000)
    for i = 1, 1e9 do ctx:report(nil, message) end
    end,
  } },
}
