-- Autonomous driving: 2D camera labels for road scenes (objects, traffic control,
-- road boundaries) and the QA rules a driving-data customer usually asks for.
-- API reference: plugins/lua/README.md.

local tessera_schema = require("tessera.schema")
local n, enum, enum_values = tessera_schema.names, tessera_schema.enum, tessera_schema.enum_values
local defect, annotation_rule = tessera_schema.defect, tessera_schema.annotation_rule

-- Occlusion as the KITTI-style visible-fraction buckets; truncation as the
-- percentage of the object lying outside the image (0 = fully inside).
local function object_attributes()
  return {
    { key = "occlusion", names = n("遮挡", "Occlusion"), type = "enum", required = true,
      default = "none",
      values = enum_values {
        { "none", "无遮挡", "Not occluded" },
        { "partial", "部分遮挡（<50%）", "Partly occluded (< 50%)" },
        { "heavy", "严重遮挡（≥50%）", "Heavily occluded (≥ 50%)" },
        { "unknown", "无法判断", "Unknown" },
      } },
    { key = "truncation", names = n("截断比例", "Truncation"), type = "int",
      min = 0, max = 100, unit = "%" },
  }
end

local function object_class(key, zh, en, color, hotkey, min_w, min_h, parent)
  return { key = key, names = n(zh, en), color = color, hotkey = hotkey, parent = parent,
           geometry = { "box", "polygon" }, min_width = min_w, min_height = min_h,
           attributes = object_attributes() }
end

local traffic_light = object_class("traffic_light", "交通信号灯", "Traffic light",
                                   "#FF2020", "4", 4, 8)
table.insert(traffic_light.attributes, 1,
  enum("state", "灯色", "State", {
    { "red", "红灯", "Red" },
    { "yellow", "黄灯", "Yellow" },
    { "green", "绿灯", "Green" },
    { "off", "熄灭", "Off" },
    { "unknown", "无法判断", "Unknown" },
  }, true))
table.insert(traffic_light.attributes,
  { key = "arrow", names = n("箭头方向", "Arrow"), type = "enum", default = "none",
    values = enum_values {
      { "none", "圆形灯（无箭头）", "Round (no arrow)" },
      { "left", "左转", "Left" },
      { "straight", "直行", "Straight" },
      { "right", "右转", "Right" },
      { "u_turn", "掉头", "U-turn" },
    } })

local traffic_sign = object_class("traffic_sign", "交通标志", "Traffic sign", "#FFD700", "5", 6, 6)
-- The four main groups of GB 5768.2 plus a catch-all.
table.insert(traffic_sign.attributes, 1,
  enum("category", "标志类别", "Sign category", {
    { "warning", "警告标志", "Warning" },
    { "prohibitory", "禁令标志", "Prohibitory" },
    { "mandatory", "指示标志", "Mandatory" },
    { "guide", "指路标志", "Guide" },
    { "other", "其他", "Other" },
  }, true))

local classes = {
  object_class("vehicle", "车辆", "Vehicle", "#FF8000", "1", 10, 10),
  object_class("car", "小汽车", "Car", "#FF9933", "Shift+1", 10, 10, "vehicle"),
  object_class("truck", "货车", "Truck", "#CC6600", "Shift+2", 10, 10, "vehicle"),
  object_class("bus", "公交车/客车", "Bus", "#FFB366", "Shift+3", 10, 10, "vehicle"),
  object_class("pedestrian", "行人", "Pedestrian", "#00C0FF", "2", 6, 12),
  object_class("cyclist", "骑行者", "Cyclist", "#00FF80", "3", 6, 12),
  traffic_light,
  traffic_sign,
  { key = "lane_line", names = n("车道线", "Lane line"), color = "#FFFFFF", hotkey = "6",
    geometry = { "polyline" },
    attributes = {
      enum("type", "线型", "Line type", {
        { "solid", "实线", "Solid" },
        { "dashed", "虚线", "Dashed" },
        { "double_solid", "双实线", "Double solid" },
        { "double_dashed", "双虚线", "Double dashed" },
        { "solid_dashed", "实虚线", "Solid-dashed" },
        { "virtual", "虚拟车道线（无标线）", "Virtual (no marking)" },
      }, true),
      enum("colour", "颜色", "Colour", {
        { "white", "白色", "White" },
        { "yellow", "黄色", "Yellow" },
        { "blue", "蓝色", "Blue" },
        { "other", "其他", "Other" },
      }, true),
    } },
  { key = "curb", names = n("路缘石", "Curb"), color = "#A0A0A0", hotkey = "7",
    geometry = { "polyline" },
    attributes = {
      { key = "height_cm", names = n("高度", "Height"), type = "int", min = 0, max = 100,
        unit = "cm" },
    } },
}

