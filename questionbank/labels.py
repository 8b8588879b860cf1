"""Words people read for the product's enumerations (Traditional Chinese as used in Taiwan).

Problem codes have their words in the catalog (``problems``); band titles are in ``scoring``.
"""

from __future__ import annotations

CODE_STATUS = {"unused": "未使用", "in-progress": "作答中", "submitted": "已交卷"}
ITEM_TYPES = {"single": "單選", "multiple": "複選", "true_false": "是非"}
COGNITIVE_LEVELS = {"remember": "記憶", "understand": "理解", "apply": "應用", "analyze": "分析"}
DIFFICULTIES = {"easy": "易", "medium": "中", "hard": "難"}
FORM_KINDS = {"official": "正式考試", "practice": "練習"}
