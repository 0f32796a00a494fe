// SPDX-License-Identifier: GPL-2.0
#include "map_model.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>

namespace {

constexpr size_t kPageSize = 4096;
constexpr size_t kMaxExtents = 340;

// The kernel's isspace(): the C locale's six, plus Latin-1 NBSP (0xa0).
bool IsBlank(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0;
}

bool IsDigit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

// Skips blanks, then reads at least one digit; the value wraps mod 2^32.
bool ReadNumber(std::string_view line, size_t &pos, uint32_t &out)
{
	while (pos < line.size() && IsBlank(line[pos]))
		pos++;
	if (pos == line.size() || !IsDigit(line[pos]))
		return false;
	uint32_t v = 0;
	while (pos < line.size() && IsDigit(line[pos]))
		v = v * 10 + (line[pos++] - '0');
	out = v;
	return true;
}

bool BlankAt(std::string_view line, size_t pos)
{
	return pos < line.size() && IsBlank(line[pos]);
}

bool ParseLine(std::string_view line, ModelExtent &e)
{
	size_t pos = 0;
	if (!ReadNumber(line, pos, e.first) || !BlankAt(line, pos))
		return false;
	if (!ReadNumber(line, pos, e.lower) || !BlankAt(line, pos))
		return false;
	if (!ReadNumber(line, pos, e.count))
		return false;
	while (pos < line.size() && IsBlank(line[pos]))
		pos++;
	if (pos != line.size())
		return false;
	if (e.first == UINT32_MAX || e.lower == UINT32_MAX)
		return false;
	// Count 0, or a range running past UINT32_MAX.
	if (uint64_t(e.first) + e.count > UINT32_MAX || uint64_t(e.lower) + e.count > UINT32_MAX ||
	    e.count == 0)
		return false;
	return true;
}

bool Meet(uint32_t a, uint32_t alen, uint32_t b, uint32_t blen)
{
	return uint64_t(a) < uint64_t(b) + blen && uint64_t(b) < uint64_t(a) + alen;
}

// The text rules, which every writer meets first: EINVAL or the extents.
ModelResult Parse(std::string_view bytes)
{
	ModelResult r;
	if (bytes.size() >= kPageSize) {
		r.err = EINVAL;
		return r;
	}
	std::string_view text = bytes.substr(0, bytes.find('\0'));
	std::vector<std::string_view> lines;
	for (size_t start = 0;;) {
		size_t nl = text.find('\n', start);
		if (nl == std::string_view::npos) {
			lines.push_back(text.substr(start));
			break;
		}
		lines.push_back(text.substr(start, nl - start));
		start = nl + 1;
		if (start == text.size())
			break;  // one final newline
	}
	for (std::string_view line : lines) {
		ModelExtent e;
		if (r.extents.size() == kMaxExtents || !ParseLine(line, e)) {
			r.err = EINVAL;
			break;
		}
		for (const ModelExtent &o : r.extents) {
			if (Meet(o.first, o.count, e.first, e.count) ||
			    Meet(o.lower, o.count, e.lower, e.count)) {
				r.err = EINVAL;
				break;
			}
		}
		if (r.err)
			break;
		r.extents.push_back(e);
	}
	if (r.err)
		r.extents.clear();
	return r;
}

// Without CAP_SETUID/CAP_SETGID in the parent, a map may only map the
// writer's own id, one extent of one id; its own gid only once setgroups()
// is denied. projid_map needs no privilege.
bool UnprivilegedMayWrite(const ModelResult &r, MapKind map, Writer writer)
{
	if (map == MapKind::kProjid)
		return true;
	if (r.extents.size() != 1 || r.extents[0].count != 1 || r.extents[0].lower != kOwnerId)
		return false;
	return map == MapKind::kUid || writer == Writer::kOwnerSetgroupsDenied;
}

// Mapping lower uid 0 needs CAP_SETFCAP in the parent (the writer opened
// the file there).
bool MapsLowerRootWithoutSetfcap(const ModelResult &r, MapKind map, Writer writer)
{
	return writer == Writer::kRootWithoutSetfcap && map == MapKind::kUid &&
	       std::any_of(r.extents.begin(), r.extents.end(),
			   [](const ModelExtent &e) { return e.lower == 0; });
}

// Each lower range must lie inside one extent of the parent's map. The
// initial namespace's map takes every range the text rules let through.
bool LowerRangesFitParent(const ModelResult &r, Writer writer)
{
	if (writer != Writer::kRootOfNestedParent)
		return true;
	return std::all_of(r.extents.begin(), r.extents.end(), [](const ModelExtent &e) {
		return std::any_of(std::begin(kNestedParent), std::end(kNestedParent),
				   [&](const ModelExtent &p) {
					   return p.first <= e.lower &&
						  uint64_t(e.lower) + e.count <=
							  uint64_t(p.first) + p.count;
				   });
	});
}

// The privilege rules, after the text rules.
bool Permitted(const ModelResult &r, MapKind map, Writer writer)
{
	switch (writer) {
	case Writer::kRoot:
	case Writer::kRootOfNestedParent:
		return true;
	case Writer::kRootWithoutSetfcap:
		return !MapsLowerRootWithoutSetfcap(r, map, writer);
	case Writer::kOwner:
	case Writer::kOwnerSetgroupsDenied:
		return UnprivilegedMayWrite(r, map, writer);
	case Writer::kRootThroughOwnersFd:
		// The opener's credentials decide what may be mapped: the
		// owner's own id only, whoever writes.
		return UnprivilegedMayWrite(r, map, Writer::kOwner);
	case Writer::kOwnerThroughRootsFd:
		// A privileged map needs the capability in the writer too.
		return map == MapKind::kProjid;
	}
	return false;
}

}  // namespace

ModelResult PredictWrite(std::string_view bytes, MapKind map, Writer writer)
{
	ModelResult r = Parse(bytes);
	if (r.err)
		return r;
	if (!Permitted(r, map, writer) || !LowerRangesFitParent(r, writer)) {
		r.err = EPERM;
		r.extents.clear();
	}
	return r;
}

std::string ModelResult::Readback() const
{
	std::vector<ModelExtent> shown = extents;
	if (shown.size() > 5) {
		std::sort(shown.begin(), shown.end(),
			  [](const ModelExtent &a, const ModelExtent &b) { return a.first < b.first; });
	}
	std::string out;
	char buf[48];
	for (const ModelExtent &e : shown) {
		snprintf(buf, sizeof(buf), "%10u %10u %10u\n", e.first, e.lower, e.count);
		out += buf;
	}
	return out;
}
