-- A hostile rule (issue 17): ephemeron-chain. Run by tests/integration/cli_hostile_plugins_test.cpp,
-- which expects `tessera qa` to end within seconds with a finding naming the rule and:
--   weak tables (__mode) are not allowed
return {
  api = 1,
  id = "hostile.ephemeron-chain",
  qa_rules = { {
    id = "hostile.ephemeron-chain",
    description = "ephemeron-chain",
    check = function(item, ctx)
    local mt = {}
    local keys = {}
    for i = 1, 100001 do keys[i] = {} end
    for i = 1, 100000 do local e = setmetatable({}, mt) e[keys[i]] = keys[i + 1] end
    mt.__mode = "k"
    collectgarbage()
    end,
  } },
}
