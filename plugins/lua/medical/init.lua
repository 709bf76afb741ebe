-- Medical imaging: lung nodules (CT), breast masses (mammography) and fractures
-- (radiographs, CT), with location, size in millimetres and a graded category.
-- API reference: plugins/lua/README.md.
--
-- The categories follow the structure of Lung-RADS and BI-RADS so that annotators
-- recognise them. The QA rules below are EXAMPLES of consistency checks a labelling
-- project might run; they are not clinical guidance and decide nothing about a patient.

local tessera_schema = require("tessera.schema")
local n, enum = tessera_schema.names, tessera_schema.enum
local defect, annotation_rule = tessera_schema.defect, tessera_schema.annotation_rule

local function diameter(max_mm)
  return { key = "diameter_mm", names = n("直径", "Diameter"), type = "float",
           min = 0, max = max_mm, unit = "mm", required = true }
end

local SIDES = { { "left", "左侧", "Left" }, { "right", "右侧", "Right" },
                { "midline", "中线", "Midline" } }

-- Lung-RADS categories; rank orders them for the category rule ("0" = incomplete).
local LUNG_RADS = {
  { "0", "0类（评估不完整）", "0 (incomplete)" }, { "1", "1类（阴性）", "1 (negative)" },
  { "2", "2类（良性表现）", "2 (benign appearance)" },
  { "3", "3类（可能良性）", "3 (probably benign)" },
  { "4A", "4A类（可疑）", "4A (suspicious)" }, { "4B", "4B类（高度可疑）", "4B (very suspicious)" },
  { "4X", "4X类（伴其他可疑征象）", "4X (with additional suspicious features)" },
}
local LUNG_RADS_RANK = { ["1"] = 1, ["2"] = 2, ["3"] = 3, ["4A"] = 4, ["4B"] = 5, ["4X"] = 6 }

local schema = {
  id = "tessera.medical",
  version = "1.0.0",
  names = n("医学影像", "Medical imaging"),
  classes = {
    { key = "nodule", names = n("肺结节", "Lung nodule"), color = "#FF3030", hotkey = "1",
      geometry = { "box", "circle", "polygon" }, min_width = 2, min_height = 2,
      attributes = {
        enum("location", "肺叶", "Lobe", {
          { "right_upper", "右肺上叶", "Right upper lobe" },
          { "right_middle", "右肺中叶", "Right middle lobe" },
          { "right_lower", "右肺下叶", "Right lower lobe" },
          { "left_upper", "左肺上叶", "Left upper lobe" },
          { "lingula", "左肺舌段", "Lingula" },
          { "left_lower", "左肺下叶", "Left lower lobe" },
        }, true),
        diameter(100),
        enum("nodule_type", "密度类型", "Density", {
          { "solid", "实性", "Solid" }, { "part_solid", "部分实性", "Part-solid" },
          { "ground_glass", "磨玻璃", "Ground glass" },
        }),
        enum("category", "Lung-RADS 分类", "Lung-RADS category", LUNG_RADS, true),
      } },
    { key = "mass", names = n("乳腺肿块", "Breast mass"), color = "#FF9F1A", hotkey = "2",
      geometry = { "box", "polygon" }, min_width = 4, min_height = 4,
      attributes = {
        enum("side", "侧别", "Side", SIDES, true),
        enum("location", "象限", "Quadrant", {
          { "upper_outer", "外上象限", "Upper outer" }, { "upper_inner", "内上象限", "Upper inner" },
          { "lower_outer", "外下象限", "Lower outer" }, { "lower_inner", "内下象限", "Lower inner" },
          { "central", "乳晕后/中央区", "Central (retroareolar)" },
          { "axillary_tail", "腋尾区", "Axillary tail" },
        }, true),
        diameter(200),
        enum("shape", "形态", "Shape", {
          { "oval", "椭圆形", "Oval" }, { "round", "圆形", "Round" },
          { "irregular", "不规则形", "Irregular" },
        }),
        enum("margin", "边缘", "Margin", {
          { "circumscribed", "清晰", "Circumscribed" }, { "obscured", "遮蔽", "Obscured" },
          { "microlobulated", "微分叶", "Microlobulated" },
          { "indistinct", "模糊", "Indistinct" }, { "spiculated", "毛刺", "Spiculated" },
        }),
        enum("category", "BI-RADS 分类", "BI-RADS category", {
          { "0", "0类（需进一步检查）", "0 (incomplete)" }, { "1", "1类（阴性）", "1 (negative)" },
          { "2", "2类（良性）", "2 (benign)" }, { "3", "3类（可能良性）", "3 (probably benign)" },
          { "4A", "4A类（低度可疑）", "4A (low suspicion)" },
          { "4B", "4B类（中度可疑）", "4B (moderate suspicion)" },
          { "4C", "4C类（高度可疑）", "4C (high suspicion)" },
          { "5", "5类（高度提示恶性）", "5 (highly suggestive of malignancy)" },
          { "6", "6类（活检证实恶性）", "6 (known biopsy-proven malignancy)" },
        }, true),
      } },
    { key = "fracture", names = n("骨折", "Fracture"), color = "#3FA7FF", hotkey = "3",
      geometry = { "box", "polygon", "polyline" },
      attributes = {
        enum("location", "部位", "Bone", {
          { "skull", "颅骨", "Skull" }, { "clavicle", "锁骨", "Clavicle" }, { "rib", "肋骨", "Rib" },
          { "vertebra", "椎骨", "Vertebra" }, { "pelvis", "骨盆", "Pelvis" },
          { "humerus", "肱骨", "Humerus" }, { "radius", "桡骨", "Radius" }, { "ulna", "尺骨", "Ulna" },
          { "femur", "股骨", "Femur" }, { "tibia", "胫骨", "Tibia" }, { "fibula", "腓骨", "Fibula" },
          { "other", "其他", "Other" },
        }, true),
        enum("side", "侧别", "Side", SIDES),
        enum("fracture_type", "骨折类型", "Fracture type", {
          { "transverse", "横形骨折", "Transverse" }, { "oblique", "斜形骨折", "Oblique" },
          { "spiral", "螺旋形骨折", "Spiral" }, { "comminuted", "粉碎性骨折", "Comminuted" },
          { "greenstick", "青枝骨折", "Greenstick" }, { "avulsion", "撕脱骨折", "Avulsion" },
          { "compression", "压缩性骨折", "Compression" }, { "buckle", "隆突骨折", "Buckle (torus)" },
        }, true),
        enum("displacement", "移位程度", "Displacement", {
          { "none", "无移位", "Non-displaced" }, { "minimal", "轻度移位（<2 mm）", "Minimal (< 2 mm)" },
          { "displaced", "明显移位", "Displaced" },
        }),
      } },
  },
  item_attributes = {
    enum("modality", "成像方式", "Modality", {
      { "ct", "CT", "CT" }, { "mg", "乳腺X线摄影", "Mammography" }, { "dr", "X线平片", "Radiograph" },
      { "mr", "磁共振", "MRI" },
    }),
  },
  defects = {
    defect("missed-lesion", "漏标病灶", "Missed lesion",
           "影像上可见的病灶没有标注。", "A visible lesion is not labelled."),
    defect("wrong-size", "测量错误", "Wrong measurement",
           "直径与影像测量不符，或框未贴合病灶边缘。",
           "The diameter does not match the image, or the box is not tight."),
    defect("wrong-category", "分类错误", "Wrong category",
           "Lung-RADS / BI-RADS 分类或骨折类型与影像表现不符。",
           "The Lung-RADS / BI-RADS category or fracture type does not match "
           .. "the findings."),
    defect("wrong-location", "部位错误", "Wrong location",
           "肺叶、象限、骨骼或侧别选错。",
           "The lobe, quadrant, bone or side is wrong."),
  },
}

