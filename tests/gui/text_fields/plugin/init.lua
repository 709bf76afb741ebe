-- One class, "costume", with a free text attribute "name": the GUI test of
-- text that Dear ImGui's 16-bit text fields cannot hold (text_fields.lua).
return {
  api = 1,
  id = "test.text-fields",
  label_schemas = { {
    id = "test.text-fields",
    version = "1.0.0",
    names = { en = "Text fields" },
    classes = { {
      key = "costume", names = { en = "Costume" }, color = "#D9304A", hotkey = "1",
      geometry = { "box" },
      attributes = { { key = "name", names = { en = "Name" }, type = "string" } },
    } },
  } },
  qa_rules = {},
  views = {},
}
