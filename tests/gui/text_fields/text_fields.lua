-- Text is never altered by the studio's text fields (Dear ImGui 1.86 holds
-- characters in 16 bits): a stored name in Pollard Miao is shown read-only and
-- typing at it changes nothing; Pollard Miao typed into an empty field is
-- refused visibly instead of being stored as U+FFFD; text ImGui can hold
-- (Chinese, accents) is stored byte for byte.
dofile(os.getenv("TESSERA_GUI_LIB"))
local MIAO = "\u{16F00}\u{16F01}\u{16F02} A-Hmao"

local item = studio.items()[1]
studio.open(item)
studio.label("costume")
studio.tool("box")
studio.wait(2)
local imported = studio.annotations(item)[1]
check(imported ~= nil and imported.attributes.name == MIAO, "the import stored the Miao name as given")
studio.select(imported.id)
studio.wait(2)

-- The Miao name is shown, not editable: clicking it and typing stores nothing.
click_widget("attribute.name", 0.95)
studio.type("!")
studio.key("Enter")
studio.wait(2)
check(stored_attribute(item, imported.id, "name") == MIAO, "the Miao name is unchanged, byte for byte")
studio.screenshot(out .. "/read_only_name.png")

-- A new box: Pollard Miao typed (or pasted) into its name is refused.
draw_box(40, 30, 160, 120)
local box = new_annotation(item, { [imported.id] = true })
check(box ~= nil, "the new box is stored")
studio.select(box.id)
studio.wait(2)
click_widget("attribute.name")
studio.type("Hmao \u{16F00}\u{16F01}")
studio.key("Enter")
studio.wait(2)
check(stored_attribute(item, box.id, "name") == nil, "nothing stored for text the field could not hold: " ..
      tostring(stored_attribute(item, box.id, "name")))
local text, is_error = studio.message()
check(is_error and text:find("U+FFFF", 1, true), "the refusal is said in the status bar: " .. tostring(text))
studio.screenshot(out .. "/refused_typing.png")

-- Text the field can hold goes in exactly.
click_widget("attribute.name")
studio.key("A", { ctrl = true })
studio.type("苗族 Miáo 鑫")
studio.key("Enter")
studio.wait(2)
check(stored_attribute(item, box.id, "name") == "苗族 Miáo 鑫", "stored byte for byte: " ..
      tostring(stored_attribute(item, box.id, "name")))
studio.quit(0)