-- Rules ------------------------------------------------------------------------

-- "0.7" or DICOM PixelSpacing "0.7\0.68" (row spacing = vertical, then column
-- spacing = horizontal, mm per pixel). Returns x, y spacing, or nil when unreadable.
local function pixel_spacing(text)
  local first, rest = text:match("^%s*([%d.eE+-]+)(.*)$")
  local row = tonumber(first or "")
  if not row or row <= 0 then return nil end
  local column = tonumber(rest:match("^%s*[\\,]%s*([%d.eE+-]+)%s*$") or "") or row
  if column <= 0 then return nil end
  return column, row
end

local sized = { nodule = true, mass = true }

local qa_rules = {
  {
    id = "medical.diameter-spacing",
    description = "diameter_mm agrees with the longest box side times the item's pixel_spacing "
                  .. "metadata (param tolerance, default 0.2 = 20%)",
    severity = "warning",
    check = function(item, ctx)
      local spacing_text = item:meta("pixel_spacing")
      if spacing_text == nil then return end   -- no spacing: nothing to compare with
      local tolerance = ctx:param("tolerance", 0.2)
      local sx, sy = pixel_spacing(spacing_text)
      for a in item:annotations() do
        local diameter_mm = sized[a.label] and a:attr("diameter_mm")
        if diameter_mm then
          if not sx then
            ctx:report(nil, string.format("pixel_spacing \"%s\" is not a number of mm per "
                                          .. "pixel; diameters cannot be checked", spacing_text),
                       "set pixel_spacing like \"0.7\" or \"0.7\\0.7\"")
            return
          end
          local x0, y0, x1, y1 = a:bounds()
          local measured = x0 and math.max((x1 - x0) * sx, (y1 - y0) * sy) or 0
          if measured > 0 and math.abs(diameter_mm - measured) > tolerance * measured then
            ctx:report(a, string.format("%s diameter %.1f mm, but its outline measures %.1f mm "
                                        .. "(more than %g%% apart)", a.label, diameter_mm,
                                        measured, tolerance * 100),
                       string.format("measure again; the outline suggests about %.1f mm",
                                     measured))
          end
        end
      end
    end,
  },
  annotation_rule {
    id = "medical.nodule-category",
    description = "Example only, not clinical advice: a solid nodule of at least min_4a_mm "
                  .. "(default 8) is Lung-RADS 4A or higher, of at least min_4b_mm "
                  .. "(default 15) 4B or higher",
    severity = "warning",
    params = { { "min_4a_mm", 8 }, { "min_4b_mm", 15 } },
    each = function(a, ctx, p)
      if a.label == "nodule" then
        local size = a:attr("diameter_mm")
        local density = a:attr("nodule_type")
        local rank = LUNG_RADS_RANK[a:attr("category") or ""]
        if size and rank and (density == nil or density == "solid") then
          local needed = (size >= p.min_4b_mm and 5) or (size >= p.min_4a_mm and 4) or nil
          if needed and rank < needed then
            ctx:report(a, string.format("solid nodule of %.1f mm is category %s; the "
                                        .. "project expects %s or higher", size,
                                        a:attr("category"), needed == 5 and "4B" or "4A"),
                       "check the diameter or the category")
          end
        end
      end
    end,
  },
}

return { api = 1, label_schemas = { schema }, qa_rules = qa_rules }
