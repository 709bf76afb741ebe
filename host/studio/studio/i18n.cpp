// The studio's UI strings in English and Simplified Chinese.
//
// Keys are dotted: "menu.*" menus, "panel.*" / "window.*" window titles,
// "tool.*" the view tools, "state.*" workflow states, "status.*" the status
// bar and the app's messages, and one prefix per panel. Values with printf
// conversions ("%d", "%s", "%llu") must keep the same conversions, in the same
// order, in every language: the panels format them with arguments.
//
// Implemented: en and zh-CN, fallback to English, then to the key itself.
// Missing: plural forms; locales from profile files.

#include "studio/i18n.hpp"

#include <atomic>
#include <mutex>
#include <set>
#include <span>
#include <string>
#include <unordered_map>

namespace tessera::studio {
namespace {

struct Entry {
    std::string_view key;
    const char* text;
};

constexpr Entry kEnglish[] = {
    // Menus.
    {"menu.file", "File"},
    {"menu.quit", "Quit"},
    {"menu.edit", "Edit"},
    {"menu.undo", "Undo"},
    {"menu.redo", "Redo"},
    {"menu.submit", "Submit item"},
    {"menu.next_item", "Next item"},
    {"menu.previous_item", "Previous item"},
    {"menu.view", "View"},
    {"menu.language", "Language"},
    {"menu.shortcuts", "Keyboard shortcuts"},
    {"menu.view_options", "View options"},
    {"menu.reset_layout", "Reset layout"},
    {"menu.review", "Review"},
    {"menu.review_mode", "Review mode"},
    {"menu.accept", "Accept item"},
    {"menu.reject", "Reject item..."},
    {"menu.help", "Help"},
    {"menu.about", "Tessera Studio - annotation with plugins"},

    // Window titles.
    {"window.canvas", "Canvas"},
    {"window.tools", "Tools"},
    {"panel.items", "Items"},
    {"panel.labels", "Labels"},
    {"panel.attributes", "Attributes"},
    {"panel.qa", "QA"},
    {"panel.review", "Review"},
    {"panel.shortcuts", "Keyboard shortcuts"},
    {"panel.view_options", "View options"},
    {"view_options.none", "This view has no options."},

    // Tools of the views.
    {"tool.select", "Select"},
    {"tool.box", "Box"},
    {"tool.polygon", "Polygon"},
    {"tool.polyline", "Polyline"},
    {"tool.keypoints", "Keypoints"},

    // Workflow states.
    {"state.new", "New"},
    {"state.in_progress", "In progress"},
    {"state.submitted", "Submitted"},
    {"state.accepted", "Accepted"},
    {"state.rejected", "Rejected"},
    {"state.unknown", "Unknown"},

    // Status bar and the app's messages.
    {"status.progress", "Done"},
    {"status.item", "Item %llu"},
    {"status.no_item", "No item open"},
    {"status.tool", "Tool"},
    {"status.label", "Label"},
    {"status.errors", "Errors: %llu"},
    {"status.saved", "Saved"},
    {"status.unsaved", "NOT SAVED: %s"},
    {"status.retry", "Retry"},
    {"status.discard", "Discard"},
    {"status.discarded", "Unsaved edit discarded"},
    {"status.read_only", "Read-only"},
    {"status.locked", "finished: read-only"},
    {"status.read_only_project",
     "This project is read-only: you can look, but edits will not be saved"},
    {"status.changed_by_other", "Updated: another writer changed the project"},
    {"status.also_open", "Also open by: %s"},
    {"status.also_open_warning",
     "{} has this project open too: edits of one item by both are kept, but check before you undo"},
    {"status.project_plugin_refused", "The project's plugin {} was not loaded: {}"},
    {"status.undo", "Undone"},
    {"status.redo", "Redone"},
    {"status.nothing_to_undo", "Nothing to undo"},
    {"status.nothing_to_redo", "Nothing to redo"},
    {"status.submitted", "Item submitted"},
    {"status.submit_blocked", "Cannot submit: fix the QA errors first"},
    {"status.no_view", "No view plugin shows this kind of item"},
    {"status.no_more_items", "No more items"},

    // Item browser.
    {"filter.state", "State"},
    {"filter.label", "Label"},
    {"filter.any", "Any"},
    {"filter.label_tip", "Items with at least one annotation of this label"},
    {"filter.qa", "QA"},
    {"filter.qa.findings", "With findings"},
    {"filter.qa.errors", "With errors"},
    {"filter.qa_tip",
     "The project's QA rules run over every item in the background; "
     "the open item follows your edits"},
    {"items.qa_checking", "Checking every item... %d%%"},
    {"items.qa_failed", "QA of the project failed: %s"},
    {"filter.assignee", "Assignee"},
    {"filter.unassigned", "Unassigned"},
    {"filter.me", "Me"},
    {"items.count", "Items: %llu of %llu"},
    {"items.scanning", "Scanning labels... %d%%"},
    {"items.column.id", "Id"},
    {"items.column.file", "File"},
    {"items.column.state", "State"},
    {"items.column.assignee", "Assignee"},
    {"items.assign_me", "Assign to me"},
    {"items.unassign", "Unassign"},

    // Label palette.
    {"labels.search", "Search labels"},
    {"labels.none", "The schema has no labels."},
    {"labels.no_match", "No label matches."},

    // Attribute editor.
    {"attributes.no_selection", "Select an annotation to edit its attributes."},
    {"attributes.annotation", "#%llu"},
    {"attributes.unknown_label", "Label \"%s\" is not in the schema."},
    {"attributes.none", "This label has no attributes."},
    {"attributes.not_set", "(not set)"},
    {"attributes.default", "Default: %s"},
    {"attributes.bad_pattern", "The schema's pattern is refused: %s"},
    {"attributes.pattern_mismatch", "Does not match the pattern %s"},
    {"attributes.bad_utf8", "Invalid UTF-8 at byte %d"},
    {"attributes.read_only_text",
     "Read-only here: this text holds %s, which this editor cannot show without altering it. It is "
     "kept exactly as stored."},
    {"attributes.unrepresentable",
     "Not saved: a character you typed or pasted is beyond what this editor can hold (above "
     "U+FFFF, e.g. Pollard Miao) and would be stored as U+FFFD. The stored text is unchanged."},
    {"attributes.outside_ranges", "\"%s\" (U+%04X, character %d) is not an allowed character"},

    // QA panel.
    {"qa.no_item", "No item open."},
    {"qa.clean", "No findings."},
    {"qa.summary", "Errors: %d, warnings: %d, notes: %d"},
    {"qa.blocks_submit", "Errors block submitting."},
    {"qa.error", "Error"},
    {"qa.warning", "Warning"},
    {"qa.info", "Info"},
    {"qa.fix", "Fix: %s"},
    {"qa.whole_item", "About the whole item"},
    {"qa.annotations", "Annotations %s"},

    // Review panel.
    {"review.no_item", "No item open."},
    {"review.only_submitted", "Only submitted items can be reviewed."},
    {"review.state", "State"},
    {"review.reopen", "Reopen"},
    {"review.reopen_reason", "Why reopen (required)"},
    {"review.reopened", "Reopened: back to In progress"},
    {"review.accept", "Accept (A)"},
    {"review.reject", "Reject (R)"},
    {"review.reason", "Reason"},
    {"review.reason_text", "Explain the rejection"},
    {"review.no_defect", "(no defect)"},
    {"review.comments", "Comments on annotations"},
    {"review.select_to_comment", "Select an annotation to pin a comment to it."},
    {"review.comment_text", "Comment"},
    {"review.add_comment", "Add comment on #%llu"},
    {"review.confirm_reject", "Reject and go to next"},
    {"review.cancel", "Cancel"},
    {"review.reason_needed", "Choose a defect or write a reason."},
    {"review.accepted", "Item %llu accepted"},
    {"review.rejected", "Item %llu rejected"},
    {"review.not_submitted", "Only a submitted item can be accepted or rejected (review mode)."},
    {"review.last_rejection", "Rejected by the reviewer"},
    {"review.by", "by %s, %s"},

    // Shortcut sheet.
    {"shortcuts.section.labels_tools", "Labels and tools"},
    {"shortcuts.section.view", "View"},
    {"shortcuts.section.editing", "Editing"},
    {"shortcuts.section.items", "Items"},
    {"shortcuts.section.review", "Review"},
    {"shortcuts.section.help", "Help"},
    {"shortcuts.labels", "Choose label 1 to 9"},
    {"shortcuts.tool_select", "Select tool"},
    {"shortcuts.tool_box", "Box tool"},
    {"shortcuts.tool_polygon", "Polygon tool"},
    {"shortcuts.tool_polyline", "Polyline tool"},
    {"shortcuts.tool_keypoints", "Keypoints tool"},
    {"shortcuts.fit", "Fit the item to the canvas"},
    {"shortcuts.actual_size", "Zoom to 1:1"},
    {"shortcuts.zoom", "Zoom"},
    {"shortcuts.pan", "Pan"},
    {"shortcuts.view_options", "Show or hide the view's options"},
    {"shortcuts.close_polygon", "Close the polygon"},
    {"shortcuts.cancel", "Cancel the shape being drawn"},
    {"shortcuts.delete", "Delete the selected annotation"},
    {"shortcuts.undo", "Undo"},
    {"shortcuts.redo", "Redo"},
    {"shortcuts.retry_save", "Save the unsaved edit again"},
    {"shortcuts.discard_unsaved", "Discard the unsaved edit"},
    {"shortcuts.submit", "Submit the item"},
    {"shortcuts.next_item", "Next item"},
    {"shortcuts.previous_item", "Previous item"},
    {"shortcuts.accept", "Accept the item"},
    {"shortcuts.reject", "Reject the item"},
    {"shortcuts.sheet", "Show or hide this sheet"},
    {"shortcuts.review_only", "A and R work in review mode only."},
    {"keys.wheel", "Mouse wheel"},
    {"keys.middle_right_drag", "Middle / right drag"},
};

constexpr Entry kChinese[] = {
    // 菜单
    {"menu.file", "文件"},
    {"menu.quit", "退出"},
    {"menu.edit", "编辑"},
    {"menu.undo", "撤销"},
    {"menu.redo", "重做"},
    {"menu.submit", "提交条目"},
    {"menu.next_item", "下一条"},
    {"menu.previous_item", "上一条"},
    {"menu.view", "视图"},
    {"menu.language", "语言"},
    {"menu.shortcuts", "快捷键"},
    {"menu.view_options", "视图选项"},
    {"menu.reset_layout", "重置布局"},
    {"menu.review", "审核"},
    {"menu.review_mode", "审核模式"},
    {"menu.accept", "通过"},
    {"menu.reject", "驳回..."},
    {"menu.help", "帮助"},
    {"menu.about", "Tessera Studio - 插件式标注工具"},

    // 窗口标题
    {"window.canvas", "画布"},
    {"window.tools", "工具"},
    {"panel.items", "条目"},
    {"panel.labels", "标签"},
    {"panel.attributes", "属性"},
    {"panel.qa", "质检"},
    {"panel.review", "审核"},
    {"panel.shortcuts", "快捷键"},
    {"panel.view_options", "视图选项"},
    {"view_options.none", "此视图没有选项。"},

    // 视图工具
    {"tool.select", "选择"},
    {"tool.box", "矩形框"},
    {"tool.polygon", "多边形"},
    {"tool.polyline", "折线"},
    {"tool.keypoints", "关键点"},

    // 流程状态
    {"state.new", "新建"},
    {"state.in_progress", "标注中"},
    {"state.submitted", "已提交"},
    {"state.accepted", "已通过"},
    {"state.rejected", "已驳回"},
    {"state.unknown", "未知"},

    // 状态栏与提示
    {"status.progress", "完成"},
    {"status.item", "条目 %llu"},
    {"status.no_item", "未打开条目"},
    {"status.tool", "工具"},
    {"status.label", "标签"},
    {"status.errors", "错误：%llu"},
    {"status.saved", "已保存"},
    {"status.unsaved", "未保存：%s"},
    {"status.retry", "重试"},
    {"status.discard", "放弃"},
    {"status.discarded", "已放弃未保存的编辑"},
    {"status.read_only", "只读"},
    {"status.locked", "已完成：只读"},
    {"status.read_only_project", "此项目为只读：可以查看，但编辑不会被保存"},
    {"status.changed_by_other", "已更新：其他用户修改了项目"},
    {"status.also_open", "同时打开者：%s"},
    {"status.also_open_warning", "{} 也打开了此项目：双方对同一条目的编辑都会保留，撤销前请先检查"},
    {"status.project_plugin_refused", "项目插件 {} 未加载：{}"},
    {"status.undo", "已撤销"},
    {"status.redo", "已重做"},
    {"status.nothing_to_undo", "没有可撤销的操作"},
    {"status.nothing_to_redo", "没有可重做的操作"},
    {"status.submitted", "条目已提交"},
    {"status.submit_blocked", "无法提交：请先修正质检错误"},
    {"status.no_view", "没有可显示此类条目的视图插件"},
    {"status.no_more_items", "没有更多条目"},

    // 条目列表
    {"filter.state", "状态"},
    {"filter.label", "标签"},
    {"filter.any", "全部"},
    {"filter.label_tip", "至少有一个该标签标注的条目"},
    {"filter.qa", "质检"},
    {"filter.qa.findings", "有问题"},
    {"filter.qa.errors", "有错误"},
    {"filter.qa_tip", "项目的质检规则在后台检查所有条目；当前条目随编辑实时更新"},
    {"items.qa_checking", "正在检查所有条目... %d%%"},
    {"items.qa_failed", "项目质检失败：%s"},
    {"filter.assignee", "负责人"},
    {"filter.unassigned", "未分配"},
    {"filter.me", "我"},
    {"items.count", "条目：%llu / %llu"},
    {"items.scanning", "正在扫描标签... %d%%"},
    {"items.column.id", "编号"},
    {"items.column.file", "文件"},
    {"items.column.state", "状态"},
    {"items.column.assignee", "负责人"},
    {"items.assign_me", "分配给我"},
    {"items.unassign", "取消分配"},

    // 标签面板
    {"labels.search", "搜索标签"},
    {"labels.none", "标签体系中没有标签。"},
    {"labels.no_match", "没有匹配的标签。"},

    // 属性编辑
    {"attributes.no_selection", "选择一个标注以编辑其属性。"},
    {"attributes.annotation", "#%llu"},
    {"attributes.unknown_label", "标签“%s”不在标签体系中。"},
    {"attributes.none", "该标签没有属性。"},
    {"attributes.not_set", "（未设置）"},
    {"attributes.default", "默认值：%s"},
    {"attributes.bad_pattern", "标签体系中的模式被拒绝：%s"},
    {"attributes.pattern_mismatch", "不符合模式 %s"},
    {"attributes.bad_utf8", "第 %d 字节处的 UTF-8 编码无效"},
    {"attributes.read_only_text",
     "此处只读：该文本含有 %s，本编辑器无法在不改动文本的情况下显示它。文本按存储原样保留。"},
    {"attributes.unrepresentable",
     "未保存：您输入或粘贴的字符超出本编辑器的范围（高于 U+FFFF，例如柏格理苗文），会被存为 "
     "U+FFFD。已存储的文本未改变。"},
    {"attributes.outside_ranges", "“%s”（U+%04X，第 %d 个字符）不是允许的字符"},

    // 质检面板
    {"qa.no_item", "未打开条目。"},
    {"qa.clean", "没有质检问题。"},
    {"qa.summary", "错误：%d，警告：%d，提示：%d"},
    {"qa.blocks_submit", "存在错误时无法提交。"},
    {"qa.error", "错误"},
    {"qa.warning", "警告"},
    {"qa.info", "提示"},
    {"qa.fix", "修正建议：%s"},
    {"qa.whole_item", "针对整个条目"},
    {"qa.annotations", "标注 %s"},

    // 审核面板
    {"review.no_item", "未打开条目。"},
    {"review.only_submitted", "只能审核已提交的条目。"},
    {"review.state", "状态"},
    {"review.reopen", "重新打开"},
    {"review.reopen_reason", "重新打开的原因（必填）"},
    {"review.reopened", "已重新打开：回到进行中"},
    {"review.accept", "通过 (A)"},
    {"review.reject", "驳回 (R)"},
    {"review.reason", "原因"},
    {"review.reason_text", "说明驳回原因"},
    {"review.no_defect", "（无缺陷类型）"},
    {"review.comments", "标注批注"},
    {"review.select_to_comment", "选择一个标注以添加批注。"},
    {"review.comment_text", "批注"},
    {"review.add_comment", "为 #%llu 添加批注"},
    {"review.confirm_reject", "驳回并转到下一条"},
    {"review.cancel", "取消"},
    {"review.reason_needed", "请选择缺陷类型或填写原因。"},
    {"review.accepted", "条目 %llu 已通过"},
    {"review.rejected", "条目 %llu 已驳回"},
    {"review.not_submitted", "只有已提交的条目可以通过或驳回（审核模式）。"},
    {"review.last_rejection", "审核员驳回了此条目"},
    {"review.by", "审核员 %s，%s"},

    // 快捷键
    {"shortcuts.section.labels_tools", "标签与工具"},
    {"shortcuts.section.view", "视图"},
    {"shortcuts.section.editing", "编辑"},
    {"shortcuts.section.items", "条目"},
    {"shortcuts.section.review", "审核"},
    {"shortcuts.section.help", "帮助"},
    {"shortcuts.labels", "选择第 1 至 9 个标签"},
    {"shortcuts.tool_select", "选择工具"},
    {"shortcuts.tool_box", "矩形框工具"},
    {"shortcuts.tool_polygon", "多边形工具"},
    {"shortcuts.tool_polyline", "折线工具"},
    {"shortcuts.tool_keypoints", "关键点工具"},
    {"shortcuts.fit", "适应画布"},
    {"shortcuts.actual_size", "缩放到 1:1"},
    {"shortcuts.zoom", "缩放"},
    {"shortcuts.pan", "平移"},
    {"shortcuts.view_options", "显示或隐藏视图选项"},
    {"shortcuts.close_polygon", "闭合多边形"},
    {"shortcuts.cancel", "取消正在绘制的图形"},
    {"shortcuts.delete", "删除选中的标注"},
    {"shortcuts.undo", "撤销"},
    {"shortcuts.redo", "重做"},
    {"shortcuts.retry_save", "重新保存未保存的编辑"},
    {"shortcuts.discard_unsaved", "放弃未保存的编辑"},
    {"shortcuts.submit", "提交条目"},
    {"shortcuts.next_item", "下一条"},
    {"shortcuts.previous_item", "上一条"},
    {"shortcuts.accept", "通过条目"},
    {"shortcuts.reject", "驳回条目"},
    {"shortcuts.sheet", "显示或隐藏本表"},
    {"shortcuts.review_only", "A 和 R 仅在审核模式下有效。"},
    {"keys.wheel", "鼠标滚轮"},
    {"keys.middle_right_drag", "中键 / 右键拖动"},
};

using Table = std::unordered_map<std::string_view, const char*>;

Table make_table(std::span<const Entry> entries) {
    Table table;
    for (const Entry& e : entries) table.emplace(e.key, e.text);
    return table;
}

const Table& english() {
    static const Table table = make_table(kEnglish);
    return table;
}

const Table& chinese() {
    static const Table table = make_table(kChinese);
    return table;
}

// The UI thread switches the locale; tr() may be called from other threads
// too (progress messages), so the flag is atomic and interning unknown keys
// takes a lock.
std::atomic<bool> g_chinese{false};

}  // namespace

void set_locale(std::string_view locale) {
    g_chinese = locale == "zh-CN" || locale == "zh_CN" || locale == "zh" || locale == "zh-Hans";
}

std::string_view locale() {
    return g_chinese ? kLocales[1] : kLocales[0];
}

const char* tr(std::string_view key) {
    if (g_chinese) {
        const Table& zh = chinese();
        if (const auto it = zh.find(key); it != zh.end()) return it->second;
    }
    const Table& en = english();
    if (const auto it = en.find(key); it != en.end()) return it->second;
    // An unknown key is shown as itself; kept so the pointer lives forever.
    static std::mutex mutex;
    static std::set<std::string, std::less<>> unknown;
    const std::lock_guard lock(mutex);
    auto it = unknown.find(key);
    if (it == unknown.end()) it = unknown.emplace(key).first;
    return it->c_str();
}

/// Every text of every table, concatenated: the window adds its characters to
/// the font's glyph ranges (ImFontGlyphRangesBuilder::AddText), since
/// ImGui's "ChineseSimplifiedCommon" set lacks some of them (辑 of 编辑).
/// Not in i18n.hpp yet: declare it there to use it.
std::string translated_text() {
    std::string all;
    for (const Entry& e : kEnglish) all += e.text;
    for (const Entry& e : kChinese) all += e.text;
    return all;
}

}  // namespace tessera::studio
