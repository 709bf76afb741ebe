-- A hostile rule (issue 17): report-huge. Run by tests/integration/cli_hostile_plugins_test.cpp,
-- which expects `tessera qa` to end within seconds with a finding naming the rule and:
--   is longer than the limit of 64.0 KiB
return {
  api = 1,
  id = "hostile.report-huge",
  qa_rules = { {
    id = "hostile.report-huge",
    description = "report-huge",
    check = function(item, ctx)
    for i = 1, 1000 do ctx:report(nil, ("x"):rep(8 << 20)) end
    end,
  } },
}
