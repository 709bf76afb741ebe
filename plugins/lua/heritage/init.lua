-- Intangible cultural heritage: photographs and recordings of the crafts and
-- performances of the peoples of Guizhou (batik, embroidery, silver ornaments,
-- lusheng). API reference: plugins/lua/README.md.

local tessera_schema = require("tessera.schema")
local n, enum, enum_values = tessera_schema.names, tessera_schema.enum, tessera_schema.enum_values
local defect, annotation_rule = tessera_schema.defect, tessera_schema.annotation_rule

local ETHNIC_GROUPS = {
  { "miao", "苗族", "Miao" }, { "dong", "侗族", "Dong" }, { "bouyei", "布依族", "Bouyei" },
  { "yi", "彝族", "Yi" }, { "shui", "水族", "Shui" }, { "gelao", "仡佬族", "Gelao" },
  { "tujia", "土家族", "Tujia" }, { "yao", "瑶族", "Yao" }, { "han", "汉族", "Han" },
  { "other", "其他", "Other" },
}

-- Prefecture-level divisions of Guizhou, where most of the collection comes from.
local REGIONS = {
  { "qiandongnan", "黔东南", "Qiandongnan" }, { "qiannan", "黔南", "Qiannan" },
  { "qianxinan", "黔西南", "Qianxinan" }, { "anshun", "安顺", "Anshun" },
  { "bijie", "毕节", "Bijie" }, { "liupanshui", "六盘水", "Liupanshui" },
  { "tongren", "铜仁", "Tongren" }, { "guiyang", "贵阳", "Guiyang" },
  { "zunyi", "遵义", "Zunyi" }, { "outside_guizhou", "贵州省外", "Outside Guizhou" },
}

local MOTIFS = {
  { "butterfly", "蝴蝶纹", "Butterfly" }, { "bird", "鸟纹", "Bird" }, { "fish", "鱼纹", "Fish" },
  { "dragon", "龙纹", "Dragon" }, { "buffalo", "牛角/水牛纹", "Buffalo horn" },
  { "spiral", "涡旋纹", "Spiral" }, { "bronze_drum", "铜鼓纹", "Bronze drum" },
  { "flower", "花草纹", "Flowers and plants" }, { "geometric", "几何纹", "Geometric" },
  { "human", "人物纹", "Human figures" }, { "other", "其他", "Other" },
}

-- Attributes every craft class shares; `technique` is added per class.
local function craft_attributes(techniques)
  return {
    enum("technique", "工艺", "Technique", techniques),
    { key = "motif", names = n("纹样", "Motif"), type = "multi_enum",
      values = enum_values(MOTIFS) },
    enum("ethnic_group", "民族", "Ethnic group", ETHNIC_GROUPS),
    enum("region", "地区", "Region", REGIONS),
  }
end

