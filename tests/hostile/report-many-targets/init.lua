-- A hostile rule (issue 17): report-many-targets. Run by tests/integration/cli_hostile_plugins_test.cpp,
-- which expects `tessera qa` to end within seconds with a finding naming the rule and:
--   (host_bytes)
return {
  api = 1,
  id = "hostile.report-many-targets",
  qa_rules = { {
    id = "hostile.report-many-targets",
    description = "report-many-targets",
    check = function(item, ctx)
    local a = item:annotation(1) or error("the project has no annotation 1")
    local targets = {}
    for i = 1, 1000000 do targets[i] = a end
    for i = 1, 1000 do ctx:report(targets, "x") end
    end,
  } },
}
