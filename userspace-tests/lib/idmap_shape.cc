// SPDX-License-Identifier: GPL-2.0
#include "idmap_shape.h"

#include <algorithm>

std::string MapText(const std::vector<IdmapExtent> &map)
{
	std::string text;
	for (const IdmapExtent &e : map)
		text += std::to_string(e.first) + " " + std::to_string(e.lower) + " " +
			std::to_string(e.count) + "\n";
	return text;
}

std::optional<unsigned> ShownThrough(const std::vector<IdmapExtent> &map, unsigned id)
{
	for (const IdmapExtent &e : map)
		if (id >= e.first && id - e.first < e.count)
			return e.lower + (id - e.first);
	return std::nullopt;
}

std::optional<unsigned> StoredThrough(const std::vector<IdmapExtent> &map, unsigned shown)
{
	for (const IdmapExtent &e : map)
		if (shown >= e.lower && shown - e.lower < e.count)
			return e.first + (shown - e.lower);
	return std::nullopt;
}

namespace {

std::vector<unsigned> Edges(const std::vector<IdmapExtent> &map, unsigned IdmapExtent::*start)
{
	std::vector<unsigned> ids;
	for (const IdmapExtent &e : map) {
		unsigned lo = e.*start, hi = lo + e.count - 1;
		if (lo > 0)
			ids.push_back(lo - 1);
		ids.insert(ids.end(), {lo, hi, hi + 1});
	}
	std::sort(ids.begin(), ids.end());
	ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
	return ids;
}

std::vector<IdmapExtent> SevenOpposite(unsigned shown_top)
{
	std::vector<IdmapExtent> map;
	for (unsigned i = 0; i < 7; i++)
		map.push_back({1000 + 10 * i, shown_top - 100 * i, 3});
	return map;
}

}  // namespace

std::vector<unsigned> EdgeIds(const std::vector<IdmapExtent> &map)
{
	return Edges(map, &IdmapExtent::first);
}

std::vector<unsigned> ShownEdgeIds(const std::vector<IdmapExtent> &map)
{
	return Edges(map, &IdmapExtent::lower);
}

const std::vector<IdmapShape> &IdmapShapes()
{
	static const std::vector<IdmapShape> shapes = {
		{"OneExtent", {{1000, 2000, 5}}, {{1000, 3000, 5}}},
		{"TwoExtents", {{1000, 2000, 3}, {1010, 2100, 3}}, {{1000, 3000, 3}, {1010, 3100, 3}}},
		{"ThreeExtentsAroundAHole",
		 {{0, 10000, 999}, {1000, 20000, 1}, {1001, 30000, 50}},
		 {{0, 40000, 999}, {1000, 50000, 1}, {1001, 60000, 50}}},
		{"SwappedSingleIds", {{1000, 1001, 1}, {1001, 1000, 1}}, {{1000, 1001, 1}, {1001, 1000, 1}}},
		{"SevenExtentsShownInReverse", SevenOpposite(9000), SevenOpposite(19000)},
	};
	return shapes;
}