local lusheng_attributes = craft_attributes {
  { "solo", "独奏", "Solo" }, { "ensemble", "合奏", "Ensemble" },
  { "dance", "芦笙舞（边吹边跳）", "Dance while playing" },
  { "competition", "芦笙比赛", "Competition" },
}
lusheng_attributes[#lusheng_attributes + 1] =
  { key = "performers", names = n("演奏人数", "Performers"), type = "int", min = 1, max = 1000 }
lusheng_attributes[#lusheng_attributes + 1] =
  enum("occasion", "场合", "Occasion", {
    { "lusheng_festival", "芦笙节", "Lusheng festival" }, { "miao_new_year", "苗年", "Miao New Year" },
    { "sisters_festival", "姊妹节", "Sisters' Meal festival" },
    { "wedding", "婚礼", "Wedding" }, { "staged", "舞台演出", "Staged performance" },
    { "other", "其他", "Other" },
  })

local OBJECT = { "box", "polygon", "mask" }

local schema = {
  id = "tessera.heritage",
  version = "1.0.0",
  names = n("非物质文化遗产", "Intangible cultural heritage"),
  classes = {
    { key = "batik", names = n("蜡染", "Batik"), color = "#1F4E9E", hotkey = "1",
      geometry = OBJECT, min_width = 16, min_height = 16,
      attributes = craft_attributes {
        { "wax_knife", "蜡刀点蜡", "Wax knife drawing" }, { "crackle", "冰纹", "Crackle" },
        { "indigo_dip", "蓝靛浸染", "Indigo dipping" },
        { "maple_resin", "枫香染", "Maple-resin resist" },
      } },
    { key = "embroidery", names = n("刺绣", "Embroidery"), color = "#D9304A", hotkey = "2",
      geometry = OBJECT, min_width = 16, min_height = 16,
      attributes = craft_attributes {
        { "flat", "平绣", "Flat stitch" }, { "braid", "辫绣", "Braid stitch" },
        { "seed", "打籽绣", "Seed (knot) stitch" }, { "tin", "锡绣", "Tin embroidery" },
        { "split_thread", "破线绣", "Split-thread" }, { "applique", "堆绣", "Appliqué" },
        { "horsetail", "马尾绣", "Horsetail embroidery" },
      } },
    { key = "silver_ornament", names = n("银饰", "Silver ornament"), color = "#C0C0C0",
      hotkey = "3", geometry = OBJECT, min_width = 8, min_height = 8,
      attributes = craft_attributes {
        { "chasing", "錾刻", "Chasing" }, { "filigree", "花丝", "Filigree" },
        { "openwork", "镂空", "Openwork" }, { "forging", "锻打", "Forging" },
        { "casting", "铸造", "Casting" },
      } },
    { key = "lusheng_performance", names = n("芦笙表演", "Lusheng performance"),
      color = "#E8A33D", hotkey = "4", geometry = { "time_span" },
      attributes = lusheng_attributes },
  },
  item_attributes = {
    enum("capture", "采集方式", "Capture", {
      { "field", "田野采集", "Field recording" }, { "museum", "馆藏拍摄", "Museum collection" },
      { "studio", "棚拍", "Studio" },
    }),
  },
  defects = {
    defect("wrong-technique", "工艺判断错误", "Wrong technique",
           "工艺与实物不符，例如把枫香染标成蜡染点蜡。",
           "The technique does not match the object, e.g. maple-resin resist "
           .. "labelled as wax-knife batik."),
    defect("wrong-attribution", "民族或地区错误", "Wrong attribution",
           "民族或地区与采集记录不符。",
           "The ethnic group or region contradicts the collection record."),
    defect("incomplete-region", "区域不完整", "Incomplete region",
           "框或轮廓没有包含整件作品或整块纹样。",
           "The box or outline leaves out part of the piece or the motif."),
    defect("span-cut", "表演截断", "Performance cut",
           "芦笙表演的起止时间切掉了开头或结尾。",
           "The performance's time span cuts off its beginning or end."),
  },
}

-- Rules ------------------------------------------------------------------------

local crafts = { batik = true, embroidery = true, silver_ornament = true,
                 lusheng_performance = true }

local qa_rules = {
  annotation_rule {
    id = "heritage.ethnic-group",
    description = "A piece whose technique is given also names the ethnic group it belongs to",
    severity = "error",
    each = function(a, ctx)
      if crafts[a.label] and a:attr("technique") ~= nil and a:attr("ethnic_group") == nil then
        ctx:report(a, string.format("%s has technique \"%s\" but no ethnic group",
                                    a.label, a:attr("technique")),
                   "set ethnic_group from the collection record (\"other\" if unknown)")
      end
    end,
  },
  annotation_rule {
    id = "heritage.lusheng-duration",
    description = "A lusheng performance lasts at least min_seconds (default 10) and lies "
                  .. "within the recording",
    severity = "warning",
    params = { { "min_seconds", 10 } },
    each = function(a, ctx, p, item)
      local start, stop = nil, nil
      if a.label == "lusheng_performance" then start, stop = a:span() end
      if start then
        if stop - start < p.min_seconds then
          ctx:report(a, string.format("lusheng performance lasts %.1f s, less than %s s",
                                      stop - start, p.min_seconds),
                     "extend the span to the whole piece, or delete a fragment")
        elseif item.duration > 0 and stop > item.duration then
          ctx:report(a, string.format("performance ends at %.1f s, after the recording "
                                      .. "(%.1f s)", stop, item.duration),
                     "move the end inside the recording")
        end
      end
    end,
  },
  {
    id = "heritage.media-kind",
    description = "Lusheng performances are labelled on video or audio, crafts on images or video",
    severity = "error",
    check = function(item, ctx)
      if item.kind == "unknown" then return end
      local timed = item.kind == "video" or item.kind == "audio"
      local visual = item.kind == "image" or item.kind == "video"
      for a in item:annotations() do
        if a.label == "lusheng_performance" and not timed then
          ctx:report(a, "lusheng performance on an item of kind " .. item.kind,
                     "label performances on the video or audio recording")
        elseif crafts[a.label] and a.label ~= "lusheng_performance" and not visual then
          ctx:report(a, a.label .. " on an item of kind " .. item.kind,
                     "label crafts on photographs or video")
        end
      end
    end,
  },
}

return { api = 1, label_schemas = { schema }, qa_rules = qa_rules }
