// Lua 5.4 patterns with a step budget (lua_patterns.hpp).
//
// A pattern is first translated into a flat list of items (one per pattern
// item: a single-character class with its quantifier, a capture bracket, %b,
// %f, a back-reference, the final '$'); a malformed item becomes an error
// item that raises the stock message when the match reaches it. The matcher
// then walks the items with an explicit stack of backtracking points instead
// of recursion. Each point stands for one recursive call of the stock matcher
// (a capture bracket to undo, the rest of a '?', '*', '+' or '-' to retry), so
// the stock limit of 200 nested calls is the size of that stack.
//
// Implemented: all of Lua 5.4's pattern syntax and the four functions, with
//   the stock results and messages; a search for the first character when a
//   pattern must start with a literal; plain find.
// Missing: nothing known; lua_patterns_test.cpp compares with the stock
//   library.

#include "lua/lua_patterns.hpp"

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace tessera::lua {
namespace {

using uchar = unsigned char;

constexpr int kMaxCaptures = 32;  // LUA_MAXCAPTURES
// Nested calls of the stock matcher: the first one plus 199 backtracking points.
constexpr int kMaxPoints = 199;
// Items kept on the C stack; longer patterns get a Lua userdata.
constexpr std::size_t kInlineItems = 48;

constexpr std::ptrdiff_t kUnfinished = -1;
constexpr std::ptrdiff_t kPosition = -2;

enum Kind : uint8_t {
    // Single-character items (with a quantifier).
    kLiteral,
    kAnyChar,
    kClass,  // %a and friends: `a` is the lower-case letter, `b` the complement flag
    kSet,    // [...]: `lo`..`hi` are the members, `b` the complement flag
    // Other items.
    kOpen,           // `a` is the capture index
    kOpenPosition,   // "()"
    kClose,          // `a` is the capture it closes
    kBalance,        // %bxy: `a` opens, `b` closes
    kFrontier,       // %f[...]: `lo`..`hi` as in kSet
    kBackReference,  // %1-%9: `a` is the capture index
    kEndAnchor,      // '$' at the very end
    kMalformed,      // raises: `a` is a Problem, `b` a capture index
    kEnd,
};

enum Quantifier : uint8_t { kOne, kOptional, kStar, kPlus, kLazy };

enum Problem : uint8_t {
    kEndsWithPercent,
    kMissingBracket,
    kBalanceArguments,
    kFrontierBracket,
    kTooManyCaptures,
    kNoOpenCapture,
    kBadCaptureIndex,
};

struct Item {
    Kind kind;
    Quantifier quantifier;
    uchar a;
    uchar b;
    const uchar* lo;
    const uchar* hi;
};

enum PointKind : uint8_t { kUndoOpen, kUndoClose, kSkipOptional, kGiveBack, kTakeOneMore };

// One backtracking point. kGiveBack: `s` is the end of the greedy run being
// tried, `floor` the shortest run. kTakeOneMore: `s` is where the lazy run
// ends now. kSkipOptional: `s` is where the '?' item was.
struct Point {
    const uchar* s;
    const uchar* floor;
    const Item* item;
    PointKind kind;
    uchar capture;
};

struct Capture {
    const uchar* init;
    std::ptrdiff_t len;
};

// --- Translation --------------------------------------------------------------

bool is_class_letter(int lower) {
    switch (lower) {
        case 'a':
        case 'c':
        case 'd':
        case 'g':
        case 'l':
        case 'p':
        case 's':
        case 'u':
        case 'w':
        case 'x':
        case 'z':
            return true;
        default:
            return false;
    }
}

// The end of the single-character class at p (just past it), or nullptr with
// `problem` set when the class is malformed.
const uchar* class_end(const uchar* p, const uchar* end, Problem* problem) {
    const uchar c = *p++;
    if (c == '%') {
        if (p == end) {
            *problem = kEndsWithPercent;
            return nullptr;
        }
        return p + 1;
    }
    if (c != '[') return p;
    if (p < end && *p == '^') ++p;
    // The first member may be ']'; '%' escapes the character after it.
    do {
        if (p == end) {
            *problem = kMissingBracket;
            return nullptr;
        }
        const uchar member = *p++;
        if (member == '%' && p < end) ++p;
    } while (p == end || *p != ']');
    return p + 1;
}

// Fills a set item for the class [ ... ] from open (at '[') to close (at ']').
void make_set(Item* item, Kind kind, const uchar* open, const uchar* close) {
    item->kind = kind;
    item->b = open[1] == '^';
    item->lo = open + 1 + item->b;
    item->hi = close;
}

// Translates pattern [p, end) into items; `items` has room for end - p + 1.
// Never raises: a malformed item becomes the last item, kMalformed.
void translate(const uchar* p, const uchar* end, Item* items) {
    // Capture state at each point of the pattern does not depend on the
    // subject (patterns have no alternation), so it is known here.
    std::ptrdiff_t state[kMaxCaptures];
    int level = 0;
    Item* out = items;
    auto malformed = [&](Problem problem, int capture) {
        *out = Item{kMalformed, kOne,   static_cast<uchar>(problem), static_cast<uchar>(capture),
                    nullptr,    nullptr};
    };
    while (p < end) {
        Item item{kEnd, kOne, 0, 0, nullptr, nullptr};
        const uchar c = *p;
        const bool has_next = p + 1 < end;
        if (c == '(') {
            if (level >= kMaxCaptures) return malformed(kTooManyCaptures, 0);
            const bool position = has_next && p[1] == ')';
            item.kind = position ? kOpenPosition : kOpen;
            item.a = static_cast<uchar>(level);
            state[level++] = position ? kPosition : kUnfinished;
            p += position ? 2 : 1;
        } else if (c == ')') {
            int open = level - 1;
            while (open >= 0 && state[open] != kUnfinished) --open;
            if (open < 0) return malformed(kNoOpenCapture, 0);
            item.kind = kClose;
            item.a = static_cast<uchar>(open);
            state[open] = 0;
            ++p;
        } else if (c == '$' && !has_next) {
            item.kind = kEndAnchor;
            ++p;
        } else if (c == '%' && has_next && p[1] == 'b') {
            if (p + 2 >= end - 1) return malformed(kBalanceArguments, 0);
            item.kind = kBalance;
            item.a = p[2];
            item.b = p[3];
            p += 4;
        } else if (c == '%' && has_next && p[1] == 'f') {
            p += 2;
            if (p == end || *p != '[') return malformed(kFrontierBracket, 0);
            Problem problem{};
            const uchar* after = class_end(p, end, &problem);
            if (after == nullptr) return malformed(problem, 0);
            make_set(&item, kFrontier, p, after - 1);
            p = after;
        } else if (c == '%' && has_next && p[1] >= '0' && p[1] <= '9') {
            const int index = p[1] - '1';
            if (index < 0 || index >= level || state[index] == kUnfinished)
                return malformed(kBadCaptureIndex, index + 1);
            item.kind = kBackReference;
            item.a = static_cast<uchar>(index);
            p += 2;
        } else {
            Problem problem{};
            const uchar* after = class_end(p, end, &problem);
            if (after == nullptr) return malformed(problem, 0);
            if (c == '.') {
                item.kind = kAnyChar;
            } else if (c == '[') {
                make_set(&item, kSet, p, after - 1);
            } else if (c == '%' && is_class_letter(std::tolower(p[1]))) {
                item.kind = kClass;
                item.a = static_cast<uchar>(std::tolower(p[1]));
                item.b = std::isupper(p[1]) != 0;
            } else {
                item.kind = kLiteral;
                item.a = c == '%' ? p[1] : c;
            }
            p = after;
            if (p < end) {
                switch (*p) {
                    case '?':
                        item.quantifier = kOptional;
                        ++p;
                        break;
                    case '*':
                        item.quantifier = kStar;
                        ++p;
                        break;
                    case '+':
                        item.quantifier = kPlus;
                        ++p;
                        break;
                    case '-':
                        item.quantifier = kLazy;
                        ++p;
                        break;
                    default:
                        break;
                }
            }
        }
        *out++ = item;
    }
    *out = Item{kEnd, kOne, 0, 0, nullptr, nullptr};
}

// The character every match must start with, or -1: a literal matched at
// least once, after nothing but opening brackets.
int first_character(const Item* items) {
    while (items->kind == kOpen || items->kind == kOpenPosition) ++items;
    if (items->kind == kLiteral && (items->quantifier == kOne || items->quantifier == kPlus))
        return items->a;
    return -1;
}

// --- Character classes --------------------------------------------------------

bool in_class(int c, int lower) {
    switch (lower) {
        case 'a':
            return std::isalpha(c);
        case 'c':
            return std::iscntrl(c);
        case 'd':
            return std::isdigit(c);
        case 'g':
            return std::isgraph(c);
        case 'l':
            return std::islower(c);
        case 'p':
            return std::ispunct(c);
        case 's':
            return std::isspace(c);
        case 'u':
            return std::isupper(c);
        case 'w':
            return std::isalnum(c);
        case 'x':
            return std::isxdigit(c);
        case 'z':
            return c == 0;  // deprecated since 5.2, still accepted by 5.4
        default:
            return false;
    }
}

// Whether c is one of the members in [lo, hi) of a set (ignoring '^').
bool in_members(int c, const uchar* lo, const uchar* hi) {
    for (const uchar* m = lo; m < hi; ++m) {
        if (*m == '%') {
            ++m;
            const int lower = std::tolower(*m);
            if (is_class_letter(lower)) {
                if (in_class(c, lower) != (std::isupper(*m) != 0)) return true;
            } else if (*m == c) {
                return true;
            }
        } else if (m + 2 < hi && m[1] == '-') {
            if (m[0] <= c && c <= m[2]) return true;
            m += 2;
        } else if (*m == c) {
            return true;
        }
    }
    return false;
}

inline bool in_set(int c, const Item& item) {
    return in_members(c, item.lo, item.hi) != item.b;
}

inline bool single(const Item& item, int c) {
    switch (item.kind) {
        case kLiteral:
            return c == item.a;
        case kAnyChar:
            return true;
        case kClass:
            return in_class(c, item.a) != item.b;
        default:
            return in_set(c, item);
    }
}

// --- The matcher ----------------------------------------------------------------

struct Matcher {
    lua_State* L;
    void (*tick)(lua_State*);
    const uchar* src;
    const uchar* end;
    const Item* items;
    int first;  // first_character(items)
    int budget;
    int level;
    int top;
    Capture captures[kMaxCaptures];
    Point points[kMaxPoints];
};

[[gnu::noinline]] void refill(Matcher* m) {
    m->budget = kTickSteps;
    m->tick(m->L);
}

inline void charge(Matcher* m, int steps) {
    m->budget -= steps;
    if (m->budget <= 0) refill(m);
}

inline void step(Matcher* m) {
    if (--m->budget == 0) refill(m);
}

void start(Matcher* m, lua_State* L, void (*tick)(lua_State*), const char* s, std::size_t len) {
    m->L = L;
    m->tick = tick;
    m->src = reinterpret_cast<const uchar*>(s);
    m->end = m->src + len;
    m->level = 0;
    m->top = 0;
    m->budget = kTickSteps;
    tick(L);  // once per call, whatever the call does
}

[[noreturn]] void raise(Matcher* m, const Item& item) {
    switch (static_cast<Problem>(item.a)) {
        case kEndsWithPercent:
            luaL_error(m->L, "malformed pattern (ends with '%%')");
            break;
        case kMissingBracket:
            luaL_error(m->L, "malformed pattern (missing ']')");
            break;
        case kBalanceArguments:
            luaL_error(m->L, "malformed pattern (missing arguments to '%%b')");
            break;
        case kFrontierBracket:
            luaL_error(m->L, "missing '[' after '%%f' in pattern");
            break;
        case kTooManyCaptures:
            luaL_error(m->L, "too many captures");
            break;
        case kNoOpenCapture:
            luaL_error(m->L, "invalid pattern capture");
            break;
        case kBadCaptureIndex:
            luaL_error(m->L, "invalid capture index %%%d", int{item.b});
            break;
    }
    luaL_error(m->L, "invalid pattern");  // not reached
    __builtin_unreachable();
}

Point& push(Matcher* m, PointKind kind) {
    if (m->top == kMaxPoints) luaL_error(m->L, "pattern too complex");
    Point& point = m->points[m->top++];
    point.kind = kind;
    return point;
}

// Next position in [s, limit) holding c, scanning at most a budget's worth of
// bytes between ticks; nullptr if none.
const uchar* scan_for(Matcher* m, const uchar* s, const uchar* limit, int c) {
    while (s < limit) {
        const std::size_t chunk =
            std::min(static_cast<std::size_t>(limit - s), static_cast<std::size_t>(m->budget));
        const void* hit = std::memchr(s, c, chunk);
        if (hit != nullptr) {
            const auto* at = static_cast<const uchar*>(hit);
            charge(m, static_cast<int>(at - s) + 1);
            return at;
        }
        charge(m, static_cast<int>(chunk));
        s += chunk;
    }
    return nullptr;
}

// Whether the n bytes at a and b are equal, comparing a budget's worth at a time.
bool same_bytes(Matcher* m, const uchar* a, const uchar* b, std::size_t n) {
    while (n > 0) {
        const std::size_t chunk = std::min(n, static_cast<std::size_t>(m->budget));
        if (std::memcmp(a, b, chunk) != 0) return false;
        charge(m, static_cast<int>(chunk));
        a += chunk;
        b += chunk;
        n -= chunk;
    }
    return true;
}

// Matches the items against the subject from s; the end of the match or nullptr.
const uchar* match_here(Matcher* m, const uchar* s) {
    step(m);  // each start position counts, even for an empty pattern
    m->level = 0;
    m->top = 0;
    const Item* item = m->items;
    const uchar* const end = m->end;
    for (;;) {
        switch (item->kind) {
            case kEnd:
                return s;
            case kEndAnchor:
                if (s == end) return s;
                goto fail;
            case kMalformed:
                raise(m, *item);
            case kOpen:
            case kOpenPosition: {
                Capture& capture = m->captures[m->level++];
                capture.init = s;
                capture.len = item->kind == kOpen ? kUnfinished : kPosition;
                push(m, kUndoOpen);
                ++item;
                continue;
            }
            case kClose: {
                m->captures[item->a].len = s - m->captures[item->a].init;
                push(m, kUndoClose).capture = item->a;
                ++item;
                continue;
            }
            case kBalance: {
                step(m);
                if (s >= end || *s != item->a) goto fail;
                int depth = 1;
                const uchar* t = s + 1;
                for (; t < end; ++t) {
                    step(m);
                    if (*t == item->b) {
                        if (--depth == 0) break;
                    } else if (*t == item->a) {
                        ++depth;
                    }
                }
                if (t == end) goto fail;
                s = t + 1;
                ++item;
                continue;
            }
            case kFrontier: {
                step(m);
                const int before = s == m->src ? 0 : s[-1];
                const int after = s < end ? *s : 0;
                if (in_set(before, *item) || !in_set(after, *item)) goto fail;
                ++item;
                continue;
            }
            case kBackReference: {
                step(m);
                const Capture& capture = m->captures[item->a];
                if (capture.len < 0 || end - s < capture.len ||
                    !same_bytes(m, capture.init, s, static_cast<std::size_t>(capture.len)))
                    goto fail;
                s += capture.len;
                ++item;
                continue;
            }
            default:
                break;
        }
        {  // a single-character item
            step(m);
            const bool matched = s < end && single(*item, *s);
            switch (item->quantifier) {
                case kOne:
                    if (!matched) goto fail;
                    ++s;
                    ++item;
                    continue;
                case kOptional:
                    if (matched) {
                        Point& point = push(m, kSkipOptional);
                        point.s = s;
                        point.item = item + 1;
                        ++s;
                    }
                    ++item;
                    continue;
                case kStar:
                case kPlus: {
                    if (!matched) {
                        if (item->quantifier == kPlus) goto fail;
                        ++item;
                        continue;
                    }
                    const uchar* floor = item->quantifier == kPlus ? s + 1 : s;
                    const uchar* t = s + 1;
                    if (item->kind == kAnyChar) {
                        t = end;
                    } else {
                        while (t < end && single(*item, *t)) {
                            step(m);
                            ++t;
                        }
                    }
                    Point& point = push(m, kGiveBack);
                    point.s = t;
                    point.floor = floor;
                    point.item = item + 1;
                    s = t;
                    ++item;
                    continue;
                }
                case kLazy:
                    if (matched) {
                        Point& point = push(m, kTakeOneMore);
                        point.s = s;
                        point.item = item;
                    }
                    ++item;
                    continue;
            }
        }
    fail:
        for (;;) {
            if (m->top == 0) return nullptr;
            step(m);
            Point& point = m->points[m->top - 1];
            switch (point.kind) {
                case kUndoOpen:
                    --m->level;
                    --m->top;
                    continue;
                case kUndoClose:
                    m->captures[point.capture].len = kUnfinished;
                    --m->top;
                    continue;
                case kSkipOptional:
                    s = point.s;
                    item = point.item;
                    --m->top;
                    break;
                case kGiveBack:
                    if (point.s == point.floor) {
                        --m->top;
                        continue;
                    }
                    s = --point.s;
                    item = point.item;
                    break;
                case kTakeOneMore:
                    if (point.s >= end || !single(*point.item, *point.s)) {
                        --m->top;
                        continue;
                    }
                    s = ++point.s;
                    item = point.item + 1;
                    break;
            }
            break;
        }
    }
}

// The next position from s where a match can start (the first character
// search), or nullptr when none can.
inline const uchar* candidate(Matcher* m, const uchar* s) {
    if (m->first < 0) return s;
    return scan_for(m, s, m->end, m->first);
}

// --- Results ----------------------------------------------------------------------

// Pushes capture i of the match [s, e); with no captures, capture 0 is the match.
void push_capture(Matcher* m, int i, const uchar* s, const uchar* e) {
    if (i >= m->level) {
        if (i != 0) luaL_error(m->L, "invalid capture index %%%d", i + 1);
        lua_pushlstring(m->L, reinterpret_cast<const char*>(s), static_cast<std::size_t>(e - s));
        return;
    }
    const Capture& capture = m->captures[i];
    if (capture.len == kUnfinished) luaL_error(m->L, "unfinished capture");
    if (capture.len == kPosition) {
        lua_pushinteger(m->L, capture.init - m->src + 1);
    } else {
        lua_pushlstring(m->L, reinterpret_cast<const char*>(capture.init),
                        static_cast<std::size_t>(capture.len));
    }
}

// Pushes all captures; with none, the whole match unless s is nullptr.
int push_captures(Matcher* m, const uchar* s, const uchar* e) {
    const int count = (m->level == 0 && s != nullptr) ? 1 : m->level;
    luaL_checkstack(m->L, count, "too many captures");
    for (int i = 0; i < count; ++i) push_capture(m, i, s, e);
    return count;
}

// --- The library functions ----------------------------------------------------

using Tick = void (*)(lua_State*);

Tick tick_of(lua_State* L) {
    return *static_cast<Tick*>(lua_touserdata(L, lua_upvalueindex(1)));
}

// Lua's posrelatI: a 1-based start position from a possibly negative one.
std::size_t start_position(lua_Integer pos, std::size_t len) {
    if (pos > 0) return static_cast<std::size_t>(pos);
    if (pos == 0) return 1;
    if (pos < -static_cast<lua_Integer>(len)) return 1;
    return len + static_cast<std::size_t>(pos) + 1;
}

bool has_specials(const char* p, std::size_t len) {
    for (std::size_t i = 0; i < len; ++i) {
        switch (p[i]) {
            case '^':
            case '$':
            case '*':
            case '+':
            case '?':
            case '.':
            case '(':
            case '[':
            case '%':
            case '-':
                return true;
            default:
                break;
        }
    }
    return false;
}

// Items for pattern [p, p + len): the inline array if it is big enough, else
// a userdata pushed on the stack.
Item* item_storage(lua_State* L, std::size_t len, Item* inline_items) {
    if (len + 1 <= kInlineItems) return inline_items;
    return static_cast<Item*>(lua_newuserdatauv(L, (len + 1) * sizeof(Item), 0));
}

const uchar* plain_find(Matcher* m, const uchar* s, const uchar* p, std::size_t lp) {
    if (lp == 0) return s;
    if (lp > static_cast<std::size_t>(m->end - s)) return nullptr;
    const std::size_t remaining = static_cast<std::size_t>(m->end - s);
    if (remaining <= static_cast<std::size_t>(m->budget)) {
        // Within one budget: glibc's memmem is linear in remaining + lp.
        charge(m, static_cast<int>(remaining));
        return static_cast<const uchar*>(memmem(s, remaining, p, lp));
    }
    const uchar* last = m->end - lp;
    while (s <= last) {
        s = scan_for(m, s, last + 1, p[0]);
        if (s == nullptr) return nullptr;
        if (same_bytes(m, s + 1, p + 1, lp - 1)) return s;
        ++s;
    }
    return nullptr;
}

int find_or_match(lua_State* L, bool find) {
    std::size_t ls = 0;
    std::size_t lp = 0;
    const char* s = luaL_checklstring(L, 1, &ls);
    const char* p = luaL_checklstring(L, 2, &lp);
    const std::size_t init = start_position(luaL_optinteger(L, 3, 1), ls) - 1;
    Matcher m;
    start(&m, L, tick_of(L), s, ls);
    if (init > ls) {
        luaL_pushfail(L);
        return 1;
    }
    const auto* pattern = reinterpret_cast<const uchar*>(p);
    if (find && (lua_toboolean(L, 4) || !has_specials(p, lp))) {
        const uchar* at = plain_find(&m, m.src + init, pattern, lp);
        if (at == nullptr) {
            luaL_pushfail(L);
            return 1;
        }
        lua_pushinteger(L, at - m.src + 1);
        lua_pushinteger(L, static_cast<lua_Integer>(static_cast<std::size_t>(at - m.src) + lp));
        return 2;
    }
    const bool anchor = lp > 0 && p[0] == '^';
    if (anchor) {
        ++pattern;
        --lp;
    }
    Item inline_items[kInlineItems];
    Item* items = item_storage(L, lp, inline_items);
    translate(pattern, pattern + lp, items);
    m.items = items;
    m.first = anchor ? -1 : first_character(items);
    const uchar* at = m.src + init;
    for (;;) {
        at = candidate(&m, at);
        if (at == nullptr) break;
        if (const uchar* e = match_here(&m, at)) {
            if (!find) return push_captures(&m, at, e);
            lua_pushinteger(L, at - m.src + 1);
            lua_pushinteger(L, e - m.src);
            return push_captures(&m, nullptr, nullptr) + 2;
        }
        if (anchor || at >= m.end) break;
        ++at;
    }
    luaL_pushfail(L);
    return 1;
}

int str_find(lua_State* L) {
    return find_or_match(L, true);
}
int str_match(lua_State* L) {
    return find_or_match(L, false);
}

// The state of one gmatch iterator: a userdata, its items after it.
struct GmatchState {
    Tick tick;
    std::size_t position;  // where the next search starts
    std::size_t last_end;  // end of the previous match, or SIZE_MAX
    int first;
    Item* items() { return reinterpret_cast<Item*>(this + 1); }
};
static_assert(sizeof(GmatchState) % alignof(Item) == 0);

int gmatch_next(lua_State* L) {
    std::size_t ls = 0;
    const char* s = lua_tolstring(L, lua_upvalueindex(1), &ls);
    auto* state = static_cast<GmatchState*>(lua_touserdata(L, lua_upvalueindex(3)));
    Matcher m;
    start(&m, L, state->tick, s, ls);
    m.items = state->items();
    m.first = state->first;
    for (const uchar* at = m.src + state->position; at <= m.end; ++at) {
        at = candidate(&m, at);
        if (at == nullptr) break;
        const uchar* e = match_here(&m, at);
        if (e != nullptr && static_cast<std::size_t>(e - m.src) != state->last_end) {
            state->position = state->last_end = static_cast<std::size_t>(e - m.src);
            return push_captures(&m, at, e);
        }
    }
    return 0;
}

int str_gmatch(lua_State* L) {
    std::size_t ls = 0;
    std::size_t lp = 0;
    luaL_checklstring(L, 1, &ls);
    const char* p = luaL_checklstring(L, 2, &lp);
    std::size_t init = start_position(luaL_optinteger(L, 3, 1), ls) - 1;
    const Tick tick = tick_of(L);
    tick(L);
    lua_settop(L, 2);  // the closure keeps subject and pattern alive
    auto* state = static_cast<GmatchState*>(
        lua_newuserdatauv(L, sizeof(GmatchState) + (lp + 1) * sizeof(Item), 0));
    if (init > ls) init = ls + 1;
    state->tick = tick;
    state->position = init;
    state->last_end = SIZE_MAX;
    const auto* pattern = reinterpret_cast<const uchar*>(p);
    translate(pattern, pattern + lp, state->items());
    state->first = first_character(state->items());
    lua_pushcclosure(L, gmatch_next, 3);
    return 1;
}

// Appends replacement string r (with %0-%9 and %%) for the match [s, e).
void add_replacement(Matcher* m, luaL_Buffer* b, const char* r, std::size_t lr, const uchar* s,
                     const uchar* e) {
    const char* const r_end = r + lr;
    for (;;) {
        const char* percent =
            static_cast<const char*>(std::memchr(r, '%', static_cast<std::size_t>(r_end - r)));
        if (percent == nullptr) break;
        luaL_addlstring(b, r, static_cast<std::size_t>(percent - r));
        // A '%' at the very end sees the string's terminating zero, as in stock Lua.
        const char code = percent[1];
        if (code == '%') {
            luaL_addchar(b, '%');
        } else if (code == '0') {
            luaL_addlstring(b, reinterpret_cast<const char*>(s), static_cast<std::size_t>(e - s));
        } else if (code >= '1' && code <= '9') {
            const int i = code - '1';
            if (i < m->level && m->captures[i].len >= 0) {
                luaL_addlstring(b, reinterpret_cast<const char*>(m->captures[i].init),
                                static_cast<std::size_t>(m->captures[i].len));
            } else {
                push_capture(m, i, s, e);
                luaL_addvalue(b);
            }
        } else {
            luaL_error(m->L, "invalid use of '%c' in replacement string", '%');
        }
        charge(m, 1);
        r = percent + 2;
    }
    luaL_addlstring(b, r, static_cast<std::size_t>(r_end - r));
}

// Appends the replacement of the match [s, e); whether it changed the text.
bool add_value(Matcher* m, luaL_Buffer* b, const uchar* s, const uchar* e, int replacement_type,
               const char* r, std::size_t lr) {
    lua_State* L = m->L;
    if (replacement_type == LUA_TFUNCTION) {
        lua_pushvalue(L, 3);
        const int n = push_captures(m, s, e);
        lua_call(L, n, 1);
    } else if (replacement_type == LUA_TTABLE) {
        push_capture(m, 0, s, e);
        lua_gettable(L, 3);
    } else {
        add_replacement(m, b, r, lr, s, e);
        return true;
    }
    if (!lua_toboolean(L, -1)) {
        lua_pop(L, 1);
        luaL_addlstring(b, reinterpret_cast<const char*>(s), static_cast<std::size_t>(e - s));
        return false;
    }
    if (!lua_isstring(L, -1))
        luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
    luaL_addvalue(b);
    return true;
}

int str_gsub(lua_State* L) {
    std::size_t ls = 0;
    std::size_t lp = 0;
    const char* subject = luaL_checklstring(L, 1, &ls);
    const char* p = luaL_checklstring(L, 2, &lp);
    const int replacement_type = lua_type(L, 3);
    const lua_Integer max_n = luaL_optinteger(L, 4, static_cast<lua_Integer>(ls) + 1);
    luaL_argexpected(L,
                     replacement_type == LUA_TNUMBER || replacement_type == LUA_TSTRING ||
                         replacement_type == LUA_TFUNCTION || replacement_type == LUA_TTABLE,
                     3, "string/function/table");
    std::size_t lr = 0;
    const char* r = nullptr;
    if (replacement_type == LUA_TNUMBER || replacement_type == LUA_TSTRING)
        r = lua_tolstring(L, 3, &lr);
    const auto* pattern = reinterpret_cast<const uchar*>(p);
    const bool anchor = lp > 0 && p[0] == '^';
    if (anchor) {
        ++pattern;
        --lp;
    }
    Item inline_items[kInlineItems];
    Item* items = item_storage(L, lp, inline_items);  // before the buffer: it may push
    translate(pattern, pattern + lp, items);
    Matcher m;
    start(&m, L, tick_of(L), subject, ls);
    m.items = items;
    m.first = anchor ? -1 : first_character(items);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    const uchar* src = m.src;
    const uchar* last_match = nullptr;
    lua_Integer n = 0;
    bool changed = false;
    while (n < max_n) {
        if (!anchor && m.first >= 0) {
            const uchar* next = candidate(&m, src);
            const uchar* stop = next != nullptr ? next : m.end;
            luaL_addlstring(&b, reinterpret_cast<const char*>(src),
                            static_cast<std::size_t>(stop - src));
            src = stop;
            if (next == nullptr) break;
        }
        const uchar* e = match_here(&m, src);
        if (e != nullptr && e != last_match) {
            ++n;
            changed = add_value(&m, &b, src, e, replacement_type, r, lr) || changed;
            src = last_match = e;
        } else if (src < m.end) {
            luaL_addchar(&b, static_cast<char>(*src++));
        } else {
            break;
        }
        if (anchor) break;
    }
    if (!changed) {
        lua_pushvalue(L, 1);
    } else {
        luaL_addlstring(&b, reinterpret_cast<const char*>(src),
                        static_cast<std::size_t>(m.end - src));
        luaL_pushresult(&b);
    }
    lua_pushinteger(L, n);
    return 2;
}

}  // namespace

void open_bounded_patterns(lua_State* L, void (*tick)(lua_State*)) {
    lua_getglobal(L, LUA_STRLIBNAME);
    luaL_checktype(L, -1, LUA_TTABLE);
    *static_cast<Tick*>(lua_newuserdatauv(L, sizeof(Tick), 0)) = tick;
    const luaL_Reg functions[] = {
        {"find", str_find}, {"match", str_match}, {"gmatch", str_gmatch},
        {"gsub", str_gsub}, {nullptr, nullptr},
    };
    luaL_setfuncs(L, functions, 1);  // each keeps the tick holder as upvalue 1
    lua_pop(L, 1);
}

}  // namespace tessera::lua
