// SPDX-License-Identifier: GPL-2.0
// The text form of a fuzzer program's operations (program.h).
#include "program.h"

#include <charconv>
#include <cstdio>
#include <utility>

namespace {

struct KindName {
	OpKind kind;
	const char *name;
	// Fields after the actor: a target, a word (what), how many numbers
	// (-1: any number), and a quoted text.
	bool target;
	bool what;
	int numbers;
	bool text;
};

constexpr KindName kKinds[] = {
	{OpKind::kSpawn, "spawn", true, true, 0, false},
	{OpKind::kExit, "exit", false, false, 0, false},
	{OpKind::kWrite, "write", true, true, 0, true},
	{OpKind::kWriteTwice, "write2", true, true, 0, true},
	{OpKind::kRead, "read", true, true, 0, false},
	{OpKind::kSetresuid, "setresuid", false, false, 3, false},
	{OpKind::kSetresgid, "setresgid", false, false, 3, false},
	{OpKind::kSetgroups, "setgroups", false, false, -1, false},
	{OpKind::kIds, "ids", false, false, 0, false},
	{OpKind::kSetns, "setns", true, false, 0, false},
	{OpKind::kCreate, "create", false, false, 2, false},
	{OpKind::kChown, "chown", false, false, 3, false},
	{OpKind::kStat, "stat", false, true, 1, false},
	{OpKind::kSetacl, "setacl", false, false, 3, false},
	{OpKind::kGetacl, "getacl", false, false, 1, false},
	{OpKind::kSetcap, "setcap", false, false, 2, false},
	{OpKind::kGetcap, "getcap", false, false, 1, false},
	{OpKind::kBecome, "become", false, false, 2, false},
	{OpKind::kCapdrop, "capdrop", false, true, 0, false},
};

const KindName *Describe(OpKind kind)
{
	for (const KindName &k : kKinds)
		if (k.kind == kind)
			return &k;
	return nullptr;
}

// The next space-separated word of line, from *at; empty at the end.
std::string_view NextWord(std::string_view line, size_t *at)
{
	while (*at < line.size() && line[*at] == ' ')
		++*at;
	size_t start = *at;
	while (*at < line.size() && line[*at] != ' ')
		++*at;
	return line.substr(start, *at - start);
}

template <typename T>
bool ParseInt(std::string_view word, T *out)
{
	auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), *out);
	return ec == std::errc() && end == word.data() + word.size();
}

}  // namespace

std::string QuoteText(std::string_view text)
{
	std::string out = "\"";
	for (unsigned char c : text) {
		if (c == '\n')
			out += "\\n";
		else if (c == '\t')
			out += "\\t";
		else if (c == '"' || c == '\\') {
			out += '\\';
			out += static_cast<char>(c);
		}
		else if (c < 0x20 || c >= 0x7f) {
			char hex[5];
			snprintf(hex, sizeof(hex), "\\x%02x", c);
			out += hex;
		} else
			out += static_cast<char>(c);
	}
	return out + "\"";
}

std::optional<std::string> UnquoteText(std::string_view quoted)
{
	if (quoted.size() < 2 || quoted.front() != '"' || quoted.back() != '"')
		return std::nullopt;
	std::string out;
	for (size_t i = 1; i + 1 < quoted.size(); i++) {
		char c = quoted[i];
		if (c != '\\') {
			out += c;
			continue;
		}
		if (++i + 1 >= quoted.size())
			return std::nullopt;
		switch (quoted[i]) {
		case 'n': out += '\n'; break;
		case 't': out += '\t'; break;
		case '"': out += '"'; break;
		case '\\': out += '\\'; break;
		case 'x': {
			unsigned v;
			if (i + 3 >= quoted.size())
				return std::nullopt;
			auto [end, ec] = std::from_chars(quoted.data() + i + 1, quoted.data() + i + 3, v, 16);
			if (ec != std::errc() || end != quoted.data() + i + 3)
				return std::nullopt;
			out += static_cast<char>(v);
			i += 2;
			break;
		}
		default: return std::nullopt;
		}
	}
	return out;
}

std::string FormatOp(const Op &op)
{
	const KindName *k = Describe(op.kind);
	std::string line = std::string(k->name) + " " + std::to_string(op.actor);
	if (k->target)
		line += " " + std::to_string(op.target);
	if (k->what)
		line += " " + op.what;
	for (int64_t n : op.args)
		line += " " + std::to_string(n);
	if (k->text)
		line += " " + QuoteText(op.text);
	return line;
}

std::optional<Op> ParseOp(std::string_view line)
{
	size_t at = 0;
	std::string_view name = NextWord(line, &at);
	const KindName *k = nullptr;
	for (const KindName &d : kKinds)
		if (name == d.name)
			k = &d;
	if (!k)
		return std::nullopt;
	Op op;
	op.kind = k->kind;
	if (!ParseInt(NextWord(line, &at), &op.actor))
		return std::nullopt;
	if (k->target && !ParseInt(NextWord(line, &at), &op.target))
		return std::nullopt;
	if (k->what && (op.what = NextWord(line, &at)).empty())
		return std::nullopt;
	if (k->text) {
		while (at < line.size() && line[at] == ' ')
			at++;
		std::optional<std::string> text = UnquoteText(line.substr(at));
		if (!text)
			return std::nullopt;
		op.text = std::move(*text);
		return op;
	}
	for (std::string_view w = NextWord(line, &at); !w.empty(); w = NextWord(line, &at)) {
		int64_t n;
		if (!ParseInt(w, &n))
			return std::nullopt;
		op.args.push_back(n);
	}
	if (k->numbers >= 0 && static_cast<int>(op.args.size()) != k->numbers)
		return std::nullopt;
	return op;
}