local schema = {
  id = "tessera.driving",
  version = "1.0.0",
  names = n("自动驾驶", "Autonomous driving"),
  classes = classes,
  item_attributes = {
    enum("weather", "天气", "Weather", {
      { "clear", "晴", "Clear" }, { "cloudy", "阴", "Cloudy" }, { "rain", "雨", "Rain" },
      { "fog", "雾", "Fog" }, { "snow", "雪", "Snow" },
    }),
    enum("time_of_day", "时段", "Time of day", {
      { "day", "白天", "Day" }, { "dusk", "黄昏/黎明", "Dusk or dawn" },
      { "night", "夜间", "Night" },
    }),
  },
  defects = {
    defect("loose-box", "框不贴合", "Loose box",
           "框与目标边缘留有明显空隙或切掉了目标的一部分。",
           "The box leaves visible space around the object or cuts part of it off."),
    defect("missed-object", "漏标", "Missed object",
           "图中可见且大于最小尺寸的目标没有标注。",
           "A visible object above the minimum size is not labelled."),
    defect("wrong-class", "类别错误", "Wrong class",
           "目标的类别选错，例如把货车标成小汽车。",
           "The object has the wrong class, e.g. a truck labelled as a car."),
    defect("wrong-light-state", "灯色错误", "Wrong light state",
           "信号灯的灯色与图像不符。",
           "The traffic light's state does not match the image."),
    defect("wrong-occlusion", "遮挡/截断属性错误", "Wrong occlusion or truncation",
           "遮挡等级或截断比例与图像不符。",
           "The occlusion level or truncation percentage does not match the image."),
    defect("broken-line", "线条不连续", "Broken line",
           "一条车道线或路缘被拆成多段，或未画到可见的尽头。",
           "One lane line or curb is split into pieces or stops before its visible end."),
  },
}

-- Rules ------------------------------------------------------------------------

local polyline_classes = { lane_line = true, curb = true }
local truncatable = {}
for _, c in ipairs(classes) do
  if not polyline_classes[c.key] then truncatable[c.key] = true end
end

local qa_rules = {
  annotation_rule {
    id = "driving.light-state",
    description = "A traffic light must say whether it is red, yellow, green, off or unknown",
    severity = "error",
    each = function(a, ctx)
      if a.label == "traffic_light" and a:attr("state") == nil then
        ctx:report(a, "traffic light without a state",
                   "set the state attribute; use \"unknown\" when the lamp cannot be seen")
      end
    end,
  },
  annotation_rule {
    id = "driving.line-points",
    description = "A lane line or curb needs at least two points (param min_points, default 2)",
    severity = "error",
    params = { { "min_points", 2 } },
    each = function(a, ctx, p)
      if polyline_classes[a.label] then
        local count = a:points() or 0
        if count < p.min_points then
          ctx:report(a, string.format("%s has %d point(s), needs at least %d",
                                      a.label, count, p.min_points),
                     "redraw the line along its visible length")
        end
      end
    end,
  },
  annotation_rule {
    id = "driving.curb-height",
    description = "A curb's height is plausible (params min_cm, default 5, and max_cm, default 35)",
    severity = "warning",
    params = { { "min_cm", 5 }, { "max_cm", 35 } },
    each = function(a, ctx, p)
      local height = a.label == "curb" and a:attr("height_cm")
      if height and (height < p.min_cm or height > p.max_cm) then
        ctx:report(a, string.format("curb height %s cm is outside %s–%s cm",
                                    height, p.min_cm, p.max_cm),
                   "check the height; a wall or a step is not a curb")
      end
    end,
  },
  {
    id = "driving.truncation-border",
    description = "An object marked truncated must touch the image border "
                  .. "(params min_percent, default 10, and margin_px, default 2)",
    severity = "warning",
    check = function(item, ctx)
      if item.width == 0 or item.height == 0 then return end
      local min_percent = ctx:param("min_percent", 10)
      local margin = ctx:param("margin_px", 2)
      for a in item:annotations() do
        local truncation = truncatable[a.label] and a:attr("truncation")
        if truncation and truncation >= min_percent then
          local x0, y0, x1, y1 = a:bounds()
          if x0 and x0 > margin and y0 > margin and x1 < item.width - margin
             and y1 < item.height - margin then
            ctx:report(a, string.format("%s is %d%% truncated but lies inside the image",
                                        a.label, truncation),
                       "set truncation to 0, or extend the box to the image edge")
          end
        end
      end
    end,
  },
}

return { api = 1, label_schemas = { schema }, qa_rules = qa_rules }
