"""Print items for a blind reading: everything but answer, rationale and tags.

usage: .venv/bin/python tools/blind_packet.py FILE_OF_ITEM_PATHS  (one item yaml path per line)
"""
import sys
import yaml

for path in open(sys.argv[1], encoding="utf-8").read().split():
    item = yaml.safe_load(open(path, encoding="utf-8"))
    print("=" * 60)
    print(item["id"], "|", item["standard"], item["task"], "|", item["type"])
    print(item["stem"])
    for label, text in (item.get("options") or {}).items():
        print(f"  {label}. {text}")
    if item["type"] == "true_false":
        print("  (是非題：true / false)")
