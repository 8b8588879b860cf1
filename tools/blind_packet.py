"""Print items for a blind reading: everything but the key, the rationale and the tags.

usage: .venv/bin/python tools/blind_packet.py FILE_OF_ITEM_PATHS  (one item yaml path per line)

The reviewer answers from this packet before opening the item files (docs/reviews/).
"""

import sys
from pathlib import Path

import yaml


def main(listing: str) -> None:
    for path in Path(listing).read_text(encoding="utf-8").split():
        item = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        print("=" * 60)
        print(item["id"], "|", item["standard"], item["task"], "|", item["type"])
        print(item["stem"])
        for label, text in (item.get("options") or {}).items():
            print(f"  {label}. {text}")
        if item["type"] == "true_false":
            print("  (是非題：true / false)")


if __name__ == "__main__":
    main(sys.argv[1])
