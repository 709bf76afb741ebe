-- Minority-language speech: time-aligned transcription of Yi, Miao, Dong and Bouyei
-- recordings, each segment with a Chinese translation (ELAN-style tiers).
-- API reference: plugins/lua/README.md.
--
-- Layout of an item: every segment is an annotation with label "utterance", a
-- time_span and tier = one transcription tier ("yi", "miao", ...). Its translation is
-- an annotation with label "translation", tier = "<tier>_zh" and parent = the
-- segment's id (constraint symbolic_association: exactly one per segment).

local tessera_schema = require("tessera.schema")
local n, enum = tessera_schema.names, tessera_schema.enum
local defect, annotation_rule = tessera_schema.defect, tessera_schema.annotation_rule

local function concat(...)
  local all = {}
  for _, list in ipairs { ... } do
    for _, range in ipairs(list) do all[#all + 1] = range end
  end
  return all
end

-- Orthographies as code point ranges, shared by the schema and the script rule.
local SPACE = { { 0x20, 0x20 } }
local LATIN_LETTERS = { { 0x41, 0x5A }, { 0x61, 0x7A } }
-- ! , - . ? : the punctuation Latin-script minority texts are printed with.
local LATIN_PUNCTUATION = { { 0x21, 0x21 }, { 0x2C, 0x2E }, { 0x3F, 0x3F } }
-- 、。！，：；？ : Standard Yi texts are printed with Chinese full-width punctuation.
local CJK_PUNCTUATION = { { 0x3001, 0x3002 }, { 0xFF01, 0xFF01 }, { 0xFF0C, 0xFF0C },
                          { 0xFF1A, 0xFF1B }, { 0xFF1F, 0xFF1F } }

local RANGES = {
  -- Standard (Liangshan) Yi script: syllables U+A000–A48F (including the iteration
  -- mark U+A015) and radicals U+A490–A4CF. Classical Yi of Guizhou is not encoded in
  -- Unicode and cannot be transcribed here.
  yi = concat({ { 0xA000, 0xA48F }, { 0xA490, 0xA4CF } }, SPACE, CJK_PUNCTUATION),
  -- Miao in the Latin-based orthographies of 1956 (Qiandong, Xiangxi, Chuanqiandian):
  -- basic Latin letters only, tones written as final letters. These are the scripts
  -- taught and printed in Guizhou and Hunan, so they are the default Miao tier.
  miao = concat(LATIN_LETTERS, SPACE, LATIN_PUNCTUATION),
  -- A-Hmao (Large Flowery Miao of north-east Yunnan) in the Pollard script,
  -- U+16F00–16F9F, for recordings whose speakers read and write it.
  miao_pollard = concat({ { 0x16F00, 0x16F9F } }, SPACE, LATIN_PUNCTUATION),
  -- Dong (1958 orthography) and Bouyei (1956, revised 1985): basic Latin letters
  -- only, tones as final letters; no diacritics, no digits (numbers are spelt out).
  dong = concat(LATIN_LETTERS, SPACE, LATIN_PUNCTUATION),
  bouyei = concat(LATIN_LETTERS, SPACE, LATIN_PUNCTUATION),
  -- Chinese translation: CJK Unified Ideographs, CJK symbols and punctuation
  -- (including the ideographic space U+3000) and half/full-width forms.
  zh = { { 0x4E00, 0x9FFF }, { 0x3000, 0x303F }, { 0xFF00, 0xFFEF } },
}

local OTHER = { "other", "其他", "Other" }
local LANGUAGES = {
  { key = "yi", names = n("彝语转写（规范彝文）", "Yi transcription (Standard Yi script)"),
    lang = "ii",
    dialects = { { "northern", "北部方言", "Northern" }, { "eastern", "东部方言", "Eastern" },
                 { "southern", "南部方言", "Southern" }, { "western", "西部方言", "Western" },
                 { "southeastern", "东南部方言", "South-eastern" },
                 { "central", "中部方言", "Central" }, OTHER } },
  { key = "miao", names = n("苗语转写（拉丁字母苗文）", "Miao transcription (Latin orthography)"),
    lang = "hmn-Latn",
    dialects = { { "xiangxi", "湘西方言", "Xiangxi (West Hunan)" },
                 { "qiandong", "黔东方言", "Qiandong (East Guizhou)" },
                 { "chuanqiandian", "川黔滇方言", "Chuanqiandian" }, OTHER } },
  { key = "miao_pollard", names = n("苗语转写（柏格理苗文）", "Miao transcription (Pollard script)"),
    lang = "hmd-Plrd",
    dialects = { { "a_hmao", "滇东北次方言（大花苗）", "North-east Yunnan (A-Hmao)" }, OTHER } },
  { key = "dong", names = n("侗语转写（侗文）", "Dong transcription (Latin orthography)"),
    lang = "kmc-Latn",
    dialects = { { "southern", "南部方言", "Southern" }, { "northern", "北部方言", "Northern" },
                 OTHER } },
  { key = "bouyei", names = n("布依语转写（布依文）", "Bouyei transcription (Latin orthography)"),
    lang = "pcc-Latn",
    dialects = { { "qiannan", "第一土语（黔南）", "First vernacular (Qiannan)" },
                 { "qianzhong", "第二土语（黔中）", "Second vernacular (Qianzhong)" },
                 { "qianxi", "第三土语（黔西）", "Third vernacular (Qianxi)" }, OTHER } },
}

-- Transcription tier key -> its translation tier key, and tier key -> allowed ranges.
local translation_tier_of = {}
local tier_ranges = {}
local tiers = {}
for _, language in ipairs(LANGUAGES) do
  local zh_key = language.key .. "_zh"
  translation_tier_of[language.key] = zh_key
  tier_ranges[language.key] = RANGES[language.key]
  tier_ranges[zh_key] = RANGES.zh
  -- Exclusive: segments are ASR training units and must not overlap; overlapping
  -- speech is marked with an "event" of type "overlap" instead.
  tiers[#tiers + 1] = {
    key = language.key, names = language.names, constraint = "none", exclusive = true,
    lang = language.lang, unicode_ranges = RANGES[language.key],
    attributes = {
      { key = "speaker", names = n("说话人", "Speaker"), type = "string", required = true,
        pattern = "^[A-Za-z0-9_-]{1,32}$" },
      enum("dialect", "方言/土语", "Dialect", language.dialects, true),
    },
  }
  tiers[#tiers + 1] = {
    key = zh_key, names = n(language.names["zh-CN"] .. "·汉语译文",
                            language.names.en .. " – Chinese translation"),
    parent = language.key, constraint = "symbolic_association", exclusive = false,
    lang = "zh-CN", unicode_ranges = RANGES.zh,
  }
end

local schema = {
  id = "tessera.speech",
  version = "1.0.0",
  names = n("少数民族语言语音转写", "Minority-language speech transcription"),
  classes = {
    { key = "utterance", names = n("语段", "Utterance"), color = "#40A0FF", hotkey = "1",
      geometry = { "time_span" } },
    { key = "translation", names = n("译文", "Translation"), color = "#A0A0A0", hotkey = "2" },
    { key = "event", names = n("非语音事件", "Non-speech event"), color = "#FF6040", hotkey = "3",
      geometry = { "time_span" },
      attributes = {
        enum("type", "事件类型", "Event type", {
          { "noise", "噪声", "Noise" }, { "music", "音乐/歌声", "Music or singing" },
          { "laughter", "笑声", "Laughter" }, { "cough", "咳嗽", "Cough" },
          { "overlap", "多人同时说话", "Overlapping speech" }, { "silence", "静音", "Silence" },
        }, true),
      } },
  },
  tiers = tiers,
  item_attributes = {
    enum("environment", "录音环境", "Recording environment", {
      { "quiet_indoor", "安静室内", "Quiet indoor" }, { "noisy_indoor", "嘈杂室内", "Noisy indoor" },
      { "outdoor", "户外", "Outdoor" },
    }),
    enum("style", "语体", "Speech style", {
      { "read", "朗读", "Read" }, { "spontaneous", "自然对话", "Spontaneous" },
      { "narrative", "口述/讲述", "Narrative" }, { "song", "民歌", "Folk song" },
    }),
  },
  defects = {
    defect("wrong-script", "文字不符", "Wrong script",
           "转写用了该层规定以外的文字，例如在彝文层中写拼音。",
           "The transcription uses characters outside the tier's script, "
           .. "e.g. pinyin on the Yi tier."),
    defect("mistranscription", "转写错误", "Mistranscription",
           "转写与录音内容不符（漏词、多词、错词或声调错误）。",
           "The transcription does not match the audio (missing, extra or wrong "
           .. "words, wrong tones)."),
    defect("missing-translation", "缺少译文", "Missing translation",
           "语段没有汉语译文，或译文与原文意思不符。",
           "A segment has no Chinese translation, or it does not say what the "
           .. "segment says."),
    defect("bad-boundary", "切分不当", "Bad boundary",
           "语段边界切在词中间，或包含过长的静音。",
           "A segment boundary cuts a word, or the segment holds long silence."),
    defect("wrong-speaker", "说话人或方言错误", "Wrong speaker or dialect",
           "说话人编号或方言/土语属性与录音不符。",
           "The speaker id or dialect attribute does not match the recording."),
  },
}

-- Rules ------------------------------------------------------------------------

local function in_ranges(cp, ranges)
  for _, range in ipairs(ranges) do
    if cp >= range[1] and cp <= range[2] then return true end
  end
  return false
end

local function is_blank(text)
  if text == nil then return true end
  return (text:gsub("%s", ""):gsub("\u{3000}", "")) == ""
end

local qa_rules = {
  annotation_rule {
    id = "speech.script",
    description = "Text on a tier uses only that tier's script (its Unicode ranges)",
    severity = "error",
    each = function(a, ctx)
      local ranges = a.tier and tier_ranges[a.tier]
      local text = a.text
      if ranges and text and text ~= "" then
        local length, bad_byte = utf8.len(text)
        if not length then
          ctx:report(a, string.format("text is not valid UTF-8 at byte %d", bad_byte))
        else
          local index = 0
          for _, cp in utf8.codes(text) do
            index = index + 1
            if not in_ranges(cp, ranges) then
              ctx:report(a, string.format("character %d, U+%04X \"%s\", is not in the script "
                                          .. "of tier %s", index, cp, utf8.char(cp), a.tier),
                         "write the text in the tier's script, or move it to the right tier")
              break
            end
          end
        end
      end
    end,
  },
  {
    id = "speech.translation",
    description = "Every segment has exactly one Chinese translation on its translation tier",
    severity = "error",
    check = function(item, ctx)
      local segments, translations = {}, {}
      for a in item:annotations() do
        if a.tier and translation_tier_of[a.tier] then
          segments[a.id] = a.tier
        end
      end
      for a in item:annotations() do
        local parent_tier = a.tier and a.tier:match("^(.+)_zh$")
        if parent_tier and translation_tier_of[parent_tier] then
          if segments[a.parent] ~= parent_tier then
            ctx:report(a, string.format("translation on tier %s belongs to no %s segment "
                                        .. "(parent %d)", a.tier, parent_tier, a.parent),
                       "attach it to the segment it translates, or delete it")
          elseif translations[a.parent] then
            ctx:report({ item:annotation(translations[a.parent]), a },
                       string.format("segment %d has more than one translation", a.parent),
                       "merge the translations into one")
          elseif not is_blank(a.text) then
            translations[a.parent] = a.id
          end
        end
      end
      for a in item:annotations() do
        if segments[a.id] and not translations[a.id] then
          ctx:report(a, string.format("%s segment %d has no Chinese translation on tier %s",
                                      a.tier, a.id, translation_tier_of[a.tier]),
                     "add the translation on tier " .. translation_tier_of[a.tier])
        end
      end
    end,
  },
  annotation_rule {
    id = "speech.empty-text",
    description = "A transcription segment is not empty or blank",
    severity = "warning",
    each = function(a, ctx)
      if a.tier and translation_tier_of[a.tier] and is_blank(a.text) then
        ctx:report(a, "segment on tier " .. a.tier .. " has no text",
                   "transcribe it, or mark the span as an event (noise, silence) instead")
      end
    end,
  },
  annotation_rule {
    id = "speech.segment-length",
    description = "A segment lasts between min_seconds (default 0.3) and max_seconds "
                  .. "(default 30) seconds",
    severity = "warning",
    params = { { "min_seconds", 0.3 }, { "max_seconds", 30 } },
    each = function(a, ctx, p)
      if a.tier and translation_tier_of[a.tier] then
        local start, stop = a:span()
        if start and (stop - start < p.min_seconds or stop - start > p.max_seconds) then
          ctx:report(a, string.format("segment lasts %.2f s, outside %s–%s s",
                                      stop - start, p.min_seconds, p.max_seconds),
                     "split or merge segments at pauses")
        end
      end
    end,
  },
}

return { api = 1, label_schemas = { schema }, qa_rules = qa_rules }
